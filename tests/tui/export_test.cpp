// The export key (w): a small prompt for the format, then a request for the app with the view's
// filter, the focused panel's dimension and order, and the panels shown; the status line that
// comes back is shown as written, so its command can be copied.
#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"
#include "tui/controller.hpp"
#include "tui/render.hpp"
#include "tui/sources.hpp"

namespace s3top::tui {
namespace {

using test::Req;

class ExportTest : public ::testing::Test {
protected:
    ExportTest()
        : engine_(test::make_engine({
              Req{.org = "acme", .sent = 300, .ip = "10.0.0.1"},
              Req{.org = "acme", .sent = 100, .ip = "10.0.0.2"},
              Req{.org = "globex", .sent = 200, .ip = "10.0.0.3"},
          })),
          ctl_(test::ui_of(120, 40), engine_sources(*engine_)) {
        refresh();
    }
    void refresh() { test::refresh(*engine_, ctl_, snap_); }
    Action key(Key k) { return test::press(*engine_, ctl_, snap_, k); }
    const UiState& ui() const { return ctl_.state(); }
    std::string screen() const { return test::render_to_canvas(snap_, ctl_.state()).to_string(); }

    std::unique_ptr<Engine> engine_;
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(ExportTest, WAsksTheFormatThenRequestsTheFocusedPanelUnderTheFilter) {
    key(keys::Enter);  // drill into the top org: org=acme
    key(keys::Tab);    // the client IP panel
    key('s');          // sorted by requests
    EXPECT_EQ(key('w'), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::ExportPrompt);
    EXPECT_NE(screen().find("Write the Client IP panel as  c CSV  j JSON  h HTML  Esc cancel"), std::string::npos)
        << screen();
    EXPECT_FALSE(ui().export_request);

    EXPECT_EQ(key('c'), Action::Export);
    EXPECT_EQ(ui().overlay, Overlay::None);
    ASSERT_TRUE(ui().export_request);
    const ExportRequest& r = *ui().export_request;
    EXPECT_EQ(r.filter.to_string(), "org=acme");
    EXPECT_EQ(r.by, DimSpec{Dim::RemoteIp});
    EXPECT_EQ(r.sort, SortBy::Requests);
    EXPECT_EQ(r.format, ExportFormat::Csv);
    ASSERT_EQ(r.panels.size(), ui().slots.size());
    for (std::size_t i = 0; i < r.panels.size(); ++i) EXPECT_EQ(r.panels[i], ui().slots[i].dim());
}

TEST_F(ExportTest, JAndHPickJsonAndHtmlAfterASwitchedDimension) {
    key(keys::Tab);
    key('d');  // client IP -> requester
    key('w');
    EXPECT_EQ(key('j'), Action::Export);
    EXPECT_EQ(ui().export_request->format, ExportFormat::Json);
    EXPECT_EQ(ui().export_request->by, ui().slots[1].dim());
    EXPECT_NE(ui().export_request->by, DimSpec{Dim::RemoteIp});
    EXPECT_EQ(ui().export_request->panels[1], ui().slots[1].dim());
    key('w');
    EXPECT_EQ(key('H'), Action::Export);
    EXPECT_EQ(ui().export_request->format, ExportFormat::Html);
}

TEST_F(ExportTest, OtherKeysWaitAndEscCancels) {
    key('w');
    EXPECT_EQ(key('q'), Action::None);  // not quit: the prompt waits for c, j, h or Esc
    EXPECT_EQ(key('x'), Action::None);
    EXPECT_EQ(ui().overlay, Overlay::ExportPrompt);
    EXPECT_FALSE(ui().exact);
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_FALSE(ui().export_request);
    EXPECT_EQ(ui().message, "export cancelled");
    EXPECT_TRUE(ui().filter.empty());  // Esc closed the prompt; it did not clear anything else
}

TEST_F(ExportTest, AReboundKeyExportsAndTheHelpAndHintsNameIt) {
    auto map = keymap_from_config({{"export", "ctrl-e"}});
    ASSERT_TRUE(map) << map.error();
    ctl_.state().keys = *map;
    EXPECT_EQ(key('w'), Action::None);
    EXPECT_EQ(key(0x05), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::ExportPrompt);
    key(keys::Escape);
    key(keys::CtrlL);         // clears "export cancelled"
    ctl_.on_resize(200, 40);  // room for every hint
    EXPECT_NE(screen().find("Ctrl-E write"), std::string::npos) << screen();
    Canvas help(120, 40);
    render_help(ui().keys, 0, help);
    EXPECT_NE(help.to_string().find("Ctrl-E"), std::string::npos);
    EXPECT_NE(help.to_string().find("write the view to a file (CSV, JSON, HTML)"), std::string::npos)
        << help.to_string();
}

TEST_F(ExportTest, TheStatusLineShowsTheCommandAsWrittenAndBusyWhileWriting) {
    UiState& s = ctl_.state();
    s.busy = "writing the Org panel as CSV…";
    EXPECT_NE(screen().find("writing the Org panel as CSV…"), std::string::npos);
    // A message takes its place; a printed one keeps its backslashes single, to be copied.
    s.message = R"(wrote f.csv (1 row); the same: s3top report --filter $'key=a\x0ab' -o f.csv)";
    s.message_printed = true;
    EXPECT_NE(screen().find(R"(--filter $'key=a\x0ab' -o f.csv)"), std::string::npos) << screen();
    EXPECT_EQ(screen().find("writing the Org"), std::string::npos);
    s.message_printed = false;  // any other message shows a backslash as \\ (escapes stay unambiguous)
    EXPECT_NE(screen().find(R"($'key=a\\x0ab')"), std::string::npos) << screen();
    // The next key clears it, and the printed mark with it.
    s.message_printed = true;
    key(keys::Down);
    EXPECT_TRUE(ui().message.empty());
    EXPECT_FALSE(ui().message_printed);
}

// A command longer than the screen is wide is shown whole, on the lines above the hint bar,
// to be copied from the screen (before, it was cut at the screen's edge).
TEST_F(ExportTest, APrintedCommandWiderThanTheScreenWrapsOntoTheLinesAbove) {
    UiState& s = ctl_.state();
    std::string path = "/tmp/";
    for (int i = 0; path.size() < 230; ++i) path += "logs-" + std::to_string(i) + "/";
    s.message =
        "wrote v.json (2 rows); the same: s3top report --by org --format json -o v.json --no-state " + path + "END";
    s.message_printed = true;
    const Canvas c = test::render_to_canvas(snap_, ctl_.state());
    std::string joined;
    int lines = 0;
    for (int y = 0; y < c.height(); ++y) {
        std::string row = test::rect_row(c, Rect{0, y, c.width(), 1}, 0);
        if (row.find("wrote v.json") != std::string::npos || (lines > 0 && lines < 6)) {
            while (!row.empty() && row.back() == ' ') row.pop_back();
            joined += row;
            ++lines;
        }
    }
    EXPECT_GE(lines, 3) << c.to_string();
    EXPECT_NE(joined.find(path + "END"), std::string::npos) << c.to_string();
}

}  // namespace
}  // namespace s3top::tui
