// Filters people can live with: Esc undone with u, the prompt's history and Tab completion,
// the org picker's "-" row and its numbers under a filter.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"
#include "tui/completion.hpp"
#include "tui/controller.hpp"
#include "tui/sources.hpp"

namespace s3top::tui {
namespace {

using test::Req;

class FilterEditTest : public ::testing::Test {
protected:
    FilterEditTest()
        : engine_(test::make_engine({
              Req{.org = "acme", .sent = 300, .status = 404, .ip = "10.0.0.1", .ua = "Mozilla/5.0 (X11)"},
              Req{.org = "acme", .sent = 300, .ip = "10.0.0.2"},
              Req{.org = "globex", .sent = 200, .ip = "10.0.0.3"},
              Req{.org = "globex", .sent = 200, .ip = "10.0.0.3"},
              Req{.org = "globex", .sent = 200, .ip = "10.0.0.3"},
              Req{.org = "", .sent = 50, .status = 403, .ip = "10.0.0.9"},
              Req{.org = "initech", .sent = 100, .status = 503, .ip = "10.0.0.4"},
          })),
          ctl_(test::ui_of(120, 40), sources()) {
        refresh();
    }
    DataSources sources() {
        DataSources s = engine_sources(*engine_);
        s.filter_entered = [this](const std::string& f) { entered_.push_back(f); };
        return s;
    }
    void refresh() { test::refresh(*engine_, ctl_, snap_); }
    Action key(Key k) { return test::press(*engine_, ctl_, snap_, k); }
    void type(std::string_view s) {
        for (const char ch : s) key(static_cast<Key>(ch));
    }
    void enter_filter(std::string_view text) {
        key('/');
        key(keys::CtrlU);
        type(text);
        key(keys::Enter);
    }
    const UiState& ui() const { return ctl_.state(); }
    std::string screen() const { return test::render_to_canvas(snap_, ctl_.state()).to_string(); }

    std::unique_ptr<Engine> engine_;
    std::vector<std::string> entered_;
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(FilterEditTest, EscapeClearsAndUBringsItBackAndUndoesEachChange) {
    enter_filter("org=globex");
    key(keys::Tab);
    key(keys::Enter);  // drill: ip=10.0.0.3
    EXPECT_EQ(ui().filter.to_string(), "org=globex ip=10.0.0.3");
    EXPECT_EQ(key(keys::Escape), Action::ViewChanged);
    EXPECT_TRUE(ui().filter.empty());
    EXPECT_EQ(snap_.totals.requests, 7u);
    EXPECT_NE(screen().find("filter cleared: u brings it back"), std::string::npos) << screen();
    EXPECT_EQ(key('u'), Action::ViewChanged);
    EXPECT_EQ(ui().filter.to_string(), "org=globex ip=10.0.0.3");
    EXPECT_EQ(snap_.totals.requests, 3u);
    EXPECT_EQ(key('u'), Action::ViewChanged) << "before the drill-down";
    EXPECT_EQ(ui().filter.to_string(), "org=globex");
    EXPECT_EQ(key('u'), Action::ViewChanged) << "before the prompt";
    EXPECT_TRUE(ui().filter.empty());
    EXPECT_EQ(key('u'), Action::Redraw);
    EXPECT_EQ(ui().message, "nothing to undo");
}

TEST_F(FilterEditTest, PromptHistoryWalksUpAndDownBackToTheDraft) {
    enter_filter("org=acme");
    enter_filter("status=404");
    enter_filter("org=acme ");  // again: moves to the end, once
    EXPECT_EQ(ui().filter_history, (std::vector<std::string>{"status=404", "org=acme"}));
    EXPECT_EQ(entered_, (std::vector<std::string>{"org=acme", "status=404", "org=acme"}));
    key('/');
    key(keys::CtrlU);
    type("ip=");
    EXPECT_EQ(key(keys::Up), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=acme");
    EXPECT_EQ(key(keys::Up), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "status=404");
    EXPECT_EQ(key(keys::Up), Action::None) << "the oldest";
    EXPECT_EQ(key(keys::Down), Action::Redraw);
    EXPECT_EQ(key(keys::Down), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "ip=") << "what was being typed";
    EXPECT_EQ(key(keys::Down), Action::None);
}

TEST_F(FilterEditTest, TabCompletesNamesThenValuesMostUsedFirst) {
    key('/');
    key(keys::CtrlU);
    type("or");
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=") << "one name starts with 'or'";
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    // Every org, the most requests first; the no-org row as "-".
    EXPECT_EQ(ui().completion.shown, (std::vector<std::string>{"globex", "acme", "initech", "-"}));
    EXPECT_NE(screen().find("4:  globex  acme  initech  -"), std::string::npos) << screen();
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=globex ");
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=acme ");
    EXPECT_EQ(key(keys::BackTab), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=globex ");
    type("ua=moz");  // case-insensitive; a value with spaces is quoted
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=globex ua=\"Mozilla/5.0 (X11)\" ");
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(snap_.totals.requests, 0u);
    EXPECT_EQ(ui().filter.to_string(), "org=globex ua=\"Mozilla/5.0 (X11)\"");
}

TEST_F(FilterEditTest, TabWithNothingToCompleteSaysSo) {
    key('/');
    key(keys::CtrlU);
    type("zz");
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "zz");
    EXPECT_NE(screen().find("nothing to complete here"), std::string::npos) << screen();
    type("x");
    EXPECT_TRUE(ui().prompt_note.empty()) << "a key ends the note";
}

// Past the 1,000 values most requested, the others by the value shown (a key decoded), each once:
// the same list over ClickHouse (completion_values over its groups) as over the engine.
TEST(CompletionValues, PastTheFirstThousandTheOthersGoByTheValueShownEachOnce) {
    std::vector<Req> reqs;
    for (int i = 0; i < 1000; ++i) {
        for (int n = 0; n < 2; ++n) reqs.push_back(Req{.key = fmt::format("hot/{:04}", i)});
    }
    for (const char* k : {"zq%7A", "zqb", "zq%2Bb", "zq+b", "hot/0007"}) reqs.push_back(Req{.key = k});
    const auto engine = test::make_engine(reqs);
    const auto values = engine_sources(*engine).values_by_use(DimSpec{Dim::Key});
    ASSERT_TRUE(values.has_value());
    ASSERT_EQ(values->size(), 1003u) << "zq%2Bb and zq+b are both shown zq+b";
    EXPECT_EQ((*values)[0], "hot/0007") << "three requests";
    EXPECT_EQ((*values)[999], "hot/0999");
    EXPECT_EQ(std::vector<std::string>(values->begin() + 1000, values->end()),
              (std::vector<std::string>{"zq+b", "zqb", "zqz"}));
    // A value shown twice among the first 1,000 is listed once; a number dimension stops there.
    std::vector<PanelRow> ranked{{"a+b", {}}, {"a+b", {}}, {"c", {}}};
    EXPECT_EQ(completion_values(DimSpec{Dim::Key}, ranked), (std::vector<std::string>{"a+b", "c"}));
    ranked.clear();
    for (int i = 0; i < 1200; ++i) ranked.push_back(PanelRow{std::to_string(1200 - i), {}});
    EXPECT_EQ(completion_values(DimSpec{Dim::Status}, ranked).size(), 1000u);
}

TEST(Completion, ValueListsRegexesAndTheTextAfterTheCursor) {
    const ValuesByUse values = [](DimSpec d) {
        return d.dim == Dim::Org ? std::vector<std::string>{"acme-1", "acme-2", "globex"} : std::vector<std::string>{};
    };
    // The values before the last comma stay.
    Completion c = complete_filter("org=globex,ac", 13, values);
    EXPECT_EQ(c.texts, (std::vector<std::string>{"org=globex,acme-1 ", "org=globex,acme-2 "}));
    EXPECT_EQ(common_start(c.texts), "org=globex,acme-");
    // The text after the cursor is kept (no second space).
    c = complete_filter("org=gl status=404", 6, values);
    ASSERT_EQ(c.texts.size(), 1u);
    EXPECT_EQ(c.texts[0], "org=globex status=404");
    EXPECT_EQ(c.cursors[0], 10u);
    EXPECT_FALSE(complete_filter("org~/ac", 7, values).active()) << "a regex is not completed";
    EXPECT_FALSE(complete_filter("nosuch=a", 8, values).active());
    c = complete_filter("org!=g", 6, values);
    ASSERT_EQ(c.texts.size(), 1u);
    EXPECT_EQ(c.texts[0], "org!=globex ");
    c = complete_filter("pre", 3, values);
    EXPECT_EQ(c.shown, (std::vector<std::string>{"prefix:1=", "prefix:2=", "prefix:3="}));
    EXPECT_EQ(common_start({"aé", "aè"}), "a") << "never half a character";
}

// Values holding commas are completed as one value each, in quotes; the quoted values typed
// before stay as typed.
TEST(Completion, AValueWithACommaIsCompletedInQuotes) {
    const ValuesByUse values = [](DimSpec d) {
        return d.dim == Dim::Key ? std::vector<std::string>{"a,b.csv", "report,2024.csv"} : std::vector<std::string>{};
    };
    Completion c = complete_filter("key=rep", 7, values);
    ASSERT_EQ(c.texts.size(), 1u);
    EXPECT_EQ(c.texts[0], "key=\"report,2024.csv\" ");
    c = complete_filter("key=\"a,b.csv\",re", 16, values);
    ASSERT_EQ(c.texts.size(), 1u);
    EXPECT_EQ(c.texts[0], "key=\"a,b.csv\",\"report,2024.csv\" ");
    const auto f = parse_filter(c.texts[0]);
    ASSERT_TRUE(f) << f.error();
    EXPECT_EQ(f->terms[0].values, (std::vector<std::string>{"a,b.csv", "report,2024.csv"}));
}

TEST_F(FilterEditTest, PickerListsNoOrgAndShowsNumbersUnderTheFilterWithoutItsOrg) {
    enter_filter("org=acme status=404");
    EXPECT_EQ(snap_.totals.requests, 1u);
    key('o');
    const auto& p = ui().picker;
    ASSERT_EQ(p.all.front(), "") << "the no-org row is listed";
    EXPECT_EQ(p.under.to_string(), "status=404");
    const std::string s = screen();
    EXPECT_NE(s.find("Pick an org (numbers with status=404)"), std::string::npos) << s;
    EXPECT_NE(s.find("- (no org)"), std::string::npos) << s;
    // Every org has numbers: acme's 404, 0 for the others (dimmed), never blank.
    EXPECT_NE(s.find("acme                                                   1 req  300 B"), std::string::npos) << s;
    for (const std::string org : {"globex", "initech"}) {
        const auto at = s.find(org);
        ASSERT_NE(at, std::string::npos) << org;
        EXPECT_NE(s.substr(at, 80).find("0 req"), std::string::npos) << org << " shows its numbers:\n" << s;
    }
    key(keys::Enter);  // the first row: no org
    EXPECT_EQ(ui().filter.to_string(), "status=404 org=-");
    EXPECT_EQ(snap_.totals.requests, 0u);
    EXPECT_EQ(key('u'), Action::ViewChanged) << "picking is undone too";
    EXPECT_EQ(ui().filter.to_string(), "org=acme status=404");
}

}  // namespace
}  // namespace s3top::tui
