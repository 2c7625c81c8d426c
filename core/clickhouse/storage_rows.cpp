#include "core/clickhouse/storage_rows.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/clickhouse/answer_reader.hpp"
#include "core/clickhouse/report_query.hpp"
#include "core/clickhouse/row_binary.hpp"
#include "core/clickhouse/schema.hpp"

namespace s3top::clickhouse {
namespace {

/// The operation kStorageOps names first for `op` (to `to`): how the change is written down.
std::string_view change_name(StorageOp op, StorageClass to) {
    for (const StorageOpInfo& info : kStorageOps) {
        if (info.op == op && (op != StorageOp::Transition || info.to == to)) return info.operation;
    }
    return {};
}

}  // namespace

std::string encode_storage_rows(const StorageLines& lines, std::uint64_t batch_id) {
    // Room for exactly the rows, counted first: a string doubling as it fills copied them and
    // faulted in fresh pages for both copies, a batch's worth each time (a third of an ingest's
    // page faults were its storage events).
    const auto string_size = [&](TextRef r) { return varint_size(r.size) + r.size; };
    std::size_t size = 0;
    for (const StorageLine& l : lines.lines) {
        const std::size_t change = change_name(l.op, l.to).size();
        size += sizeof batch_id + sizeof l.time + sizeof l.at + sizeof l.part + 1 + (l.has_size ? sizeof l.size : 0) +
                string_size(l.path) + string_size(l.org) + string_size(l.bucket) + string_size(l.key) +
                varint_size(change) + change + string_size(l.version) + string_size(l.upload);
    }
    std::string out;
    out.reserve(size);
    for (const StorageLine& l : lines.lines) {
        put_number(out, batch_id);
        put_number(out, l.time);
        put_string(out, lines.view(l.path));
        put_number(out, l.at);
        put_string(out, lines.view(l.org));
        put_string(out, lines.view(l.bucket));
        put_string(out, lines.view(l.key));
        put_string(out, change_name(l.op, l.to));
        if (l.has_size) {
            out.push_back(0);
            put_number(out, l.size);
        } else {
            out.push_back(1);  // NULL
        }
        put_string(out, lines.view(l.version));
        put_string(out, lines.view(l.upload));
        put_number(out, l.part);
    }
    return out;
}

std::string storage_insert_statement(std::string_view database, std::string_view table) {
    std::string cols;
    for (const StorageColumn& c : storage_columns()) cols += fmt::format("{}{}", cols.empty() ? "" : ", ", c.name);
    return fmt::format("INSERT INTO {}.{} ({}) FORMAT RowBinary", database, table, cols);
}

std::string storage_page_sql(std::string_view table, const std::optional<StorageRowKey>& after, std::size_t limit,
                             const std::vector<std::uint64_t>& batches) {
    std::string where;
    if (after) {
        // (time, source_file, source_offset, batch_id) > after, spelled out: tuple comparison
        // is newer than ClickHouse 18.
        where = fmt::format(
            "time > {0} OR (time = {0} AND (source_file > {1} OR (source_file = {1} AND "
            "(source_offset > {2} OR (source_offset = {2} AND batch_id > {3})))))",
            after->time, sql_string(after->file), after->offset, after->batch);
    }
    if (!batches.empty()) {
        where = fmt::format("batch_id IN ({}){}", fmt::join(batches, ", "),
                            where.empty() ? std::string() : " AND (" + where + ")");
    }
    if (!where.empty()) where = " WHERE " + where;
    std::string cols;
    for (const StorageColumn& c : storage_columns()) cols += fmt::format("{}{}", cols.empty() ? "" : ", ", c.name);
    return fmt::format(
        "SELECT {} FROM {}{} ORDER BY time, source_file, source_offset, batch_id LIMIT {} FORMAT RowBinary", cols,
        table, where, limit);
}

std::expected<StoragePage, std::string> read_storage_page(std::string_view answer, StorageLines& out) {
    AnswerReader r(answer);
    StoragePage page;
    TextRef path;  // a page's events come from few files: each one's text kept once per run
    std::string_view last_file;
    std::uint64_t last_batch = 0;
    while (!r.done()) {
        StorageLine l;
        const auto batch = r.number<std::uint64_t>();
        l.time = r.number<std::int64_t>();
        const std::string_view file = r.string();
        l.at = r.number<std::uint64_t>();
        l.org = out.keep(r.string());
        l.bucket = out.keep(r.string());
        l.key = out.keep(r.string());
        const std::string_view change = r.string();
        l.has_size = r.number<std::uint8_t>() == 0;
        if (l.has_size) l.size = r.number<std::uint64_t>();
        const std::string_view version = r.string(), upload = r.string();
        l.part = r.number<std::uint16_t>();
        if (!r.ok()) return std::unexpected(garbled("storage events"));
        const StorageOpInfo* info = storage_op_of(change);
        if (!info)
            return std::unexpected(
                fmt::format("the storage table names a change this s3top does not know: {}", sql_string(change)));
        l.op = info->op;
        l.to = info->to;
        if (!version.empty()) l.version = out.keep(version);
        if (!upload.empty()) l.upload = out.keep(upload);
        if (!file.empty()) {
            if (out.view(path) != file) path = out.keep(file);
            l.path = path;
        }
        out.lines.push_back(l);
        ++page.rows;
        last_file = file;
        last_batch = batch;
    }
    if (page.rows > 0) {
        const StorageLine& l = out.lines.back();
        page.last = StorageRowKey{l.time, std::string(last_file), l.at, last_batch};
    }
    return page;
}

std::string storage_batches_sql(std::string_view lines_table) {
    return fmt::format(
        "SELECT batch_id, toUInt8(isNull(storage_failed)), toUInt64(ifNull(storage_failed, 0)) FROM {} "
        "FORMAT RowBinary",
        lines_table);
}

std::expected<std::vector<StorageBatch>, std::string> read_storage_batches(std::string_view answer) {
    AnswerReader r(answer);
    std::vector<StorageBatch> out;
    while (!r.done()) {
        StorageBatch b;
        b.id = r.number<std::uint64_t>();
        b.without = r.number<std::uint8_t>() != 0;
        b.failed = r.number<std::uint64_t>();
        out.push_back(b);
    }
    if (!r.ok()) return std::unexpected(garbled("storage batches"));
    return out;
}

}  // namespace s3top::clickhouse
