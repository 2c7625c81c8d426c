// [log.json] in the config maps a custom JSON access log onto records.
#include <gtest/gtest.h>

#include "core/config/config.hpp"
#include "core/parse/format_registry.hpp"

namespace s3top {
namespace {

TEST(ConfigJsonFields, MapsACustomJsonLog) {
    auto c = apply_config_text(
        builtin_config(),
        "[log.json]\ntime = \"/t\"\nremote_ip = \"/client\"\nuri = \"/req/url\"\nmethod = \"/req/m\"\n"
        "status = \"/code\"\nbytes_sent = \"/out\"\nduration = \"/ms\"\nduration_unit = \"ms\"\n",
        "my.conf", ".");
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->json_fields.remote_ip, "/client");
    EXPECT_EQ(c->json_fields.duration_unit, JsonFieldMap::Unit::Milliseconds);
    FormatOptions o;
    o.json_fields = std::make_shared<const JsonFieldMap>(c->json_fields);
    auto p = make_line_parser("jsonl", o);
    ASSERT_TRUE(p) << p.error();
    const std::string line =
        R"({"t":"2024-03-01T00:00:05Z","client":"203.0.113.7","req":{"url":"/b/k.bin?org=acme","m":"GET"},"code":206,"out":1234,"ms":15})";
    auto r = (*p)->parse(line);
    ASSERT_TRUE(r) << reject_reason_name(r.error().reason);
    EXPECT_EQ(r->remote_ip, "203.0.113.7");
    EXPECT_EQ(r->path, "/b/k.bin");
    EXPECT_EQ(r->query, "org=acme");
    EXPECT_EQ(r->status, 206);
    EXPECT_EQ(r->bytes_sent, 1234u);
    EXPECT_EQ(r->total_time_ms, 15u);
    EXPECT_EQ(r->time, 1709251205);
}

TEST(ConfigJsonFields, ErrorsNameFileLineAndKey) {
    auto bad_unit = apply_config_text(builtin_config(), "[log.json]\nduration_unit = \"weeks\"\n", "my.conf", ".");
    ASSERT_FALSE(bad_unit);
    EXPECT_NE(bad_unit.error().to_string().find("log.json.duration_unit"), std::string::npos)
        << bad_unit.error().to_string();
    EXPECT_NE(bad_unit.error().to_string().find("my.conf:2"), std::string::npos) << bad_unit.error().to_string();
    auto bad_ptr = apply_config_text(builtin_config(), "[log.json]\nstatus = \"code\"\n", "my.conf", ".");
    ASSERT_FALSE(bad_ptr);
    EXPECT_NE(bad_ptr.error().message.find("JSON pointer"), std::string::npos);
    auto unknown = apply_config_text(builtin_config(), "[log.json]\nnope = \"/x\"\n", "my.conf", ".");
    ASSERT_FALSE(unknown);
}

}  // namespace
}  // namespace s3top
