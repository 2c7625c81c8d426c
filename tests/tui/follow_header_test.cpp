// Follow mode says what it follows: the paths watched, when lines last came, "waiting for
// logs in ..." while nothing came, the copies skipped.
#include <gtest/gtest.h>

#include "tests/tui/tui_fixture.hpp"

namespace s3top::tui {
namespace {

using test::Req;

SourceStatus following(std::vector<std::string> paths, std::size_t files) {
    SourceStatus s;
    s.mode = SourceStatus::Mode::Follow;
    s.watching = std::move(paths);
    s.files = files;
    return s;
}

TEST(FollowHeader, SaysWhatItWatchesAndWhenLinesLastCame) {
    SourceStatus s = following({"/var/log/s3"}, 3);
    EXPECT_EQ(source_note(s), "watching /var/log/s3");
    s.updated = test::kT0 + 3600 + 62;  // 01:01:02
    EXPECT_EQ(source_note(s), "watching /var/log/s3, updated 01:01:02 UTC");
    s.watching.push_back("s3://logs/acme/");
    s.watching.push_back("/srv/more");
    s.note = "s3://logs/acme/ listed 01:00:00";
    EXPECT_EQ(source_note(s), "watching /var/log/s3 +2 more, updated 01:01:02 UTC; s3://logs/acme/ listed 01:00:00");
    EXPECT_EQ(source_note(s, true), "updated 01:01:02 UTC; s3://logs/acme/ listed 01:00:00")
        << "where the paths do not fit";
    // On a narrow screen the time shows whole rather than a path cut short.
    const auto engine = test::make_engine({Req{}});
    UiState ui = test::ui_of(100, 30);
    ui.source = s;
    const std::string row = test::render_to_canvas(test::snapshot_of(*engine, ui), ui).row(0);
    EXPECT_NE(row.find("updated 01:01:02 UTC"), std::string::npos) << row;
    EXPECT_EQ(row.find("watching"), std::string::npos) << row;
}

TEST(FollowHeader, AnEmptyFolderIsWaitedFor) {
    const SourceStatus s = following({"/var/log/s3"}, 0);
    EXPECT_EQ(source_note(s), "waiting for logs in /var/log/s3");
    const auto engine = test::make_engine({});
    UiState ui = test::ui_of(120, 30);
    ui.source = s;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("following  lines 0"), std::string::npos) << c.row(0);
    const auto at = c.row(0).find("waiting for logs in /var/log/s3");
    ASSERT_NE(at, std::string::npos) << c.row(0);
    EXPECT_EQ(c.at(static_cast<int>(at), 0).style.role, Role::Warn) << "said, not dimmed";
}

TEST(FollowHeader, OtherModesShowTheirNoteAsItIs) {
    SourceStatus s;
    s.mode = SourceStatus::Mode::Loading;
    s.note = "fetching 3 of 40 objects from s3://logs/acme/; reading 2/5 files";
    s.watching = {"s3://logs/acme/"};
    EXPECT_EQ(source_note(s), s.note);
    const auto engine = test::make_engine({});
    UiState ui = test::ui_of(132, 30);
    ui.source = s;
    const Canvas c = test::render_to_canvas(test::snapshot_of(*engine, ui), ui);
    EXPECT_NE(c.row(0).find("fetching 3 of 40 objects from s3://logs/acme/"), std::string::npos)
        << "the first s3:// fetch shows it is loading, not just 0 files: " << c.row(0);
}

TEST(FollowHeader, CopiesSkippedAreCounted) {
    const auto engine = test::make_engine({Req{}});
    UiState ui = test::ui_of(120, 30);
    ui.source = following({"/logs"}, 4);
    std::string row = test::render_to_canvas(test::snapshot_of(*engine, ui), ui).row(0);
    EXPECT_EQ(row.find("copies"), std::string::npos) << row;
    ui.source.copies = 2;
    row = test::render_to_canvas(test::snapshot_of(*engine, ui), ui).row(0);
    EXPECT_NE(row.find("4 files  copies skipped 2  watching /logs"), std::string::npos) << row;
}

}  // namespace
}  // namespace s3top::tui
