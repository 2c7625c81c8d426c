// The problems view: rejected lines and input problems, where the user is.
#include "tui/problems.hpp"

#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"
#include "tui/controller.hpp"
#include "tui/sources.hpp"

namespace s3top::tui {
namespace {

using test::Req;

/// An engine with two good requests and `bad` rejected lines of file "logs/a.log".
std::unique_ptr<Engine> engine_with_rejects(const std::vector<std::pair<std::string, RejectReason>>& bad) {
    auto engine = test::make_engine({Req{.org = "acme", .sent = 100}, Req{.org = "globex", .sent = 50}});
    BatchBuilder bb(engine->config().org, engine->config().keep);
    std::uint64_t line = 10;
    for (const auto& [text, reason] : bad) bb.reject(0, line++, text, ParseError{reason, 4, 0});
    bb.reject(0, line++, "", ParseError{RejectReason::EmptyLine, 0, 0});
    Batch b = bb.take();
    for (RejectedLine& r : b.rejects) r.path = "logs/a.log";
    engine->append(std::move(b));
    return engine;
}

const std::string kHostile = "evil \x1b[31mRED\x1b[0m\nnext\x07 \xff\xfe \x1b]0;TITLE\x07 end";

class ProblemsTest : public ::testing::Test {
protected:
    ProblemsTest()
        : engine_(engine_with_rejects({{"first bad line", RejectReason::BadTimestamp},
                                       {kHostile, RejectReason::TooFewFields},
                                       {"third", RejectReason::TooFewFields}})),
          ctl_(test::ui_of(100, 30), engine_sources(*engine_, [this] { return inputs_; })) {
        snap_ = test::snapshot_of(*engine_, ctl_.state());
        ctl_.on_snapshot(snap_);
    }
    Action key(Key k) { return ctl_.on_key(k, snap_); }
    std::string screen() const { return test::render_to_canvas(snap_, ctl_.state()).to_string(); }

    std::unique_ptr<Engine> engine_;
    std::vector<std::string> inputs_ = {"logs/b.gz: gzip: unexpected end of file; nothing of it is counted"};
    Controller ctl_;
    Snapshot snap_;
};

TEST_F(ProblemsTest, TheKeyOpensCountsPerReasonThenInputsThenLinesNewestFirst) {
    EXPECT_EQ(key('p'), Action::Redraw);
    ASSERT_EQ(ctl_.state().overlay, Overlay::Problems);
    const std::string s = screen();
    EXPECT_NE(s.find("Rejected 3 lines: too_few_fields 2  bad_timestamp 1"), std::string::npos) << s;
    EXPECT_NE(s.find("Ignored 1 "), std::string::npos) << s;
    EXPECT_NE(s.find("empty_line 1"), std::string::npos) << s;
    EXPECT_NE(s.find("logs/b.gz: gzip: unexpected end of file"), std::string::npos) << s;
    // Newest first: line 12 ("third") above line 10.
    const auto third = s.find("too_few_fields  logs/a.log:12  column 5");
    const auto first = s.find("bad_timestamp  logs/a.log:10  column 5");
    ASSERT_NE(third, std::string::npos) << s;
    ASSERT_NE(first, std::string::npos) << s;
    EXPECT_LT(third, first);
    EXPECT_NE(s.find("first bad line"), std::string::npos);
}

TEST_F(ProblemsTest, HostileTextIsEscapedNeverRaw) {
    key('p');
    const Canvas c = test::render_to_canvas(snap_, ctl_.state());
    const std::string s = c.to_string();
    EXPECT_NE(s.find(R"(evil \x1b[31mRED\x1b[0m\nnext\x07 �� \x1b]0;TITLE\x07 end)"), std::string::npos) << s;
    // No cell holds a control byte or an invalid sequence: the terminal gets only safe text.
    for (int y = 0; y < c.height(); ++y) {
        for (int x = 0; x < c.width(); ++x) {
            for (const char ch : c.at(x, y).text) {
                EXPECT_FALSE(static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F)
                    << "control byte at " << x << "," << y;
            }
        }
    }
}

TEST_F(ProblemsTest, ScrollsAndShiftsTheTextAndAnyOtherKeyCloses) {
    inputs_.assign(40, "logs/x: cannot open: Permission denied");
    key('p');
    EXPECT_EQ(ctl_.state().problems.scroll, 0);
    EXPECT_EQ(key(keys::Down), Action::Redraw);
    EXPECT_EQ(ctl_.state().problems.scroll, 1);
    EXPECT_EQ(key(keys::End), Action::Redraw);
    const int max = problems_max_scroll(ctl_.state(), snap_.lines);
    EXPECT_GT(max, 0);
    EXPECT_EQ(ctl_.state().problems.scroll, max);
    EXPECT_EQ(key(keys::PageDown), Action::None) << "clamped at the end";
    EXPECT_NE(screen().find("of " + std::to_string(max + problems_list_rows(30))), std::string::npos) << screen();
    EXPECT_NE(screen().find("logs/a.log:10"), std::string::npos) << "the oldest line shows at the end";
    EXPECT_EQ(key(keys::Home), Action::Redraw);
    EXPECT_EQ(ctl_.state().problems.scroll, 0);
    EXPECT_EQ(key(keys::Left), Action::None) << "nothing to the left";
    EXPECT_EQ(key(keys::Right), Action::Redraw);
    EXPECT_GT(ctl_.state().problems.hscroll, 0);
    EXPECT_EQ(key(keys::Escape), Action::Redraw);
    EXPECT_EQ(ctl_.state().overlay, Overlay::None);
    key('p');
    EXPECT_EQ(ctl_.state().problems.hscroll, 0) << "opened afresh";
    EXPECT_EQ(key('q'), Action::Quit);
}

TEST_F(ProblemsTest, AClickOnTheHeadersRejectedCountOpensIt) {
    const Canvas c = test::render_to_canvas(snap_, ctl_.state());
    const std::string top = c.row(0);
    const auto at = top.find("rejected 3 (p)");
    ASSERT_NE(at, std::string::npos) << top;  // ASCII up to there: bytes are cells
    const int x = static_cast<int>(at);
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::Press, x - 2, 0}, snap_), Action::None)
        << "the parsed count is no way in";
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::Press, x + 9, 0}, snap_), Action::Redraw);
    EXPECT_EQ(ctl_.state().overlay, Overlay::Problems);
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::WheelDown, 10, 10}, snap_), Action::None)
        << "nothing to scroll: it all fits";
    EXPECT_EQ(ctl_.on_mouse(MouseEvent{MouseEvent::Kind::Press, 10, 0}, snap_), Action::Redraw)
        << "a click outside closes";
    EXPECT_EQ(ctl_.state().overlay, Overlay::None);
}

TEST_F(ProblemsTest, NewRejectsShowWhileAtTheTop) {
    key('p');
    BatchBuilder bb(engine_->config().org, engine_->config().keep);
    bb.reject(0, 99, "late line", ParseError{RejectReason::BadStatus, 0, 0});
    engine_->append(bb.take());
    snap_ = test::snapshot_of(*engine_, ctl_.state());
    ctl_.on_snapshot(snap_);
    EXPECT_NE(screen().find("bad_status  ?:99"), std::string::npos) << "no path: shown as ?\n" << screen();
}

TEST(Problems, RejectsOfAnEarlierRunAreCountedNotListed) {
    const auto engine = test::make_engine({Req{}});
    Batch b;
    b.counters.read = 5;
    b.counters.unparsed[static_cast<std::size_t>(RejectReason::BadNumber)] = 5;
    engine->append(std::move(b));
    UiState ui = test::ui_of(80, 24);
    ui.overlay = Overlay::Problems;
    ui.source.unread = 2;
    const std::string s = test::render_to_canvas(test::snapshot_of(*engine, ui), ui).to_string();
    EXPECT_NE(s.find("Rejected 5 lines: bad_number 5"), std::string::npos) << s;
    EXPECT_NE(s.find("read by an earlier run: only their counts are kept"), std::string::npos) << s;
    EXPECT_NE(s.find("2 inputs not read, or only in part"), std::string::npos) << s;
    EXPECT_NE(s.find("unread 2 (p)"), std::string::npos) << "the header says so too\n" << s;
}

TEST(Problems, SampleSaysHowManyOfHowMany) {
    ProblemsData d;
    d.rejects.resize(3);
    LineCounters lines;
    lines.unparsed[static_cast<std::size_t>(RejectReason::BadField)] = 5000;
    const auto rows = problem_rows(d, lines);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows.front().text, "Rejected lines, newest first (the last 3 of 5,000; --rejects FILE writes every one)");
    EXPECT_EQ(rows.size(), 1u + 2 * 3);
}

// #18: over ClickHouse only the counts by reason are there; the view says why, not "an earlier run".
TEST(Problems, RejectedLinesKeptElsewhereSayWhy) {
    ProblemsData d;
    d.rejects_elsewhere = "the rejected lines' text is not sent to ClickHouse";
    LineCounters lines;
    lines.unparsed[static_cast<std::size_t>(RejectReason::BadField)] = 7;
    const auto rows = problem_rows(d, lines);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows.front().text, d.rejects_elsewhere);
    EXPECT_EQ(problem_rows(d, LineCounters{}).front().text, "no rejected lines");
}

}  // namespace
}  // namespace s3top::tui
