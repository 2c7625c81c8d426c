// libFuzzer target: the state file reader (core/ingest/state_store.cpp; its records decoded in
// core/ingest/state_records.cpp), with dedupe keys on.
// The input is cut into records — [type byte][u16 length][payload] each — that are wrapped with
// a valid record header and checksum (so mutations reach the decoders of Batch, Entries,
// HeadPrefixes, RequestIds, Storage and Snapshot payloads rather than dying at the checksum), behind a valid file
// header; the last input byte, when odd, also tears the file inside its last record.
// Properties: open() never crashes, and what it keeps reopens with no note (the file was cut
// back to whole records) and the same records, lines, dedupe keys, storage events and ledger entries. The same bytes
// are also opened by a streaming report engine (report mode folds the rows straight from the map): it must count the
// same lines and keys as the engine that keeps the records.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/ingest/request_ids.hpp"
#include "core/ingest/state_store.hpp"
#include "core/parse/parsing_rules.hpp"
#include "core/storage/storage_collector.hpp"
#include "core/util/stream_hash.hpp"

namespace {

std::string state_bytes(const std::uint8_t* data, std::size_t size) {
    std::string out("S3TOPST\n", 8);
    const std::uint32_t version = s3top::StateStore::kVersion, rules = s3top::kParsingRulesVersion;
    const std::uint64_t fingerprint = 42;
    out.append(reinterpret_cast<const char*>(&version), 4);
    out.append(reinterpret_cast<const char*>(&rules), 4);
    out.append(reinterpret_cast<const char*>(&fingerprint), 8);
    std::size_t pos = 0;
    while (pos + 3 <= size) {
        const std::uint32_t type = data[pos];
        std::size_t len = static_cast<std::size_t>(data[pos + 1]) | static_cast<std::size_t>(data[pos + 2]) << 8;
        pos += 3;
        len = std::min(len, size - pos);
        const std::string_view payload(reinterpret_cast<const char*>(data + pos), len);
        pos += len;
        const std::uint32_t magic = 0x53335231;
        const std::uint64_t n = len, sum = s3top::StreamHash::of(payload);
        out.append(reinterpret_cast<const char*>(&magic), 4);
        out.append(reinterpret_cast<const char*>(&type), 4);
        out.append(reinterpret_cast<const char*>(&n), 8);
        out.append(reinterpret_cast<const char*>(&sum), 8);
        out.append(payload);
    }
    if (size > 0 && (data[size - 1] & 1) && out.size() > 20) out.resize(out.size() - data[size - 1] % 17);
    return out;
}

struct Loaded {
    std::uint64_t records = 0, read = 0, keys = 0, no_id = 0, storage = 0;
    std::size_t notes = 0, entries = 0;
};

Loaded open_state(const std::filesystem::path& file, bool stream = false) {
    s3top::EngineConfig cfg;
    if (stream) cfg.stream = s3top::ReportSpec{};
    cfg.storage = std::make_shared<s3top::StorageCollector>();
    s3top::Engine engine(cfg);
    s3top::Ledger ledger;
    s3top::RequestIdSet ids;
    s3top::StateStore store;
    store.set_request_ids(&ids);
    std::vector<std::string> notes;
    if (!store.open(file, 42, engine, ledger, notes)) __builtin_trap();
    if (stream) (void)engine.report(s3top::ReportSpec{});
    return {engine.records(),    engine.lines().read, ids.size(),   ids.no_id(),
            cfg.storage->size(), notes.size(),        ledger.size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path dir = [] {
        char tmpl[] = "/tmp/fuzz_state.XXXXXX";
        const char* d = ::mkdtemp(tmpl);
        return std::filesystem::path(d ? d : "/tmp");
    }();
    const std::filesystem::path file = dir / "s.state";
    const std::string bytes = state_bytes(data, size);
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    const Loaded streamed = open_state(file, true);
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    const Loaded first = open_state(file);
    if (streamed.read != first.read || streamed.keys != first.keys || streamed.notes != first.notes ||
        streamed.storage != first.storage)
        __builtin_trap();
    const Loaded again = open_state(file);
    if (again.notes != 0 || again.records != first.records || again.read != first.read || again.keys != first.keys ||
        again.no_id != first.no_id || again.entries != first.entries || again.storage != first.storage)
        __builtin_trap();
    return 0;
}
