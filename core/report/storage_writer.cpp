#include "core/report/storage_writer.hpp"

#include <fmt/format.h>

#include <limits>

#include "core/billing/money.hpp"
#include "core/report/escape.hpp"
#include "core/report/html.hpp"
#include "core/report/terminal_text.hpp"
#include "core/report/text_table.hpp"
#include "core/report/units.hpp"
#include "core/report/unread_writer.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

std::string gb_months_text(std::int64_t nanos) { return format_scaled_decimal(nanos, 9, 9); }

std::string bytes_text(Int128 v, bool human) {
    if (human && v >= 0 && v <= Int128{std::numeric_limits<std::uint64_t>::max()})
        return human_bytes(static_cast<std::uint64_t>(v));
    return int128_decimal(v);
}

std::string grouped_int128(Int128 v) {
    if (v >= 0 && v <= Int128{std::numeric_limits<std::uint64_t>::max()}) return grouped(static_cast<std::uint64_t>(v));
    return int128_decimal(v);
}

std::string period_label(const StorageResult& r) {
    return fmt::format("{} to {}", format_iso8601(r.from), format_iso8601(r.to));
}

void group_json(std::string& out, const StorageGroup& g) {
    out += fmt::format(
        "\"byte_seconds\":{},\"byte_hours\":\"{}\",\"gb_months\":\"{}\",\"objects_end\":{},\"bytes_end\":{},"
        "\"peak_bytes\":{}",
        int128_decimal(g.byte_seconds), byte_hours_text(g.byte_seconds), gb_months_text(g.gb_month_nanos),
        int128_decimal(g.objects_end), int128_decimal(g.bytes_end), int128_decimal(g.peak_bytes));
}

}  // namespace

std::string storage_table(const StorageReport& r, bool human) {
    const StorageResult& s = r.result;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head;
    for (const StorageDimSpec& d : s.by) head.push_back(storage_dim_title(d));
    for (const char* h : {"Byte-hours", "GB-months", "Objects", "Bytes", "Peak"}) head.emplace_back(h);
    rows.push_back(head);
    auto row = [&](std::vector<std::string> key, const StorageGroup& g) {
        for (auto& k : key) k = terminal_safe(k);
        key.push_back(byte_hours_text(g.byte_seconds));
        key.push_back(gb_months_text(g.gb_month_nanos));
        key.push_back(int128_decimal(g.objects_end));
        key.push_back(bytes_text(g.bytes_end, human));
        key.push_back(bytes_text(g.peak_bytes, human));
        rows.push_back(std::move(key));
    };
    for (const StorageGroup& g : s.groups) row(g.key, g);
    std::vector<std::string> total{"Total"};
    total.resize(s.by.size());
    row(total, s.totals);
    std::string out = fmt::format("Storage {} (UTC), by {}\n", period_label(s), [&] {
        std::string b;
        for (const auto& d : s.by) b += (b.empty() ? "" : ",") + storage_dim_name(d);
        return b;
    }());
    out += text_table(rows, s.by.size(), true, true);
    out += fmt::format(
        "{} object-changing request{} applied; {} failed (changed nothing); lines read {}, rejected {}, ignored {}\n",
        grouped(s.stats.events), s.stats.events == 1 ? "" : "s", grouped(s.stats.failed), grouped(r.lines.read),
        grouped(r.lines.rejected_total()), grouped(r.lines.ignored_total()));
    for (const std::string& c : s.caveats) out += terminal_safe("caveat: " + c) + "\n";
    out += unread_table(r.unread);
    return out;
}

std::string storage_csv(const StorageReport& r) {
    const StorageResult& s = r.result;
    std::string out;
    for (const StorageDimSpec& d : s.by) out += storage_dim_name(d) + ",";
    out += "byte_seconds,byte_hours,gb_months,objects_end,bytes_end,peak_bytes\r\n";
    auto row = [&](const std::vector<std::string>& key, const StorageGroup& g) {
        for (const auto& k : key) out += csv_cell(k) + ",";
        out += fmt::format("{},{},{},{},{},{}\r\n", int128_decimal(g.byte_seconds), byte_hours_text(g.byte_seconds),
                           gb_months_text(g.gb_month_nanos), int128_decimal(g.objects_end), int128_decimal(g.bytes_end),
                           int128_decimal(g.peak_bytes));
    };
    for (const StorageGroup& g : s.groups) row(g.key, g);
    if (!s.caveats.empty()) {
        out += "\r\ncaveat\r\n";
        for (const std::string& c : s.caveats) out += csv_cell(c) + "\r\n";
    }
    out += unread_csv(r.unread);
    return out;
}

std::string storage_json(const StorageReport& r) {
    const StorageResult& s = r.result;
    std::string out = fmt::format("{{\"period\":{{\"from\":{},\"to\":{}}},\"by\":[", json_quote(format_iso8601(s.from)),
                                  json_quote(format_iso8601(s.to)));
    for (std::size_t i = 0; i < s.by.size(); ++i) out += (i ? "," : "") + json_quote(storage_dim_name(s.by[i]));
    out += fmt::format("],\"lines\":{{\"read\":{},\"parsed\":{},\"rejected\":{},\"ignored\":{}}}", r.lines.read,
                       r.lines.parsed, r.lines.rejected_total(), r.lines.ignored_total());
    out += fmt::format(",\"requests\":{{\"applied\":{},\"failed\":{},\"after_period\":{}}}", s.stats.events,
                       s.stats.failed, s.stats.after_period);
    out += "," + unread_json(r.unread) + ",\"totals\":{";
    group_json(out, s.totals);
    out += "},\"groups\":[";
    for (std::size_t gi = 0; gi < s.groups.size(); ++gi) {
        const StorageGroup& g = s.groups[gi];
        out += gi ? ",{\"key\":" : "{\"key\":";
        if (g.key.size() == 1) {
            out += json_quote(g.key[0]);
        } else {
            out += "[";
            for (std::size_t k = 0; k < g.key.size(); ++k) out += (k ? "," : "") + json_quote(g.key[k]);
            out += "]";
        }
        out += ",";
        group_json(out, g);
        out += "}";
    }
    out += "],\"checks\":[";
    for (std::size_t i = 0; i < s.checks.size(); ++i) {
        const StorageCheck& c = s.checks[i];
        out += (i ? ",{" : "{") + std::string("\"inventory\":") + json_quote(c.description) +
               ",\"time\":" + json_quote(format_iso8601(c.time)) +
               fmt::format(",\"versions\":{},\"rejected\":{},\"agrees\":{},\"orgs\":[", c.versions, c.rejected,
                           c.orgs.empty() ? "true" : "false");
        for (std::size_t k = 0; k < c.orgs.size(); ++k) {
            const StorageCheck::Org& o = c.orgs[k];
            out += (k ? ",{" : "{") + std::string("\"org\":") + json_quote(o.org) +
                   fmt::format(
                       ",\"only_inventory\":{},\"only_inventory_bytes\":{},\"only_logs\":{},"
                       "\"only_logs_bytes\":{}}}",
                       o.only_inventory, int128_decimal(o.only_inventory_bytes), o.only_logs,
                       int128_decimal(o.only_logs_bytes));
        }
        out += "]}";
    }
    out += "],\"caveats\":[";
    for (std::size_t i = 0; i < s.caveats.size(); ++i) out += (i ? "," : "") + json_quote(s.caveats[i]);
    out += "]}\n";
    return out;
}

std::string storage_html(const StorageReport& r) {
    using html::Cell;
    const StorageResult& s = r.result;
    auto number = [](Int128 v, std::string shown) { return Cell{std::move(shown), int128_decimal(v)}; };
    std::string by;
    for (const auto& d : s.by) by += (by.empty() ? "" : ",") + storage_dim_name(d);
    std::string body = "<h1>s3top storage</h1>\n<p class=\"meta\">" +
                       html_escape(fmt::format("{} (UTC, end exclusive), by {}", period_label(s), by)) + "</p>\n";
    body += unread_html(r.unread);
    body += html::totals({{"GB-months", gb_months_text(s.totals.gb_month_nanos)},
                          {"Byte-hours", byte_hours_text(s.totals.byte_seconds)},
                          {"Objects at the end", grouped_int128(s.totals.objects_end)},
                          {"Bytes at the end", bytes_text(s.totals.bytes_end, true)},
                          {"Peak bytes", bytes_text(s.totals.peak_bytes, true)}});
    std::vector<std::string> headers;
    std::vector<bool> numeric;
    for (const StorageDimSpec& d : s.by) {
        headers.push_back(storage_dim_title(d));
        numeric.push_back(false);
    }
    for (const char* h : {"Byte-hours", "GB-months", "Objects", "Bytes", "Peak bytes"}) {
        headers.emplace_back(h);
        numeric.push_back(true);
    }
    auto cells = [&](std::vector<Cell> row, const StorageGroup& g) {
        row.push_back(number(g.byte_seconds, byte_hours_text(g.byte_seconds)));
        row.push_back(Cell::signed_number(g.gb_month_nanos, gb_months_text(g.gb_month_nanos)));
        row.push_back(number(g.objects_end, grouped_int128(g.objects_end)));
        row.push_back(number(g.bytes_end, bytes_text(g.bytes_end, true)));
        row.push_back(number(g.peak_bytes, bytes_text(g.peak_bytes, true)));
        return row;
    };
    std::vector<std::vector<Cell>> rows;
    for (const StorageGroup& g : s.groups) {
        std::vector<Cell> key;
        for (const auto& k : g.key) key.push_back(Cell::text_of(k));
        rows.push_back(cells(std::move(key), g));
    }
    std::vector<Cell> footer(s.by.size(), Cell::text_of(""));
    footer[0] = Cell::text_of("Total");
    body += html::table("storage", headers, numeric, rows, cells(std::move(footer), s.totals));
    body += "<p class=\"meta\">" +
            html_escape(fmt::format("{} object-changing requests applied; {} failed (changed nothing); lines read {}, "
                                    "rejected {}, ignored {}",
                                    grouped(s.stats.events), grouped(s.stats.failed), grouped(r.lines.read),
                                    grouped(r.lines.rejected_total()), grouped(r.lines.ignored_total()))) +
            "</p>\n";
    for (const std::string& c : s.caveats) body += "<p class=\"note\">" + html_escape("caveat: " + c) + "</p>\n";
    return html::page("s3top storage", body);
}

}  // namespace s3top
