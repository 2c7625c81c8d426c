// Picking a time range on the chart: [ and ] show a cursor on a column and move it, Enter marks
// where the range starts and then filters on it (from= to=, undone as any filter), and a press
// on one column released on another does the same with the mouse.
#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"
#include "tui/controller.hpp"
#include "tui/render.hpp"
#include "tui/sources.hpp"

namespace s3top::tui {
namespace {

using test::kT0;
using test::Req;

class ChartRangeTest : public ::testing::Test {
protected:
    ChartRangeTest()
        : engine_(test::make_engine({
              Req{.sent = 100, .time = kT0},
              Req{.sent = 200, .time = kT0 + 3600},
              Req{.sent = 300, .time = kT0 + 2 * 3600 + 5},
              Req{.sent = 400, .time = kT0 + 3 * 3600},
              Req{.sent = 500, .time = kT0 + 4 * 3600 + 59},
              Req{.sent = 600, .time = kT0 + 5 * 3600},
          })),
          ctl_(test::ui_of(120, 40), engine_sources(*engine_)) {
        ctl_.on_resize(120, 40);
        refresh();
    }
    void refresh() { test::refresh(*engine_, ctl_, snap_); }
    Action key(Key k) { return test::press(*engine_, ctl_, snap_, k); }
    Action mouse(MouseEvent::Kind kind, int x, int y) {
        const Action a = ctl_.on_mouse(MouseEvent{kind, x, y}, snap_);
        if (a == Action::ViewChanged) refresh();
        return a;
    }
    ChartGeometry geo() const { return chart_geometry(snap_, ui(), compute_layout(ui()).chart); }
    const UiState& ui() const { return ctl_.state(); }
    std::string screen() const { return test::render_to_canvas(snap_, ctl_.state()).to_string(); }

    std::unique_ptr<Engine> engine_;
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(ChartRangeTest, ColumnsCoverTheRangeInTurn) {
    const ChartGeometry g = geo();
    ASSERT_EQ(g.columns.size(), 6u);  // an hour a column
    for (std::size_t i = 0; i < g.columns.size(); ++i) {
        EXPECT_EQ(g.columns[i].from, kT0 + static_cast<std::int64_t>(i) * 3600);
        EXPECT_EQ(g.columns[i].to, g.columns[i].from + 3600);
        if (i) {
            EXPECT_EQ(g.columns[i].x, g.columns[i - 1].x + g.columns[i - 1].w);
        }
        EXPECT_EQ(g.column_under(g.columns[i].x), i);
        EXPECT_EQ(g.column_at(g.columns[i].from + 1800), i);
    }
}

TEST_F(ChartRangeTest, BracketsShowAndMoveTheCursorAndArrowsMoveItWhileItShows) {
    EXPECT_EQ(key(']'), Action::Redraw);
    ASSERT_TRUE(ui().chart_cursor);
    EXPECT_EQ(*ui().chart_cursor, kT0 + 5 * 3600);  // the latest column first
    EXPECT_NE(screen().find("at 2024-03-01T05 .. 2024-03-01T06 UTC"), std::string::npos) << screen();
    EXPECT_NE(screen().find("[ ] move  Enter mark its start  Esc leave the chart"), std::string::npos);
    key('[');
    key(keys::Left);  // the cursor's, not the panels' focus
    EXPECT_EQ(*ui().chart_cursor, kT0 + 3 * 3600);
    EXPECT_EQ(ui().focus, 0u);
    key(keys::Home);
    EXPECT_EQ(*ui().chart_cursor, kT0);
    key('[');  // stays at the first
    EXPECT_EQ(*ui().chart_cursor, kT0);
    key(keys::End);
    key(']');
    EXPECT_EQ(*ui().chart_cursor, kT0 + 5 * 3600);
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_FALSE(ui().chart_cursor);
    EXPECT_TRUE(ui().filter.empty());
    key(keys::Right);  // the panels' again
    EXPECT_EQ(ui().focus, 1u);
}

TEST_F(ChartRangeTest, EnterMarksTheStartThenFiltersOnTheRangeAndUUndoesIt) {
    key(']');
    key(keys::Home);
    key(keys::Right);
    EXPECT_EQ(key(keys::Enter), Action::Redraw);  // marks 01:00
    ASSERT_TRUE(ui().chart_mark);
    EXPECT_TRUE(ui().filter.empty());
    key(keys::Right);
    key(keys::Right);
    EXPECT_NE(screen().find("range 2024-03-01T01 .. 2024-03-01T04 UTC"), std::string::npos) << screen();
    EXPECT_NE(screen().find("▲"), std::string::npos);
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().filter.from, kT0 + 3600);
    EXPECT_EQ(ui().filter.to, kT0 + 4 * 3600);
    EXPECT_FALSE(ui().chart_cursor);
    EXPECT_EQ(snap_.totals.requests, 3u);  // 01:00, 02:00:05, 03:00
    EXPECT_EQ(snap_.totals.bytes_sent, 900u);
    EXPECT_EQ(ui().message, "time 2024-03-01T01 .. 2024-03-01T04 UTC: u undoes it");
    EXPECT_NE(screen().find("Filter from=2024-03-01T01:00:00Z to=2024-03-01T04:00:00Z"), std::string::npos) << screen();
    // Written as --filter takes it, and undone as any filter.
    const auto back = parse_filter(ui().filter.to_string());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, ui().filter);
    key('u');
    EXPECT_TRUE(ui().filter.empty());
    EXPECT_EQ(snap_.totals.requests, 6u);
}

TEST_F(ChartRangeTest, ARangeBackwardsIsTheSameRangeAndTheExportCarriesIt) {
    key(']');
    key(keys::Enter);  // 05:00
    key('[');
    key('[');
    key(keys::Enter);  // back to 03:00
    EXPECT_EQ(ui().filter.from, kT0 + 3 * 3600);
    EXPECT_EQ(ui().filter.to, kT0 + 6 * 3600);
    key('w');
    key('c');
    ASSERT_TRUE(ui().export_request);
    EXPECT_EQ(ui().export_request->filter.from, kT0 + 3 * 3600);
    EXPECT_EQ(ui().export_request->filter.to, kT0 + 6 * 3600);
}

TEST_F(ChartRangeTest, PressOnAColumnAndReleaseOnAnotherFiltersOnTheColumnsBetween) {
    const ChartGeometry g = geo();
    const int y = compute_layout(ui()).chart.y + 2;
    EXPECT_EQ(mouse(MouseEvent::Kind::Press, g.columns[4].x + 1, y), Action::Redraw);
    EXPECT_EQ(*ui().chart_mark, kT0 + 4 * 3600);
    EXPECT_EQ(mouse(MouseEvent::Kind::Release, g.columns[2].x, y + 3), Action::ViewChanged);
    EXPECT_EQ(ui().filter.from, kT0 + 2 * 3600);
    EXPECT_EQ(ui().filter.to, kT0 + 5 * 3600);
    EXPECT_EQ(snap_.totals.requests, 3u);
}

TEST_F(ChartRangeTest, AClickMarksAColumnThatEnterFiltersOnAndStrayReleasesDoNothing) {
    EXPECT_EQ(mouse(MouseEvent::Kind::Release, 50, 30), Action::None);  // no press on the chart before it
    const ChartGeometry g = geo();
    const int y = compute_layout(ui()).chart.y + 1;
    mouse(MouseEvent::Kind::Press, g.columns[1].x, y);
    EXPECT_EQ(mouse(MouseEvent::Kind::Release, g.columns[1].x + 2, y), Action::Redraw);
    EXPECT_TRUE(ui().filter.empty());
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().filter.from, kT0 + 3600);
    EXPECT_EQ(ui().filter.to, kT0 + 2 * 3600);
    // Released past the right end: to the last column.
    key(keys::Escape);  // clears the filter
    mouse(MouseEvent::Kind::Press, g.columns[3].x, y);
    EXPECT_EQ(mouse(MouseEvent::Kind::Release, 119, 2), Action::ViewChanged);
    EXPECT_EQ(ui().filter.from, kT0 + 3 * 3600);
    EXPECT_EQ(ui().filter.to, kT0 + 6 * 3600);
}

TEST_F(ChartRangeTest, NoChartToPickFromSaysSo) {
    key('e');  // a panel expanded: no chart
    EXPECT_EQ(key(']'), Action::Redraw);
    EXPECT_FALSE(ui().chart_cursor);
    EXPECT_EQ(ui().message, "the chart shows when no panel is expanded");
}

}  // namespace
}  // namespace s3top::tui
