// The org picker and Tab completion over slow sources (a dashboard over ClickHouse): the
// controller never calls them; it opens at once saying it asks, every key works meanwhile, the
// answer fills what is still open, and an answer to what was closed is dropped.
#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"
#include "tui/controller.hpp"
#include "tui/sources.hpp"

namespace s3top::tui {
namespace {

using test::Req;

class SlowSourcesTest : public ::testing::Test {
protected:
    SlowSourcesTest()
        : engine_(test::make_engine({
              Req{.org = "acme", .sent = 300, .status = 404},
              Req{.org = "globex", .sent = 200},
              Req{.org = "globex", .sent = 200},
              Req{.org = "initech", .sent = 100, .status = 503},
          })),
          sources_(slow_sources()),
          ctl_(test::ui_of(120, 40), sources_) {
        test::refresh(*engine_, ctl_, snap_);
    }
    /// The engine's sources, said to be slow, counting the calls.
    DataSources slow_sources() {
        DataSources s = engine_sources(*engine_);
        s.slow = "ClickHouse";
        s.org_values = [this, f = s.org_values] {
            ++calls_;
            return f();
        };
        s.values_by_use = [this, f = s.values_by_use](DimSpec d) {
            ++calls_;
            return f(d);
        };
        return s;
    }
    Action key(Key k) { return test::press(*engine_, ctl_, snap_, k); }
    void type(std::string_view s) {
        for (const char ch : s) key(static_cast<Key>(ch));
    }
    /// The question the controller asks now (it must ask one), answered as the dashboard would.
    Answer answer_now() {
        const std::optional<Ask> q = ctl_.take_ask();
        EXPECT_TRUE(q.has_value());
        return q ? answer(sources_, *q) : Answer{};
    }
    const UiState& ui() const { return ctl_.state(); }
    std::string screen() const { return test::render_to_canvas(snap_, ctl_.state()).to_string(); }

    std::unique_ptr<Engine> engine_;
    int calls_ = 0;
    DataSources sources_;
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(SlowSourcesTest, ThePickerOpensAtOnceSayingItAsksAndTheAnswerFillsIt) {
    EXPECT_EQ(key('o'), Action::Redraw);
    ASSERT_EQ(ui().overlay, Overlay::OrgPicker);
    EXPECT_EQ(calls_, 0) << "nothing asked on the UI thread";
    EXPECT_EQ(ui().picker.asking, "ClickHouse");
    EXPECT_NE(screen().find("asking ClickHouse"), std::string::npos) << screen();
    type("gl");  // keys work while it asks
    EXPECT_EQ(ui().picker.query.text, "gl");
    const std::optional<Ask> q = ctl_.take_ask();
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->kind, Ask::Kind::Picker);
    EXPECT_FALSE(ctl_.take_ask().has_value()) << "asked once";
    EXPECT_EQ(ctl_.on_answer(answer(sources_, *q)), Action::Redraw);
    EXPECT_TRUE(ui().picker.asking.empty());
    EXPECT_EQ(ui().picker.all, (std::vector<std::string>{"acme", "globex", "initech"}));
    ASSERT_EQ(ui().picker.matches.size(), 1u) << "the query typed meanwhile applies";
    EXPECT_TRUE(ui().picker.have_numbers);
    EXPECT_NE(screen().find("2 req"), std::string::npos) << screen();
    EXPECT_EQ(screen().find("asking ClickHouse"), std::string::npos) << screen();
    EXPECT_EQ(key(keys::Enter), Action::ViewChanged);
    EXPECT_EQ(ui().filter.to_string(), "org=globex");
}

TEST_F(SlowSourcesTest, EscapeClosesThePickerWhileItAsksAndTheLateAnswerIsDropped) {
    key('o');
    const Answer late = answer_now();
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::None);
    EXPECT_EQ(ctl_.on_answer(late), Action::None);
    EXPECT_EQ(ui().overlay, Overlay::None);
    // Opened again: a new question; the first one's answer does not fill it.
    key('o');
    const Answer second = answer_now();
    EXPECT_EQ(ctl_.on_answer(late), Action::None);
    EXPECT_EQ(ui().picker.asking, "ClickHouse");
    EXPECT_TRUE(ui().picker.all.empty());
    EXPECT_EQ(ctl_.on_answer(second), Action::Redraw);
    EXPECT_EQ(ui().picker.all.size(), 3u);
    EXPECT_EQ(ctl_.on_answer(second), Action::None) << "once";
}

TEST_F(SlowSourcesTest, AFailureIsOneLineInThePicker) {
    key('o');
    Answer a = answer_now();
    a.error = "ClickHouse at 127.0.0.1:8123 cannot be reached: Connection refused";
    EXPECT_EQ(ctl_.on_answer(a), Action::Redraw);
    EXPECT_TRUE(ui().picker.asking.empty());
    EXPECT_TRUE(ui().picker.all.empty());
    EXPECT_NE(screen().find("cannot be reached: Connection refused"), std::string::npos) << screen();
    EXPECT_EQ(screen().find("asking ClickHouse"), std::string::npos) << screen();
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ui().overlay, Overlay::None);
}

TEST_F(SlowSourcesTest, TabAsksForTheValuesAndCompletesWhenTheyCome) {
    key('/');
    type("org=gl");
    EXPECT_EQ(key(keys::Tab), Action::Redraw);
    EXPECT_EQ(calls_, 0) << "nothing asked on the UI thread";
    EXPECT_EQ(ui().prompt.text, "org=gl");
    EXPECT_NE(ui().prompt_note.find("asking ClickHouse for the org values"), std::string::npos) << ui().prompt_note;
    EXPECT_EQ(key(keys::Tab), Action::Redraw) << "Tab again while it asks";
    const std::optional<Ask> q = ctl_.take_ask();
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->kind, Ask::Kind::Values);
    EXPECT_EQ(q->dim, DimSpec{Dim::Org});
    EXPECT_FALSE(ctl_.take_ask().has_value()) << "asked once";
    EXPECT_EQ(ctl_.on_answer(answer(sources_, *q)), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=globex ");
    EXPECT_TRUE(ui().prompt_note.empty()) << ui().prompt_note;
    // The values stay for this prompt: another Tab on org does not ask again.
    type("org=a");
    key(keys::Tab);
    EXPECT_FALSE(ctl_.take_ask().has_value());
    EXPECT_EQ(ui().prompt.text, "org=globex org=acme ");
}

TEST_F(SlowSourcesTest, TypingWhileTabAsksKeepsWhatWasTypedAndTheNextTabUsesTheAnswer) {
    key('/');
    type("org=");
    key(keys::Tab);
    const Answer a = answer_now();
    type("i");
    EXPECT_EQ(ctl_.on_answer(a), Action::Redraw);
    EXPECT_EQ(ui().prompt.text, "org=i") << "not completed under the user's fingers";
    key(keys::Tab);
    EXPECT_FALSE(ctl_.take_ask().has_value());
    EXPECT_EQ(ui().prompt.text, "org=initech ");
}

TEST_F(SlowSourcesTest, EscapeLeavesThePromptAndTheValuesThatComeLaterAreDropped) {
    key('/');
    type("org=gl");
    key(keys::Tab);
    const Answer a = answer_now();
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ctl_.on_answer(a), Action::None);
    EXPECT_EQ(ui().overlay, Overlay::None);
    key('/');  // a new prompt asks anew
    type("org=gl");
    EXPECT_EQ(ctl_.on_answer(a), Action::None);
    key(keys::Tab);
    EXPECT_TRUE(ctl_.take_ask().has_value());
}

TEST_F(SlowSourcesTest, AFailedTabSaysWhyAboveThePrompt) {
    key('/');
    type("status=5");
    key(keys::Tab);
    Answer a = answer_now();
    a.error = "ClickHouse at 127.0.0.1:8123 refused (HTTP 500): Table logs.s3top_records doesn't exist";
    EXPECT_EQ(ctl_.on_answer(a), Action::Redraw);
    EXPECT_EQ(ui().prompt_note, a.error);
    EXPECT_EQ(ui().prompt.text, "status=5");
    key(keys::Tab);  // asked again
    EXPECT_TRUE(ctl_.take_ask().has_value());
}

}  // namespace
}  // namespace s3top::tui
