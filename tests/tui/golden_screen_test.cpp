// Golden screens: the whole dashboard, every cell's text, at fixed sizes over a fixed engine,
// compared byte for byte with tests/golden/screen_*.txt (as FTXUI tests whole screens). A
// change anywhere in the layout, the header, a panel, the chart or the hint bar shows here
// as a diff of the screen a user would see.
//
// Regenerate after an intended change (then review the diff like any other):
//   S3TOP_UPDATE_GOLDEN=1 build/tests/s3top_tui_tests --gtest_filter='GoldenScreen.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/test_support.hpp"
#include "tests/tui/tui_fixture.hpp"

namespace s3top::tui {
namespace {

using test::kT0;
using test::Req;

constexpr std::uint64_t KiB = 1024, MiB = 1024 * 1024;

/// Twelve orgs over a day, a few clients, errors, uploads and a hostile key.
std::vector<Req> a_day() {
    std::vector<Req> reqs;
    const char* orgs[] = {"acme-17", "globex",    "initech",   "umbrella", "stark-33", "wayne",
                          "hooli",   "piedpiper", "cyberdyne", "tyrell",   "soylent",  "wonka"};
    for (int i = 0; i < 240; ++i) {
        Req r;
        r.org = orgs[(i * 7) % 12 < 3 ? 0 : (i * 5) % 12];
        r.sent = static_cast<std::uint64_t>((i % 13) + 1) * 97 * KiB + (r.org == "acme-17" ? 3 * MiB : 0);
        r.time = kT0 + i * 360;  // a day, every 6 minutes
        r.ip = "10.0." + std::to_string(i % 3) + "." + std::to_string(i % 7);
        r.ua = i % 4 == 0 ? "aws-cli/2.15" : i % 4 == 1 ? "Boto3/1.34" : "curl/8.0";
        r.key = "data/" + std::to_string(2024 + i % 2) + "/part-" + std::to_string(i % 9) + ".parquet";
        if (i % 17 == 0) {
            r.status = 404;
            r.error = "NoSuchKey";
        }
        if (i % 29 == 0) {
            r.status = 503;
            r.error = "SlowDown";
        }
        if (i % 11 == 0) {
            r.op = "REST.PUT.OBJECT";
            r.in = 2 * MiB;
            r.sent = 0;
        }
        reqs.push_back(r);
    }
    reqs.push_back(Req{.org = "evil\x1b[2J", .sent = 10, .time = kT0 + 100, .key = "k\x07\xff"});
    return reqs;
}

std::string screen_text(const Canvas& c) {
    std::string out;
    for (int y = 0; y < c.height(); ++y) out += c.row(y) + "\n";
    return out;
}

void check_screen(const std::string& name, const std::string& actual) {
    const auto dir = std::filesystem::path(S3TOP_SOURCE_DIR) / "tests" / "golden";
    const auto path = dir / name;
    if (std::getenv("S3TOP_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; regenerate with S3TOP_UPDATE_GOLDEN=1";
    EXPECT_EQ(s3top::test::read_file(path), actual)
        << name << " differs; if intended: S3TOP_UPDATE_GOLDEN=1 build/tests/s3top_tui_tests "
        << "--gtest_filter='GoldenScreen.*' and review the diff";
}

std::string render_screen(const UiState& ui) {
    const auto engine = test::make_engine(a_day());
    return screen_text(test::render_to_canvas(test::snapshot_of(*engine, ui), ui));
}

TEST(GoldenScreen, Default80x24) { check_screen("screen_80x24.txt", render_screen(test::ui_of(80, 24))); }

TEST(GoldenScreen, Default132x43) { check_screen("screen_132x43.txt", render_screen(test::ui_of(132, 43))); }

TEST(GoldenScreen, AsciiExactNumbersSortedByRequests100x30) {
    UiState ui = test::ui_of(100, 30);
    ui.unicode = false;
    ui.exact = true;
    for (auto& s : ui.slots) s.sort = SortBy::Requests;
    check_screen("screen_100x30_ascii_exact.txt", render_screen(ui));
}

}  // namespace
}  // namespace s3top::tui
