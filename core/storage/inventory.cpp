#include "core/storage/inventory.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace s3top {
namespace {

constexpr std::size_t kMaxSamples = 5;

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

std::expected<std::string, std::string> read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::unexpected(std::string("cannot be opened"));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::unexpected(std::string("cannot be read"));
    return ss.str();
}

/// The whole of a gzip file, or why not (a file that is not gzip is read as it is).
std::expected<std::string, std::string> read_gzip(const std::filesystem::path& p) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return std::unexpected(std::string("not found"));
    gzFile gz = gzopen(p.c_str(), "rb");
    if (!gz) return std::unexpected(std::string("cannot be opened"));
    std::string out;
    std::vector<char> buf(1 << 16);
    for (;;) {
        const int got = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
        if (got < 0) {
            int err = 0;
            std::string why = gzerror(gz, &err);
            gzclose(gz);
            return std::unexpected("corrupt gzip (" + why + ")");
        }
        if (got == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(got));
    }
    int err = 0;
    const char* why = gzerror(gz, &err);
    if (err != Z_OK && err != Z_STREAM_END) {
        std::string w = why;
        gzclose(gz);
        return std::unexpected("corrupt gzip (" + w + ")");
    }
    if (gzclose(gz) != Z_OK) return std::unexpected(std::string("corrupt gzip (cut short)"));
    return out;
}

/// Where the data file `key` of the inventory's bucket is, synced beside `manifest`: the key
/// under the manifest's folder or one of its parents (aws s3 sync keeps keys as paths).
std::filesystem::path resolve_key(const std::filesystem::path& manifest, std::string_view key) {
    std::error_code ec;
    std::filesystem::path dir = manifest.parent_path();
    for (int up = 0; up < 16; ++up) {
        const auto candidate = dir / std::filesystem::path(std::string(key));
        if (std::filesystem::exists(candidate, ec)) return candidate;
        if (!dir.has_parent_path() || dir.parent_path() == dir) break;
        dir = dir.parent_path();
    }
    // Not found anywhere: also try the file name beside the manifest (a folder of copies).
    const auto beside = manifest.parent_path() / std::filesystem::path(std::string(key)).filename();
    if (std::filesystem::exists(beside, ec)) return beside;
    return manifest.parent_path() / std::filesystem::path(std::string(key));
}

bool parse_u64(std::string_view s, std::uint64_t& v) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::string InventoryError::describe() const {
    return row ? fmt::format("{} row {}: {}", file, row, message) : fmt::format("{}: {}", file, message);
}

std::expected<InventoryManifest, InventoryError> parse_inventory_manifest(std::string_view json,
                                                                          const std::filesystem::path& path) {
    auto fail = [&](std::string m) { return std::unexpected(InventoryError{path.string(), 0, std::move(m)}); };
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS)
        return fail("not a manifest.json (not JSON)");
    InventoryManifest m;
    m.path = path;
    std::string_view v;
    if (doc["fileFormat"].get_string().get(v) == simdjson::SUCCESS && v != "CSV")
        return fail(fmt::format("an inventory in {} is not read: configure the inventory's output format as CSV", v));
    // creationTimestamp: milliseconds since the epoch, as a string (AWS) or a number.
    std::uint64_t ms = 0;
    if (doc["creationTimestamp"].get_string().get(v) == simdjson::SUCCESS) {
        if (!parse_u64(v, ms)) return fail("creationTimestamp is not a number of milliseconds");
    } else if (doc["creationTimestamp"].get_uint64().get(ms) != simdjson::SUCCESS) {
        return fail("no creationTimestamp");
    }
    m.created = static_cast<std::int64_t>(ms / 1000);
    if (doc["sourceBucket"].get_string().get(v) == simdjson::SUCCESS) m.source_bucket = std::string(v);
    if (doc["fileSchema"].get_string().get(v) != simdjson::SUCCESS) return fail("no fileSchema");
    for (std::size_t pos = 0; pos <= v.size();) {
        std::size_t comma = v.find(',', pos);
        if (comma == std::string_view::npos) comma = v.size();
        m.columns.push_back(trim(v.substr(pos, comma - pos)));
        pos = comma + 1;
    }
    simdjson::dom::array files;
    if (doc["files"].get_array().get(files) != simdjson::SUCCESS) return fail("no files list");
    for (simdjson::dom::element f : files) {
        if (f["key"].get_string().get(v) != simdjson::SUCCESS) return fail("a files entry without a key");
        m.files.emplace_back(v);
    }
    return m;
}

namespace {

/// Every manifest.json PATH is or holds, parsed; sorted by path.
std::expected<std::vector<InventoryManifest>, InventoryError> all_manifests(const std::filesystem::path& path) {
    std::error_code ec;
    std::vector<std::filesystem::path> candidates;
    if (std::filesystem::is_directory(path, ec)) {
        for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (it->path().filename() == "manifest.json" && it->is_regular_file(ec)) candidates.push_back(it->path());
        }
        if (ec) return std::unexpected(InventoryError{path.string(), 0, "cannot be listed: " + ec.message()});
        if (candidates.empty()) return std::unexpected(InventoryError{path.string(), 0, "no manifest.json in it"});
    } else if (std::filesystem::exists(path, ec)) {
        candidates.push_back(path);
    } else {
        return std::unexpected(InventoryError{path.string(), 0, "not found"});
    }
    std::sort(candidates.begin(), candidates.end());
    std::vector<InventoryManifest> out;
    for (const auto& c : candidates) {
        auto text = read_text(c);
        if (!text) return std::unexpected(InventoryError{c.string(), 0, text.error()});
        auto m = parse_inventory_manifest(*text, c);
        if (!m) return std::unexpected(m.error());
        out.push_back(std::move(*m));
    }
    return out;
}

}  // namespace

std::expected<InventoryManifest, InventoryError> choose_inventory_manifest(const std::filesystem::path& path,
                                                                           std::int64_t at) {
    auto all = all_manifests(path);
    if (!all) return std::unexpected(all.error());
    std::optional<InventoryManifest> best;
    std::int64_t earliest = 0;
    for (auto& m : *all) {
        if (earliest == 0 || m.created < earliest) earliest = m.created;
        if (m.created <= at && (!best || m.created > best->created)) best = std::move(m);
    }
    if (!best)
        return std::unexpected(InventoryError{
            path.string(), 0,
            fmt::format("no inventory made at or before the period's start (the first is from {} UTC seconds)",
                        earliest)});
    return *best;
}

std::expected<std::vector<InventoryManifest>, InventoryError> later_inventory_manifests(
    const std::filesystem::path& path, const InventoryManifest& baseline, std::int64_t before) {
    auto all = all_manifests(path);
    if (!all) return std::unexpected(all.error());
    std::vector<InventoryManifest> out;
    for (auto& m : *all) {
        if (m.created > baseline.created && m.created < before && m.source_bucket == baseline.source_bucket)
            out.push_back(std::move(m));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const InventoryManifest& a, const InventoryManifest& b) { return a.created < b.created; });
    return out;
}

std::vector<std::string> split_inventory_csv(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (;;) {
        std::string field;
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (; i < line.size(); ++i) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        ++i;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    field += line[i];
                }
            }
            while (i < line.size() && line[i] != ',') ++i;  // anything after the closing quote
        } else {
            const std::size_t comma = std::min(line.find(',', i), line.size());
            field = std::string(line.substr(i, comma - i));
            i = comma;
        }
        out.push_back(std::move(field));
        if (i >= line.size()) break;
        ++i;  // the comma
        if (i == line.size()) {
            out.emplace_back();
            break;
        }
    }
    return out;
}

std::expected<void, InventoryError> read_inventory_rows(const InventoryManifest& m, std::string_view text,
                                                        const std::string& file, InventoryRead& out) {
    auto column = [&](std::string_view name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < m.columns.size(); ++i) {
            if (m.columns[i] == name) return i;
        }
        return std::nullopt;
    };
    const auto c_bucket = column("Bucket"), c_key = column("Key"), c_size = column("Size");
    const auto c_class = column("StorageClass"), c_version = column("VersionId"), c_latest = column("IsLatest");
    const auto c_marker = column("IsDeleteMarker");
    for (const auto& [c, name] : {std::pair{c_bucket, "Bucket"}, std::pair{c_key, "Key"}, std::pair{c_size, "Size"}}) {
        if (!c)
            return std::unexpected(
                InventoryError{m.path.string(), 0,
                               fmt::format("fileSchema has no {} column: the inventory cannot say "
                                           "what is stored (add the Size field to its configuration)",
                                           name)});
    }
    std::string_view rest = text;
    std::uint64_t row = 0;
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        ++row;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        const auto fields = split_inventory_csv(line);
        auto reject = [&](std::string why) {
            ++out.rejected;
            if (out.samples.size() < kMaxSamples) out.samples.push_back(InventoryError{file, row, why});
        };
        if (fields.size() < m.columns.size()) {
            reject(fmt::format("{} fields, the schema has {}", fields.size(), m.columns.size()));
            continue;
        }
        if (c_marker && fields[*c_marker] == "true") {
            ++out.delete_markers;
            continue;
        }
        InventoryRow r;
        r.bucket = fields[*c_bucket];
        r.key = fields[*c_key];
        if (!parse_u64(fields[*c_size], r.size)) {
            reject(fmt::format("Size '{}' is not a number", fields[*c_size].substr(0, 40)));
            continue;
        }
        if (c_class && !fields[*c_class].empty()) {
            const auto cls = parse_storage_class(fields[*c_class]);
            if (!cls) {
                reject(fmt::format("StorageClass '{}' is not known", fields[*c_class].substr(0, 40)));
                continue;
            }
            r.cls = *cls;
        }
        if (c_version) r.version = fields[*c_version];
        if (c_latest) r.latest = fields[*c_latest] != "false";
        out.rows.push_back(std::move(r));
    }
    return {};
}

std::expected<InventoryRead, InventoryError> read_inventory(const InventoryManifest& m) {
    InventoryRead out;
    if (auto schema = read_inventory_rows(m, "", "", out); !schema) return std::unexpected(schema.error());
    for (const std::string& key : m.files) {
        const auto file = resolve_key(m.path, key);
        auto text = read_gzip(file);
        if (!text) return std::unexpected(InventoryError{file.string(), 0, text.error()});
        if (auto rows = read_inventory_rows(m, *text, file.string(), out); !rows) return std::unexpected(rows.error());
    }
    return out;
}

}  // namespace s3top
