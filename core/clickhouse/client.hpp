#pragma once
// ClickHouse's HTTP interface, through core/s3's libcurl wrapper: a statement per request, an
// error as one line (the server's first line, or why it could not be reached), never with the
// credentials. Safe to use from several threads (a curl handle each, kept for reuse).
#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/clickhouse/target.hpp"
#include "core/ingest/pending_batch.hpp"

namespace s3top::s3 {
class HttpClient;
}

namespace s3top::clickhouse {

class Client {
public:
    explicit Client(Target target);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    const Target& target() const { return target_; }
    /// From now on every request fails at once ("cancelled"), and those under way stop within
    /// about a second: for ending while ClickHouse does not answer (the dashboard quits).
    void cancel() { cancelled_.store(true); }
    bool cancelled() const { return cancelled_.load(); }

    /// Runs `sql` on host `host`; its answer (up to 256 MiB), or a one-line error naming the host.
    std::expected<std::string, std::string> query(std::size_t host, std::string_view sql);
    /// Runs a SELECT on host `host` whose text may be long (a filter's value lists): up to
    /// 256 MiB of SQL, where the server's default is 256 KiB.
    std::expected<std::string, std::string> select(std::size_t host, std::string_view sql);
    /// Inserts records in Native blocks (insert_statement(), NativeColumnsWriter): the body is what
    /// `next` gives until an empty piece, `size` bytes in all, sent as query `query_id`,
    /// gzip-compressed when the target says so (Target::gzip), else sent as made; the bytes of
    /// the body sent.
    std::expected<std::size_t, std::string> insert(std::size_t host, std::uint64_t size,
                                                   const std::function<std::string_view()>& next,
                                                   std::string_view query_id);
    /// Inserts a batch's storage events (storage rows: storage_rows.hpp) into the storage table
    /// (TABLE_storage) as query storage_query_id(), as insert() does: before its lines row, so a
    /// lines row says they all landed.
    std::expected<std::size_t, std::string> insert_storage(std::uint32_t host, std::uint64_t batch_id,
                                                           std::string rows);
    /// Inserts a batch's line counters and its failed object-changing requests into the lines
    /// table (TABLE_lines) as query lines_query_id(), with the paths its records' file numbers
    /// name (EncodedColumns::files): before its records, so records never land without them.
    std::expected<void, std::string> insert_lines(std::uint32_t host, std::uint64_t batch_id, const LineCounters& lines,
                                                  std::int64_t newest_source_mtime, std::uint64_t storage_failed,
                                                  std::string_view org_from, const std::vector<std::string>& files);
    /// Of `names` (file names without their folders, of S3 log objects: digits, '-', hex), those
    /// the lines table on host `host` names a file of (the files its batches' rows came from).
    std::expected<std::vector<std::string>, std::string> files_sent(std::size_t host,
                                                                    const std::vector<std::string>& names);
    /// The tables exist on host `host` with every column of record_columns(), lines_columns()
    /// and storage_columns(): else which is missing.
    std::expected<void, std::string> check_table(std::size_t host);
    /// The table `table` exists on host `host` with every column of `want`: else one line
    /// naming what is missing.
    std::expected<void, std::string> check_columns(std::size_t host, const std::string& table,
                                                   const std::vector<std::string_view>& want);
    /// Whether pending batch `p` landed: waits while its inserts still run on the servers, then
    /// counts its lines row (on lines_host()) and each part's rows by batch id. The lines row
    /// (which is sent after the batch's storage events, so it says they landed) and every part
    /// whole: true; nothing: false; some of it: what landed is deleted again (ALTER TABLE ...
    /// DELETE, waited for; the lines row first) and false. A part in part: an error.
    std::expected<bool, std::string> landed(const PendingBatch& p);

private:
    /// The columns of `want` that table `table` on host `host` lacks, comma-separated (empty:
    /// none); an error when it cannot be asked or the table does not exist.
    std::expected<std::string, std::string> missing_columns(std::size_t host, const std::string& table,
                                                            const std::vector<std::string_view>& want);
    std::expected<std::size_t, std::string> insert_into(std::size_t host, const std::string& statement,
                                                        std::string rows, std::string_view query_id);
    std::expected<void, std::string> wait_not_running(std::uint32_t host, const std::string& query_id);
    std::expected<std::uint64_t, std::string> count_lines(std::uint32_t host, std::uint64_t id);
    std::expected<std::uint64_t, std::string> count_storage(std::uint32_t host, std::uint64_t id);
    /// Deletes the rows of batch `id` from `table` on `host` and waits until `count` says none.
    std::expected<void, std::string> take_out(std::uint32_t host, const std::string& table, std::uint64_t id,
                                              const std::function<std::expected<std::uint64_t, std::string>()>& count);
    std::expected<std::uint64_t, std::string> count_batch(std::uint32_t host, std::uint64_t id, std::int64_t min_time,
                                                          std::int64_t max_time);
    /// `source`, when set, is the body instead of `body`, `source_size` bytes (HttpRequest::body_source).
    std::expected<std::string, std::string> post(std::size_t host, std::string_view url_query, std::string body,
                                                 bool gzipped, std::function<std::string_view()> source = {},
                                                 std::uint64_t source_size = 0);
    Target target_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<s3::HttpClient>> idle_;
    std::atomic<bool> cancelled_{false};
};

/// The query id of a batch's insert (the batch id in hex): how a restart finds it still running.
std::string batch_query_id(std::uint64_t batch_id);
/// The query id of a batch's lines row insert.
std::string lines_query_id(std::uint64_t batch_id);
/// The query id of a batch's storage events insert.
std::string storage_query_id(std::uint64_t batch_id);
/// The host a batch's lines row goes to: its first part's, or the first host without parts.
std::uint32_t lines_host(const PendingBatch& p);

}  // namespace s3top::clickhouse
