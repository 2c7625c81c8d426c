// Renders real engine snapshots to a canvas and checks the text.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <sstream>

#include <random>

#include "core/billing/statement.hpp"
#include "tests/tui/tui_fixture.hpp"
#include "tui/format.hpp"
#include "core/report/terminal_text.hpp"

namespace s3top::tui {
namespace {

using test::kT0;
using test::Req;

constexpr std::uint64_t KiB = 1024, MiB = 1024 * 1024;

std::vector<Req> three_orgs() {
    return {
        Req{.org = "acme-big", .sent = MiB, .time = kT0, .ip = "10.0.0.1"},
        Req{.org = "acme-big", .sent = MiB, .time = kT0 + 3600, .ip = "10.0.0.1"},
        Req{.org = "acme-big", .sent = MiB, .time = kT0 + 3600, .ip = "10.0.0.1"},
        Req{.org = "globex", .sent = 512 * KiB, .status = 404, .time = kT0, .ip = "10.0.0.2", .error = "NoSuchKey"},
        Req{.org = "initech", .sent = 100, .status = 503, .time = kT0 + 7200, .ip = "10.0.0.3", .error = "SlowDown"},
    };
}

/// Every row of the canvas is exactly its width: wide glyphs are followed by their right half
/// and nothing else ever carries a control byte.
void expect_well_formed(const Canvas& c) {
    for (int y = 0; y < c.height(); ++y) {
        for (int x = 0; x < c.width(); ++x) {
            const Cell& cell = c.at(x, y);
            if (cell.width == 2) {
                ASSERT_LT(x + 1, c.width()) << "wide glyph cut at row " << y;
                EXPECT_EQ(c.at(x + 1, y).width, 0) << "row " << y << " col " << x;
            }
            for (const char ch : cell.text) {
                const auto b = static_cast<unsigned char>(ch);
                ASSERT_FALSE(b < 0x20 || b == 0x7F) << "control byte in row " << y << ": " << c.row(y);
            }
            if (!cell.text.empty()) {
                const Decoded d = decode_utf8(cell.text);
                EXPECT_TRUE(d.valid && !(d.cp >= 0x80 && d.cp < 0xA0)) << "row " << y << ": " << c.row(y);
            }
        }
    }
}

/// Column of the first '%' in a canvas row segment (the right-aligned share column ends there).
int percent_col(const Canvas& c, Rect r, int dy) {
    for (int x = r.x; x < r.x + r.w; ++x) {
        if (c.at(x, r.y + dy).text == "%") return x;
    }
    return -1;
}

TEST(Render, HeaderShowsLinesAndFilteredTotals) {
    const auto engine = test::make_engine(three_orgs());
    const UiState ui = test::ui_of(120, 40);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("lines 5"), std::string::npos) << c.row(0);
    EXPECT_NE(c.row(0).find("parsed 5"), std::string::npos);
    EXPECT_NE(c.row(0).find("rejected 0"), std::string::npos);
    EXPECT_NE(c.row(1).find("Filter none"), std::string::npos) << c.row(1);
    const std::string totals = c.row(2);
    EXPECT_NE(totals.find("Requests 5"), std::string::npos) << totals;
    EXPECT_NE(totals.find("Sent 3.50 MiB"), std::string::npos) << totals;
    EXPECT_NE(totals.find("4xx 1"), std::string::npos) << totals;
    EXPECT_NE(totals.find("5xx 1"), std::string::npos) << totals;
    EXPECT_NE(totals.find("Clients 3"), std::string::npos) << totals;
    expect_well_formed(c);
}

TEST(Render, NarrowHeaderLeavesFieldsOutWholeNeverCutsANumber) {
    std::vector<Req> reqs;
    for (int i = 0; i < 2345; ++i)
        reqs.push_back(Req{.org = "o",
                           .sent = 123'456'789,
                           .status = static_cast<std::uint16_t>(i % 7 ? 200 : 404),
                           .time = kT0 + i,
                           .ip = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250)});
    const auto engine = test::make_engine(reqs);
    for (const int width : {120, 80, 60}) {
        UiState ui = test::ui_of(width, 30);
        ui.exact = true;  // the longest numbers
        const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
        const std::string totals = c.row(2);
        // Each field is there whole, or not at all; a cut one would read as a smaller number.
        for (const std::string field : {"Requests 2,345", "Sent 289,506,170,205 B", "4xx 335", "Clients 2,345"}) {
            const std::string label = field.substr(0, field.find(' ') + 1);
            if (totals.find(label) != std::string::npos) {
                EXPECT_NE(totals.find(field), std::string::npos) << width << ": " << totals;
            }
        }
        const std::string source = c.row(0);
        if (source.find("rejected ") != std::string::npos) {
            EXPECT_NE(source.find("rejected 0"), std::string::npos) << width << ": " << source;
        }
        if (width == 120) {
            EXPECT_NE(totals.find("Clients 2,345"), std::string::npos) << totals;
        }
        if (width == 60) {
            EXPECT_NE(totals.find("…"), std::string::npos) << "left-out fields are marked: " << totals;
        }
        expect_well_formed(c);
    }
}

TEST(Render, DedupeShowsDuplicatesApartFromRejectedWholeOrNotAtAll) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    ui.exact = true;
    Snapshot snap = test::snapshot_of(*engine, ui);
    snap.lines.unparsed[static_cast<std::size_t>(RejectReason::DuplicateRequestId)] = 1'234'567;
    snap.lines.unparsed[static_cast<std::size_t>(RejectReason::BadTimestamp)] = 3;
    snap.lines.read += 1'234'570;
    // Dedupe off: a duplicate can only be a rejection, shown as such; no dup field.
    Canvas c = test::render_to_canvas(snap, ui);
    EXPECT_NE(c.row(0).find("rejected 1,234,570"), std::string::npos) << c.row(0);
    EXPECT_EQ(c.row(0).find("dup "), std::string::npos) << c.row(0);
    ui.source.dedupe = true;
    ui.source.files = 12;
    c = test::render_to_canvas(snap, ui);
    EXPECT_NE(c.row(0).find("rejected 3 (p)  dup 1,234,567  12 files"), std::string::npos) << c.row(0);
    bool dup_dropped = false;
    for (int width = 120; width >= 40; --width) {
        ui = test::ui_of(width, 30);
        ui.exact = true;
        ui.source.dedupe = true;
        ui.source.files = 12;
        c = test::render_to_canvas(snap, ui);
        const std::string row = c.row(0);
        // Whole or not at all: a cut "dup 1,23" would read as a smaller count.
        if (row.find("dup ") != std::string::npos) {
            EXPECT_NE(row.find("dup 1,234,567"), std::string::npos) << width << ": " << row;
            EXPECT_NE(row.find("rejected 3"), std::string::npos) << "rejected goes last: " << width << ": " << row;
        } else {
            dup_dropped = true;
        }
        if (row.find("12 files") != std::string::npos) {
            EXPECT_NE(row.find("dup 1,234,567"), std::string::npos) << "files goes before dup: " << row;
        }
        expect_well_formed(c);
    }
    EXPECT_TRUE(dup_dropped) << "at 40 columns the dup field no longer fits";
}

TEST(Render, ExactNumbersToggle) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    ui.exact = true;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(2).find("Sent 3,670,116 B"), std::string::npos) << c.row(2);
}

TEST(Render, SumsPastTwoToTheSixtyFourAreMarkedNotWrapped) {
    constexpr std::uint64_t kMax = ~std::uint64_t{0};
    const auto engine = test::make_engine(
        {Req{.org = "evil", .sent = kMax}, Req{.org = "evil", .sent = kMax}, Req{.org = "good", .sent = 100}});
    UiState ui = test::ui_of(160, 40);
    ui.exact = true;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(2).find("Sent >18,446,744,073,709,551,615 B"), std::string::npos) << c.row(2);
    EXPECT_NE(c.row(2).find("OVERFLOW"), std::string::npos) << c.row(2);
    std::string all;
    for (int y = 0; y < c.height(); ++y) all += c.row(y) + "\n";
    EXPECT_NE(all.find(">18,446,744,073,709,551,615"), std::string::npos) << "the org panel marks the evil row";
    expect_well_formed(c);
}

TEST(Render, HeaderShowsSourceStatus) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    ui.source = SourceStatus{SourceStatus::Mode::Replay, 3, false, 4.0, kT0, "reading\x1b[2J"};
    Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("replay ▶ 4x"), std::string::npos) << c.row(0);
    EXPECT_NE(c.row(0).find("3 files"), std::string::npos);
    EXPECT_NE(c.row(0).find("reading\\x1b[2J"), std::string::npos) << c.row(0);
    ui.source.paused = true;
    ui.source.mode = SourceStatus::Mode::Replay;
    c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("replay 4x paused at "), std::string::npos) << c.row(0);
    ui.source.paused = false;
    ui.source.speed = 0;  // as fast as possible
    c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("replay ▶ max at "), std::string::npos) << c.row(0);
    ui.source.done = true;
    c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("replay done at "), std::string::npos) << c.row(0);
}

TEST(Render, PanelsListRowsRankedWithShares) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect org = test::panel_rect(ui, 0);
    ASSERT_GT(org.w, 0);
    EXPECT_NE(test::rect_row(c, org, 0).find("Org"), std::string::npos);
    EXPECT_NE(test::rect_row(c, org, 0).find("(3)"), std::string::npos) << test::rect_row(c, org, 0);
    EXPECT_TRUE(test::rect_row(c, org, 1).starts_with(" acme-big")) << test::rect_row(c, org, 1);
    EXPECT_TRUE(test::rect_row(c, org, 2).starts_with(" globex")) << test::rect_row(c, org, 2);
    EXPECT_TRUE(test::rect_row(c, org, 3).starts_with(" initech")) << test::rect_row(c, org, 3);
    EXPECT_NE(test::rect_row(c, org, 1).find("3.00 MiB"), std::string::npos);
    EXPECT_NE(test::rect_row(c, org, 1).find("86%"), std::string::npos) << test::rect_row(c, org, 1);
    EXPECT_NE(test::rect_row(c, org, 2).find("14%"), std::string::npos) << test::rect_row(c, org, 2);

    const Rect status = test::panel_rect(ui, 2);
    EXPECT_TRUE(test::rect_row(c, status, 1).starts_with(" 200")) << test::rect_row(c, status, 1);
    EXPECT_TRUE(test::rect_row(c, status, 2).starts_with(" 404"));
    EXPECT_EQ(c.at(status.x + 1, status.y + 2).style.role, Role::Warn);
    EXPECT_EQ(c.at(status.x + 1, status.y + 3).style.role, Role::Bad);
}

// #20 item 1: the share is of bytes sent whatever the sort (as report's), and says so.
TEST(Render, SortByRequestsReordersAndShareStaysOfBytesSent) {
    std::vector<Req> reqs = {Req{.org = "big-bytes", .sent = 3 * MiB}};
    for (int i = 0; i < 3; ++i) reqs.push_back(Req{.org = "many-requests", .sent = MiB});
    const auto engine = test::make_engine(reqs);
    UiState ui = test::ui_of(120, 40);
    for (auto& s : ui.slots) s.sort = SortBy::Requests;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect org = test::panel_rect(ui, 0);
    EXPECT_TRUE(test::rect_row(c, org, 1).starts_with(" many-requests")) << test::rect_row(c, org, 1);
    EXPECT_NE(test::rect_row(c, org, 1).find(" 50%"), std::string::npos) << test::rect_row(c, org, 1);
    EXPECT_NE(test::rect_row(c, org, 0).find("Reqs▼"), std::string::npos) << test::rect_row(c, org, 0);
    EXPECT_NE(test::rect_row(c, org, 0).find("%sent"), std::string::npos) << test::rect_row(c, org, 0);
}

// #20 item 1: every panel of the grid heads its columns on its title line, each heading
// right-aligned over its numbers, the sorted one marked; narrow panels abbreviate, and no two
// headings touch.
TEST(Render, EveryGridPanelHeadsItsColumns) {
    const auto engine = test::make_engine(three_orgs());
    for (const int w : {60, 80, 120, 200}) {
        UiState ui = test::ui_of(w, 40);
        const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
        const Layout l = compute_layout(ui);
        for (const PanelBox& b : l.panels) {
            const std::string head = test::rect_row(c, b.rect, 0);
            const std::string row = test::rect_row(c, b.rect, 1);
            SCOPED_TRACE(std::to_string(w) + ": " + head + " / " + row);
            const auto reqs = head.find(" Reqs "), sent = head.find(" Sent▼ "), share = head.find(" %sent");
            ASSERT_NE(reqs, std::string::npos);
            ASSERT_NE(sent, std::string::npos);
            ASSERT_NE(share, std::string::npos);
            EXPECT_LT(reqs, sent);
            EXPECT_LT(sent, share);
            // Right-aligned over the numbers: the share heading ends where the share ends.
            const int share_end = percent_col(c, b.rect, 1);
            ASSERT_GE(share_end, 0);
            EXPECT_EQ(c.at(share_end, b.rect.y).text, "t");
            EXPECT_EQ(c.at(share_end + 1, b.rect.y).text, " ");
        }
    }
    // With nothing sent, the share is of requests, and its heading says that instead.
    const auto uploads = test::make_engine({Req{.org = "a", .sent = 0}, Req{.org = "b", .sent = 0}});
    const UiState ui = test::ui_of(120, 40);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*uploads, ui), ui);
    const Rect org = test::panel_rect(ui, 0);
    EXPECT_NE(test::rect_row(c, org, 0).find("%reqs"), std::string::npos) << test::rect_row(c, org, 0);
    EXPECT_NE(test::rect_row(c, org, 1).find(" 50%"), std::string::npos) << test::rect_row(c, org, 1);
}

// #20 item 7: each panel has its own order, and its heading marks which and which way.
TEST(Render, EachPanelShowsItsOwnOrder) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    ui.slots[0].reverse = true;           // orgs: smallest first
    ui.slots[1].sort = SortBy::Key;       // clients: by address
    ui.slots[2].sort = SortBy::Requests;  // status
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect org = test::panel_rect(ui, 0), ip = test::panel_rect(ui, 1), status = test::panel_rect(ui, 2);
    EXPECT_NE(test::rect_row(c, org, 0).find("Sent▲"), std::string::npos) << test::rect_row(c, org, 0);
    EXPECT_TRUE(test::rect_row(c, org, 1).starts_with(" initech")) << test::rect_row(c, org, 1);
    EXPECT_TRUE(test::rect_row(c, ip, 0).starts_with(" Client IP▲")) << test::rect_row(c, ip, 0);
    EXPECT_EQ(test::rect_row(c, ip, 0).find("▼"), std::string::npos) << test::rect_row(c, ip, 0);
    EXPECT_TRUE(test::rect_row(c, ip, 1).starts_with(" 10.0.0.1")) << test::rect_row(c, ip, 1);
    EXPECT_NE(test::rect_row(c, status, 0).find("Reqs▼"), std::string::npos) << test::rect_row(c, status, 0);
    ui.focus = 1;
    const Canvas focused = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(focused.row(39).find("sort:name▲"), std::string::npos) << focused.row(39);
}

// #20 item 2: the org panel shows what `bill` would charge each org (its statement, the
// built-in prices and exclusions), and the header the total and the months it covers.
TEST(Render, OrgPanelShowsEachOrgsCostAndTheHeaderItsPeriod) {
    const std::uint64_t GiB = 1024 * MiB;
    const auto engine = test::make_engine({
        Req{.org = "acme", .sent = 10 * GiB},
        Req{.org = "acme", .sent = 5 * GiB, .requester = "AmazonS3"},  // S3's own: not billed
        Req{.org = "globex", .sent = GiB, .time = kT0 + 40 * 86400},   // April
        Req{.org = "initech", .sent = 0, .op = "REST.PUT.OBJECT"},
    });
    const BillingSpec base = test::shipped_billing();
    UiState ui = test::ui_of(132, 43);
    const Snapshot snap = test::snapshot_of(*engine, ui);
    ui.costs = compute_org_costs(*engine, base, ui.filter, snap.min_time, snap.max_time);
    // As bill computes it: one tiered egress charge per month, shared by bytes.
    BillingSpec bill = base;
    bill.periods = periods_between(kT0, kT0 + 61 * 86400);
    const Statement st = compute_statement(*engine, bill);
    std::int64_t acme = 0;
    for (const auto& l : st.lines_billed)
        if (l.key.front() == "acme") acme += l.charges.amount;
    EXPECT_EQ(ui.costs->by_org.at("acme"), acme);
    EXPECT_EQ(ui.costs->by_org.at("acme"), 900'000);  // 10 GB at 0.09, the 5 GB of AmazonS3 left out

    const Canvas c = test::render_to_canvas(snap, ui);
    const Rect org = test::panel_rect(ui, 0);
    const std::string head = test::rect_row(c, org, 0);
    EXPECT_NE(head.find(" USD "), std::string::npos) << head;
    EXPECT_LT(head.find("Sent▼"), head.find(" USD ")) << head;
    EXPECT_TRUE(test::rect_row(c, org, 1).starts_with(" acme")) << test::rect_row(c, org, 1);
    EXPECT_NE(test::rect_row(c, org, 1).find(" 0.90 "), std::string::npos) << test::rect_row(c, org, 1);
    EXPECT_NE(test::rect_row(c, org, 2).find(" 0.09 "), std::string::npos) << test::rect_row(c, org, 2);
    EXPECT_NE(test::rect_row(c, org, 3).find(" 0.00 "), std::string::npos) << test::rect_row(c, org, 3);
    EXPECT_NE(c.row(2).find("Cost 0.99 USD 2024-03-01..2024-04-10"), std::string::npos) << c.row(2);
    // Costs of another filter than the one shown are not drawn.
    ui.costs->filter = *parse_filter("org=acme");
    const Canvas stale = test::render_to_canvas(snap, ui);
    EXPECT_EQ(test::rect_row(stale, org, 0).find("USD"), std::string::npos);
    EXPECT_EQ(stale.row(2).find("Cost"), std::string::npos);
    // #18: a cost whose reports failed (ClickHouse unreachable) says why, and no amount at all.
    ui.costs->filter = ui.filter;
    ui.costs->error = "ClickHouse at h:1 is unreachable";
    const Canvas failed = test::render_to_canvas(snap, ui);
    EXPECT_EQ(test::rect_row(failed, org, 0).find("USD"), std::string::npos) << test::rect_row(failed, org, 0);
    EXPECT_NE(failed.row(2).find("Cost not known: ClickHouse at h:1 is unreachable"), std::string::npos)
        << failed.row(2);
    EXPECT_EQ(format_money(123'456'789'000), "123,456.79");
    EXPECT_EQ(format_money(-5'000), "-0.01");
}

// #21: a cost asked for other records than those shown (the load goes on, or the answer for
// these is on its way) is dimmed, in the header (which says "updating") and in the org panel's
// cost column (at 80 columns the header has no room for the Cost field); one of these records
// is not.
TEST(Render, ACostOfOtherRecordsThanThoseShownSaysItIsUpdating) {
    const std::uint64_t GiB = 1024 * MiB;
    const auto engine = test::make_engine({Req{.org = "acme", .sent = 10 * GiB}, Req{.org = "globex", .sent = GiB}});
    for (const auto& [w, h] : {std::pair{160, 50}, std::pair{80, 24}}) {
        UiState ui = test::ui_of(w, h);
        const Rect org = test::panel_rect(ui, 0);
        const auto cost_cell = [&org](const Canvas& c) {  // globex's cost in the org panel (not selected)
            const std::string row = test::rect_row(c, org, 2);
            const auto at = row.find(" 0.09");
            EXPECT_NE(at, std::string::npos) << row;
            return c.at(org.x + static_cast<int>(at) + 1, org.y + 2);
        };
        const Snapshot snap = test::snapshot_of(*engine, ui);
        ASSERT_EQ(snap.records, 2u);
        ui.costs = compute_org_costs(*engine, test::shipped_billing(), ui.filter, snap.min_time, snap.max_time);
        ui.costs->records = snap.records;
        const Canvas now = test::render_to_canvas(snap, ui);
        EXPECT_EQ(now.row(2).find("updating"), std::string::npos) << now.row(2);
        EXPECT_EQ(cost_cell(now).style.role, Role::Normal);
        const auto amount = now.row(2).find("Cost 0.99 USD");
        if (w == 160) {
            ASSERT_NE(amount, std::string::npos) << now.row(2);
            EXPECT_EQ(now.at(static_cast<int>(amount) + 5, 2).style.role, Role::Normal);  // ASCII up to it
        }

        ui.costs->records = 1;  // asked of a snapshot with one record
        const Canvas stale = test::render_to_canvas(snap, ui);
        EXPECT_EQ(cost_cell(stale).style.role, Role::Dim);
        if (w == 160) {
            EXPECT_NE(stale.row(2).find("Cost 0.99 USD 2024-03-01..2024-03-01 updating"), std::string::npos)
                << stale.row(2);
            EXPECT_EQ(stale.at(static_cast<int>(amount) + 5, 2).style.role, Role::Dim);
        }
    }
}

// #16: with the object-changing requests gathered, the org panel's cost includes storage so far
// in the range, charged by `bill`'s own storage line, and a Stored column says what each org
// has stored at its end.
TEST(Render, OrgPanelCostIncludesStorageAsBillChargesIt) {
    const std::uint64_t GiB = 1024 * MiB;
    auto storage = std::make_shared<StorageCollector>();
    const auto engine = test::make_engine(
        {
            Req{.org = "acme", .key = "big.bin", .op = "REST.PUT.OBJECT", .object_size = 100 * GiB},
            Req{.org = "globex", .sent = GiB, .time = kT0 + 9 * 86400},
        },
        storage);
    const BillingSpec base = test::shipped_billing();
    UiState ui = test::ui_of(240, 43);  // wide: the Stored column is the first a grid panel gives up
    const Snapshot snap = test::snapshot_of(*engine, ui);
    ui.costs = compute_org_costs(*engine, base, ui.filter, snap.min_time, snap.max_time, storage.get());
    ASSERT_TRUE(ui.costs->storage);
    // As bill computes it over the same range: its storage line for acme's 100 GiB over 9 days.
    BillingSpec bill = base;
    bill.by = {DimSpec{Dim::Org, 0}};
    bill.periods = periods_between(kT0, kT0 + 9 * 86400 + 1);
    StorageResult stored =
        storage->read([&](const StorageView& events) { return compute_storage(storage_spec_for(bill), events); });
    bill.storage = &stored;
    const Statement st = compute_statement(*engine, bill);
    std::int64_t acme = 0;
    for (const auto& l : st.lines_billed)
        if (l.key.front() == "acme") acme += l.charges.amount;
    EXPECT_GT(acme, 600'000);  // 100 GiB x 0.023 x 9/31 of March: 0.67 USD
    EXPECT_EQ(ui.costs->by_org.at("acme"), acme);
    EXPECT_EQ(ui.costs->stored.at("acme"), 100 * GiB);
    EXPECT_EQ(ui.costs->stored.count("globex"), 0u);

    const Canvas c = test::render_to_canvas(snap, ui);
    const Rect org = test::panel_rect(ui, 0);
    const std::string head = test::rect_row(c, org, 0);
    EXPECT_LT(head.find(" USD "), head.find(" Stored")) << head;
    const std::string acme_row =
        test::rect_row(c, org, 1).starts_with(" acme") ? test::rect_row(c, org, 1) : test::rect_row(c, org, 2);
    EXPECT_NE(acme_row.find(" " + format_money(acme) + " "), std::string::npos) << acme_row;
    EXPECT_NE(acme_row.find(format_bytes(100 * GiB, false)), std::string::npos) << acme_row;
    // On a narrower screen the grid keeps requests and the cost, and drops Stored first.
    UiState narrow = ui;
    narrow.screen_w = 80;
    const Canvas n = test::render_to_canvas(snap, narrow);
    const std::string narrow_head = test::rect_row(n, test::panel_rect(narrow, 0), 0);
    EXPECT_EQ(narrow_head.find("Stored"), std::string::npos) << narrow_head;
    EXPECT_NE(narrow_head.find(" USD "), std::string::npos) << narrow_head;
}

TEST(Render, SelectedRowOfTheFocusedPanelIsHighlighted) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    ui.cursors[0].selected = 1;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect org = test::panel_rect(ui, 0);
    EXPECT_EQ(c.at(org.x + 1, org.y + 2).style.role, Role::Selected);
    EXPECT_TRUE(c.at(org.x + 1, org.y + 2).style.reverse);
    EXPECT_NE(c.at(org.x + 1, org.y + 1).style.role, Role::Selected);
    EXPECT_EQ(c.at(org.x + 1, org.y).style.role, Role::Focus);
}

// One column per row of bars; its height in cells (partial blocks count).
std::vector<int> bar_heights(const Canvas& c, Rect chart) {
    std::vector<int> heights;
    for (int x = chart.x; x < chart.x + chart.w; ++x) {
        int h = 0;
        for (int y = chart.y + 1; y < chart.y + chart.h - 1; ++y) {
            const std::string& t = c.at(x, y).text;
            if (t.starts_with("\xE2\x96")) ++h;  // U+2580..U+25BF block elements
        }
        heights.push_back(h);
    }
    return heights;
}

TEST(Render, ChartBarsAreTallerWhereMoreBytesWereSent) {
    const auto engine = test::make_engine({
        Req{.sent = 1 * MiB, .time = kT0},
        Req{.sent = 4 * MiB, .time = kT0 + 3600},
        Req{.sent = 2 * MiB, .time = kT0 + 7200 + 59},
    });
    const UiState ui = test::ui_of(120, 40);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Layout l = compute_layout(ui);
    EXPECT_NE(c.row(l.chart.y).find("Bytes sent per hour"), std::string::npos) << c.row(l.chart.y);
    EXPECT_NE(c.row(l.chart.y).find("peak 4.00 MiB"), std::string::npos) << c.row(l.chart.y);
    EXPECT_NE(c.row(l.chart.y).find("2024-03-01T00 → 2024-03-01T02 UTC"), std::string::npos);
    // Three bars (runs of non-empty columns), middle one full height.
    const std::vector<int> h = bar_heights(c, l.chart);
    std::vector<int> bars;
    for (std::size_t x = 0; x < h.size(); ++x) {
        if (h[x] > 0 && (x == 0 || h[x - 1] == 0)) bars.push_back(h[x]);
    }
    ASSERT_EQ(bars.size(), 3u);
    EXPECT_EQ(bars[1], l.chart.h - 2);
    EXPECT_GT(bars[2], bars[0]);
    EXPECT_GT(bars[1], bars[2]);
    // The axis names the first and last bucket.
    const std::string axis = c.row(l.chart.y + l.chart.h - 1);
    EXPECT_NE(axis.find("2024-03-01T00"), std::string::npos) << axis;
    EXPECT_NE(axis.find("2024-03-01T02"), std::string::npos) << axis;
}

TEST(Render, ChartShowsRequestsAndOtherResolutions) {
    const auto engine = test::make_engine({Req{.sent = 10, .time = kT0}, Req{.sent = 10, .time = kT0 + 86400 * 2}});
    UiState ui = test::ui_of(120, 40);
    ui.chart = ChartMetric::Requests;
    ui.resolution = Dim::Day;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Layout l = compute_layout(ui);
    EXPECT_NE(c.row(l.chart.y).find("Requests per day"), std::string::npos) << c.row(l.chart.y);
    const std::vector<int> h = bar_heights(c, l.chart);
    std::vector<int> bars;
    for (std::size_t x = 0; x < h.size(); ++x) {
        if (h[x] > 0 && (x == 0 || h[x - 1] == 0)) bars.push_back(h[x]);
    }
    EXPECT_EQ(bars, (std::vector<int>{l.chart.h - 2, l.chart.h - 2}));  // the empty middle day has no bar
}

// #20 item 6: a column holds a round span of time, and the title says which; the columns
// share the whole width.
TEST(Render, LongRangesFoldIntoRoundSpansNamedInTheTitle) {
    std::vector<Req> reqs;
    for (int m = 0; m < 600; ++m) reqs.push_back(Req{.sent = 1, .time = kT0 + m * 60});
    const auto engine = test::make_engine(reqs);
    UiState ui = test::ui_of(120, 40);
    ui.resolution = Dim::Minute;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Layout l = compute_layout(ui);
    const std::string title = c.row(l.chart.y);
    EXPECT_NE(title.find("Bytes sent per 10 minutes"), std::string::npos) << title;
    EXPECT_EQ(title.find("per column"), std::string::npos) << title;
    expect_well_formed(c);
    // 60 columns of 10 minutes over the whole width: bars reach the right edge.
    const std::vector<int> h = bar_heights(c, l.chart);
    int last = -1;
    for (int x = 0; x < static_cast<int>(h.size()); ++x)
        if (h[static_cast<std::size_t>(x)] > 0) last = x;
    EXPECT_GE(last, l.chart.w - 2) << c.to_string();
}

TEST(Render, ChartFoldsOnRoundTimesAndFitsLongRanges) {
    // The corpus spans 2009-2025: by month, two months a column, not "1050 hours per column".
    const std::int64_t from = 1230768000, to = 1751241600;  // 2009-01-01, 2025-06-30
    EXPECT_EQ(fitting_resolution(from, to, 110), Dim::Month);
    const ChartFold years = chart_fold(Dim::Month, from, 198, 110);
    EXPECT_EQ(years.group, 2);
    EXPECT_EQ(chart_title(ChartMetric::Requests, Dim::Month, years.group), "Requests per 2 months");
    EXPECT_EQ(chart_title(ChartMetric::BytesSent, Dim::Hour, 1), "Bytes sent per hour");
    // Two days fit in half hours, five by the hour, an hour by the minute, a year by the week.
    EXPECT_EQ(fitting_resolution(kT0, kT0 + 2 * 86400, 110), Dim::Minute);
    EXPECT_EQ(chart_fold(Dim::Minute, kT0, 2881, 110).group, 30);
    EXPECT_EQ(fitting_resolution(kT0, kT0 + 5 * 86400, 110), Dim::Hour);
    EXPECT_EQ(fitting_resolution(kT0, kT0 + 3600, 110), Dim::Minute);
    EXPECT_EQ(fitting_resolution(kT0, kT0 + 365 * 86400, 110), Dim::Day);
    EXPECT_EQ(chart_fold(Dim::Day, kT0, 366, 110).group, 7);
    // 15-minute columns start at :00, :15, :30, :45: a range from 00:10 leads with 10 minutes.
    const ChartFold f = chart_fold(Dim::Minute, kT0 + 600, 1500, 110);
    EXPECT_EQ(f.group, 15);
    EXPECT_EQ(f.lead, 10u);
    EXPECT_EQ(f.columns, 101u);
}

// #20 item 6: during replay the chart does not rescale at every step: what was drawn stays
// where it was as later records arrive, at the same height while the peak stays under the
// round scale.
TEST(Render, ReplayKeepsDrawnColumnsWhereTheyAre) {
    std::vector<Req> reqs;
    for (int h = 0; h < 6; ++h) reqs.push_back(Req{.sent = (h % 3 + 1) * MiB, .time = kT0 + h * 3600});
    UiState ui = test::ui_of(120, 40);
    ui.source.mode = SourceStatus::Mode::Replay;
    const Layout l = compute_layout(ui);
    const auto early = test::make_engine(std::vector<Req>(reqs.begin(), reqs.begin() + 3));
    const auto later = test::make_engine(reqs);
    const std::vector<int> a = bar_heights(test::render_to_canvas(test::snapshot_of(*early, ui), ui), l.chart);
    const std::vector<int> b = bar_heights(test::render_to_canvas(test::snapshot_of(*later, ui), ui), l.chart);
    int drawn = 0;
    for (std::size_t x = 0; x < a.size(); ++x) {
        if (a[x] == 0) continue;
        ++drawn;
        EXPECT_EQ(a[x], b[x]) << "column " << x;
    }
    EXPECT_EQ(drawn, 3);
}

TEST(Render, LongLabelsAreCutInTheMiddleAndColumnsStayAligned) {
    const std::string long_org = "a-very-long-organisation-name-that-cannot-possibly-fit-in-a-panel";
    const auto engine = test::make_engine({Req{.org = long_org, .sent = 2 * MiB},
                                           Req{.org = long_org + "-2", .sent = MiB}, Req{.org = "short", .sent = MiB}});
    const UiState ui = test::ui_of(120, 40);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect org = test::panel_rect(ui, 0);
    const std::string row = test::rect_row(c, org, 1);
    EXPECT_TRUE(row.starts_with(" a-very-lo")) << row;
    EXPECT_NE(row.find("…"), std::string::npos) << row;
    EXPECT_EQ(row.find("possibly"), std::string::npos) << row;
    // Two values that share their start still look apart: their ends show.
    EXPECT_NE(row.find("-a-panel "), std::string::npos) << row;
    EXPECT_NE(test::rect_row(c, org, 2).find("panel-2 "), std::string::npos) << test::rect_row(c, org, 2);
    EXPECT_EQ(percent_col(c, org, 1), percent_col(c, org, 2));
    EXPECT_EQ(percent_col(c, org, 1), percent_col(c, org, 3));
    EXPECT_GT(percent_col(c, org, 1), 0);
}

// #20 item 5: exact numbers widen the panels rather than cut keys or drop the share.
TEST(Render, ExactModeKeepsKeysWholeAndTheShare) {
    std::vector<Req> reqs;
    const char* orgs[] = {"piedpiper-6", "nakatomi-12", "stark-33"};
    for (int i = 0; i < 30; ++i)
        reqs.push_back(Req{.org = orgs[i % 3],
                           .sent = 2'040'009'170'754ull / static_cast<std::uint64_t>(i + 1),
                           .ip = "172.31.145." + std::to_string(100 + i),
                           .key = "backups/vm/vm-01" + std::to_string(i) + "/disk.img"});
    const auto engine = test::make_engine(reqs);
    for (const int w : {80, 100, 132, 200}) {
        UiState ui = test::ui_of(w, 43);
        ui.exact = true;
        const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
        expect_well_formed(c);
        const Layout l = compute_layout(ui);
        for (const PanelBox& b : l.panels) {
            SCOPED_TRACE(std::to_string(w) + ": " + test::rect_row(c, b.rect, 0));
            EXPECT_NE(test::rect_row(c, b.rect, 0).find("%sent"), std::string::npos);
            for (int dy = 1; dy < b.rect.h && !test::rect_row(c, b.rect, dy).empty(); ++dy) {
                const std::string row = test::rect_row(c, b.rect, dy);
                EXPECT_EQ(row.find("…"), std::string::npos) << row;
                EXPECT_NE(row.find(" B "), std::string::npos) << row;
                EXPECT_GT(percent_col(c, b.rect, dy), 0) << row;
            }
        }
    }
}

// #20 item 5: whatever a label holds (invalid UTF-8 shown as U+FFFD, escapes, wide and
// combining characters), cut or whole, in any mode, its numbers stay under their headings.
TEST(Render, HostileLabelsNeverShiftTheNumbers) {
    const std::vector<std::string> pieces = {
        "a",    "\xff",     "\xef\xbf\xbd",     "\xc3",         "\xe4\xb8\xad", "\xcc\x81",
        "\x1b", "\\",       "\xf0\x9f\x98\x80", "\xed\xa0\x80", "\x7f",         "\xe2\x80\xae",
        "key-", "\xc0\x80", "\xf4\x90\x80\x80"};
    std::mt19937 rng(20);
    for (int round = 0; round < 40; ++round) {
        std::vector<Req> reqs;
        for (int i = 0; i < 8; ++i) {
            std::string label;
            for (int n = static_cast<int>(rng() % 12) + 1; n > 0; --n) label += pieces[rng() % pieces.size()];
            reqs.push_back(Req{.org = label, .sent = (rng() % 5000) * KiB + 1});
        }
        const auto engine = test::make_engine(reqs);
        UiState ui = test::ui_of(static_cast<int>(60 + rng() % 100), 40);
        ui.unicode = rng() % 3 != 0;
        ui.exact = rng() % 2;
        ui.expanded = rng() % 3 == 0;
        const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
        expect_well_formed(c);
        const Rect org = ui.expanded ? compute_layout(ui).body : test::panel_rect(ui, 0);
        const int first = ui.expanded ? 2 : 1;
        const int col = percent_col(c, org, first);
        ASSERT_GT(col, 0) << c.to_string();
        for (int dy = first; dy < std::min(first + 8, org.h); ++dy)
            EXPECT_EQ(percent_col(c, org, dy), col) << c.to_string();
    }
}

TEST(Render, HostileStringsAreEscapedAndDoNotShiftColumns) {
    const std::vector<std::string> uas = {
        "clear\x1b[2Jscreen",
        "osc52\x1b]52;c;aGVsbG8=\x07",
        "bell\x07",
        "cr\rlf\nend",
        "bad\xff\xfeutf8",
        "中文客户端",
        "rocket🚀ua",
        "\xc2\x9b"
        "31mc1",
        "rtl\u202Eexe",
        "plain-agent",
    };
    std::vector<Req> reqs;
    for (std::size_t i = 0; i < uas.size(); ++i) reqs.push_back(Req{.sent = (i + 1) * KiB, .ua = uas[i]});
    const auto engine = test::make_engine(reqs);
    UiState ui = test::ui_of(120, 40);
    ui.focus = 6;  // user agents
    ui.expanded = true;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    expect_well_formed(c);
    const std::string text = c.to_string();
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\x07'), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    for (const char* shown : {"clear\\x1b[2Jscreen", "osc52\\x1b]52;c;aGVsbG8=\\x07", "bell\\x07", "cr\\rlf\\nend",
                              "bad\uFFFD\uFFFDutf8", "中文客户端", "rocket🚀ua", "\\u009b31mc1", "rtl\\u202eexe"}) {
        EXPECT_NE(text.find(shown), std::string::npos) << shown << "\n" << text;
    }
    const Rect body = compute_layout(ui).body;
    const int col = percent_col(c, body, 2);
    ASSERT_GT(col, 0);
    for (int i = 0; i < static_cast<int>(uas.size()); ++i)
        EXPECT_EQ(percent_col(c, body, 2 + i), col) << c.row(body.y + 2 + i);
}

TEST(Render, FitsAn80x24Terminal) {
    const auto engine = test::make_engine(three_orgs());
    const UiState ui = test::ui_of(80, 24);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    expect_well_formed(c);
    EXPECT_TRUE(c.row(0).starts_with(" s3top")) << c.row(0);
    EXPECT_NE(c.row(2).find("Requests 5"), std::string::npos);
    EXPECT_TRUE(c.row(23).starts_with("q quit")) << c.row(23);
    EXPECT_NE(c.row(23).find("panels 1-6/8"), std::string::npos) << c.row(23);
    const Rect org = test::panel_rect(ui, 0);
    EXPECT_EQ(org.w, 40);
    EXPECT_TRUE(test::rect_row(c, org, 1).starts_with(" acme-big")) << c.to_string();
    for (int y = 0; y < 24; ++y) EXPECT_LE(display_width(c.row(y)), 80);
}

TEST(Render, ScrolledGridShowsTheFocusedPanel) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(80, 24);
    ui.focus = 7;  // buckets: last grid row
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect bucket = test::panel_rect(ui, 7);
    ASSERT_GT(bucket.w, 0);
    EXPECT_NE(test::rect_row(c, bucket, 0).find("Bucket"), std::string::npos) << c.to_string();
}

TEST(Render, TooSmallTerminalSaysSo) {
    const auto engine = test::make_engine(three_orgs());
    const UiState ui = test::ui_of(50, 12);
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.to_string().find("Terminal too small: 50x12"), std::string::npos) << c.to_string();
}

TEST(Render, AsciiTerminalGetsNoNonAsciiBytes) {
    std::vector<Req> reqs = three_orgs();
    reqs.push_back(Req{.org = "中文", .sent = MiB, .ua = "🚀"});
    const auto engine = test::make_engine(reqs);
    UiState ui = test::ui_of(120, 40);
    ui.unicode = false;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const std::string text = c.to_string();
    for (const char ch : text) ASSERT_LT(static_cast<unsigned char>(ch), 0x80) << text;
    EXPECT_NE(text.find("\\u4e2d\\u6587"), std::string::npos);
    EXPECT_NE(text.find('#'), std::string::npos);  // chart bars
    // Overlays, the prompt and replay state too.
    const Snapshot snap = test::snapshot_of(*engine, ui);
    ui.source = SourceStatus{SourceStatus::Mode::Replay, 1, true, 2.0, kT0, "é"};
    for (const Overlay o : {Overlay::Help, Overlay::OrgPicker, Overlay::FilterPrompt}) {
        ui.overlay = o;
        ui.picker.all = {"中文", "acme-big"};
        ui.picker.query.set("中");
        ui.picker.refilter();
        ui.prompt.set("org=中文");
        ui.prompt_error = "bad ü";
        const std::string t = test::render_to_canvas(snap, ui).to_string();
        for (const char ch : t) ASSERT_LT(static_cast<unsigned char>(ch), 0x80) << t;
    }
}

TEST(Render, DrillDownFilterNarrowsEverything) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    ui.filter.add_eq(DimSpec{Dim::Org}, "globex");
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(1).find("Filter org=globex"), std::string::npos) << c.row(1);
    EXPECT_NE(c.row(2).find("Requests 1"), std::string::npos) << c.row(2);
    EXPECT_NE(c.row(2).find("Sent 512 KiB"), std::string::npos) << c.row(2);
    const Rect org = test::panel_rect(ui, 0);
    EXPECT_TRUE(test::rect_row(c, org, 1).starts_with(" globex"));
    EXPECT_EQ(test::rect_row(c, org, 2), "");
    const Rect err = test::panel_rect(ui, 5);
    EXPECT_TRUE(test::rect_row(c, err, 1).starts_with(" NoSuchKey")) << test::rect_row(c, err, 1);
}

TEST(Render, EmptyEngineRendersPlaceholders) {
    Engine engine{EngineConfig{}};
    const UiState ui = test::ui_of(120, 40);
    const Canvas c = test::render_to_canvas(test::snapshot_of(engine, ui), ui);
    EXPECT_NE(c.to_string().find("no requests match"), std::string::npos);
    EXPECT_NE(c.to_string().find("no data"), std::string::npos);
    expect_well_formed(c);
}

TEST(Render, HelpWrapsToTheScreenAndScrollsToEveryLine) {
    // At 80x24 the help is taller than the screen and wider than its box: descriptions wrap at
    // spaces (never cut with …) and scrolling reaches every row; the footer says which rows.
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(80, 24);
    const Snapshot snap = test::snapshot_of(*engine, ui);
    ui.overlay = Overlay::Help;
    const int max = help_max_scroll(ui.keys, 80, 24);
    ASSERT_GT(max, 0);
    std::string seen;
    for (int scroll = 0; scroll <= max; ++scroll) {
        ui.help_scroll = scroll;
        const std::string t = test::render_to_canvas(snap, ui).to_string();
        std::istringstream lines(t);
        for (std::string line; std::getline(lines, line);) {
            if (line.find("│") == std::string::npos) continue;
            EXPECT_EQ(line.find("…"), std::string::npos) << line;  // wrapped, not cut
            seen += line + "\n";
        }
        if (scroll == 0) {
            EXPECT_NE(t.find(" 1-18 of "), std::string::npos) << t;
        }
        if (scroll == max) {
            EXPECT_NE(t.find(fmt::format("-{} of {} ", 18 + max, 18 + max)), std::string::npos) << t;
        }
    }
    for (const char* text : {"focus the next / previous panel", "this help", "Filter terms", "dim~/regex/",
                             "Dimensions", "Numbers", "%sent = share"})
        EXPECT_NE(seen.find(text), std::string::npos) << text << " never shown:\n" << seen;
    // Past the end is clamped to the last rows.
    ui.help_scroll = max + 50;
    EXPECT_NE(test::render_to_canvas(snap, ui).to_string().find("%sent = share"), std::string::npos);
    // On a big screen it all fits at once.
    UiState big = test::ui_of(140, 60);
    big.overlay = Overlay::Help;
    EXPECT_EQ(help_max_scroll(big.keys, 140, 60), 0);
    const std::string t = test::render_to_canvas(test::snapshot_of(*engine, big), big).to_string();
    EXPECT_NE(t.find("any key closes"), std::string::npos);
    EXPECT_NE(t.find("%sent = share"), std::string::npos);
}

TEST(Render, OverlaysHelpPickerAndPromptError) {
    const auto engine = test::make_engine(three_orgs());
    UiState ui = test::ui_of(120, 40);
    const Snapshot snap = test::snapshot_of(*engine, ui);

    ui.overlay = Overlay::Help;
    EXPECT_NE(test::render_to_canvas(snap, ui).to_string().find("s3top help"), std::string::npos);

    ui.overlay = Overlay::OrgPicker;
    ui.picker.all = {"acme-big", "globex", "initech"};
    ui.picker.query.set("GLO");
    ui.picker.refilter();
    std::string text = test::render_to_canvas(snap, ui).to_string();
    EXPECT_NE(text.find("Search: GLO"), std::string::npos) << text;
    EXPECT_NE(text.find("1 of 3"), std::string::npos);
    EXPECT_NE(text.find("│ globex"), std::string::npos) << text;
    EXPECT_NE(text.find("1 req  512 KiB"), std::string::npos) << text;  // its numbers from the Org panel

    ui.overlay = Overlay::FilterPrompt;
    ui.prompt.set("org=acme bogus");
    ui.prompt_error = "filter term 'bogus' is not dimension=value";
    const Canvas c = test::render_to_canvas(snap, ui);
    EXPECT_TRUE(c.row(39).starts_with("Filter: org=acme bogus")) << c.row(39);
    EXPECT_TRUE(c.row(38).starts_with("error: filter term 'bogus'")) << c.row(38);
}

TEST(Render, ExpandedPanelHasHeadingsAndScrolls) {
    std::vector<Req> reqs;
    for (int i = 0; i < 100; ++i)
        reqs.push_back(Req{.org = "org-" + std::to_string(100 + i), .sent = 1000u + static_cast<unsigned>(i)});
    const auto engine = test::make_engine(reqs);
    UiState ui = test::ui_of(120, 40);
    ui.expanded = true;
    ui.cursors[0].selected = 60;
    ui.cursors[0].scroll = 40;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    const Rect body = compute_layout(ui).body;
    const std::string head = test::rect_row(c, body, 1);
    for (const char* h : {"Org", "Requests", "Bytes sent▼", "Uploaded", "4xx", "5xx", "% sent"})
        EXPECT_NE(head.find(h), std::string::npos) << h << " in " << head;
    EXPECT_NE(test::rect_row(c, body, 0).find("41-74 of 100"), std::string::npos) << test::rect_row(c, body, 0);
    EXPECT_TRUE(test::rect_row(c, body, 2).starts_with(" org-159")) << test::rect_row(c, body, 2);  // rank 41
    EXPECT_EQ(c.at(body.x + 1, body.y + 2 + 20).style.role, Role::Selected);
    // With fewer rows kept than groups exist, the title says they are the top ones.
    ui.panel_limit = 50;
    const Canvas top = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(test::rect_row(top, body, 0).find("of top 50  100 groups"), std::string::npos)
        << test::rect_row(top, body, 0);
}

TEST(Render, RandomDataSizesAndStatesStayWellFormed) {
    std::mt19937 rng(99);
    auto junk = [&] {
        std::string s(rng() % 60, '\0');
        for (auto& ch : s) ch = static_cast<char>(rng() % 4 ? 'a' + rng() % 26 : rng() % 256);
        return s;
    };
    for (int round = 0; round < 60; ++round) {
        std::vector<Req> reqs;
        const int n = static_cast<int>(rng() % 40);
        for (int i = 0; i < n; ++i) {
            reqs.push_back(Req{.org = junk(),
                               .sent = rng() % (1ull << (rng() % 50)),
                               .status = static_cast<std::uint16_t>(100 + rng() % 500),
                               .time = kT0 + static_cast<std::int64_t>(rng() % 500000),
                               .ip = junk(),
                               .ua = junk(),
                               .key = junk()});
        }
        const auto engine = test::make_engine(reqs);
        UiState ui = test::ui_of(static_cast<int>(50 + rng() % 200), static_cast<int>(15 + rng() % 60));
        ui.unicode = rng() % 4 != 0;
        ui.exact = rng() % 2;
        ui.expanded = rng() % 3 == 0;
        ui.focus = rng() % ui.slots.size();
        ui.resolution = std::array{Dim::Minute, Dim::Hour, Dim::Day, Dim::Month}[rng() % 4];
        ui.chart = rng() % 2 ? ChartMetric::Requests : ChartMetric::BytesSent;
        ui.cursors[ui.focus].selected = static_cast<int>(rng() % 50) - 1;
        ui.cursors[ui.focus].scroll = static_cast<int>(rng() % 50);
        ui.grid_top = static_cast<int>(rng() % 5);
        ui.overlay = static_cast<Overlay>(rng() % 4);
        ui.picker.all = {junk(), junk(), junk()};
        ui.picker.query.set(junk().substr(0, 2));
        ui.picker.refilter();
        ui.picker.selected = static_cast<int>(rng() % 5);
        ui.prompt.set(junk());
        ui.prompt.cursor = 0;
        ui.prompt_error = junk();
        ui.message = rng() % 3 ? std::string() : junk();
        if (rng() % 3 == 0) ui.filter.add_eq(DimSpec{Dim::UserAgent}, reqs.empty() || rng() % 2 ? junk() : reqs[0].ua);
        const Snapshot snap = test::snapshot_of(*engine, ui);
        ui.source.note = junk();
        ui.source.mode = static_cast<SourceStatus::Mode>(rng() % 4);
        const Canvas c = test::render_to_canvas(snap, ui);
        expect_well_formed(c);
        if (::testing::Test::HasFatalFailure()) return;
    }
}

}  // namespace
}  // namespace s3top::tui
