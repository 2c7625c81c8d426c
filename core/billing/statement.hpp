#pragma once
// A billing statement: per period and group, billable usage (requests by price tier, bytes
// out and in) and its cost from a price table; usage excluded from billing (S3's own
// requests, optionally errors) shown apart, and a check that billable + excluded = all.
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/agg/engine.hpp"
#include "core/billing/price_table.hpp"
#include "core/storage/object_table.hpp"

namespace s3top {

/// A half-open UTC time range [from, to) billed as one.
struct BillingPeriod {
    std::int64_t from = 0, to = 0;
    std::string label;  ///< "2024-03" for a calendar month, else "2024-03-05T00:00Z/2024-03-09T00:00Z"
};

/// The calendar months overlapping [from, to), each cut to the range (tiers are monthly).
std::vector<BillingPeriod> periods_between(std::int64_t from, std::int64_t to);

/// What is not billed. Patterns are globs ('*' = any run).
struct ExclusionRules {
    std::vector<std::string> requesters{"AmazonS3", "svc:*"};  ///< AWS itself
    std::vector<std::string> operations{"S3.*"};               ///< lifecycle, replication
    bool errors = false;                                       ///< 4xx and 5xx responses
};

struct BillingSpec {
    std::vector<BillingPeriod> periods;
    std::vector<DimSpec> by{DimSpec{Dim::Org, 0}};
    Filter filter;  ///< the user's, on top of the period
    ExclusionRules exclude;
    PriceTable prices;
    std::int64_t newest_source_mtime = 0;         ///< newest input file's mtime (0 = unknown)
    std::int64_t late_grace_seconds = 48 * 3600;  ///< how late S3 may still deliver records
    /// What was stored over the periods (made with storage_spec_for(*this)); null: no storage
    /// line at all (the statement is of requests and bytes only).
    const StorageResult* storage = nullptr;
    /// Only what the lines are charged and whether each period is provisional (the dashboard's
    /// running cost): no pass for all usage, the excluded lines or the warnings, two passes
    /// over the records instead of five or more. Each period's `all`, `excluded` and
    /// `warnings` are then empty, and `reconciled` false.
    bool lines_only = false;
};

/// The storage computation a statement for `spec` needs: its periods, grouped by its `by` (when
/// storage can be: org, bucket, prefix:N) and the class, the price table's minimums, and its
/// filter when storage can take it (storage_filter_problem).
StorageSpec storage_spec_for(const BillingSpec& spec);

/// Charges in micro-units, each rounded half up once.
struct Charges {
    std::int64_t egress = 0, ingress = 0, get_requests = 0, put_requests = 0, storage = 0, markup = 0, fee = 0;
    std::int64_t total = 0;   ///< sum of the above
    std::int64_t amount = 0;  ///< total rounded half up to the cent (what is billed)
    void add(const Charges& o);
};

struct StatementLine {
    std::size_t period = 0;  ///< index into Statement::periods
    std::vector<std::string> key;
    Metrics usage;
    Charges charges;
};

/// Stored bytes over time, as reconciled: byte-seconds as stored, and as billed (with the
/// classes' minimum sizes and days).
struct StorageUsage {
    Int128 byte_seconds = 0, billed = 0;
    void add(const StorageUsage& o) {
        byte_seconds += o.byte_seconds;
        billed += o.billed;
    }
    friend bool operator==(const StorageUsage&, const StorageUsage&) = default;
};

/// The storage of one group in one class over a period, and its charge.
struct StorageChargeLine {
    std::size_t period = 0;
    std::vector<std::string> key;
    StorageClass cls = StorageClass::Standard;
    StorageUsage usage;
    std::int64_t gb_month_nanos = 0;  ///< usage.billed in GB-months (1e-9), half up
    std::int64_t charge = 0;          ///< micro-units, rounded half up once
};

/// Storage not billed: a class the price table has no price for, what the filter leaves out, or
/// all of it when the statement's grouping or filter is not one storage has.
enum class StorageExclusion : std::uint8_t { UnpricedClass, Filtered, NotGrouped, NotFiltered };
std::string_view storage_exclusion_name(StorageExclusion r);

struct StorageExcludedLine {
    std::size_t period = 0;
    StorageExclusion reason{};
    std::string what;  ///< the class (unpriced), else ""
    StorageUsage usage;
};

/// Why usage is not billed; the reasons are disjoint, tried in this order.
enum class ExclusionReason : std::uint8_t { AwsRequester, AwsOperation, Error4xx, Error5xx };
std::string_view exclusion_reason_name(ExclusionReason r);

struct ExcludedLine {
    std::size_t period = 0;
    ExclusionReason reason{};
    std::vector<std::string> key;
    Metrics usage;
};

struct PeriodSummary {
    BillingPeriod period;
    Metrics all, billable, excluded;
    Charges charges;  ///< sum of the lines' charges; amount = sum of line amounts
    std::uint64_t groups = 0;
    bool reconciled = false;  ///< billable + excluded == all, field by field (storage too)
    StorageUsage storage_all, storage_billable, storage_excluded;
    bool provisional = false;          ///< S3 may still deliver records for this period
    bool overflow = false;             ///< a usage sum stopped at 2^64-1: not billable (Metrics::overflow)
    std::int64_t newest_evidence = 0;  ///< newest file mtime or record time seen
    /// Facts a biller must see before sending the bill (not failures: `bill` still exits 0): no
    /// records in the period, days of the period without records, a large share of the
    /// billable usage with no org. One line each, without the period's label.
    std::vector<std::string> warnings;
};

struct Statement {
    std::vector<DimSpec> by;
    Filter filter;
    ExclusionRules exclude;
    PriceTable prices;
    LineCounters lines;
    /// --dedupe request-id: records that had no request id (billed, could not be checked), of
    /// all records read; unset when dedupe is off. Set by the caller, as ReportResult's.
    /// The duplicates dropped are lines.unparsed[DuplicateRequestId] (duplicate_records()).
    std::optional<std::uint64_t> no_request_id;
    /// Inputs this statement leaves out (could not be read, or only in part). Set by the caller.
    std::vector<UnreadInput> unread;
    std::vector<PeriodSummary> periods;
    std::vector<StatementLine> lines_billed;  ///< per period: amount descending, ties by key
    std::vector<ExcludedLine> excluded;       ///< per period and reason, by key
    /// Storage (when BillingSpec::storage was given): billed lines per period, key and class
    /// (largest charge first), what was not billed, and what the logs could not tell.
    bool storage = false;
    std::vector<StorageChargeLine> storage_lines;
    std::vector<StorageExcludedLine> storage_excluded;
    std::vector<std::string> storage_caveats;
    bool reconciled() const;
    /// True when some period's usage passed 2^64-1: its amounts are wrong and must not be billed.
    bool overflow() const;
    std::uint64_t duplicate_records() const { return lines.of(RejectReason::DuplicateRequestId); }
};

/// The rounding and allocation rules, one paragraph, printed with every statement.
std::string rounding_rule(const PriceTable& t);
/// Why a period is provisional (empty when it is not).
std::string late_note(const PeriodSummary& p, std::int64_t grace_seconds);

/// The share of billable requests or bytes with no org (`-`) from which a period is warned.
inline constexpr double kNoOrgWarnShare = 0.05;

/// Where a statement's reports come from: an engine's records, or ClickHouse's
/// (core/clickhouse/remote_report.hpp), with the request tiers they were counted in.
struct ReportSource {
    std::function<ReportResult(const ReportSpec&)> report;
    TierMap tiers;
};

/// Computes the statement in a few report passes per period. Thread-safe against ingest.
Statement compute_statement(const Engine& engine, const BillingSpec& spec);
Statement compute_statement(const ReportSource& source, const BillingSpec& spec);

/// Reports that may fail (ClickHouse's: unreachable, a refused filter term), with the request
/// tiers they were counted in.
struct FallibleReportSource {
    std::function<std::expected<ReportResult, std::string>(const ReportSpec&)> report;
    TierMap tiers;
};
/// compute_statement() over them: the statement, or the first report's failure (one line); no
/// report is asked after it.
std::expected<Statement, std::string> compute_statement(const FallibleReportSource& source, const BillingSpec& spec);

}  // namespace s3top
