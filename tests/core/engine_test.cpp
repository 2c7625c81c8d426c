// The aggregation engine: batches merge exactly, filters select the right records, views stay
// equal to a full recomputation as records arrive, reports group and rank deterministically.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>

#include "core/agg/engine.hpp"
#include "core/parse/s3_access_log.hpp"
#include "core/util/civil_time.hpp"
#include "core/report/report_writer.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

struct Req {
    std::string org;  // "" = none
    std::string ip;
    int status;
    std::uint64_t bytes;
    std::string op = "REST.GET.OBJECT";
    std::string key = "data/a/file.bin";
    std::string time = "06/Feb/2019:00:00:38 +0000";
};

std::string make_line(const Req& r) {
    const std::string query = r.org.empty() ? "" : "?org=" + r.org;
    return "owner bkt [" + r.time + "] " + r.ip + " arn:aws:iam::1:user/u REQID " + r.op + " " + r.key +
           " \"GET /bkt/" + r.key + query + " HTTP/1.1\" " + std::to_string(r.status) + " - " +
           std::to_string(r.bytes) +
           " 100 12 3 \"-\" \"curl/8\" - hid SigV4 ECDHE AuthHeader bkt.s3.amazonaws.com TLSv1.2 - -";
}

Batch batch_of(const std::vector<Req>& reqs, const EngineConfig& cfg) {
    BatchBuilder b(cfg.org, cfg.keep);
    for (const auto& r : reqs) {
        const std::string line = make_line(r);
        auto rec = parse_s3_access_log(line);
        EXPECT_TRUE(rec) << line;
        if (rec) b.add(*rec);
    }
    return b.take();
}

const std::vector<Req> kReqs = {
    {"acme-17", "1.1.1.1", 200, 1000},
    {"acme-17", "1.1.1.2", 200, 500},
    {"globex", "1.1.1.1", 404, 10},
    {"", "2.2.2.2", 200, 7},
    {"globex", "1.1.1.3", 503, 0},
    {"acme%2D17", "1.1.1.1", 206, 1},
    {"initech", "3.3.3.3", 200, 2000, "REST.PUT.OBJECT", "up/x.bin"},
};

// A load that says how many bytes it will read lets the kept columns grow once, to about the
// rows those bytes hold at the bytes per row so far, where doubling leaves up to half their
// room unused (and copies them each time).
TEST(Engine, ExpectedBytesGrowTheColumnsOnceToTheRowsTheyHold) {
    EngineConfig cfg;
    std::size_t first = 0;  // the bytes held after the first batch (its columns and the pools)
    auto load = [&](bool expect) {
        auto e = std::make_unique<Engine>(cfg);
        if (expect) e->expect_bytes(10 * 100'000);
        for (int i = 0; i < 10; ++i) {
            Batch b = batch_of(std::vector<Req>(1000, kReqs[i % kReqs.size()]), cfg);
            b.counters.bytes = 100'000;
            e->append(std::move(b));
            if (i == 0) first = e->memory_bytes();
        }
        EXPECT_EQ(e->records(), 10'000u);
        return e;
    };
    const auto doubled = load(false);
    const std::size_t doubled_growth = doubled->memory_bytes() - first;
    const auto expected = load(true);
    const std::size_t expected_growth = expected->memory_bytes() - first;
    EXPECT_LT(expected_growth * 4, doubled_growth * 3) << expected_growth << " against " << doubled_growth;
    // The same records either way.
    EXPECT_EQ(expected->report(ReportSpec{}).totals.bytes_sent, doubled->report(ReportSpec{}).totals.bytes_sent);
}

TEST(Engine, ReportGroupsByOrgExactly) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of(kReqs, cfg));
    const ReportResult r = e.report(ReportSpec{});
    ASSERT_EQ(r.groups.size(), 4u);
    EXPECT_EQ(r.groups[0].key, std::vector<std::string>{"initech"});
    EXPECT_EQ(r.groups[0].metrics.bytes_in, 100u);  // object size of the PUT
    EXPECT_EQ(r.groups[0].metrics.put_class, 1u);
    EXPECT_EQ(r.groups[1].key[0], "acme-17");  // acme%2D17 decodes to acme-17
    EXPECT_EQ(r.groups[1].metrics.requests, 3u);
    EXPECT_EQ(r.groups[1].metrics.bytes_sent, 1501u);
    EXPECT_EQ(r.groups[1].distinct_clients, 2u);
    EXPECT_EQ(r.groups[2].key[0], "globex");
    EXPECT_EQ(r.groups[2].metrics.errors_4xx, 1u);
    EXPECT_EQ(r.groups[2].metrics.errors_5xx, 1u);
    EXPECT_EQ(r.groups[3].key[0], "");
    EXPECT_EQ(r.totals.requests, 7u);
    EXPECT_EQ(r.totals.bytes_sent, 1000u + 500 + 10 + 7 + 0 + 1 + 2000);
    EXPECT_EQ(r.distinct_clients, 5u);
    EXPECT_EQ(r.lines.parsed, 7u);
    EXPECT_EQ(r.lines.read, 7u);
}

// What a statement asks first, how far the records reach, comes from the time column alone:
// the same count, time range, lines and newest file time as the whole report's, over rows in
// many of its chunks and with a time far from the others (a patch of the narrow column).
TEST(Engine, AReachOnlyReportSaysHowFarTheRecordsReachAsTheWholeReportDoes) {
    EngineConfig cfg;
    Engine e(cfg);
    ReportSpec reach;
    reach.reach_only = true;
    EXPECT_EQ(e.report(reach).totals.requests, 0u);
    const std::vector<std::string> days = {"06/Feb/2019:00:00:38 +0000", "01/Mar/2019:12:00:00 +0000",
                                           "31/Jan/2019:23:59:59 +0000", "07/Jun/2031:04:05:06 +0000"};
    std::vector<Req> reqs;
    for (int i = 0; i < 9000; ++i) {
        Req r = kReqs[static_cast<std::size_t>(i) % kReqs.size()];
        // The earliest in the second chunk of 4096 rows, the latest (years on) in the third.
        r.time = i == 5000 ? days[2] : i == 8500 ? days[3] : days[static_cast<std::size_t>(i) % 2];
        reqs.push_back(r);
    }
    Batch b = batch_of(reqs, cfg);
    b.newest_source_mtime = 1'700'000'000;
    e.append(std::move(b));
    e.append(batch_of({kReqs[0]}, cfg));
    const ReportResult whole = e.report(ReportSpec{});
    const ReportResult r = e.report(reach);
    EXPECT_EQ(r.totals.requests, 9001u);
    EXPECT_EQ(r.totals.requests, whole.totals.requests);
    EXPECT_EQ(r.min_time, whole.min_time);
    EXPECT_EQ(r.max_time, whole.max_time);
    EXPECT_EQ(r.max_time, *parse_iso8601("2031-06-07T04:05:06"));
    EXPECT_EQ(r.min_time, *parse_iso8601("2019-01-31T23:59:59"));
    EXPECT_EQ(r.newest_source_mtime, 1'700'000'000);
    EXPECT_EQ(r.lines.read, whole.lines.read);
    EXPECT_EQ(r.lines.parsed, 9001u);
    EXPECT_TRUE(r.groups.empty());
}

TEST(Engine, OrgFromSeveralParamsAndOtherSources) {
    EngineConfig cfg;
    std::string err;
    cfg.org = *parse_org_source("x-org,org", err);
    Engine e(cfg);
    std::vector<Req> reqs = kReqs;
    reqs[3].org = "";
    e.append(batch_of(reqs, cfg));
    EXPECT_EQ(e.report(ReportSpec{}).groups.size(), 4u);

    cfg.org = *parse_org_source("prefix:1", err);
    Engine p(cfg);
    p.append(batch_of(kReqs, cfg));
    const auto r = p.report(ReportSpec{});
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].key[0], "up");  // 2000 bytes sent beat data's 1518
    EXPECT_EQ(r.groups[1].key[0], "data");
    EXPECT_EQ(r.groups[1].metrics.requests, 6u);
    EXPECT_FALSE(parse_org_source("prefix:x", err));
    EXPECT_FALSE(parse_org_source("bogus:1", err));
}

// #18: the rule an ingest records with its batches reads back as the same rule.
TEST(Engine, AnOrgSourcesSpecReadsBackAsItself) {
    std::string err;
    for (const char* spec : {"org", "x-org,org", "param:a", "requester", "prefix:1", "prefix:3", "access-point", "ip",
                             "client", "bucket", "host"}) {
        const auto o = parse_org_source(spec, err);
        ASSERT_TRUE(o) << spec;
        const auto back = parse_org_source(org_source_spec(*o), err);
        ASSERT_TRUE(back) << org_source_spec(*o);
        EXPECT_EQ(back->kind, o->kind) << spec;
        EXPECT_EQ(back->params, o->params) << spec;
        EXPECT_EQ(back->depth, o->depth) << spec;
    }
    EXPECT_EQ(org_source_spec(*parse_org_source("x-org,org", err)), "param:x-org,org");
    EXPECT_EQ(org_source_spec(*parse_org_source("prefix:2", err)), "prefix:2");
}

TEST(Engine, BatchesFromSeveralWorkersMergeToTheSameResult) {
    EngineConfig cfg;
    Engine one(cfg), split(cfg);
    one.append(batch_of(kReqs, cfg));
    split.append(batch_of({kReqs.begin(), kReqs.begin() + 3}, cfg));
    split.append(batch_of({kReqs.begin() + 3, kReqs.end()}, cfg));
    const auto a = one.report(ReportSpec{});
    const auto b = split.report(ReportSpec{});
    ASSERT_EQ(a.groups.size(), b.groups.size());
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
        EXPECT_EQ(a.groups[i].key, b.groups[i].key);
        EXPECT_EQ(a.groups[i].metrics, b.groups[i].metrics);
        EXPECT_EQ(a.groups[i].distinct_clients, b.groups[i].distinct_clients);
    }
    EXPECT_EQ(report_json(a), report_json(b));
}

TEST(Engine, FiltersSelectRecords) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of(kReqs, cfg));
    auto run = [&](std::string_view f) {
        ReportSpec s;
        auto parsed = parse_filter(f);
        EXPECT_TRUE(parsed) << f << ": " << (parsed ? "" : parsed.error());
        s.filter = *parsed;
        return e.report(s).totals;
    };
    EXPECT_EQ(run("org=acme-17").requests, 3u);
    EXPECT_EQ(run("org=acme-17,globex").requests, 5u);
    EXPECT_EQ(run("org!=acme-17").requests, 4u);
    EXPECT_EQ(run("org=-").requests, 1u);
    EXPECT_EQ(run("status=5xx").requests, 1u);
    EXPECT_EQ(run("status=404,503").requests, 2u);
    EXPECT_EQ(run("class=2xx").bytes_sent, 1000u + 500 + 7 + 1 + 2000);
    EXPECT_EQ(run("org=globex status=4xx").requests, 1u);
    EXPECT_EQ(run("ip~1.1.1").requests, 5u);
    EXPECT_EQ(run("key~/^up\\//").requests, 1u);
    EXPECT_EQ(run("tier=put").requests, 1u);
    EXPECT_EQ(run("prefix:2=data/a").requests, 6u);
    EXPECT_EQ(run("org=nobody").requests, 0u);
    EXPECT_EQ(run("from=2019-02-06 to=2019-02-07").requests, 7u);
    EXPECT_EQ(run("from=2019-02-07").requests, 0u);
    EXPECT_EQ(run("to=2019-02-06T00:00:38").requests, 0u);
}

TEST(Engine, ViewStaysEqualToFullRecomputeAsRecordsArrive) {
    EngineConfig cfg;
    Engine e(cfg);
    ViewSpec spec;
    spec.filter = *parse_filter("status!=404");
    spec.panels = {{DimSpec{Dim::Org, 0}, 10, SortBy::Bytes}, {DimSpec{Dim::Status, 0}, 10, SortBy::Requests}};
    View live(spec);
    e.append(batch_of({kReqs.begin(), kReqs.begin() + 4}, cfg));
    const Snapshot s1 = e.refresh(live, 1);
    EXPECT_EQ(s1.totals.requests, 3u);
    e.append(batch_of({kReqs.begin() + 4, kReqs.end()}, cfg));
    const Snapshot s2 = e.refresh(live, 2);
    View fresh(spec);
    const Snapshot full = e.refresh(fresh, 3);
    EXPECT_EQ(s2.totals, full.totals);
    EXPECT_EQ(s2.distinct_clients, full.distinct_clients);
    ASSERT_EQ(s2.panels.size(), 2u);
    for (std::size_t p = 0; p < 2; ++p) {
        ASSERT_EQ(s2.panels[p].rows.size(), full.panels[p].rows.size());
        for (std::size_t i = 0; i < s2.panels[p].rows.size(); ++i) {
            EXPECT_EQ(s2.panels[p].rows[i].label, full.panels[p].rows[i].label);
            EXPECT_EQ(s2.panels[p].rows[i].metrics, full.panels[p].rows[i].metrics);
        }
    }
    EXPECT_EQ(s2.totals.requests, 6u);
    EXPECT_EQ(s2.panels[0].rows[0].label, "initech");
    EXPECT_EQ(s2.panels[1].rows[0].label, "200");
    EXPECT_EQ(s2.panels[1].rows[0].metrics.requests, 4u);
    EXPECT_EQ(s2.generation, 2u);
    ASSERT_EQ(s2.series.size(), 1u);
    EXPECT_EQ(s2.series[0].requests, 6u);
}

// A view folds its rows a chunk at a time (16,384), each number column read for the chunk
// at once; over several chunks and both halves of a split fold, with a few values stored as
// patches (over 4 GiB), every panel and the totals are the records' exact sums.
TEST(Engine, ViewSumsAreExactOverManyChunksWithLargeValues) {
    EngineConfig cfg;
    Engine e(cfg);
    std::vector<Req> reqs;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> want;  // org: requests, bytes
    for (int i = 0; i < 70'000; ++i) {
        const std::string org = "org-" + std::to_string(i % 3);
        const std::uint64_t bytes =
            i % 997 == 5 ? 5'000'000'000ull + static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i % 300);
        reqs.push_back({org, "10.0.0." + std::to_string(i % 200), i % 11 == 0 ? 404 : 200, bytes});
        if (i % 11 != 0) {
            ++want[org].first;
            want[org].second += bytes;
        }
    }
    e.append(batch_of(reqs, cfg));
    ViewSpec spec;
    spec.filter = *parse_filter("status!=404");
    spec.panels = {{DimSpec{Dim::Org, 0}, 10, SortBy::Key}};
    View v(spec);
    const Snapshot s = e.refresh(v, 1);
    ASSERT_EQ(s.panels[0].rows.size(), 3u);
    std::uint64_t requests = 0, bytes = 0;
    for (const auto& row : s.panels[0].rows) {
        EXPECT_EQ(row.metrics.requests, want[row.label].first) << row.label;
        EXPECT_EQ(row.metrics.bytes_sent, want[row.label].second) << row.label;
        requests += want[row.label].first;
        bytes += want[row.label].second;
    }
    EXPECT_EQ(s.totals.requests, requests);
    EXPECT_EQ(s.totals.bytes_sent, bytes);
    EXPECT_EQ(s.distinct_clients, 200u);
}

// A panel of many groups (here 20,000 keys: over a megabyte of metrics) is folded with each
// row's group fetched ahead: folded as records arrive, every key's sums are still exact.
TEST(Engine, APanelOfManyGroupsFoldedAsRecordsArriveIsExact) {
    EngineConfig cfg;
    Engine e(cfg);
    ViewSpec spec;
    spec.panels = {{DimSpec{Dim::Key, 0}, 0, SortBy::Key}};
    View live(spec);
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> want;  // key: requests, bytes
    for (int part = 0; part < 2; ++part) {
        std::vector<Req> reqs;
        for (int i = part * 35'000; i < (part + 1) * 35'000; ++i) {
            const std::string key = "k/" + std::to_string((i * 7919) % 20'000);
            const auto bytes = static_cast<std::uint64_t>(i % 1000);
            reqs.push_back({"o", "10.0.0.1", 200, bytes, "REST.GET.OBJECT", key});
            ++want[key].first;
            want[key].second += bytes;
        }
        e.append(batch_of(reqs, cfg));
        e.refresh(live, static_cast<std::uint64_t>(part) + 1);
    }
    e.append(batch_of({{"o", "10.0.0.1", 200, 5, "REST.GET.OBJECT", "k/7"}}, cfg));
    ++want["k/7"].first;
    want["k/7"].second += 5;
    const Snapshot s = e.refresh(live, 3);
    ASSERT_EQ(s.panels[0].rows.size(), want.size());
    for (const auto& row : s.panels[0].rows) {
        EXPECT_EQ(row.metrics.requests, want[row.label].first) << row.label;
        EXPECT_EQ(row.metrics.bytes_sent, want[row.label].second) << row.label;
    }
    EXPECT_EQ(s.totals.requests, 70'001u);
}

TEST(Engine, SeriesIsContiguousAtResolution) {
    EngineConfig cfg;
    Engine e(cfg);
    std::vector<Req> reqs = {{"a", "1.1.1.1", 200, 10, "REST.GET.OBJECT", "k", "06/Feb/2019:00:10:00 +0000"},
                             {"a", "1.1.1.1", 200, 20, "REST.GET.OBJECT", "k", "06/Feb/2019:03:59:59 +0000"}};
    e.append(batch_of(reqs, cfg));
    ViewSpec spec;
    spec.resolution = Dim::Hour;
    View v(spec);
    const Snapshot s = e.refresh(v, 1);
    ASSERT_EQ(s.series.size(), 4u);
    EXPECT_EQ(s.series[0].bytes_sent, 10u);
    EXPECT_EQ(s.series[1].bytes_sent, 0u);
    EXPECT_EQ(s.series[3].bytes_sent, 20u);
    EXPECT_EQ(s.series[3].start - s.series[0].start, 3 * 3600);
}

/// Snapshots alike in what the dashboard draws: totals, clients, range, series, panels.
void expect_same_snapshot(const Snapshot& a, const Snapshot& b) {
    EXPECT_EQ(a.view, b.view);
    EXPECT_EQ(a.totals, b.totals);
    EXPECT_EQ(a.distinct_clients, b.distinct_clients);
    EXPECT_EQ(a.min_time, b.min_time);
    EXPECT_EQ(a.max_time, b.max_time);
    ASSERT_EQ(a.series.size(), b.series.size());
    for (std::size_t i = 0; i < a.series.size(); ++i) {
        EXPECT_EQ(a.series[i].start, b.series[i].start) << i;
        EXPECT_EQ(a.series[i].requests, b.series[i].requests) << i;
        EXPECT_EQ(a.series[i].bytes_sent, b.series[i].bytes_sent) << i;
        EXPECT_EQ(a.series[i].bytes_in, b.series[i].bytes_in) << i;
    }
    ASSERT_EQ(a.panels.size(), b.panels.size());
    for (std::size_t p = 0; p < a.panels.size(); ++p) {
        EXPECT_EQ(a.panels[p].groups, b.panels[p].groups) << p;
        ASSERT_EQ(a.panels[p].rows.size(), b.panels[p].rows.size()) << p;
        for (std::size_t i = 0; i < a.panels[p].rows.size(); ++i) {
            EXPECT_EQ(a.panels[p].rows[i].label, b.panels[p].rows[i].label) << p << " " << i;
            EXPECT_EQ(a.panels[p].rows[i].metrics, b.panels[p].rows[i].metrics) << p << " " << i;
        }
    }
}

// The dashboard's chart resolution follows the records' range, and `s`, `r`, `e` change a
// panel's order and length: the view keeps what it folded (only the series is folded again
// for a new resolution) and draws what a new view over the same records would, also after
// more records came; a new filter or panel dimension folds everything again.
TEST(Engine, AViewGivenANewOrderOrResolutionShowsWhatANewViewWould) {
    EngineConfig cfg;
    Engine e(cfg);
    auto append_hours = [&](int from, int to) {
        std::vector<Req> reqs;
        for (int h = from; h < to; ++h) {
            const std::string hh = (h < 10 ? "0" : "") + std::to_string(h);
            for (int i = 0; i < 7; ++i)
                reqs.push_back({"org-" + std::to_string((h + i) % 5), "10.0.0." + std::to_string(i), i == 3 ? 404 : 200,
                                static_cast<std::uint64_t>(h * 100 + i), "REST.GET.OBJECT", "k" + std::to_string(i),
                                "06/Feb/2019:" + hh + ":" + std::to_string(10 + i) + ":00 +0000"});
        }
        e.append(batch_of(reqs, cfg));
    };
    append_hours(0, 3);
    ViewSpec spec;
    spec.resolution = Dim::Minute;
    spec.panels = {PanelSpec{DimSpec{Dim::Org, 0}, 3, SortBy::Bytes}, PanelSpec{DimSpec{Dim::Key, 0}, 0, SortBy::Key}};
    View kept(spec);
    e.refresh(kept, 1);

    std::vector<ViewSpec> changes;
    for (const Dim r : {Dim::Hour, Dim::Day, Dim::Minute}) {
        changes.push_back(spec);
        changes.back().resolution = r;
    }
    changes.push_back(changes.back());
    changes.back().panels[0] = PanelSpec{DimSpec{Dim::Org, 0}, 0, SortBy::Requests, true};
    changes.push_back(changes.back());
    changes.back().panels[1].limit = 2;
    changes.push_back(changes.back());
    changes.back().filter = *parse_filter("status=200");
    changes.push_back(changes.back());
    changes.back().panels[1].dim = DimSpec{Dim::RemoteIp, 0};
    changes.push_back(changes.back());
    changes.back().resolution = Dim::Hour;
    int hour = 3;
    for (const ViewSpec& next : changes) {
        kept.respec(next);
        EXPECT_EQ(kept.spec(), next);
        if (hour < 20) append_hours(hour, hour + 3);  // records after the change are folded too
        hour += 3;
        View fresh(next);
        expect_same_snapshot(e.refresh(kept, 2), e.refresh(fresh, 2));
    }
}

/// The labels of a snapshot's one panel, in order, joined by spaces.
std::string panel_labels(const Engine& e, PanelSpec panel) {
    ViewSpec spec;
    spec.panels = {panel};
    View v(spec);
    const Snapshot s = e.refresh(v, 1);
    std::string out;
    for (const auto& r : s.panels[0].rows) out += (out.empty() ? "" : " ") + r.label;
    return out;
}

// #20 item 7: by name, client IPs go as addresses (IPv4, then IPv6, then anything else), status
// codes as numbers; either way round; by bytes, smallest first when reversed, ties still A-Z.
TEST(Engine, PanelsSortByNameInTheValuesOrderEitherWayRound) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of({{"a", "10.0.0.10", 200, 5},
                       {"b", "9.1.1.1", 404, 5},
                       {"c", "2001:db8::1", 503, 7},
                       {"d", "10.0.0.9", 200, 1},
                       {"e", "10.0.0.9", 200, 1}},
                      cfg));
    EXPECT_EQ(panel_labels(e, PanelSpec{DimSpec{Dim::RemoteIp}, 0, SortBy::Key}),
              "9.1.1.1 10.0.0.9 10.0.0.10 2001:db8::1");
    EXPECT_EQ(panel_labels(e, PanelSpec{DimSpec{Dim::RemoteIp}, 0, SortBy::Key, true}),
              "2001:db8::1 10.0.0.10 10.0.0.9 9.1.1.1");
    EXPECT_EQ(panel_labels(e, PanelSpec{DimSpec{Dim::Status}, 0, SortBy::Key, true}), "503 404 200");
    EXPECT_EQ(panel_labels(e, PanelSpec{DimSpec{Dim::Org}, 0, SortBy::Bytes}), "c a b d e");
    EXPECT_EQ(panel_labels(e, PanelSpec{DimSpec{Dim::Org}, 0, SortBy::Bytes, true}), "d e a b c");
    EXPECT_EQ(panel_labels(e, PanelSpec{DimSpec{Dim::Org}, 2, SortBy::Requests, true}), "d e");
}

// The dashboard ranks keys shown alike ("a+b", "a%2Bb") by the keys as logged, as reports do,
// so equal input draws one order whatever order the records came in.
TEST(Engine, PanelKeysShownAlikeKeepOneOrder) {
    const Req plus{"a", "1.1.1.1", 200, 5, "REST.GET.OBJECT", "a+b"};
    const Req encoded{"a", "2.2.2.2", 404, 5, "REST.GET.OBJECT", "a%2Bb"};
    std::vector<std::vector<std::uint64_t>> orders;
    for (const auto& reqs : {std::vector<Req>{plus, encoded}, std::vector<Req>{encoded, plus}}) {
        EngineConfig cfg;
        Engine e(cfg);
        e.append(batch_of(reqs, cfg));
        ViewSpec spec;
        spec.panels = {PanelSpec{DimSpec{Dim::Key}, 0, SortBy::Bytes}};
        View v(spec);
        const Snapshot s = e.refresh(v, 1);
        std::vector<std::uint64_t> errors;
        for (const auto& r : s.panels[0].rows) errors.push_back(r.metrics.errors_4xx);
        orders.push_back(errors);
    }
    EXPECT_EQ(orders[0], orders[1]);
    EXPECT_EQ(orders[0], (std::vector<std::uint64_t>{1, 0})) << "a%2Bb first";
}

// report --sort key orders values as the dashboard's panels do (compare_values, one rule):
// client IPs as addresses, each dimension of --by in turn, in the streaming fold too.
// A panel that keeps a few rows builds labels only for the groups its metrics can keep: its
// rows are the first rows of the same panel keeping every group, whichever way round, with ties
// at the cut (decoded keys, keys shown alike) decided by the value as before.
TEST(Engine, APanelKeepingFewRowsShowsTheFirstRowsOfTheWholeOrder) {
    std::vector<Req> reqs;
    const std::vector<std::string> keys = {"z%20last", "a+b",  "a%2Bb", "m%C3%A9", "plain", "b%20c",
                                           "b+c",      "c%25", "y",     "x%2F1",   "q"};
    for (std::size_t k = 0; k < keys.size(); ++k) {
        // Requests 1, 2 or 3 (many ties), bytes 10 or 20 (more ties).
        for (std::size_t n = 0; n <= k % 3; ++n)
            reqs.push_back({"a", "1.1.1.1", 200, 10 + 10 * (k % 2), "REST.GET.OBJECT", keys[k]});
    }
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of(reqs, cfg));
    for (const SortBy sort : {SortBy::Requests, SortBy::Bytes, SortBy::Key}) {
        for (const bool reverse : {false, true}) {
            ViewSpec all;
            all.panels = {PanelSpec{DimSpec{Dim::Key}, 0, sort, reverse}};
            View whole(all);
            const Snapshot full = e.refresh(whole, 1);
            ASSERT_EQ(full.panels[0].rows.size(), keys.size());
            for (std::size_t limit = 1; limit <= keys.size(); ++limit) {
                ViewSpec few = all;
                few.panels[0].limit = limit;
                View v(few);
                const Snapshot s = e.refresh(v, 1);
                EXPECT_EQ(s.panels[0].groups, keys.size());
                ASSERT_EQ(s.panels[0].rows.size(), limit);
                for (std::size_t r = 0; r < limit; ++r) {
                    EXPECT_EQ(s.panels[0].rows[r].label, full.panels[0].rows[r].label)
                        << "sort " << static_cast<int>(sort) << " reverse " << reverse << " limit " << limit << " row "
                        << r;
                    EXPECT_EQ(s.panels[0].rows[r].metrics, full.panels[0].rows[r].metrics);
                }
            }
        }
    }
}

TEST(Engine, ReportSortedByKeyOrdersIpsAsAddresses) {
    const std::vector<Req> reqs = {{"b", "10.0.0.10", 200, 5}, {"a", "9.1.1.1", 404, 5},   {"a", "2001:db8::1", 503, 7},
                                   {"b", "10.0.0.9", 200, 1},  {"a", "10.0.0.10", 200, 1}, {"a", "10.0.0.9", 200, 1}};
    ReportSpec spec;
    spec.sort = SortBy::Key;
    spec.by = {DimSpec{Dim::RemoteIp}};
    for (const bool stream : {false, true}) {
        EngineConfig cfg;
        if (stream) cfg.stream = spec;
        Engine e(cfg);
        e.append(batch_of(reqs, cfg));
        std::string got;
        for (const auto& g : e.report(spec).groups) got += (got.empty() ? "" : " ") + g.key[0];
        EXPECT_EQ(got, "9.1.1.1 10.0.0.9 10.0.0.10 2001:db8::1") << (stream ? "streaming" : "stored");
    }
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of(reqs, cfg));
    spec.by = {DimSpec{Dim::Org}, DimSpec{Dim::RemoteIp}};
    std::string got;
    for (const auto& g : e.report(spec).groups) got += (got.empty() ? "" : " ") + g.key[0] + "/" + g.key[1];
    EXPECT_EQ(got, "a/9.1.1.1 a/10.0.0.9 a/10.0.0.10 a/2001:db8::1 b/10.0.0.9 b/10.0.0.10");
}

TEST(Engine, ReportMultiDimensionAndTimeGroups) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of(kReqs, cfg));
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Org, 0}, DimSpec{Dim::StatusClass, 0}};
    const auto r = e.report(spec);
    std::map<std::vector<std::string>, std::uint64_t> got;
    for (const auto& g : r.groups) got[g.key] = g.metrics.requests;
    EXPECT_EQ((got[{"globex", "4xx"}]), 1u);
    EXPECT_EQ((got[{"globex", "5xx"}]), 1u);
    EXPECT_EQ((got[{"acme-17", "2xx"}]), 3u);
    spec.by = {DimSpec{Dim::Hour, 0}};
    const auto h = e.report(spec);
    ASSERT_EQ(h.groups.size(), 1u);
    EXPECT_EQ(h.groups[0].key[0], "2019-02-06T00");
    spec.top = 1;
    spec.by = {DimSpec{Dim::Org, 0}};
    const auto top = e.report(spec);
    EXPECT_EQ(top.groups.size(), 1u);
    EXPECT_EQ(top.total_groups, 4u);
}

// #22: keys are logged percent-encoded (S3's key field, every HTTP path): reports show them
// decoded, once; groups stay by the logged key, and a filter matches either form.
TEST(Engine, KeysAreShownDecodedAndFilteredInEitherForm) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of({{"a", "1.1.1.1", 200, 1, "REST.GET.OBJECT", "my%20docs/q%3F%2B1.pdf"},
                       {"a", "1.1.1.1", 200, 2, "REST.GET.OBJECT", "my%20docs/q%3F%2B1.pdf"},
                       {"a", "1.1.1.1", 200, 4, "REST.GET.OBJECT", "my%20docs/100%25+a%252F.txt"},
                       {"a", "1.1.1.1", 200, 8, "REST.GET.OBJECT", "plain/k%zz"}},
                      cfg));
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Key, 0}};
    std::map<std::string, std::uint64_t> got;
    for (const auto& g : e.report(spec).groups) got[g.key[0]] = g.metrics.bytes_sent;
    EXPECT_EQ(got, (std::map<std::string, std::uint64_t>{
                       {"my docs/q?+1.pdf", 3}, {"my docs/100%+a%2F.txt", 4}, {"plain/k%zz", 8}}));
    spec.by = {DimSpec{Dim::KeyPrefix, 1}};
    got.clear();
    for (const auto& g : e.report(spec).groups) got[g.key[0]] = g.metrics.bytes_sent;
    EXPECT_EQ(got, (std::map<std::string, std::uint64_t>{{"my docs", 7}, {"plain", 8}}));
    auto bytes = [&](std::string_view f) -> std::uint64_t {
        ReportSpec s;
        auto parsed = parse_filter(f);
        if (!parsed) {
            ADD_FAILURE() << f << ": " << parsed.error();
            return 0;
        }
        s.filter = *parsed;
        return e.report(s).totals.bytes_sent;
    };
    EXPECT_EQ(bytes(R"(key="my docs/q?+1.pdf")"), 3u);
    EXPECT_EQ(bytes("key=my%20docs/q%3F%2B1.pdf"), 3u);
    EXPECT_EQ(bytes(R"(key!="my docs/q?+1.pdf")"), 12u);
    EXPECT_EQ(bytes("key!=my%20docs/q%3F%2B1.pdf"), 12u);
    EXPECT_EQ(bytes("key~100%+"), 4u);
    EXPECT_EQ(bytes(R"(prefix:1="my docs")"), 7u);
    EXPECT_EQ(bytes("prefix:1=my%20docs"), 7u);
}

// Two keys logged differently but shown alike ("a+b" and "a%2Bb" both read "a+b"), with equal
// bytes and requests: the keys as logged decide their order, so equal input prints equal
// reports whatever order the records came in (ids follow the threads' interning order).
TEST(Engine, KeysShownAlikeKeepOneOrder) {
    const Req plus{"a", "1.1.1.1", 200, 5, "REST.GET.OBJECT", "a+b"};
    const Req encoded{"a", "2.2.2.2", 404, 5, "REST.GET.OBJECT", "a%2Bb"};
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Key, 0}};
    std::vector<std::string> outputs;
    for (const auto& reqs : {std::vector<Req>{plus, encoded}, std::vector<Req>{encoded, plus}}) {
        EngineConfig cfg;
        Engine e(cfg);
        e.append(batch_of(reqs, cfg));
        outputs.push_back(report_json(e.report(spec)));
    }
    EXPECT_EQ(outputs[0], outputs[1]);
    EXPECT_LT(outputs[0].find("\"errors_4xx\":1"), outputs[0].find("\"errors_4xx\":0")) << "a%2Bb sorts first";
}

// #22 item 1: an API action name no [request_tiers] rule knows is counted in the fallback's
// tier, and every report names it with its requests, streaming or not, whatever the filter.
TEST(Engine, ReportNamesOperationsNoTierRuleKnows) {
    const std::vector<Req> reqs = {{"a", "1.1.1.1", 200, 1, "FrobnicateObject"},
                                   {"b", "1.1.1.1", 200, 1, "FrobnicateObject"},
                                   {"a", "1.1.1.1", 200, 1, "Zap"},
                                   {"a", "1.1.1.1", 200, 1, "GetObject"},
                                   {"a", "1.1.1.1", 200, 1, "REST.GET.WHATEVER"}};
    for (const bool streaming : {false, true}) {
        EngineConfig cfg;
        ReportSpec spec;
        spec.filter = *parse_filter("org=a");
        if (streaming) cfg.stream = spec;
        Engine e(cfg);
        e.append(batch_of(reqs, cfg));
        const ReportResult r = e.report(spec);
        EXPECT_EQ(r.totals.requests, 4u);
        EXPECT_EQ(r.unruled_operations, (std::vector<OperationCount>{{"FrobnicateObject", 2}, {"Zap", 1}}))
            << "streaming " << streaming;
        EXPECT_NE(report_table(r, TableOptions{})
                      .find("Warning: 3 requests of operations no [request_tiers] rule knows, counted "
                            "as GET-class (the fallback): FrobnicateObject (2), Zap (1)\n"),
                  std::string::npos)
            << report_table(r, TableOptions{});
        EXPECT_NE(report_json(r).find("\"unruled_operations\":[{\"operation\":\"FrobnicateObject\",\"requests\":2},"
                                      "{\"operation\":\"Zap\",\"requests\":1}],\"unruled_tier\":\"get\""),
                  std::string::npos)
            << report_json(r);
    }
    // More than 255 of them: the operation column's ids take two bytes, counted through that
    // width's loop (each name's requests apart, the batches' own ids mapped to the engine's).
    for (const bool streaming : {false, true}) {
        EngineConfig cfg;
        if (streaming) cfg.stream = ReportSpec{};
        Engine e(cfg);
        std::vector<OperationCount> want;
        for (int part = 0; part < 2; ++part) {
            std::vector<Req> many;
            for (int i = 0; i < 300; ++i) {
                const int op = part == 0 ? i : 299 - i;  // the second batch's ids in the other order
                many.push_back({"a", "1.1.1.1", 200, 1, "Frob" + std::to_string(op)});
                if (op % 3 == 0) many.push_back({"a", "1.1.1.1", 200, 1, "Frob" + std::to_string(op)});
            }
            e.append(batch_of(many, cfg));
        }
        for (int op = 0; op < 300; ++op) want.push_back({"Frob" + std::to_string(op), op % 3 == 0 ? 4u : 2u});
        std::vector<OperationCount> got = e.report(ReportSpec{}).unruled_operations;
        std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.operation < b.operation; });
        std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) { return a.operation < b.operation; });
        EXPECT_EQ(got, want) << "streaming " << streaming;
    }
    EngineConfig cfg;
    Engine known(cfg);
    known.append(batch_of({{"a", "1.1.1.1", 200, 1, "GetObject"}}, cfg));
    EXPECT_TRUE(known.report(ReportSpec{}).unruled_operations.empty());
    EXPECT_EQ(report_json(known.report(ReportSpec{})).find("unruled"), std::string::npos);
}

TEST(Engine, ReportJsonIsExactAndEscaped) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of({{"evil\"<\x01>", "1.1.1.1", 200, 18446744073709551615ull}}, cfg));
    const std::string j = report_json(e.report(ReportSpec{}));
    EXPECT_NE(j.find("\"bytes_sent\":18446744073709551615"), std::string::npos) << j;
    EXPECT_NE(j.find("\"key\":\"evil\\\"<\\u0001>\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"lines\":{\"read\":1,\"parsed\":1,\"rejected\":0"), std::string::npos) << j;
    const std::string csv = report_csv(e.report(ReportSpec{}));
    EXPECT_NE(csv.find("\"evil\"\"<\x01>\""), std::string::npos) << csv;
}

TEST(Engine, EveryReportFormatNamesTheInputsItLeavesOut) {
    EngineConfig cfg;
    Engine e(cfg);
    e.append(batch_of({{"acme", "1.1.1.1", 200, 10}}, cfg));
    ReportResult r = e.report(ReportSpec{});
    EXPECT_NE(report_json(r).find("\"unread_inputs\":[]"), std::string::npos) << "present when all were read";
    EXPECT_EQ(report_table(r, {}).find("Warning"), std::string::npos);
    EXPECT_EQ(report_csv(r).find("input,read,reason"), std::string::npos);
    r.unread = {{"logs/a.log", "Permission denied", false},
                {"logs/b\x1b.gz", "gzip: unexpected end of file; counted up to line 7", true}};
    const std::string table = report_table(r, {});
    EXPECT_NE(table.find("Warning: 2 inputs could not be read, or only in part"), std::string::npos) << table;
    EXPECT_NE(table.find("not read      logs/a.log: Permission denied"), std::string::npos) << table;
    EXPECT_NE(table.find("read in part  logs/b\\x1b.gz: gzip"), std::string::npos) << table;
    EXPECT_EQ(table.find('\x1b'), std::string::npos) << "terminal-safe";
    const std::string csv = report_csv(r);
    EXPECT_NE(csv.find("\r\ninput,read,reason\r\nlogs/a.log,no,Permission denied\r\nlogs/b\x1b.gz,in part,"),
              std::string::npos)
        << csv;
    const std::string json = report_json(r);
    EXPECT_NE(json.find("\"unread_inputs\":[{\"path\":\"logs/a.log\",\"read\":\"none\",\"reason\":\"Permission "
                        "denied\"},{\"path\":\"logs/b\\u001b.gz\",\"read\":\"part\""),
              std::string::npos)
        << json;
}

// An independent computation over the real corpus: sum bytes per status straight from the
// parser, and compare with the engine's report.
TEST(Engine, CorpusTotalsMatchAnIndependentSum) {
    S3TOP_REQUIRE_CORPUS(corpus);
    const auto lines = test::read_lines(corpus / "s3" / "real-samples.log");
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> by_status;
    EngineConfig cfg;
    BatchBuilder b(cfg.org, cfg.keep);
    std::uint64_t parsed = 0;
    for (const auto& l : lines) {
        auto r = parse_s3_access_log(l);
        if (!r) continue;
        ++parsed;
        auto& slot = by_status[r->status ? std::to_string(r->status) : ""];
        ++slot.first;
        slot.second += r->bytes_sent;
        b.add(*r);
    }
    Engine e(cfg);
    e.append(b.take());
    ReportSpec spec;
    spec.by = {DimSpec{Dim::Status, 0}};
    const auto rep = e.report(spec);
    EXPECT_EQ(rep.totals.requests, parsed);
    ASSERT_EQ(rep.groups.size(), by_status.size());
    for (const auto& g : rep.groups) {
        EXPECT_EQ(g.metrics.requests, by_status[g.key[0]].first) << g.key[0];
        EXPECT_EQ(g.metrics.bytes_sent, by_status[g.key[0]].second) << g.key[0];
    }
}

}  // namespace
}  // namespace s3top
