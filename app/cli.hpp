#pragma once
// Command line: `s3top [OPTIONS] PATH...` (dashboard), `s3top report` and `s3top bill`.
// The words are read in cli.cpp, turned into typed values and checked, every combination,
// in one place (options.cpp) before anything is read or any thread starts.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/agg/batch.hpp"
#include "core/agg/dimension.hpp"
#include "core/agg/filter.hpp"
#include "core/agg/metrics.hpp"
#include "core/billing/statement.hpp"
#include "core/clickhouse/target.hpp"
#include "core/config/config.hpp"
#include "core/config/dashboard_names.hpp"
#include "core/ingest/request_ids.hpp"
#include "core/storage/object_table.hpp"

namespace s3top::app {

/// A usage error: printed as one line, exit status 2.
struct UsageError {
    std::string message;
};

enum class Command { Dashboard, Report, Bill, Storage, Ingest };
enum class OutputFormat { Table, Csv, Json, Html };

/// Everything the command line and the config file set, typed and checked.
struct Options {
    Command command = Command::Dashboard;
    std::vector<std::string> paths;
    std::vector<DimSpec> by{DimSpec{Dim::Org}};  ///< report/bill --by
    Filter filter;                               ///< --filter
    std::size_t top = 0;                         ///< --top N; 0 = every group
    SortBy sort = SortBy::Bytes;
    OutputFormat format = OutputFormat::Table;
    std::string output;            ///< -o FILE; empty = stdout
    std::string rejects;           ///< --rejects FILE
    OrgSource org;                 ///< --org-from (or the config's [org] source)
    std::string org_from = "org";  ///< the same as written: part of the state file's fingerprint
    std::string log_format = "auto";
    std::string date_format, time_format;
    DedupeMode dedupe = DedupeMode::Off;  ///< --dedupe (or the config's [log] dedupe)
    bool exact = false;
    bool no_color = false;
    std::vector<DimSpec> panels;  ///< the config's [dashboard] panels, --panels over them (records panels only: HTML's)
    std::vector<DashboardPanel> dashboard_panels;  ///< the same with the Stored panel where it is named
    unsigned workers = 0;                          ///< parse threads; 0 = one per core
    // Sources (see README "Following, replay and the state folder").
    std::string state_dir;  ///< --state DIR; empty = the XDG state folder
    bool no_state = false;  ///< --no-state: no ledger file, nothing remembered between runs
    bool follow = false;    ///< --follow, or the dashboard given a folder (unless --no-follow / --replay)
    std::chrono::milliseconds every{5000};  ///< report --follow / --replay: interval between reports
    bool every_given = false;  ///< --every was on the command line (report --replay prints per interval only then)
    bool replay = false;       ///< --replay: play records back in time order
    bool quiet = false;        ///< --quiet: no progress line
    double speed = 0;          ///< --speed X: log seconds per second; 0 = as fast as possible
    /// s3:// PATHs: each is read from the folder it is mirrored into (its `paths` entry is
    /// that folder; see app/s3_sources.hpp).
    struct S3Path {
        std::string url;  ///< s3://bucket/prefix as given
        std::string dir;  ///< the folder laid out as `aws s3 sync` would (--cache DIR, or the XDG cache)
    };
    std::vector<S3Path> s3;
    std::string endpoint_url;                   ///< --endpoint-url
    std::string profile;                        ///< --profile
    std::chrono::milliseconds s3_every{60000};  ///< following s3://: how often the bucket is listed (--every)
    /// --cache-prune: after the load, delete the cached objects a re-run will not list again.
    bool cache_prune = false;

    // `s3top ingest`
    std::optional<clickhouse::Target> to;  ///< --to clickhouse://... (credentials resolved)
    /// PATH clickhouse://...: report runs as SQL over that table of records (the only PATH)
    std::optional<clickhouse::Target> from;
    bool no_storage = false;              ///< bill --no-storage
    std::uint32_t shard = 0, shards = 1;  ///< --shard K/N: this machine takes the files whose hash % N == K - 1

    Config config;  ///< built-in defaults + the config file + the options given here
    /// The words that make another s3top command read what this one reads, the same way: the
    /// options given that choose the inputs and how they are parsed and remembered (--config,
    /// --org-from, --log-format, --dedupe, --state, --cache ...), as typed, then the PATHs (local
    /// ones absolute). The dashboard's export prints them in its `s3top report` command.
    std::vector<std::string> source_words;

    // `s3top bill` / `report --billing`
    bool billing = false;
    std::vector<BillingPeriod> periods;  ///< --month, or --from/--to (UTC; `to` exclusive)

    // `s3top storage` (its period is `periods`, first to last)
    std::vector<StorageDimSpec> storage_by{StorageDimSpec{}};  ///< --by org,class,bucket,prefix:N
    std::vector<std::string> versioned;                        ///< --versioned BUCKET,...
    std::string inventory;  ///< --inventory PATH: a manifest.json or a folder of synced inventory reports
    /// --inventory s3://bucket/prefix/: fetched into `inventory` (its folder) before it is read.
    std::optional<S3Path> inventory_s3;
};

/// Runs the program; returns the exit status (0 ok, 1 no input could be read, 2 bad usage).
int run(int argc, char** argv);

}  // namespace s3top::app
