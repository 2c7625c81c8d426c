#include "core/clickhouse/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/clickhouse/report_query.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"
#include "core/clickhouse/storage_rows.hpp"
#include "core/parse/parse_error.hpp"
#include "core/s3/http.hpp"

namespace s3top::clickhouse {
namespace {

/// The server's message, one line: "Code: 60, e.displayText() = DB::Exception: Table x doesn't
/// exist, e.what() = DB::Exception" -> "Code: 60: Table x doesn't exist".
std::string server_message(std::string_view body) {
    body = body.substr(0, body.find('\n'));
    std::string_view code;
    if (body.starts_with("Code: ")) code = body.substr(0, body.find(','));
    constexpr std::string_view kText = "DB::Exception: ";
    if (const auto at = body.find(kText); at != std::string_view::npos) body = body.substr(at + kText.size());
    if (const auto tail = body.rfind(", e.what() = "); tail != std::string_view::npos) body = body.substr(0, tail);
    if (body.size() > 400) body = body.substr(0, 400);
    std::string out = code.empty() ? std::string(body) : fmt::format("{}: {}", code, body);
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return out;
}

std::string url_encode(std::string_view s) {
    std::string out;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out.push_back(ch);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

}  // namespace

std::string batch_query_id(std::uint64_t batch_id) { return fmt::format("s3top-{:016x}", batch_id); }

Client::Client(Target target) : target_(std::move(target)) {}
Client::~Client() = default;

std::expected<std::string, std::string> Client::post(std::size_t host, std::string_view url_query, std::string body,
                                                     bool gzipped, std::function<std::string_view()> source,
                                                     std::uint64_t source_size) {
    const std::string where = fmt::format("{}:{}", target_.hosts[host].name, target_.hosts[host].port);
    if (cancelled_.load()) return std::unexpected(fmt::format("ClickHouse at {}: cancelled", where));
    std::unique_ptr<s3::HttpClient> http;
    {
        std::lock_guard l(mutex_);
        if (!idle_.empty()) {
            http = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!http) http = std::make_unique<s3::HttpClient>();
    s3::HttpRequest req;
    req.method = "POST";
    req.url = target_.base_url(host) + std::string(url_query);
    req.headers = {{"X-ClickHouse-User", target_.user}};
    if (!target_.password.empty()) req.headers.emplace_back("X-ClickHouse-Key", target_.password);
    if (gzipped) req.headers.emplace_back("Content-Encoding", "gzip");
    req.body = std::move(body);
    req.body_source = std::move(source);
    req.body_size = source_size;
    req.max_body_bytes = std::size_t{256} << 20;
    req.connect_timeout = std::chrono::milliseconds(5000);
    req.stall_timeout = std::chrono::milliseconds(120000);
    req.cancel = &cancelled_;
    auto resp = http->perform(req);
    {
        std::lock_guard l(mutex_);
        idle_.push_back(std::move(http));
    }
    if (!resp && resp.error().cancelled) return std::unexpected(fmt::format("ClickHouse at {}: cancelled", where));
    if (!resp)
        return std::unexpected(fmt::format("ClickHouse at {} cannot be reached: {}", where, resp.error().message));
    if (resp->status != 200)
        return std::unexpected(
            fmt::format("ClickHouse at {} refused (HTTP {}): {}", where, resp->status, server_message(resp->body)));
    return std::move(resp->body);
}

std::expected<std::string, std::string> Client::query(std::size_t host, std::string_view sql) {
    return post(host, "", std::string(sql), false);
}

std::expected<std::string, std::string> Client::select(std::size_t host, std::string_view sql) {
    return post(host, "?max_query_size=268435456", std::string(sql), false);
}

std::expected<std::size_t, std::string> Client::insert(std::size_t host, std::uint64_t size,
                                                       const std::function<std::string_view()>& next,
                                                       std::string_view query_id) {
    // One part per insert, however big: ClickHouse writes a part each time the blocks it has
    // gathered pass min_insert_block_size_rows or _bytes (256 MiB by default, which one host's
    // share of a batch of long lines can pass; a server's profile may set less), and a part
    // written while the rest was still coming would stay after a crash: the lookup would find
    // the batch "not one insert". More rows than any part, bytes not counted (0); both settings
    // are read alike by 18.16 and current releases.
    const std::string q = "?query_id=" + url_encode(query_id) +
                          "&min_insert_block_size_rows=1073741824&min_insert_block_size_bytes=0&query=" +
                          url_encode(insert_statement(target_.database, target_.table));
    if (target_.gzip) {  // compressed as it is made, never whole first
        std::string body = gzip_compress(next, size);
        const std::size_t bytes = body.size();
        auto r = post(host, q, std::move(body), true);
        if (!r) return std::unexpected(r.error());
        return bytes;
    }
    auto r = post(host, q, {}, false, next, size);
    if (!r) return std::unexpected(r.error());
    return size;
}

std::expected<std::size_t, std::string> Client::insert_into(std::size_t host, const std::string& statement,
                                                            std::string rows, std::string_view query_id) {
    const std::string q = "?query_id=" + url_encode(query_id) + "&query=" + url_encode(statement);
    if (target_.gzip) rows = gzip_compress(rows);
    const std::size_t bytes = rows.size();
    auto r = post(host, q, std::move(rows), target_.gzip);
    if (!r) return std::unexpected(r.error());
    return bytes;
}

std::expected<std::string, std::string> Client::missing_columns(std::size_t host, const std::string& table,
                                                                const std::vector<std::string_view>& want) {
    auto r = query(host, fmt::format("SELECT name FROM system.columns WHERE database = '{}' AND table = '{}' "
                                     "FORMAT TabSeparated",
                                     target_.database, table));
    if (!r) return std::unexpected(r.error());
    if (r->empty())
        return std::unexpected(fmt::format("ClickHouse at {}:{} has no table {}.{} (s3top schema clickhouse prints it)",
                                           target_.hosts[host].name, target_.hosts[host].port, target_.database,
                                           table));
    std::vector<std::string_view> have;
    for (std::string_view rest = *r; !rest.empty();) {
        const auto nl = rest.find('\n');
        have.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    std::string missing;
    for (const std::string_view c : want) {
        if (std::find(have.begin(), have.end(), c) == have.end())
            missing += fmt::format("{}{}", missing.empty() ? "" : ", ", c);
    }
    return missing;
}

std::expected<void, std::string> Client::check_columns(std::size_t host, const std::string& table,
                                                       const std::vector<std::string_view>& want) {
    auto missing = missing_columns(host, table, want);
    if (!missing) return std::unexpected(missing.error());
    if (!missing->empty())
        return std::unexpected(
            fmt::format("ClickHouse at {}:{}: table {}.{} has no column {} (s3top schema "
                        "clickhouse prints the table)",
                        target_.hosts[host].name, target_.hosts[host].port, target_.database, table, *missing));
    return {};
}

std::expected<void, std::string> Client::check_table(std::size_t host) {
    std::vector<std::string_view> records, lines, storage;
    for (const Column& c : record_columns()) records.push_back(c.name);
    for (const LinesColumn& c : lines_columns()) lines.push_back(c.name);
    for (const StorageColumn& c : storage_columns()) storage.push_back(c.name);
    // Tables an s3top before file numbers made (source_file, a path on every row) take no insert
    // of today's: one line saying how to bring them up to date.
    auto shape = missing_columns(host, target_.table, {"file_number", "source_file"});
    if (!shape) return std::unexpected(shape.error());
    if (*shape == "file_number")
        return std::unexpected(fmt::format(
            "ClickHouse at {0}:{1}: table {2}.{3} is an older s3top's (a path on every row, no file_number): on each "
            "shard run ALTER TABLE {2}.{3} ADD COLUMN file_number UInt32 and ALTER TABLE {2}.{4} ADD COLUMN files "
            "Array(String) (and on their _all tables), or ingest into new tables (s3top schema clickhouse)",
            target_.hosts[host].name, target_.hosts[host].port, target_.database, target_.table,
            lines_table(target_.table)));
    if (auto ok = check_columns(host, target_.table, records); !ok) return ok;
    if (auto ok = check_columns(host, lines_table(target_.table), lines); !ok) return ok;
    return check_columns(host, storage_table(target_.table), storage);
}

std::string lines_query_id(std::uint64_t batch_id) { return batch_query_id(batch_id) + "-lines"; }
std::string storage_query_id(std::uint64_t batch_id) { return batch_query_id(batch_id) + "-storage"; }

std::expected<std::size_t, std::string> Client::insert_storage(std::uint32_t host, std::uint64_t batch_id,
                                                               std::string rows) {
    return insert_into(host, storage_insert_statement(target_.database, storage_table(target_.table)), std::move(rows),
                       storage_query_id(batch_id));
}

std::uint32_t lines_host(const PendingBatch& p) { return p.parts.empty() ? 0 : p.parts.front().host; }

std::expected<void, std::string> Client::insert_lines(std::uint32_t host, std::uint64_t batch_id,
                                                      const LineCounters& lines, std::int64_t newest_source_mtime,
                                                      std::uint64_t storage_failed, std::string_view org_from,
                                                      const std::vector<std::string>& files) {
    std::string reasons, counts, paths;
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        if (!lines.unparsed[i]) continue;
        reasons += fmt::format("{}'{}'", reasons.empty() ? "" : ", ", reject_reason_name(static_cast<RejectReason>(i)));
        counts += fmt::format("{}{}", counts.empty() ? "" : ", ", lines.unparsed[i]);
    }
    for (const std::string& f : files) paths += fmt::format("{}{}", paths.empty() ? "" : ", ", sql_string(f));
    const std::string sql = fmt::format(
        "INSERT INTO {}.{} (batch_id, lines_read, lines_parsed, bytes_read, newest_source_mtime, reasons, "
        "reason_lines, storage_failed, org_from, files) VALUES ({}, {}, {}, {}, {}, [{}], [{}], {}, {}, [{}])",
        target_.database, lines_table(target_.table), batch_id, lines.read, lines.parsed, lines.bytes,
        newest_source_mtime, reasons, counts, storage_failed, sql_string(org_from), paths);
    auto r = post(host, "?query_id=" + url_encode(lines_query_id(batch_id)), sql, false);
    if (!r) return std::unexpected(r.error());
    return {};
}

std::expected<void, std::string> Client::wait_not_running(std::uint32_t host, const std::string& query_id) {
    // An insert the crash left running on the server may still land: wait for it to end.
    for (int i = 0;; ++i) {
        auto running = query(host, fmt::format("SELECT count() FROM system.processes WHERE query_id = '{}'", query_id));
        if (!running) return std::unexpected(running.error());
        if (running->starts_with("0")) return {};
        if (i >= 600) return std::unexpected("its insert is still running on the server after a minute");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::expected<std::vector<std::string>, std::string> Client::files_sent(std::size_t host,
                                                                        const std::vector<std::string>& names) {
    std::vector<std::string> out;
    constexpr std::size_t kPerQuery = 20000;  // ~800 KB of SQL a query
    for (std::size_t at = 0; at < names.size(); at += kPerQuery) {
        std::string list;
        for (std::size_t i = at; i < std::min(names.size(), at + kPerQuery); ++i)
            list += fmt::format("{}'{}'", list.empty() ? "" : ",", names[i]);
        auto answer = select(host, fmt::format("SELECT DISTINCT name FROM (SELECT replaceRegexpOne(arrayJoin(files), "
                                               "'^.*/', '') AS name FROM {}.{}) WHERE name IN ({}) FORMAT TabSeparated",
                                               target_.database, lines_table(target_.table), list));
        if (!answer) return std::unexpected(answer.error());
        for (std::size_t pos = 0; pos < answer->size();) {
            std::size_t nl = answer->find('\n', pos);
            if (nl == std::string::npos) nl = answer->size();
            if (nl > pos) out.emplace_back(answer->substr(pos, nl - pos));
            pos = nl + 1;
        }
    }
    return out;
}

std::expected<std::uint64_t, std::string> Client::count_lines(std::uint32_t host, std::uint64_t id) {
    auto n = query(host, fmt::format("SELECT count() FROM {}.{} WHERE batch_id = {}", target_.database,
                                     lines_table(target_.table), id));
    if (!n) return std::unexpected(n.error());
    return std::strtoull(n->c_str(), nullptr, 10);
}

std::expected<std::uint64_t, std::string> Client::count_storage(std::uint32_t host, std::uint64_t id) {
    auto n = query(host, fmt::format("SELECT count() FROM {}.{} WHERE batch_id = {}", target_.database,
                                     storage_table(target_.table), id));
    if (!n) return std::unexpected(n.error());
    return std::strtoull(n->c_str(), nullptr, 10);
}

std::expected<void, std::string> Client::take_out(
    std::uint32_t host, const std::string& table, std::uint64_t id,
    const std::function<std::expected<std::uint64_t, std::string>()>& count) {
    auto del = query(host, fmt::format("ALTER TABLE {}.{} DELETE WHERE batch_id = {}", target_.database, table, id));
    if (!del) return std::unexpected(del.error());
    for (int tries = 0;; ++tries) {
        auto n = count();
        if (!n) return std::unexpected(n.error());
        if (*n == 0) return {};
        if (tries >= 600) return std::unexpected("the rows of a partly inserted batch are still there after a minute");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::expected<std::uint64_t, std::string> Client::count_batch(std::uint32_t host, std::uint64_t id,
                                                              std::int64_t min_time, std::int64_t max_time) {
    auto n = query(host, fmt::format("SELECT count() FROM {}.{} WHERE time >= toDateTime({}) AND time <= "
                                     "toDateTime({}) AND batch_id = {}",
                                     target_.database, target_.table, min_time, max_time, id));
    if (!n) return std::unexpected(n.error());
    return std::strtoull(n->c_str(), nullptr, 10);
}

std::expected<bool, std::string> Client::landed(const PendingBatch& p) {
    // Sent in this order: the storage events, the lines row, the records. So the lines row says
    // the storage events landed, and records cannot be there without it.
    const std::uint32_t lhost = lines_host(p);
    if (lhost >= target_.hosts.size())
        return std::unexpected(
            fmt::format("was sent to host {} of {}, which --to no longer names", lhost + 1, target_.hosts.size()));
    if (auto idle = wait_not_running(lhost, storage_query_id(p.id)); !idle) return std::unexpected(idle.error());
    if (auto idle = wait_not_running(lhost, lines_query_id(p.id)); !idle) return std::unexpected(idle.error());
    auto lines = count_lines(lhost, p.id);
    if (!lines) return std::unexpected(lines.error());
    if (*lines > 1)
        return std::unexpected(fmt::format("its line counters are in {}.{} {} times", target_.database,
                                           lines_table(target_.table), *lines));
    std::vector<std::uint64_t> found;
    for (const PendingBatch::Part& part : p.parts) {
        if (part.host >= target_.hosts.size())
            return std::unexpected(fmt::format("was sent to host {} of {}, which --to no longer names", part.host + 1,
                                               target_.hosts.size()));
        if (auto idle = wait_not_running(part.host, batch_query_id(p.id)); !idle) return std::unexpected(idle.error());
        auto n = count_batch(part.host, p.id, part.min_time, part.max_time);
        if (!n) return std::unexpected(n.error());
        if (*n != 0 && *n != part.rows)
            return std::unexpected(fmt::format("{} of its {} rows are in {}.{} on host {}: not one insert", *n,
                                               part.rows, target_.database, target_.table, part.host + 1));
        found.push_back(*n);
    }
    std::size_t complete = 0;
    for (std::size_t i = 0; i < found.size(); ++i) complete += found[i] == p.parts[i].rows ? 1 : 0;
    if (complete == found.size() && *lines == 1) return true;
    // Some hosts took their part, others not (or the lines row alone landed): what landed is
    // taken out again, the lines row first (while it is there, the storage events count as
    // whole), and the whole batch is read and sent anew.
    if (*lines) {
        auto gone = take_out(lhost, lines_table(target_.table), p.id, [&] { return count_lines(lhost, p.id); });
        if (!gone) return std::unexpected(gone.error());
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (found[i] == 0) continue;
        const PendingBatch::Part& part = p.parts[i];
        auto gone = take_out(part.host, target_.table, p.id,
                             [&] { return count_batch(part.host, p.id, part.min_time, part.max_time); });
        if (!gone) return std::unexpected(gone.error());
    }
    auto events = count_storage(lhost, p.id);
    if (!events) return std::unexpected(events.error());
    if (*events) {
        auto gone = take_out(lhost, storage_table(target_.table), p.id, [&] { return count_storage(lhost, p.id); });
        if (!gone) return std::unexpected(gone.error());
    }
    return false;
}

}  // namespace s3top::clickhouse
