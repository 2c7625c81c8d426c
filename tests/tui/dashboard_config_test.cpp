// The config file's [dashboard] section reaching the dashboard: key bindings in the controller,
// the hint bar and help; panels in the layout; colors as curses pairs.
#include <gtest/gtest.h>

#include <set>

#include "core/config/config.hpp"
#include "tests/tui/tui_fixture.hpp"
#include "tui/controller.hpp"
#include "tui/keymap.hpp"
#include "tui/theme.hpp"

namespace s3top::tui {
namespace {

using test::Req;

std::vector<DimSpec> dims(std::initializer_list<const char*> names) {
    std::vector<DimSpec> out;
    for (const char* n : names) out.push_back(*parse_dim(n));
    return out;
}

/// A config text applied over the built-in one (the test fails on a config error).
Config config_of(std::string_view text) {
    auto c = apply_config_text(builtin_config(), text, "test.conf", {});
    EXPECT_TRUE(c) << c.error().to_string();
    return c ? *c : builtin_config();
}

bool screen_has(const Canvas& c, std::string_view text) { return c.to_string().find(text) != std::string::npos; }

TEST(DashboardConfig, BuiltInSectionIsTheDashboardsDefault) {
    const Config c = builtin_config();
    EXPECT_EQ(keymap_from_config(c.keys).value(), KeyMap::defaults());
    EXPECT_EQ(theme_from_config(c.colors).value(), Theme::defaults());
    std::vector<DimSpec> panels;
    for (const auto& n : c.panels) panels.push_back(*parse_dim(n));
    const UiState from_config = UiState::with_panels(panels), defaults = UiState::defaults();
    ASSERT_EQ(from_config.slots.size(), defaults.slots.size());
    for (std::size_t i = 0; i < defaults.slots.size(); ++i) {
        EXPECT_EQ(from_config.slots[i].choices, defaults.slots[i].choices) << i;
        EXPECT_EQ(from_config.slots[i].dim(), defaults.slots[i].dim()) << i;
    }
}

TEST(DashboardConfig, KeyNamesTheConfigAcceptsAreTheOnesTheDashboardKnows) {
    // Names free of the default bindings, so only the name decides.
    for (const char* name : {"Q",    "#",     "~",    "enter", "esc",  "tab", "backtab", "space", "up",     "down",
                             "left", "right", "pgup", "pgdn",  "home", "end", "f1",      "f12",   "ctrl-a", "ctrl-y"}) {
        const std::string text = std::string("[dashboard.keys]\nhelp = \"") + name + "\"\n";
        const auto c = apply_config_text(builtin_config(), text, "t.conf", {});
        ASSERT_TRUE(c) << name << ": " << c.error().to_string();
        const auto k = parse_key_name(name);
        ASSERT_TRUE(k) << name;
        EXPECT_EQ(keymap_from_config(c->keys)->key(Command::Help), *k) << name;
    }
    for (const char* name : {"f13", "f0", "ctrl-1", "ab", "", " ", "enter2", "\x7f"}) {
        EXPECT_FALSE(parse_key_name(name)) << name;
        const std::string text = std::string("[dashboard.keys]\nhelp = \"") + name + "\"\n";
        EXPECT_FALSE(apply_config_text(builtin_config(), text, "t.conf", {})) << name;
    }
    EXPECT_EQ(key_label(*parse_key_name("f5")), "F5");
    EXPECT_EQ(key_label(*parse_key_name("ctrl-b")), "Ctrl-B");
    EXPECT_EQ(key_label(*parse_key_name("backtab")), "Shift-Tab");
    EXPECT_EQ(key_label(*parse_key_name("space")), "Space");
    EXPECT_EQ(key_label('/'), "/");
    EXPECT_FALSE(keymap_from_config({{"quit", "h"}, {"help", "h"}}));  // one key, two commands
}

class RemappedKeys : public ::testing::Test {
protected:
    RemappedKeys()
        : engine_(
              test::make_engine({Req{.org = "acme", .sent = 300}, Req{.org = "globex", .sent = 200, .status = 503}})) {
        const Config c = config_of(
            "[dashboard.keys]\nquit = \"Q\"\nhelp = \"h\"\nfilter = \"f\"\nsort = \"ctrl-s\"\n"
            "down = \"n\"\nexpand = \"space\"\n");
        UiState ui = test::ui_of(120, 40);
        ui.keys = keymap_from_config(c.keys).value();
        ctl_ = Controller(ui, [this] { return engine_->values(Dim::Org); });
        snap_ = test::snapshot_of(*engine_, ctl_.state());
        ctl_.on_snapshot(snap_);
    }
    Action key(Key k) { return ctl_.on_key(k, snap_); }
    Canvas screen() const { return test::render_to_canvas(snap_, ctl_.state()); }

    std::unique_ptr<Engine> engine_;
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(RemappedKeys, TheNewKeyRunsTheCommandAndTheOldOneNoLonger) {
    EXPECT_EQ(key('q'), Action::None);
    EXPECT_EQ(key('/'), Action::None);
    EXPECT_EQ(ctl_.state().overlay, Overlay::None);
    EXPECT_EQ(key('f'), Action::Redraw);
    EXPECT_EQ(ctl_.state().overlay, Overlay::FilterPrompt);
    key(keys::Escape);
    EXPECT_EQ(key(0x13), Action::ViewChanged);  // ctrl-s
    EXPECT_EQ(ctl_.state().slots[0].sort, SortBy::Requests);
    EXPECT_EQ(key('n'), Action::Redraw);
    EXPECT_EQ(ctl_.state().cursors[0].selected, 1);
    EXPECT_EQ(key(keys::Down), Action::None);  // the arrow still moves: already on the last row
    EXPECT_EQ(key('j'), Action::None);         // j is free now
    EXPECT_EQ(key(' '), Action::Redraw);       // bound to expand: no longer replay's pause
    EXPECT_TRUE(ctl_.state().expanded);
    key(' ');
    EXPECT_EQ(key('Q'), Action::Quit);
    EXPECT_EQ(key(keys::CtrlC), Action::Quit);  // always
}

TEST_F(RemappedKeys, HelpAndHintBarShowTheUsersKeys) {
    const std::string hints = screen().row(39);
    EXPECT_NE(hints.find("Q quit"), std::string::npos) << hints;
    EXPECT_NE(hints.find("h help"), std::string::npos) << hints;
    EXPECT_NE(hints.find("f filter"), std::string::npos) << hints;
    EXPECT_NE(hints.find("Ctrl-S sort:bytes▼"), std::string::npos) << hints;
    EXPECT_EQ(hints.find("q quit"), std::string::npos) << hints;
    EXPECT_TRUE(screen_has(screen(), "f types a filter, o picks an org")) << screen().to_string();

    EXPECT_EQ(key('?'), Action::None);  // ? is no longer help
    EXPECT_EQ(key('h'), Action::Redraw);
    ASSERT_EQ(ctl_.state().overlay, Overlay::Help);
    const Canvas help = screen();
    EXPECT_TRUE(screen_has(help, "Q  Ctrl-C")) << help.to_string();
    EXPECT_TRUE(screen_has(help, "h  F1")) << help.to_string();
    EXPECT_TRUE(screen_has(help, "Up Down k n")) << help.to_string();
    EXPECT_FALSE(screen_has(help, "q  Ctrl-C")) << help.to_string();
    EXPECT_TRUE(screen_has(help, "Enter on a title, Space")) << help.to_string();
    EXPECT_TRUE(screen_has(help, "+  -  .")) << help.to_string();  // space is taken
    EXPECT_TRUE(screen_has(help, "replay: faster, slower, step")) << help.to_string();
    // In help, the bound quit key quits; any other key closes it.
    EXPECT_EQ(key('q'), Action::Redraw);
    EXPECT_EQ(ctl_.state().overlay, Overlay::None);
    key('h');
    EXPECT_EQ(key('Q'), Action::Quit);
}

TEST(DashboardConfig, TooSmallNoticeNamesTheQuitKey) {
    UiState ui = test::ui_of(40, 10);
    ui.keys.bind(Command::Quit, 'X');
    const Canvas c = test::render_to_canvas(Snapshot{}, ui);
    EXPECT_TRUE(screen_has(c, "X quits")) << c.to_string();
}

TEST(DashboardConfig, PanelsLeftOutOfTheConfigAreNotLaidOut) {
    const Config c = config_of("[dashboard]\npanels = [\"status\", \"org\", \"prefix:2\"]\n");
    std::vector<DimSpec> panels;
    for (const auto& n : c.panels) panels.push_back(*parse_dim(n));
    UiState ui = UiState::with_panels(panels);
    ui.screen_w = 120;
    ui.screen_h = 40;
    const Layout l = compute_layout(ui);
    ASSERT_EQ(l.panels.size(), 3u);
    EXPECT_EQ(ui.slots[0].dim(), (DimSpec{Dim::Status}));
    EXPECT_EQ(ui.slots[1].dim(), (DimSpec{Dim::Org}));
    EXPECT_EQ(ui.slots[2].dim(), (DimSpec{Dim::KeyPrefix, 2}));
    // Each keeps its default `d` alternatives.
    EXPECT_EQ(ui.slots[0].choices, dims({"status", "class"}));
    EXPECT_EQ(ui.slots[2].choices, dims({"key", "prefix:1", "prefix:2", "prefix:3"}));

    auto engine = test::make_engine({Req{.org = "acme", .sent = 300, .ip = "10.9.9.9"}});
    const Snapshot snap = test::snapshot_of(*engine, ui);
    ASSERT_EQ(snap.panels.size(), 3u);
    const Canvas screen = test::render_to_canvas(snap, ui);
    EXPECT_EQ(test::rect_row(screen, l.panels[0].rect, 0).substr(0, 7), " Status");
    EXPECT_EQ(test::rect_row(screen, l.panels[1].rect, 0).substr(0, 4), " Org");
    EXPECT_TRUE(screen_has(screen, "Key prefix /2"));
    EXPECT_FALSE(screen_has(screen, "Client IP"));
    EXPECT_FALSE(screen_has(screen, "10.9.9.9"));
    EXPECT_FALSE(screen_has(screen, "User agent"));

    // Tab cycles over the three panels only; a dimension with no default slot stands alone.
    Controller ctl(ui);
    for (int i = 0; i < 3; ++i) ctl.on_key(keys::Tab, snap);
    EXPECT_EQ(ctl.state().focus, 0u);
    EXPECT_EQ(UiState::with_panels(dims({"tls"})).slots[0].choices, dims({"tls"}));
    EXPECT_EQ(UiState::with_panels(dims({"prefix:5"})).slots[0].choices,
              dims({"key", "prefix:1", "prefix:2", "prefix:3", "prefix:5"}));
}

// #16: "stored" names the Stored panel in the config (and --panels): a slot of its own whose
// `d` goes through what storage groups by, whose engine panel is kept to one row.
TEST(DashboardConfig, StoredNamesTheStoredPanel) {
    const Config c = config_of("[dashboard]\npanels = [\"stored\", \"org\"]\n");
    std::vector<DashboardPanel> panels;
    for (const auto& n : c.panels) panels.push_back(*parse_panel_name(n));
    const UiState ui = UiState::with_panels(panels);
    ASSERT_EQ(ui.slots.size(), 2u);
    EXPECT_TRUE(ui.slots[0].stored);
    EXPECT_FALSE(ui.slots[1].stored);
    // Its choices are what storage groups by, storage dimensions (a class is none of the records').
    EXPECT_TRUE(ui.slots[0].choices.empty());
    std::vector<std::string> by;
    for (const StorageDimSpec& d : ui.slots[0].stored_by) by.push_back(storage_dim_name(d));
    EXPECT_EQ(by, (std::vector<std::string>{"org", "bucket", "prefix:1", "prefix:2", "class"}));
    EXPECT_EQ(ui.slots[0].choice_count(), 5u);
    const ViewSpec v = ui.view_spec();
    EXPECT_EQ(v.panels[0].limit, 1u);
    EXPECT_EQ(v.panels[1].limit, ui.panel_limit);
    EXPECT_FALSE(parse_panel_name("storedx").has_value());
}

TEST(DashboardConfig, ColorsMapToPairsPerRole) {
    const Config c = config_of("[dashboard.colors]\ntitle = \"208\"\nbad = \"magenta\"\nkey = \"default\"\n");
    const Theme t = theme_from_config(c.colors).value();
    auto pair = [](const std::vector<ColorPair>& pairs, Role r) {
        for (const auto& p : pairs) {
            if (p.pair == color_pair_of(r)) return p;
        }
        ADD_FAILURE() << "no pair for role " << static_cast<int>(r);
        return ColorPair{};
    };
    const auto on256 = color_pairs(t, 256, true);
    EXPECT_EQ(on256.size(), 8u);
    EXPECT_EQ(pair(on256, Role::Title), (ColorPair{color_pair_of(Role::Title), 208, -1}));
    EXPECT_EQ(pair(on256, Role::Bad), (ColorPair{color_pair_of(Role::Bad), 5, -1}));
    EXPECT_EQ(pair(on256, Role::Hotkey), (ColorPair{color_pair_of(Role::Hotkey), -1, -1}));
    EXPECT_EQ(pair(on256, Role::Bar), (ColorPair{color_pair_of(Role::Bar), 4, -1}));  // untouched: blue
    // An 8-color terminal has no 208: the default foreground.
    EXPECT_EQ(pair(color_pairs(t, 8, true), Role::Title).fg, -1);
    // A terminal without default colors: black background, white for "default".
    EXPECT_EQ(pair(color_pairs(t, 8, false), Role::Hotkey), (ColorPair{color_pair_of(Role::Hotkey), 7, 0}));
    // Roles drawn with attributes only have no pair; the others each their own.
    for (Role r : {Role::Normal, Role::Dim, Role::Selected, Role::Prompt}) EXPECT_EQ(color_pair_of(r), 0);
    std::set<short> seen;
    for (const auto& p : on256) {
        EXPECT_GT(p.pair, 0);
        EXPECT_TRUE(seen.insert(p.pair).second);
    }
    EXPECT_FALSE(theme_from_config({{"title", "mauve"}}));
    EXPECT_FALSE(theme_from_config({{"background", "red"}}));
}

TEST(DashboardConfig, NoColorWinsOverTheConfig) {
    EXPECT_TRUE(colors_wanted(false, nullptr));
    EXPECT_TRUE(colors_wanted(false, ""));  // NO_COLOR counts only when not empty
    EXPECT_FALSE(colors_wanted(false, "1"));
    EXPECT_FALSE(colors_wanted(true, nullptr));
}

}  // namespace
}  // namespace s3top::tui

namespace s3top::tui {
namespace {

TEST(DashboardConfig, FixedKeysABindingTookOverAreNoLongerPromised) {
    const Config c = config_of("[dashboard.keys]\nquit = \"tab\"\nhelp = \"esc\"\n");
    UiState ui = test::ui_of(120, 40);
    ui.keys = keymap_from_config(c.keys).value();
    auto engine = test::make_engine({Req{.org = "acme", .sent = 1}});
    Controller ctl(ui);
    const Snapshot snap = test::snapshot_of(*engine, ctl.state());
    EXPECT_EQ(ctl.on_key(keys::Tab, snap), Action::Quit);
    EXPECT_EQ(ctl.on_key(keys::Right, snap), Action::Redraw);  // the other focus keys still work
    EXPECT_EQ(ctl.state().focus, 1u);

    const std::string hints = test::render_to_canvas(snap, ctl.state()).row(39);
    EXPECT_NE(hints.find("Tab quit"), std::string::npos) << hints;
    EXPECT_NE(hints.find("Esc help"), std::string::npos) << hints;
    EXPECT_EQ(hints.find("Tab panel"), std::string::npos) << hints;

    EXPECT_EQ(ctl.on_key(keys::Escape, snap), Action::Redraw);
    ASSERT_EQ(ctl.state().overlay, Overlay::Help);
    const Canvas help = test::render_to_canvas(snap, ctl.state());
    EXPECT_TRUE(screen_has(help, "Shift-Tab  Left  Right")) << help.to_string();
    EXPECT_FALSE(screen_has(help, "Tab  Shift-Tab")) << help.to_string();
    EXPECT_FALSE(screen_has(help, "collapse the panel, else clear the filter")) << help.to_string();  // Esc's job
    EXPECT_TRUE(screen_has(help, "Tab  Ctrl-C")) << help.to_string();
    EXPECT_TRUE(screen_has(help, "Esc  F1")) << help.to_string();
}

}  // namespace
}  // namespace s3top::tui
