#pragma once
// The problems view: rejected lines (reason, file, line, the text made terminal-safe) and what
// the app said about its inputs, over the dashboard, where the user is. Plain code on a Canvas.
#include <string>
#include <vector>

#include "core/agg/snapshot.hpp"
#include "tui/canvas.hpp"
#include "tui/layout.hpp"
#include "tui/ui_state.hpp"

namespace s3top::tui {

/// One row of the view's list.
struct ProblemRow {
    enum class Kind : std::uint8_t {
        Heading,  ///< "Inputs", "Rejected lines ..."
        Input,    ///< "PATH: message" said about an input
        Reject,   ///< a rejected line's reason, file:line, column
        Text,     ///< the rejected line itself (scrolls sideways)
        Note,     ///< a dim remark
    };
    Kind kind = Kind::Note;
    std::string text;                   ///< Heading, Input, Note: the text; Reject: the file:line
    std::string_view reason{};          ///< Reject: reject_reason_name()
    std::uint32_t column = 0;           ///< Reject: byte column where parsing failed
    const std::string* line = nullptr;  ///< Text: the rejected line (raw; drawn sanitized)
};

/// The list's rows: the inputs' problems, then the rejected lines newest first (two rows each).
/// `lines` (the engine's counts) says how many were rejected in all, so that a sample reads as one.
std::vector<ProblemRow> problem_rows(const ProblemsData& data, const LineCounters& lines);

/// The view's box on a screen of this size, and how many list rows it shows.
Rect problems_box(int screen_w, int screen_h);
int problems_list_rows(int screen_h);
/// The furthest the list scrolls (0: it all fits).
int problems_max_scroll(const UiState& ui, const LineCounters& lines);

/// Draws the view: counts per reason at the top, then the list from ui.problems.scroll.
void render_problems(const Snapshot& snap, const UiState& ui, Canvas& c);

}  // namespace s3top::tui
