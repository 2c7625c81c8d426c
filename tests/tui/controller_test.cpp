// Key and mouse handling on the curses-free controller.
#include "tui/controller.hpp"
#include "tui/render.hpp"

#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"

namespace s3top::tui {
namespace {

using test::Req;

class ControllerTest : public ::testing::Test {
protected:
    ControllerTest()
        : engine_(test::make_engine({
              Req{.org = "acme", .sent = 300, .ip = "10.0.0.1"},
              Req{.org = "acme", .sent = 300, .ip = "10.0.0.2"},
              Req{.org = "globex", .sent = 200, .ip = "10.0.0.3"},
              Req{.org = "initech", .sent = 100, .status = 503, .ip = "10.0.0.3"},
          })),
          ctl_(test::ui_of(120, 40), [this] { return engine_->values(Dim::Org); }) {
        refresh();
    }

    /// What the dashboard does after a ViewChanged: a new snapshot of the new view.
    void refresh() { test::refresh(*engine_, ctl_, snap_); }
    Action key(Key k) { return test::press(*engine_, ctl_, snap_, k); }
    void type(std::string_view s) {
        for (const char ch : s) key(static_cast<Key>(ch));
    }
    const UiState& ui() const { return ctl_.state(); }

    std::unique_ptr<Engine> engine_;
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(ControllerTest, EnterDrillsDownOnTheSelectedRow) {
    EXPECT_EQ(ui().focus, 0u);
    EXPECT_EQ(key(keys::Down), Action::Redraw);  // second org: globex
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().filter.to_string(), "org=globex");
    EXPECT_EQ(snap_.totals.requests, 1u);

    EXPECT_EQ(key(keys::Tab), Action::Redraw);  // clients panel
    EXPECT_EQ(ui().focus, 1u);
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().filter.to_string(), "org=globex ip=10.0.0.3");
    EXPECT_EQ(ui().view_spec().filter, ui().filter);
}

TEST_F(ControllerTest, DrillingTwiceOnTheSameValueIsRefused) {
    key(keys::Enter);
    EXPECT_EQ(ui().filter.to_string(), "org=acme");
    EXPECT_EQ(key(keys::Enter), Action::Redraw);
    EXPECT_EQ(ui().filter.terms.size(), 1u);
    EXPECT_FALSE(ui().message.empty());
}

TEST_F(ControllerTest, BackspacePopsTheLastTermAndEscapeClears) {
    key(keys::Enter);  // org=acme
    key(keys::Tab);
    key(keys::Enter);  // ip=10.0.0.1 (acme's top client)
    EXPECT_EQ(ui().filter.terms.size(), 2u);
    EXPECT_EQ(key(keys::Backspace), Action::ViewChanged);
    EXPECT_EQ(ui().filter.to_string(), "org=acme");
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    key(keys::Enter);
    EXPECT_EQ(key(keys::Escape), Action::ViewChanged);
    EXPECT_TRUE(ui().filter.empty());
    EXPECT_EQ(snap_.totals.requests, 4u);
    EXPECT_EQ(key(keys::Backspace), Action::Redraw) << "the 'filter cleared' notice goes";
    EXPECT_TRUE(ui().filter.empty());
    EXPECT_EQ(key(keys::Backspace), Action::None);  // nothing left to pop
}

TEST_F(ControllerTest, OrgPickerFiltersIncrementallyAndApplies) {
    EXPECT_EQ(key('o'), Action::Redraw);
    ASSERT_EQ(ui().overlay, Overlay::OrgPicker);
    EXPECT_EQ(ui().picker.matches.size(), 3u);
    type("I");
    EXPECT_EQ(ui().picker.matches.size(), 1u);  // initech (case-insensitive)
    key(keys::Backspace);
    EXPECT_EQ(ui().picker.matches.size(), 3u);
    type("e");  // acme, globex, initech all have an e
    EXPECT_EQ(ui().picker.matches.size(), 3u);
    type("x");
    ASSERT_EQ(ui().picker.matches.size(), 1u);
    EXPECT_EQ(ui().picker.all[ui().picker.matches[0]], "globex");
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_EQ(ui().filter.to_string(), "org=globex");

    // Picking again replaces the org rather than asking for two at once.
    key('o');
    type("acme");
    key(keys::Enter);
    EXPECT_EQ(ui().filter.to_string(), "org=acme");
    EXPECT_EQ(snap_.totals.requests, 2u);
}

TEST_F(ControllerTest, OrgPickerNavigatesAndCancels) {
    key('o');
    EXPECT_EQ(key(keys::Down), Action::Redraw);
    EXPECT_EQ(ui().picker.selected, 1);
    key(keys::Down);
    key(keys::Down);
    EXPECT_EQ(ui().picker.selected, 2);  // clamped
    type("zzz");
    EXPECT_TRUE(ui().picker.matches.empty());
    EXPECT_EQ(key(keys::Enter), Action::None);
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_TRUE(ui().filter.empty());
}

TEST_F(ControllerTest, FilterPromptParsesAndShowsErrors) {
    EXPECT_EQ(key('/'), Action::Redraw);
    ASSERT_EQ(ui().overlay, Overlay::FilterPrompt);
    type("status=5xx bogus");
    EXPECT_EQ(key(keys::Enter), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::FilterPrompt);
    EXPECT_NE(ui().prompt_error.find("bogus"), std::string::npos) << ui().prompt_error;
    key(keys::CtrlW);  // delete the bad word
    EXPECT_TRUE(ui().prompt_error.empty());
    EXPECT_EQ(ui().prompt.text, "status=5xx ");
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_EQ(ui().filter.to_string(), "class=5xx");
    EXPECT_EQ(snap_.totals.requests, 1u);

    // The prompt starts from the current filter.
    key('/');
    EXPECT_EQ(ui().prompt.text, "class=5xx ");
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ui().filter.to_string(), "class=5xx");
}

TEST_F(ControllerTest, PromptEditsUtf8Text) {
    key('/');
    key(U'é');
    key(U'中');
    key(keys::Left);
    key('x');
    EXPECT_EQ(ui().prompt.text, "éx中");
    key(keys::Home);
    key(keys::Delete);
    EXPECT_EQ(ui().prompt.text, "x中");
    key(keys::End);
    key(keys::Backspace);
    EXPECT_EQ(ui().prompt.text, "x");
}

TEST_F(ControllerTest, SortResolutionChartDimensionAndExactKeys) {
    // #20 item 7: s and r order the focused panel only.
    EXPECT_EQ(key('s'), Action::ViewChanged);
    EXPECT_EQ(ui().view_spec().panels[0].sort, SortBy::Requests);
    EXPECT_EQ(ui().view_spec().panels[1].sort, SortBy::Bytes);
    EXPECT_EQ(key('r'), Action::ViewChanged);
    EXPECT_TRUE(ui().view_spec().panels[0].reverse);
    EXPECT_FALSE(ui().view_spec().panels[1].reverse);
    key('s');
    EXPECT_EQ(ui().slots[0].sort, SortBy::Key);
    EXPECT_FALSE(ui().slots[0].reverse);  // a new order starts its own way round
    key('s');
    EXPECT_EQ(ui().slots[0].sort, SortBy::Bytes);

    // #20 item 6: t leaves the automatic resolution for minute, hour, day, month, then back.
    EXPECT_TRUE(ui().auto_resolution);
    EXPECT_EQ(key('t'), Action::ViewChanged);
    EXPECT_FALSE(ui().auto_resolution);
    EXPECT_EQ(ui().view_spec().resolution, Dim::Minute);
    key('t');
    key('t');
    key('t');
    EXPECT_EQ(ui().resolution, Dim::Month);
    key('t');
    EXPECT_TRUE(ui().auto_resolution);

    EXPECT_EQ(key('m'), Action::Redraw);
    EXPECT_EQ(ui().chart, ChartMetric::Requests);
    EXPECT_EQ(key('x'), Action::Redraw);
    EXPECT_TRUE(ui().exact);

    key(keys::Tab);  // clients: ip -> requester
    EXPECT_EQ(key('d'), Action::ViewChanged);
    EXPECT_EQ(ui().view_spec().panels[1].dim.dim, Dim::Requester);
    EXPECT_EQ(snap_.panels[1].spec.dim.dim, Dim::Requester);
    key(keys::BackTab);
    // Orgs have no alternative, and the status line says so.
    EXPECT_EQ(key('d'), Action::Redraw);
    EXPECT_EQ(ui().message, "Org has no other dimension to switch to");
    EXPECT_EQ(ui().view_spec().panels[0].dim.dim, Dim::Org);
}

TEST_F(ControllerTest, MovementWithinAndBetweenPanels) {
    key(keys::End);
    EXPECT_EQ(ui().cursors[0].selected, 2);
    key(keys::Down);
    EXPECT_EQ(ui().cursors[0].selected, 2);  // clamped at the last row
    key(keys::Home);
    EXPECT_EQ(ui().cursors[0].selected, 0);
    key(keys::Up);
    EXPECT_EQ(ui().cursors[0].selected, -1);  // the title line
    EXPECT_EQ(key(keys::Enter), Action::Redraw);
    EXPECT_TRUE(ui().expanded);
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_FALSE(ui().expanded);
    EXPECT_EQ(key('e'), Action::Redraw);
    EXPECT_TRUE(ui().expanded);
    key('e');

    key(keys::Right);
    EXPECT_EQ(ui().focus, 1u);
    key(keys::Left);
    key(keys::Left);
    EXPECT_EQ(ui().focus, ui().slots.size() - 1);  // wraps
    // Up from a title moves to the panel above in the grid (3 columns at 120 wide).
    key(keys::Right);
    key(keys::Right);
    key(keys::Right);
    key(keys::Right);
    EXPECT_EQ(ui().focus, 3u);
    ui();
    key(keys::Up);
    key(keys::Up);
    EXPECT_EQ(ui().focus, 0u);
}

TEST_F(ControllerTest, SelectionFollowsItsLabelAndClampsWhenDataShrinks) {
    key(keys::Down);
    key(keys::Down);  // initech, the last org
    EXPECT_EQ(ui().cursors[0].selected_label, "initech");
    // Initech grows past everyone: the selection moves with it to the top.
    auto more = test::make_engine(
        {Req{.org = "acme", .sent = 1}, Req{.org = "globex", .sent = 2}, Req{.org = "initech", .sent = 3}});
    Snapshot s = test::snapshot_of(*more, ui());
    ctl_.on_snapshot(s);
    EXPECT_EQ(ui().cursors[0].selected, 0);
    // Data shrinks and the selected label is gone: clamped to the rows that exist.
    key(keys::End);
    auto fewer = test::make_engine({Req{.org = "solo", .sent = 1}});
    s = test::snapshot_of(*fewer, ui());
    ctl_.on_snapshot(s);
    EXPECT_EQ(ui().cursors[0].selected, 0);
    EXPECT_FALSE(ui().cursors[0].pinned);
}

TEST_F(ControllerTest, UntouchedPanelsKeepTheirPosition) {
    // Nobody moved in the org panel: when the top org drops, the selection stays on the top row.
    EXPECT_EQ(ui().cursors[0].selected, 0);
    auto reranked = test::make_engine({Req{.org = "acme", .sent = 1}, Req{.org = "globex", .sent = 2}});
    const Snapshot s = test::snapshot_of(*reranked, ui());
    ctl_.on_snapshot(s);
    EXPECT_EQ(ui().cursors[0].selected, 0);
    EXPECT_EQ(ui().cursors[0].scroll, 0);
}

TEST_F(ControllerTest, HelpQuitAndReplayKeys) {
    EXPECT_EQ(key('?'), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::Help);
    EXPECT_EQ(key('s'), Action::Redraw);  // any key closes help and does nothing else
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_EQ(ui().slots[0].sort, SortBy::Bytes);
    EXPECT_EQ(key(' '), Action::TogglePause);
    EXPECT_EQ(key('+'), Action::Faster);
    EXPECT_EQ(key('-'), Action::Slower);
    EXPECT_EQ(key('.'), Action::Step);
    EXPECT_EQ(key('q'), Action::Quit);
    EXPECT_EQ(key(keys::CtrlC), Action::Quit);
}

TEST_F(ControllerTest, HelpTallerThanTheScreenScrollsOtherKeysClose) {
    ctl_.on_resize(80, 24);
    const int max = help_max_scroll(ui().keys, 80, 24);
    ASSERT_GT(max, 0);  // the whole help does not fit 80x24
    EXPECT_EQ(key('?'), Action::Redraw);
    EXPECT_EQ(key(keys::Up), Action::None);  // at the top already
    EXPECT_EQ(key(keys::Down), Action::Redraw);
    EXPECT_EQ(ui().help_scroll, 1);
    EXPECT_EQ(key('j'), Action::Redraw);  // the bound Down key scrolls too
    EXPECT_EQ(ui().help_scroll, 2);
    EXPECT_EQ(key(keys::End), Action::Redraw);
    EXPECT_EQ(ui().help_scroll, max);
    EXPECT_EQ(key(keys::PageDown), Action::None);
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::WheelUp, 10, 10}, snap_), Action::Redraw);
    EXPECT_EQ(ui().help_scroll, max - 1);
    EXPECT_EQ(key(keys::Home), Action::Redraw);
    EXPECT_EQ(ui().help_scroll, 0);
    EXPECT_EQ(ui().overlay, Overlay::Help);
    EXPECT_EQ(key('x'), Action::Redraw);  // closes, and does not toggle exact numbers
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_FALSE(ui().exact);
    // Opened again, it starts at the top.
    key(keys::End);
    EXPECT_EQ(key('?'), Action::Redraw);
    EXPECT_EQ(ui().help_scroll, 0);
    // Where it all fits, a scroll key closes it as any key does.
    ctl_.on_resize(120, 60);
    ASSERT_EQ(help_max_scroll(ui().keys, 120, 60), 0);
    EXPECT_EQ(key(keys::Down), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::None);
}

TEST_F(ControllerTest, MouseSelectsPanelsAndRowsAndDrillsOnSecondClick) {
    const Rect status = test::panel_rect(ui(), 2);
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::Press, status.x + 3, status.y + 2}, snap_), Action::Redraw);
    EXPECT_EQ(ui().focus, 2u);
    EXPECT_EQ(ui().cursors[2].selected, 1);  // 503
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::Press, status.x + 3, status.y + 2}, snap_),
              Action::ViewChanged);
    EXPECT_EQ(ui().filter.to_string(), "status=503");
    // A click on the focused panel's title expands it.
    refresh();
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::Press, status.x + 3, status.y}, snap_), Action::Redraw);
    EXPECT_TRUE(ui().expanded);
}

TEST_F(ControllerTest, PageKeysUseTheVisibleRows) {
    std::vector<Req> reqs;
    for (int i = 0; i < 200; ++i)
        reqs.push_back(Req{.org = "org" + std::to_string(i), .sent = 1000u + static_cast<unsigned>(i)});
    engine_ = test::make_engine(reqs);
    refresh();
    key('e');  // expanded: 120x40 shows 34 rows
    key(keys::PageDown);
    EXPECT_EQ(ui().cursors[0].selected, 34);
    EXPECT_EQ(ui().cursors[0].scroll, 1);
    key(keys::End);
    EXPECT_EQ(ui().cursors[0].selected, 199);
    EXPECT_EQ(ui().cursors[0].scroll, 200 - 34);
    key(keys::PageUp);
    EXPECT_EQ(ui().cursors[0].selected, 199 - 34);
}

}  // namespace
}  // namespace s3top::tui
