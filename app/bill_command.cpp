// `s3top bill`: usage and cost per org for a period, from a price table.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "app/commands.hpp"
#include "app/session.hpp"
#include "core/billing/statement_writer.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/civil_time.hpp"

namespace s3top::app {
namespace {

std::vector<BillingPeriod> periods_of(const Options& opt) {
    if (!opt.month.empty() && (!opt.from.empty() || !opt.to.empty()))
        throw UsageError{"--month and --from/--to: give one or the other"};
    if (!opt.month.empty()) {
        const auto start = opt.month.size() == 7 ? parse_iso8601(opt.month) : std::nullopt;
        if (!start) throw UsageError{fmt::format("--month: '{}' is not a month like 2024-03", opt.month)};
        return periods_between(*start, next_bucket(Dim::Month, *start));
    }
    if (opt.from.empty() || opt.to.empty())
        throw UsageError{"bill needs a period: --month 2024-03, or --from and --to (UTC, to exclusive)"};
    const auto from = parse_iso8601(opt.from);
    if (!from) throw UsageError{fmt::format("--from: '{}' is not a time like 2024-03-01 or 2024-03-01T12:00", opt.from)};
    const auto to = parse_iso8601(opt.to);
    if (!to) throw UsageError{fmt::format("--to: '{}' is not a time like 2024-04-01 or 2024-04-01T00:00", opt.to)};
    if (*to <= *from) throw UsageError{"--to must be after --from"};
    return periods_between(*from, *to);
}

}  // namespace

int run_bill(const Options& opt) {
    BillingSpec spec;
    spec.periods = periods_of(opt);
    DimMask needed;
    spec.by = by_option(opt, needed);
    needed.set(index(Dim::Requester));  // exclusions
    needed.set(index(Dim::Operation));
    spec.filter = filter_option(opt);
    spec.exclude = opt.config.exclude;
    spec.prices = opt.config.prices;
    spec.late_grace_seconds = opt.config.late_grace_hours * 3600;

    Session s = make_session(opt, needed);
    if (!load_all(s, opt)) {
        fmt::print(stderr, "s3top: no input could be read\n");
        return 1;
    }
    for (const auto& f : s.inputs) spec.newest_source_mtime = std::max(spec.newest_source_mtime, f.mtime);
    Statement st = compute_statement(*s.engine, spec);
    if (s.loader_options.dedupe) st.no_request_id = s.loader_options.dedupe->no_id();
    std::string text;
    switch (opt.format) {
        case OutputFormat::Json: text = statement_json(st, spec.late_grace_seconds); break;
        case OutputFormat::Csv: text = statement_csv(st); break;
        case OutputFormat::Table: text = statement_table(st, spec.late_grace_seconds); break;
        case OutputFormat::Html: text = statement_html(st, spec.late_grace_seconds); break;
    }
    if (!opt.output.empty()) {
        std::string err;
        if (!write_file_atomic(opt.output, text, err)) {
            fmt::print(stderr, "s3top: {}\n", err);
            return 1;
        }
    } else if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        fmt::print(stderr, "s3top: cannot write the statement to standard output\n");
        return 1;
    }
    if (st.overflow()) {
        fmt::print(stderr,
                   "s3top: usage passed 2^64-1 bytes in some period (the logs claim implausible byte counts); "
                   "the amounts are wrong: do not bill them\n");
        return 1;
    }
    if (!st.reconciled()) {
        fmt::print(stderr, "s3top: billable + excluded usage does not add up to all usage; the statement is wrong\n");
        return 1;
    }
    return 0;
}

}  // namespace s3top::app
