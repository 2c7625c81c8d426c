// #16: the Stored panel (what is stored at the end of the range, per org, drilled down per
// bucket and prefix) and the chart of bytes stored, both from the object table `s3top storage`
// keeps (compute_stored, asked of the costs computation), never a formula of their own.
#include <gtest/gtest.h>

#include "core/billing/statement.hpp"
#include "core/report/units.hpp"
#include "core/storage/object_table.hpp"
#include "tests/tui/tui_fixture.hpp"
#include "tui/costs.hpp"
#include "tui/format.hpp"
#include "tui/stored_panel.hpp"

namespace s3top::tui {
namespace {

using test::kT0;
using test::Req;

constexpr std::uint64_t GiB = 1ULL << 30;
constexpr std::int64_t kHour = 3600;

std::vector<Req> lifecycles() {
    return {
        Req{.org = "acme",
            .time = kT0,
            .key = "logs/1",
            .op = "REST.PUT.OBJECT",
            .bucket = "b1",
            .object_size = 8 * GiB},
        Req{.org = "acme",
            .time = kT0 + kHour,
            .key = "img/2",
            .op = "REST.PUT.OBJECT",
            .bucket = "b2",
            .object_size = 2 * GiB},
        Req{.org = "globex",
            .time = kT0 + 2 * kHour,
            .key = "g/1",
            .op = "REST.PUT.OBJECT",
            .bucket = "b1",
            .object_size = 5 * GiB},
        // Deleted by another org: acme's bytes go.
        Req{.org = "globex",
            .status = 204,
            .time = kT0 + 3 * kHour,
            .key = "img/2",
            .op = "REST.DELETE.OBJECT",
            .bucket = "b2"},
        Req{.org = "acme",
            .time = kT0 + 5 * kHour,
            .key = "logs/3",
            .op = "REST.PUT.OBJECT",
            .bucket = "b1",
            .object_size = 1 * GiB},
        Req{.org = "initech", .sent = 100, .time = kT0 + 6 * kHour},  // a read: the range's end
    };
}

/// The dashboard's steps: a snapshot of the view, the costs asked with what the Stored panel
/// and the chart ask, its rows put in the snapshot.
struct Shown {
    Snapshot snap;
    void update(const Engine& engine, UiState& ui, StorageCollector& storage) {
        snap = test::snapshot_of(engine, ui);
        ui.costs = compute_org_costs(engine, test::shipped_billing(), ui.filter, snap.min_time, snap.max_time, &storage,
                                     stored_ask(snap, ui));
        put_stored_rows(snap, ui);
    }
};

UiState stored_first(int w, int h) {
    UiState ui =
        UiState::with_panels(std::vector<DashboardPanel>{*parse_panel_name("stored"), *parse_panel_name("org")});
    ui.screen_w = w;
    ui.screen_h = h;
    return ui;
}

/// Bytes stored at `to` per org, as `s3top storage` says (bytes_end).
std::map<std::string, std::uint64_t> storage_bytes_end(StorageCollector& storage, std::int64_t to,
                                                       std::string_view by = "org") {
    StorageSpec spec;
    spec.from = kT0;
    spec.to = to;
    spec.by = {*parse_storage_dim(by)};
    const StorageResult r = storage.read([&](const StorageView& events) { return compute_storage(spec, events); });
    std::map<std::string, std::uint64_t> out;
    for (const StorageGroup& g : r.groups)
        if (g.bytes_end) out[g.key.front()] = static_cast<std::uint64_t>(g.bytes_end);
    return out;
}

TEST(StoredPanel, ShowsWhatStorageSaysIsStoredAtTheRangesEndPerOrg) {
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(lifecycles(), storage);
    UiState ui = stored_first(160, 43);
    ASSERT_TRUE(ui.slots[0].stored);
    Shown s;
    s.update(*engine, ui, *storage);
    const auto want = storage_bytes_end(*storage, kT0 + 6 * kHour + 1);
    EXPECT_EQ(want, (std::map<std::string, std::uint64_t>{{"acme", 9 * GiB}, {"globex", 5 * GiB}}));
    const PanelData& pd = s.snap.panels[0];
    ASSERT_EQ(pd.rows.size(), 2u);
    EXPECT_EQ(pd.rows[0].label, "acme");
    EXPECT_EQ(pd.rows[0].metrics.bytes_sent, want.at("acme"));
    EXPECT_EQ(pd.rows[0].metrics.requests, 2u);  // objects
    EXPECT_EQ(pd.rows[1].label, "globex");
    EXPECT_EQ(pd.rows[1].metrics.bytes_sent, want.at("globex"));

    const Canvas c = test::render_to_canvas(s.snap, ui);
    const Rect r = test::panel_rect(ui, 0);
    const std::string head = test::rect_row(c, r, 0);
    EXPECT_NE(head.find("Stored: org"), std::string::npos) << head;
    EXPECT_NE(head.find("Objects"), std::string::npos) << head;
    const std::string acme = test::rect_row(c, r, 1);
    EXPECT_NE(acme.find("acme"), std::string::npos) << acme;
    EXPECT_NE(acme.find(format_bytes(9 * GiB, false)), std::string::npos) << acme;
    EXPECT_NE(acme.find(" 64%"), std::string::npos) << acme;  // 9 of the 14 GiB stored
    // `s`: by objects, then by name.
    ui.slots[0].sort = SortBy::Key;
    ui.slots[0].reverse = true;
    put_stored_rows(s.snap, ui);
    EXPECT_EQ(s.snap.panels[0].rows[0].label, "globex");
}

TEST(StoredPanel, SaysUpdatingUntilStorageAnswersForItsView) {
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(lifecycles(), storage);
    UiState ui = stored_first(160, 43);
    Snapshot snap = test::snapshot_of(*engine, ui);
    put_stored_rows(snap, ui);
    EXPECT_TRUE(snap.panels[0].rows.empty());  // not the engine's row of requests by org
    const Canvas c = test::render_to_canvas(snap, ui);
    EXPECT_NE(test::rect_row(c, test::panel_rect(ui, 0), 1).find("updating"), std::string::npos);
}

/// The lifecycles with the Stored panel first, shown once and handed to a controller.
class StoredPanelDrill : public ::testing::Test {
protected:
    StoredPanelDrill() { ctl.on_snapshot(s.snap); }

    std::shared_ptr<StorageCollector> storage = std::make_shared<StorageCollector>();
    std::unique_ptr<Engine> engine = test::make_engine(lifecycles(), storage);
    Shown s;
    UiState ui = [this] {
        UiState u = stored_first(160, 43);
        s.update(*engine, u, *storage);
        return u;
    }();
    Controller ctl{ui};
};

TEST_F(StoredPanelDrill, DrillingIntoAnOrgShowsItsBucketsThenItsPrefixes) {
    EXPECT_EQ(ctl.on_key(keys::Enter, s.snap), Action::ViewChanged);  // on acme, the top row
    EXPECT_EQ(ctl.state().filter.to_string(), "org=acme");
    EXPECT_EQ(ctl.state().slots[0].dim(), (DimSpec{Dim::Bucket}));
    s.update(*engine, ctl.state(), *storage);
    ctl.on_snapshot(s.snap);
    const auto& rows = s.snap.panels[0].rows;
    ASSERT_EQ(rows.size(), 1u);  // img/2 in b2 was deleted: only b1 holds acme's
    EXPECT_EQ(rows[0].label, "b1");
    EXPECT_EQ(rows[0].metrics.bytes_sent, 9 * GiB);
    const Canvas c = test::render_to_canvas(s.snap, ctl.state());
    EXPECT_NE(test::rect_row(c, test::panel_rect(ctl.state(), 0), 0).find("Stored: b"), std::string::npos);
    ctl.on_key(keys::Enter, s.snap);
    EXPECT_EQ(ctl.state().filter.to_string(), "org=acme bucket=b1");
    EXPECT_EQ(ctl.state().slots[0].dim(), (DimSpec{Dim::KeyPrefix, 1}));
    s.update(*engine, ctl.state(), *storage);
    ASSERT_EQ(s.snap.panels[0].rows.size(), 1u);
    EXPECT_EQ(s.snap.panels[0].rows[0].label, "logs");
    EXPECT_EQ(s.snap.panels[0].rows[0].metrics.bytes_sent, 9 * GiB);
    EXPECT_EQ(s.snap.panels[0].rows[0].metrics.requests, 2u);
}

// Undoing a drill-down undoes the grouping it moved to: Esc (the filter cleared) and Backspace
// (its last term gone) bring back the grouping the panel had before that term was added, `u`
// after Esc brings the filter back, not the drilled grouping.
TEST_F(StoredPanelDrill, EscAndBackspaceTakeTheGroupingBackWithTheDrillDownsTerm) {
    ctl.on_key(keys::Enter, s.snap);  // org=acme: by bucket
    s.update(*engine, ctl.state(), *storage);
    ctl.on_snapshot(s.snap);
    ctl.on_key(keys::Enter, s.snap);  // bucket=b1: by prefix:1
    EXPECT_EQ(ctl.state().filter.to_string(), "org=acme bucket=b1");
    EXPECT_EQ(ctl.state().slots[0].stored_dim(), *parse_storage_dim("prefix:1"));
    ctl.on_key(keys::Backspace, s.snap);
    EXPECT_EQ(ctl.state().filter.to_string(), "org=acme");
    EXPECT_EQ(ctl.state().slots[0].stored_dim(), *parse_storage_dim("bucket"));
    ctl.on_key(keys::Escape, s.snap);
    EXPECT_TRUE(ctl.state().filter.empty());
    EXPECT_EQ(ctl.state().slots[0].stored_dim(), *parse_storage_dim("org"));
    s.update(*engine, ctl.state(), *storage);
    ASSERT_EQ(s.snap.panels[0].rows.size(), 2u);  // acme and globex again
    EXPECT_EQ(s.snap.panels[0].rows[0].label, "acme");
    ctl.on_key('u', s.snap);
    EXPECT_EQ(ctl.state().filter.to_string(), "org=acme");
    EXPECT_EQ(ctl.state().slots[0].stored_dim(), *parse_storage_dim("org"));
    // A grouping chosen with `d` under no drill-down stays when the filter is cleared.
    ctl.on_key(keys::Escape, s.snap);
    ctl.on_key('d', s.snap);
    ctl.on_key('d', s.snap);
    ui = ctl.state();
    EXPECT_EQ(ui.slots[0].stored_dim(), *parse_storage_dim("prefix:1"));
}

// Under a filter with a term storage does not know (status=), the Stored panel and the org
// panel's Stored column both keep its org term, and the header says so once for both.
TEST(StoredPanel, UnderATermStorageLacksItAndTheStoredColumnKeepTheOrgTermAlike) {
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(lifecycles(), storage);
    Shown s;
    UiState ui = stored_first(160, 43);
    ui.filter = *parse_filter("org=acme status=200");
    s.update(*engine, ui, *storage);
    ASSERT_TRUE(ui.costs && ui.costs->shown);
    EXPECT_TRUE(ui.costs->shown->narrowed);
    EXPECT_TRUE(ui.costs->stored_narrowed);
    const PanelData& pd = s.snap.panels[0];
    ASSERT_EQ(pd.rows.size(), 1u);
    EXPECT_EQ(pd.rows[0].label, "acme");
    EXPECT_EQ(pd.rows[0].metrics.bytes_sent, 9 * GiB);
    // The Stored column had every org's bytes (the whole filter dropped): globex's 5 GiB too.
    EXPECT_EQ(ui.costs->stored, (std::map<std::string, std::uint64_t>{{"acme", 9 * GiB}}));
    const std::string screen = test::render_to_canvas(s.snap, ui).to_string();
    EXPECT_NE(screen.find("(stored: its org, bucket and key terms only)"), std::string::npos) << screen;
    // A filter of storage terms only is not narrowed, and the column is bill's own result.
    ui.filter = *parse_filter("org=acme");
    s.update(*engine, ui, *storage);
    EXPECT_FALSE(ui.costs->stored_narrowed);
    EXPECT_EQ(ui.costs->stored, (std::map<std::string, std::uint64_t>{{"acme", 9 * GiB}}));
    EXPECT_EQ(test::render_to_canvas(s.snap, ui).to_string().find("key terms"), std::string::npos);
}

// `d` goes on from prefix:2 to storage class (storage knows each version's); Enter on a class
// filters nothing, since no request has one.
TEST(StoredPanel, DGroupsItPerStorageClassToo) {
    auto storage = std::make_shared<StorageCollector>();
    std::vector<Req> reqs = lifecycles();
    reqs.push_back(Req{.org = "acme",
                       .time = kT0 + 4 * kHour,
                       .key = "logs/1",
                       .op = "S3.TRANSITION_SIA.OBJECT",
                       .bucket = "b1",
                       .object_size = 8 * GiB});
    const auto engine = test::make_engine(reqs, storage);
    Shown s;
    UiState ui = stored_first(160, 43);
    s.update(*engine, ui, *storage);
    Controller ctl(ui);
    ctl.on_snapshot(s.snap);
    for (int i = 0; i < 4; ++i) ctl.on_key('d', s.snap);
    EXPECT_EQ(ctl.state().slots[0].stored_dim(), (StorageDimSpec{StorageDim::Class, 0}));
    s.update(*engine, ctl.state(), *storage);
    ctl.on_snapshot(s.snap);
    const auto want = storage_bytes_end(*storage, kT0 + 6 * kHour + 1, "class");
    EXPECT_EQ(want, (std::map<std::string, std::uint64_t>{{"STANDARD", 6 * GiB}, {"STANDARD_IA", 8 * GiB}}));
    const auto& rows = s.snap.panels[0].rows;
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].label, "STANDARD_IA");
    EXPECT_EQ(rows[0].metrics.bytes_sent, 8 * GiB);
    EXPECT_EQ(rows[0].metrics.requests, 1u);
    EXPECT_EQ(rows[1].label, "STANDARD");
    EXPECT_EQ(rows[1].metrics.bytes_sent, 6 * GiB);
    const Canvas c = test::render_to_canvas(s.snap, ctl.state());
    EXPECT_NE(test::rect_row(c, test::panel_rect(ctl.state(), 0), 0).find("Stored: cl"), std::string::npos)
        << test::rect_row(c, test::panel_rect(ctl.state(), 0), 0);
    EXPECT_EQ(ctl.on_key(keys::Enter, s.snap), Action::Redraw);
    EXPECT_TRUE(ctl.state().filter.terms.empty());
    EXPECT_NE(ctl.state().message.find("storage class"), std::string::npos);
    ctl.on_key('d', s.snap);  // and round again
    EXPECT_EQ(ctl.state().slots[0].stored_dim(), (StorageDimSpec{StorageDim::Org, 0}));
}

TEST(StoredChart, EachBucketIsWhatStorageSaysWasStoredAtItsEnd) {
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(lifecycles(), storage);
    UiState ui = test::ui_of(160, 43);
    ui.auto_resolution = false;
    ui.resolution = Dim::Hour;
    ui.chart = ChartMetric::StoredBytes;
    Shown s;
    s.update(*engine, ui, *storage);
    ASSERT_TRUE(ui.costs->shown.has_value());
    const auto& series = s.snap.series;
    ASSERT_EQ(series.size(), 7u);  // hours 0 to 6
    const auto& samples = ui.costs->shown->stored.samples;
    ASSERT_EQ(samples.size(), series.size());
    for (std::size_t i = 0; i < series.size(); ++i) {
        std::uint64_t want = 0;
        for (const auto& [org, b] : storage_bytes_end(*storage, series[i].start + kHour)) want += b;
        EXPECT_EQ(int128_decimal(samples[i]), std::to_string(want)) << "hour " << i;
    }
    EXPECT_EQ(int128_decimal(samples[0]), std::to_string(8 * GiB));
    EXPECT_EQ(int128_decimal(samples[3]), std::to_string(13 * GiB));  // img/2 deleted in hour 3
    const Canvas c = test::render_to_canvas(s.snap, ui);
    const Layout l = compute_layout(ui);
    const std::string title = test::rect_row(c, l.chart, 0);
    EXPECT_NE(title.find("Bytes stored at the end of each hour"), std::string::npos) << title;
    EXPECT_NE(title.find("peak " + format_bytes(15 * GiB, false)), std::string::npos) << title;
}

TEST(StoredChart, SaysUpdatingUntilStorageAnswersNotTheRequestsUnderItsTitle) {
    // Before the costs answer, the chart of bytes stored has no figures: it charted the
    // requests under the stored title ("peak 87 B" in e2e.dashboard_stored, now and then).
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(lifecycles(), storage);
    UiState ui = test::ui_of(160, 43);
    ui.chart = ChartMetric::StoredBytes;
    const Snapshot snap = test::snapshot_of(*engine, ui);  // no costs asked or answered
    ASSERT_FALSE(snap.series.empty());
    const Canvas c = test::render_to_canvas(snap, ui);
    const Layout l = compute_layout(ui);
    const std::string title = test::rect_row(c, l.chart, 0);
    EXPECT_NE(title.find("Bytes stored at the end of each"), std::string::npos) << title;
    EXPECT_EQ(title.find("peak"), std::string::npos) << title;
    bool updating = false;
    for (int y = 1; y < l.chart.h; ++y) updating |= test::rect_row(c, l.chart, y).find("updating") != std::string::npos;
    EXPECT_TRUE(updating);
}

TEST(StoredChart, TheMetricKeyGoesThroughBytesStored) {
    Controller ctl(test::ui_of(120, 40));
    const Snapshot none;
    EXPECT_EQ(ctl.state().chart, ChartMetric::BytesSent);
    ctl.on_key('m', none);
    EXPECT_EQ(ctl.state().chart, ChartMetric::Requests);
    ctl.on_key('m', none);
    EXPECT_EQ(ctl.state().chart, ChartMetric::StoredBytes);
    ctl.on_key('m', none);
    EXPECT_EQ(ctl.state().chart, ChartMetric::BytesSent);
}

}  // namespace
}  // namespace s3top::tui
