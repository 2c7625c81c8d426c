#include "core/billing/statement_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/billing/money.hpp"
#include "core/report/escape.hpp"
#include "core/report/text_table.hpp"
#include "core/report/units.hpp"
#include "core/report/unread_writer.hpp"
#include "core/storage/object_table.hpp"
#include "core/util/civil_time.hpp"

namespace s3top {
namespace {

std::string shown(const std::string& v) { return v.empty() ? std::string("-") : v; }
std::string money6(std::int64_t micros) { return format_scaled_decimal(micros, 6, 6); }
std::string money2(std::int64_t micros) { return format_scaled_decimal(micros, 6, 2); }

/// Bytes in the price table's GB, two decimals rounded half up: "823.22 GB".
std::string gb_text(std::uint64_t bytes, std::uint64_t gb_bytes) {
    const std::int64_t hundredths = div_round_half_up(Int128(bytes) * 100, Int128(gb_bytes ? gb_bytes : 1));
    return fmt::format("{}.{:02} GB", grouped(static_cast<std::uint64_t>(hundredths / 100)), hundredths % 100);
}

/// A group's key as one text: "acme-17", "acme-17 / STANDARD".
std::string key_text(const std::vector<std::string>& key) {
    std::string k;
    for (std::size_t i = 0; i < key.size(); ++i) k += (i ? " / " : "") + shown(key[i]);
    return k;
}

void usage_json(std::string& out, const Metrics& m) {
    out += fmt::format(
        "\"requests\":{},\"get_class\":{},\"put_class\":{},\"free_class\":{},\"bytes_sent\":{},\"bytes_uploaded\":{},"
        "\"errors_4xx\":{},\"errors_5xx\":{}",
        m.requests, m.get_class, m.put_class, m.requests - m.get_class - m.put_class, m.bytes_sent, m.bytes_in,
        m.errors_4xx, m.errors_5xx);
    if (m.overflow) out += ",\"overflow\":true";  // the fields at 2^64-1 are lower bounds
}

void charges_json(std::string& out, const Charges& c, bool storage) {
    out += "\"charges_micros\":";
    out += fmt::format("{{\"egress\":{},\"upload\":{},\"get_requests\":{},\"put_requests\":{},", c.egress, c.ingress,
                       c.get_requests, c.put_requests);
    if (storage) out += fmt::format("\"storage\":{},", c.storage);
    out += fmt::format("\"markup\":{},\"fee\":{},\"total\":{},\"amount\":{}}}", c.markup, c.fee, c.total, c.amount);
    out += ",\"total\":" + json_quote(money6(c.total)) + ",\"amount\":" + json_quote(money2(c.amount));
}

void key_json(std::string& out, const std::vector<std::string>& key) {
    if (key.size() == 1) {
        out += json_quote(shown(key[0]));
        return;
    }
    out += "[";
    for (std::size_t k = 0; k < key.size(); ++k) out += (k ? "," : "") + json_quote(shown(key[k]));
    out += "]";
}

std::string gb_months(std::int64_t nanos) { return format_scaled_decimal(nanos, 9, 9); }

void storage_usage_json(std::string& out, const StorageUsage& u) {
    out += "{\"byte_seconds\":" + int128_decimal(u.byte_seconds) +
           ",\"billed_byte_seconds\":" + int128_decimal(u.billed) + "}";
}

/// Text: the storage lines of period `pi`, what was not billed and the reconciliation.
std::string storage_table_text(const Statement& s, std::size_t pi, const PeriodSummary& p) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header;
    for (const auto& d : s.by) header.push_back(dim_title(d));
    for (const char* h : {"Class", "Byte-hours", "Billed byte-hours", "Billed GB-months", "Storage"})
        header.emplace_back(h);
    header.back() = "Storage " + terminal_safe(s.prices.currency);
    rows.push_back(header);
    std::int64_t total = 0;
    for (const auto& l : s.storage_lines) {
        if (l.period != pi) continue;
        std::vector<std::string> row;
        for (const auto& k : l.key) row.push_back(terminal_safe(shown(k)));
        row.insert(row.end(), {std::string(storage_class_name(l.cls)), byte_hours_text(l.usage.byte_seconds),
                               byte_hours_text(l.usage.billed), gb_months(l.gb_month_nanos), money6(l.charge)});
        total += l.charge;
        rows.push_back(std::move(row));
    }
    std::string out = "Storage (billed with each class's minimum size and days):\n";
    if (rows.size() == 1) {
        out += "  none billed\n";
    } else {
        std::vector<std::string> t(s.by.size() + 4, "");
        t[0] = "TOTAL";
        t.push_back(money6(total));
        rows.push_back(std::move(t));
        out += text_table(rows, s.by.size() + 1, true, true);
    }
    std::string not_billed;
    for (const auto& e : s.storage_excluded) {
        if (e.period != pi) continue;
        not_billed += fmt::format("; {}{} {} byte-hours", storage_exclusion_name(e.reason),
                                  e.what.empty() ? "" : " " + terminal_safe(e.what), byte_hours_text(e.usage.billed));
    }
    if (!not_billed.empty()) out += "Storage not billed" + not_billed.substr(1) + "\n";
    out += fmt::format("Reconciled storage: billable {} + not billed {} = all {} billed byte-hours: {}\n",
                       byte_hours_text(p.storage_billable.billed), byte_hours_text(p.storage_excluded.billed),
                       byte_hours_text(p.storage_all.billed), p.reconciled ? "yes" : "NO (please report this)");
    return out;
}

}  // namespace

std::string statement_table(const Statement& s, std::int64_t grace) {
    std::string out;
    const std::string& cur = s.prices.currency;
    out += fmt::format("Billing statement · prices: {} ({}, {}; {})\n", terminal_safe(s.prices.name),
                       terminal_safe(s.prices.source), terminal_safe(s.prices.date), terminal_safe(s.prices.origin));
    if (!s.filter.empty()) out += "Filter: " + terminal_safe(s.filter.to_string()) + "\n";
    if (s.no_request_id)
        out += fmt::format(
            "Dedupe by request id, of all {} lines read: {} duplicate records dropped (not billed); {} "
            "records had no request id (billed, could not be checked)\n",
            grouped(s.lines.read), grouped(s.duplicate_records()), grouped(*s.no_request_id));
    out += unread_table(s.unread);
    for (std::size_t pi = 0; pi < s.periods.size(); ++pi) {
        const PeriodSummary& p = s.periods[pi];
        out += fmt::format("\nPeriod {} ({} .. {}, UTC)\n", p.period.label, format_iso8601(p.period.from),
                           format_iso8601(p.period.to));
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> header;
        for (const auto& d : s.by) header.push_back(dim_title(d));
        for (const char* h : {"Requests", "GET-class", "PUT-class", "Bytes sent", "Uploaded", "Egress", "Requests $",
                              "Storage", "Markup+fee", "Amount"})
            if (s.storage || std::string_view(h) != "Storage") header.emplace_back(h);
        header.back() = "Amount " + terminal_safe(cur);
        rows.push_back(header);
        for (const auto& l : s.lines_billed) {
            if (l.period != pi) continue;
            std::vector<std::string> row;
            for (const auto& k : l.key) row.push_back(terminal_safe(shown(k)));
            const Charges& c = l.charges;
            row.insert(row.end(), {grouped(l.usage.requests), grouped(l.usage.get_class), grouped(l.usage.put_class),
                                   bound(l.usage, l.usage.bytes_sent, grouped(l.usage.bytes_sent)),
                                   bound(l.usage, l.usage.bytes_in, grouped(l.usage.bytes_in)),
                                   money6(c.egress + c.ingress), money6(c.get_requests + c.put_requests)});
            if (s.storage) row.push_back(money6(c.storage));
            row.insert(row.end(), {money6(c.markup + c.fee), money2(c.amount)});
            rows.push_back(std::move(row));
        }
        std::vector<std::string> total(s.by.size(), "");
        if (!total.empty()) total[0] = "TOTAL";
        const Charges& c = p.charges;
        total.insert(total.end(),
                     {grouped(p.billable.requests), grouped(p.billable.get_class), grouped(p.billable.put_class),
                      bound(p.billable, p.billable.bytes_sent, grouped(p.billable.bytes_sent)),
                      bound(p.billable, p.billable.bytes_in, grouped(p.billable.bytes_in)),
                      money6(c.egress + c.ingress), money6(c.get_requests + c.put_requests)});
        if (s.storage) total.push_back(money6(c.storage));
        total.insert(total.end(), {money6(c.markup + c.fee), money2(c.amount)});
        rows.push_back(total);
        out += text_table(rows, s.by.size(), true, true);

        // Excluded usage by reason, and the reconciliation.
        std::map<ExclusionReason, Metrics> by_reason;
        for (const auto& e : s.excluded)
            if (e.period == pi) by_reason[e.reason].merge(e.usage);
        out += fmt::format("Not billed: {} requests, {} bytes sent", grouped(p.excluded.requests),
                           grouped(p.excluded.bytes_sent));
        for (const auto& [reason, m] : by_reason)
            out += fmt::format("; {} {} req / {} B", exclusion_reason_name(reason), grouped(m.requests),
                               grouped(m.bytes_sent));
        out += "\n";
        out += fmt::format("Reconciled: billable {} + not billed {} = all {} requests; bytes sent {} + {} = {}: {}\n",
                           grouped(p.billable.requests), grouped(p.excluded.requests), grouped(p.all.requests),
                           grouped(p.billable.bytes_sent), grouped(p.excluded.bytes_sent), grouped(p.all.bytes_sent),
                           p.reconciled ? "yes" : "NO (please report this)");
        if (s.storage) out += storage_table_text(s, pi, p);
        if (p.provisional) out += "Note: " + late_note(p, grace) + ".\n";
        for (const auto& w : p.warnings) out += "Warning: " + w + ".\n";
        if (p.overflow) out += std::string(overflow_note()) + ": NOT BILLABLE.\n";
    }
    for (const auto& c : s.storage_caveats) out += "Storage: " + terminal_safe(c) + ".\n";
    out +=
        "\nColumns: Egress = data transfer out (+ uploads if priced), Requests $ = GET-class + PUT-class request "
        "charges" +
        std::string(s.storage ? ", Storage = stored bytes per class (below)" : "") + ", in " + terminal_safe(cur) +
        ".\n";
    out += "Rounding: " + rounding_rule(s.prices) + "\n";
    return out;
}

std::string statement_csv(const Statement& s) {
    std::string out = "period,";
    for (const auto& d : s.by) out += csv_cell(dim_name(d)) + ",";
    out +=
        "status,requests,get_class,put_class,free_class,bytes_sent,bytes_uploaded,egress,upload,get_requests,"
        "put_requests,";
    if (s.storage) out += "storage,";
    out += "markup,fee,total,amount,currency,provisional\r\n";
    auto money_cells = [&](const Charges& c) {
        return fmt::format("{},{},{},{},{}{},{},{},{}", money6(c.egress), money6(c.ingress), money6(c.get_requests),
                           money6(c.put_requests), s.storage ? money6(c.storage) + "," : "", money6(c.markup),
                           money6(c.fee), money6(c.total), money2(c.amount));
    };
    auto usage_cells = [](const Metrics& m) {
        return fmt::format("{},{},{},{},{},{}", m.requests, m.get_class, m.put_class,
                           m.requests - m.get_class - m.put_class, bound(m, m.bytes_sent, std::to_string(m.bytes_sent)),
                           bound(m, m.bytes_in, std::to_string(m.bytes_in)));
    };
    for (const auto& l : s.lines_billed) {
        const PeriodSummary& p = s.periods[l.period];
        out += csv_cell(p.period.label) + ",";
        for (const auto& k : l.key) out += csv_cell(shown(k)) + ",";
        out += "billable," + usage_cells(l.usage) + "," + money_cells(l.charges) + "," + csv_cell(s.prices.currency) +
               "," + (p.provisional ? "yes" : "no") + "\r\n";
    }
    for (const auto& e : s.excluded) {
        const PeriodSummary& p = s.periods[e.period];
        out += csv_cell(p.period.label) + ",";
        for (const auto& k : e.key) out += csv_cell(shown(k)) + ",";
        out += "excluded:" + std::string(exclusion_reason_name(e.reason)) + "," + usage_cells(e.usage) + "," +
               money_cells(Charges{}) + "," + csv_cell(s.prices.currency) + "," + (p.provisional ? "yes" : "no") +
               "\r\n";
    }
    // Storage as a table of its own: billed lines, then what was not billed.
    if (s.storage) {
        out += "\r\nperiod,";
        for (const auto& d : s.by) out += csv_cell(dim_name(d)) + ",";
        out += "storage_class,status,byte_seconds,billed_byte_seconds,billed_gb_months,storage,currency\r\n";
        for (const auto& l : s.storage_lines) {
            out += csv_cell(s.periods[l.period].period.label) + ",";
            for (const auto& k : l.key) out += csv_cell(shown(k)) + ",";
            out +=
                fmt::format("{},billable,{},{},{},{},", storage_class_name(l.cls), int128_decimal(l.usage.byte_seconds),
                            int128_decimal(l.usage.billed), gb_months(l.gb_month_nanos), money6(l.charge)) +
                csv_cell(s.prices.currency) + "\r\n";
        }
        for (const auto& e : s.storage_excluded) {
            out += csv_cell(s.periods[e.period].period.label) + ",";
            for (std::size_t k = 0; k < s.by.size(); ++k) out += ",";
            out += csv_cell(e.what) + ",excluded:" + std::string(storage_exclusion_name(e.reason)) +
                   fmt::format(",{},{},,,", int128_decimal(e.usage.byte_seconds), int128_decimal(e.usage.billed)) +
                   csv_cell(s.prices.currency) + "\r\n";
        }
    }
    // Warnings as a table of their own after the lines (only when there are any), before the
    // dedupe counters: a spreadsheet reading the lines above is not disturbed.
    bool header = false;
    for (const auto& p : s.periods) {
        for (const auto& w : p.warnings) {
            if (!header) out += "\r\nperiod,warning\r\n";
            header = true;
            out += csv_cell(p.period.label) + "," + csv_cell(w) + "\r\n";
        }
    }
    out += unread_csv(s.unread);
    if (s.no_request_id) out += csv_line_counters(s.duplicate_records(), *s.no_request_id);
    return out;
}

std::string statement_json(const Statement& s, std::int64_t grace) {
    std::string out = "{";
    out += fmt::format("\"lines\":{{\"read\":{},\"parsed\":{},\"rejected\":{},\"ignored\":{}", s.lines.read,
                       s.lines.parsed, s.lines.rejected_total(), s.lines.ignored_total());
    if (s.no_request_id)  // --dedupe request-id: the duplicates are among the rejected lines
        out += fmt::format(",\"duplicate_records\":{},\"no_request_id\":{}", s.duplicate_records(), *s.no_request_id);
    out += "}," + unread_json(s.unread);
    out += ",\"by\":[";
    for (std::size_t i = 0; i < s.by.size(); ++i) out += (i ? "," : "") + json_quote(dim_name(s.by[i]));
    out += "],\"filter\":" + json_quote(s.filter.to_string());
    out += ",\"price_table\":{\"name\":" + json_quote(s.prices.name) + ",\"source\":" + json_quote(s.prices.source) +
           ",\"date\":" + json_quote(s.prices.date) + ",\"file\":" + json_quote(s.prices.origin) +
           ",\"currency\":" + json_quote(s.prices.currency) +
           fmt::format(",\"gb_bytes\":{},\"egress_tier_scope\":", s.prices.gb_bytes) +
           json_quote(s.prices.egress_scope == TierScope::Total ? "total" : "per_group") + "}";
    out += ",\"rounding\":" + json_quote(rounding_rule(s.prices));
    out += ",\"exclusions\":{\"requesters\":[";
    for (std::size_t i = 0; i < s.exclude.requesters.size(); ++i)
        out += (i ? "," : "") + json_quote(s.exclude.requesters[i]);
    out += "],\"operations\":[";
    for (std::size_t i = 0; i < s.exclude.operations.size(); ++i)
        out += (i ? "," : "") + json_quote(s.exclude.operations[i]);
    out += fmt::format("],\"errors\":{}}}", s.exclude.errors ? "true" : "false");
    out += ",\"periods\":[";
    for (std::size_t pi = 0; pi < s.periods.size(); ++pi) {
        const PeriodSummary& p = s.periods[pi];
        out += pi ? ",{" : "{";
        out += "\"period\":" + json_quote(p.period.label) + ",\"from\":" + json_quote(format_iso8601(p.period.from)) +
               ",\"to\":" + json_quote(format_iso8601(p.period.to));
        out += fmt::format(",\"provisional\":{}", p.provisional ? "true" : "false");
        out += ",\"late_note\":" + (p.provisional ? json_quote(late_note(p, grace)) : std::string("null"));
        out += ",\"warnings\":[";
        for (std::size_t i = 0; i < p.warnings.size(); ++i) out += (i ? "," : "") + json_quote(p.warnings[i]);
        out += "]";
        out += fmt::format(",\"reconciled\":{}", p.reconciled ? "true" : "false");
        if (p.overflow) out += ",\"overflow\":true,\"overflow_note\":" + json_quote(overflow_note());
        out += ",\"all\":{";
        usage_json(out, p.all);
        out += "},\"billable\":{";
        usage_json(out, p.billable);
        out += "},\"excluded\":{";
        usage_json(out, p.excluded);
        out += "},\"totals\":{";
        charges_json(out, p.charges, s.storage);
        out += "},\"groups\":[";
        bool first = true;
        for (const auto& l : s.lines_billed) {
            if (l.period != pi) continue;
            out += first ? "{\"key\":" : ",{\"key\":";
            first = false;
            key_json(out, l.key);
            out += ",";
            usage_json(out, l.usage);
            out += ",";
            charges_json(out, l.charges, s.storage);
            out += "}";
        }
        out += "],\"excluded_groups\":[";
        first = true;
        for (const auto& e : s.excluded) {
            if (e.period != pi) continue;
            out += first ? "{\"reason\":" : ",{\"reason\":";
            first = false;
            out += json_quote(exclusion_reason_name(e.reason)) + ",\"key\":";
            key_json(out, e.key);
            out += ",";
            usage_json(out, e.usage);
            out += "}";
        }
        out += "]";
        if (s.storage) {
            out += ",\"storage\":{\"all\":";
            storage_usage_json(out, p.storage_all);
            out += ",\"billable\":";
            storage_usage_json(out, p.storage_billable);
            out += ",\"excluded\":";
            storage_usage_json(out, p.storage_excluded);
            out += ",\"lines\":[";
            bool first_line = true;
            for (const auto& l : s.storage_lines) {
                if (l.period != pi) continue;
                out += first_line ? "{\"key\":" : ",{\"key\":";
                first_line = false;
                key_json(out, l.key);
                out += ",\"class\":" + json_quote(storage_class_name(l.cls)) +
                       ",\"byte_seconds\":" + int128_decimal(l.usage.byte_seconds) +
                       ",\"billed_byte_seconds\":" + int128_decimal(l.usage.billed) +
                       ",\"billed_gb_months\":" + json_quote(gb_months(l.gb_month_nanos)) +
                       fmt::format(",\"charge_micros\":{},\"charge\":", l.charge) + json_quote(money6(l.charge)) + "}";
            }
            out += "],\"excluded_lines\":[";
            first_line = true;
            for (const auto& e : s.storage_excluded) {
                if (e.period != pi) continue;
                out += first_line ? "{\"reason\":" : ",{\"reason\":";
                first_line = false;
                out +=
                    json_quote(storage_exclusion_name(e.reason)) + ",\"class\":" + json_quote(e.what) + ",\"usage\":";
                storage_usage_json(out, e.usage);
                out += "}";
            }
            out += "]}";
        }
        out += "}";
    }
    out += "]";
    if (s.storage) {
        out += ",\"storage_caveats\":[";
        for (std::size_t i = 0; i < s.storage_caveats.size(); ++i)
            out += (i ? "," : "") + json_quote(s.storage_caveats[i]);
        out += "]";
    }
    out += "}\n";
    return out;
}

}  // namespace s3top

#include "core/report/html.hpp"

namespace s3top {

namespace {

/// HTML: the storage lines of period `pi`, what was not billed and the reconciliation.
std::string storage_html(const Statement& s, std::size_t pi, const PeriodSummary& p) {
    using html::Cell;
    std::vector<std::string> headers;
    std::vector<bool> numeric;
    for (const auto& d : s.by) {
        headers.push_back(dim_title(d));
        numeric.push_back(false);
    }
    headers.emplace_back("Class");
    numeric.push_back(false);
    for (const char* h : {"Byte-hours", "Billed byte-hours", "Billed GB-months", "Storage"}) {
        headers.emplace_back(h);
        numeric.push_back(true);
    }
    std::vector<std::vector<Cell>> rows;
    for (const auto& l : s.storage_lines) {
        if (l.period != pi) continue;
        std::vector<Cell> row;
        for (const auto& k : l.key) row.push_back(Cell::text_of(shown(k)));
        row.push_back(Cell::text_of(std::string(storage_class_name(l.cls))));
        row.push_back(Cell::text_of(byte_hours_text(l.usage.byte_seconds)));
        row.push_back(Cell::text_of(byte_hours_text(l.usage.billed)));
        row.push_back(Cell::signed_number(l.gb_month_nanos, gb_months(l.gb_month_nanos)));
        row.push_back(Cell::signed_number(l.charge, money6(l.charge)));
        rows.push_back(std::move(row));
    }
    std::string out = "<h3>Storage</h3>\n" + html::table(fmt::format("storage-{}", pi), headers, numeric, rows);
    std::string not_billed;
    for (const auto& e : s.storage_excluded) {
        if (e.period != pi) continue;
        not_billed += fmt::format("; {}{} {} byte-hours", storage_exclusion_name(e.reason),
                                  e.what.empty() ? "" : " " + e.what, byte_hours_text(e.usage.billed));
    }
    if (!not_billed.empty())
        out += "<p class=\"meta\">Storage not billed" + html_escape(not_billed.substr(1)) + "</p>\n";
    out += "<p class=\"meta\">" +
           html_escape(fmt::format("Reconciled storage: billable {} + not billed {} = all {} billed byte-hours: ",
                                   byte_hours_text(p.storage_billable.billed),
                                   byte_hours_text(p.storage_excluded.billed), byte_hours_text(p.storage_all.billed))) +
           (p.reconciled ? "yes</p>\n" : "<span class=\"bad\">NO</span></p>\n");
    return out;
}

/// HTML: period `pi`'s totals cards.
std::string cards_html(const Statement& s, std::size_t pi, const PeriodSummary& p) {
    const std::string& cur = s.prices.currency;
    // The org with the largest amount: a line with no org is billed to no one.
    const StatementLine* top = nullptr;
    for (const auto& l : s.lines_billed) {
        const bool no_org = std::ranges::all_of(l.key, [](const std::string& k) { return k.empty() || k == "-"; });
        if (l.period == pi && !no_org && (!top || l.charges.amount > top->charges.amount)) top = &l;
    }
    const std::uint64_t gb = s.prices.gb_bytes;
    return html::totals({{"Amount " + cur, money2(p.charges.amount), {}},
                         {"Billable requests", grouped(p.billable.requests), {}},
                         {"Bytes sent", gb_text(p.billable.bytes_sent, gb), grouped(p.billable.bytes_sent) + " B"},
                         {"Uploaded", gb_text(p.billable.bytes_in, gb), grouped(p.billable.bytes_in) + " B"},
                         {"Not billed requests", grouped(p.excluded.requests), {}},
                         {"Largest amount", top ? key_text(top->key) : "no org billed",
                          top ? money2(top->charges.amount) + " " + cur : std::string()}});
}

/// HTML: period `pi`'s billed lines, their total and how to read them.
std::string billed_html(const Statement& s, std::size_t pi, const PeriodSummary& p) {
    using html::Cell;
    const std::string& cur = s.prices.currency;
    const std::uint64_t gb = s.prices.gb_bytes;
    std::string body;
    // Charges to the cent (exact micro-amounts on hover, and in CSV and JSON); a charge
    // that is zero on every line is left out, and said.
    std::vector<std::pair<std::string, std::int64_t Charges::*>> charge_columns{
        {"Egress", &Charges::egress},
        {"Upload", &Charges::ingress},
        {"GET requests", &Charges::get_requests},
        {"PUT requests", &Charges::put_requests},
        {"Storage", &Charges::storage},
        {"Markup", &Charges::markup},
        {"Fee", &Charges::fee}};
    std::string left_out;
    std::erase_if(charge_columns, [&](const auto& col) {
        if (col.second == &Charges::storage && !s.storage) return true;
        const bool used = p.charges.*col.second != 0 || std::ranges::any_of(s.lines_billed, [&](const auto& l) {
                              return l.period == pi && l.charges.*col.second != 0;
                          });
        if (!used) left_out += (left_out.empty() ? "" : ", ") + col.first;
        return !used;
    });
    std::vector<std::string> headers;
    std::vector<bool> numeric;
    for (const auto& d : s.by) {
        headers.push_back(dim_title(d));
        numeric.push_back(false);
    }
    for (const char* h : {"Requests", "GET-class", "PUT-class", "Free", "Bytes sent", "Uploaded"}) {
        headers.emplace_back(h);
        numeric.push_back(true);
    }
    for (const auto& col : charge_columns) {
        headers.push_back(col.first);
        numeric.push_back(true);
    }
    headers.push_back("Amount " + cur);
    numeric.push_back(true);
    auto money = [](std::int64_t micros) {
        Cell c = Cell::signed_number(micros, money2(micros));
        c.title = money6(micros);
        return c;
    };
    auto bytes = [&](std::uint64_t b) {
        Cell c = Cell::number(b, gb_text(b, gb));
        c.detail = grouped(b);
        return c;
    };
    auto usage_money = [&](const Metrics& m, const Charges& c) {
        std::vector<Cell> cells{
            Cell::number(m.requests, grouped(m.requests)),
            Cell::number(m.get_class, grouped(m.get_class)),
            Cell::number(m.put_class, grouped(m.put_class)),
            Cell::number(m.requests - m.get_class - m.put_class, grouped(m.requests - m.get_class - m.put_class)),
            bytes(m.bytes_sent),
            bytes(m.bytes_in)};
        for (const auto& col : charge_columns) cells.push_back(money(c.*col.second));
        Cell amount = money(c.amount);
        amount.title = "exact " + money6(c.total);
        cells.push_back(std::move(amount));
        return cells;
    };
    std::vector<std::vector<Cell>> rows;
    for (const auto& l : s.lines_billed) {
        if (l.period != pi) continue;
        std::vector<Cell> row;
        for (const auto& k : l.key) row.push_back(Cell::text_of(shown(k)));
        for (auto& c : usage_money(l.usage, l.charges)) row.push_back(std::move(c));
        rows.push_back(std::move(row));
    }
    std::vector<Cell> footer(s.by.size(), Cell::text_of(""));
    if (!footer.empty()) footer[0] = Cell::text_of("TOTAL");
    for (auto& c : usage_money(p.billable, p.charges)) footer.push_back(std::move(c));
    body += html::table(fmt::format("bill-{}", pi), headers, numeric, rows, footer);
    body += "<p class=\"meta\">" +
            html_escape(fmt::format(
                "Requests = GET-class + PUT-class + free. Bytes in GB of {} bytes, as the price table bills "
                "them, the exact count below. Charges to the cent; hover a charge for its exact amount "
                "(CSV and JSON carry them in micro-units). Amount is each line's exact total rounded half up "
                "to the cent{}.",
                grouped(gb), left_out.empty() ? "" : "; no line has a charge for " + left_out)) +
            "</p>\n";
    return body;
}

/// HTML: period `pi`'s usage not billed, by reason and group, and the reconciliation.
std::string excluded_html(const Statement& s, std::size_t pi, const PeriodSummary& p) {
    using html::Cell;
    std::string body;
    // Not billed, by reason and group.
    std::vector<std::string> xh{"Reason"};
    std::vector<bool> xn{false};
    for (const auto& d : s.by) {
        xh.push_back(dim_title(d));
        xn.push_back(false);
    }
    for (const char* h : {"Requests", "Bytes sent", "Uploaded"}) {
        xh.emplace_back(h);
        xn.push_back(true);
    }
    std::vector<std::vector<Cell>> xrows;
    for (const auto& e : s.excluded) {
        if (e.period != pi) continue;
        std::vector<Cell> row{Cell::text_of(std::string(exclusion_reason_name(e.reason)))};
        for (const auto& k : e.key) row.push_back(Cell::text_of(shown(k)));
        row.push_back(Cell::number(e.usage.requests, grouped(e.usage.requests)));
        row.push_back(Cell::number(e.usage.bytes_sent, grouped(e.usage.bytes_sent)));
        row.push_back(Cell::number(e.usage.bytes_in, grouped(e.usage.bytes_in)));
        xrows.push_back(std::move(row));
    }
    body += "<h3>Not billed</h3>\n" + html::table(fmt::format("excluded-{}", pi), xh, xn, xrows);
    body += fmt::format(
        "<p class=\"meta\">Reconciled: billable {} + not billed {} = all {} requests; bytes sent {} + {} = {}: ",
        grouped(p.billable.requests), grouped(p.excluded.requests), grouped(p.all.requests),
        grouped(p.billable.bytes_sent), grouped(p.excluded.bytes_sent), grouped(p.all.bytes_sent));
    body += p.reconciled ? "yes</p>\n" : "<span class=\"bad\">NO</span></p>\n";
    return body;
}

}  // namespace

std::string statement_html(const Statement& s, std::int64_t grace) {
    std::string body = "<h1>s3top billing statement</h1>\n<p class=\"meta\">Prices: " + html_escape(s.prices.name) +
                       " (" + html_escape(s.prices.source) + ", " + html_escape(s.prices.date) + "; " +
                       html_escape(s.prices.origin) + ")";
    if (!s.filter.empty()) body += " · filter: <code>" + html_escape(s.filter.to_string()) + "</code>";
    body += "</p>\n";
    if (s.no_request_id)
        body += fmt::format(
            "<p class=\"meta\">Dedupe by request id, of all {} lines read: {} duplicate records dropped "
            "(not billed); {} records had no request id (billed, could not be checked)</p>\n",
            grouped(s.lines.read), grouped(s.duplicate_records()), grouped(*s.no_request_id));
    body += unread_html(s.unread);
    for (std::size_t pi = 0; pi < s.periods.size(); ++pi) {
        const PeriodSummary& p = s.periods[pi];
        body += "<h2>Period " + html_escape(p.period.label) + "</h2>\n<p class=\"meta\">" +
                html_escape(format_iso8601(p.period.from)) + " .. " + html_escape(format_iso8601(p.period.to)) +
                " (UTC, end exclusive)</p>\n";
        if (p.provisional) body += "<p class=\"note\">" + html_escape(late_note(p, grace)) + ".</p>\n";
        for (const auto& w : p.warnings) body += "<p class=\"note\">Warning: " + html_escape(w) + ".</p>\n";
        body += cards_html(s, pi, p);
        body += billed_html(s, pi, p);
        body += excluded_html(s, pi, p);
        if (s.storage) body += storage_html(s, pi, p);
        if (p.overflow) body += "<p class=\"bad\">" + html_escape(overflow_note()) + ": not billable.</p>\n";
    }
    for (const auto& c : s.storage_caveats) body += "<p class=\"note\">Storage: " + html_escape(c) + ".</p>\n";
    body += "<p class=\"meta\">Rounding: " + html_escape(rounding_rule(s.prices)) + "</p>\n";
    return html::page("s3top billing statement", body);
}

}  // namespace s3top
