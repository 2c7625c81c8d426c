#include "tui/problems.hpp"

#include <algorithm>

#include "tui/format.hpp"
#include "tui/render.hpp"

namespace s3top::tui {
namespace {

constexpr int kTopRows = 3;  ///< rejected by reason, ignored by reason, inputs

/// "bad_timestamp 1,200  too_few_fields 34" for the reasons of one kind (rejected or ignored).
std::vector<draw::Field> reason_fields(const LineCounters& lines, bool ignored, Style label, Style value) {
    std::vector<std::pair<std::uint64_t, RejectReason>> by;
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        const auto r = static_cast<RejectReason>(i);
        if (is_ignored(r) == ignored && lines.unparsed[i] > 0) by.emplace_back(lines.unparsed[i], r);
    }
    // Most first; ties by name, so the order does not move as counts stay equal.
    std::sort(by.begin(), by.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : reject_reason_name(a.second) < reject_reason_name(b.second);
    });
    std::vector<draw::Field> out;
    for (const auto& [n, r] : by)
        out.push_back({{std::string(reject_reason_name(r)) + " ", label}, {group_thousands(n), value}});
    return out;
}

void top_rows(const Snapshot& snap, const UiState& ui, Canvas& c, Rect box) {
    const LineCounters& lines = snap.lines;
    const int x = box.x + 2, right = box.x + box.w - 2;
    const Style dim{Role::Dim}, bad{Role::Bad, true}, normal{Role::Prompt, true};
    {
        draw::Line line(c, x, box.y + 1, right);
        const std::uint64_t n = lines.rejected_total();
        line.add("Rejected ", Style{Role::Prompt, true})
            .add(group_thousands(n), n ? bad : normal)
            .add(n == 1 ? " line" : " lines", dim);
        if (n) {
            line.add(":", dim).gap(1);
            draw::fields(c, line, reason_fields(lines, false, dim, normal));
        }
    }
    {
        draw::Line line(c, x, box.y + 2, right);
        const std::uint64_t n = lines.ignored_total();
        line.add("Ignored ", Style{Role::Prompt, true}).add(group_thousands(n), normal).add(" (no records: ", dim);
        line.add("blank, headers, files in no known format)", dim);
        if (n) {
            line.gap(1);
            draw::fields(c, line, reason_fields(lines, true, dim, normal));
        }
    }
    draw::Line line(c, x, box.y + 3, right);
    line.add("Inputs ", Style{Role::Prompt, true});
    const std::size_t unread = ui.source.unread, said = ui.problems.data.inputs.size();
    if (unread) {
        line.add(std::to_string(unread) + (unread == 1 ? " input" : " inputs") + " not read, or only in part", bad)
            .add(": the numbers leave them out", dim);
    } else if (said == 0) {
        line.add("every input read", Style{Role::Good, true});
    } else {
        line.add("every input read", Style{Role::Good, true}).add("; notes below", dim);
    }
}

/// A rejected line's text from cell `skip`, within `width` cells, sanitized glyph by glyph.
void text_row(Canvas& c, int x, int y, int width, std::string_view raw, int skip) {
    int col = 0;
    bool more = false;
    const bool ascii = !c.unicode();
    for_each_glyph(raw, ascii, [&](const Glyph& g) {
        if (col >= skip && col - skip + g.width <= width) {
            c.put_glyph(x + col - skip, y, g);
        } else if (col - skip + g.width > width) {
            more = true;
        }
        col += g.width;
    });
    if (more && width > 0) c.put(x + width - 1, y, c.glyph("…", "~"), Style{Role::Dim});
    if (skip > 0 && width > 0) c.put(x, y, c.glyph("…", "~"), Style{Role::Dim});
}

}  // namespace

std::vector<ProblemRow> problem_rows(const ProblemsData& data, const LineCounters& lines) {
    std::vector<ProblemRow> rows;
    using K = ProblemRow::Kind;
    if (!data.inputs.empty()) {
        rows.push_back({K::Heading, "Inputs (as said on stderr when s3top ends)"});
        for (const std::string& s : data.inputs) rows.push_back({K::Input, s});
        rows.push_back({K::Note, ""});
    }
    const std::uint64_t total = lines.rejected_total();
    if (data.rejects.empty()) {
        rows.push_back({K::Note, !total ? "no rejected lines"
                                 : !data.rejects_elsewhere.empty()
                                     ? data.rejects_elsewhere
                                     : "the rejected lines were read by an earlier run: only their counts are kept"});
        return rows;
    }
    std::string heading = "Rejected lines, newest first";
    if (total > data.rejects.size())
        heading += " (the last " + group_thousands(data.rejects.size()) + " of " + group_thousands(total) +
                   "; --rejects FILE writes every one)";
    rows.push_back({K::Heading, heading});
    for (auto it = data.rejects.rbegin(); it != data.rejects.rend(); ++it) {
        const std::string where = (it->path.empty() ? std::string("?") : it->path) + ":" + std::to_string(it->line_no);
        rows.push_back({K::Reject, where, reject_reason_name(it->error.reason), it->error.column});
        rows.push_back({K::Text, {}, {}, 0, &it->text});
    }
    return rows;
}

Rect problems_box(int screen_w, int screen_h) { return {0, 1, screen_w, std::max(0, screen_h - 2)}; }

// Border, the top rows and a separator above the list, the border below.
int problems_list_rows(int screen_h) { return std::max(1, problems_box(80, screen_h).h - kTopRows - 3); }

int problems_max_scroll(const UiState& ui, const LineCounters& lines) {
    const auto n = static_cast<int>(problem_rows(ui.problems.data, lines).size());
    return std::max(0, n - problems_list_rows(ui.screen_h));
}

void render_problems(const Snapshot& snap, const UiState& ui, Canvas& c) {
    const Rect box = problems_box(c.width(), c.height());
    if (box.w < 20 || box.h < kTopRows + 4) return;
    const Style frame{Role::Prompt}, dim{Role::Dim};
    draw::box(c, box, frame, "Problems: rejected lines and inputs");
    top_rows(snap, ui, c, box);
    const int sep = box.y + kTopRows + 1;
    for (int x = box.x + 1; x < box.x + box.w - 1; ++x) c.put(x, sep, c.glyph("─", "-"), frame);
    c.put(box.x, sep, c.glyph("├", "+"), frame);
    c.put(box.x + box.w - 1, sep, c.glyph("┤", "+"), frame);

    const std::vector<ProblemRow> rows = problem_rows(ui.problems.data, snap.lines);
    const int shown = problems_list_rows(c.height());
    const int n = static_cast<int>(rows.size());
    const int scroll = std::clamp(ui.problems.scroll, 0, std::max(0, n - shown));
    const int x = box.x + 2, width = box.w - 4;
    for (int i = 0; i < shown && scroll + i < n; ++i) {
        const ProblemRow& r = rows[static_cast<std::size_t>(scroll + i)];
        const int y = sep + 1 + i;
        switch (r.kind) {
            case ProblemRow::Kind::Heading: c.put_fit(x, y, r.text, width, Style{Role::Title, true}); break;
            case ProblemRow::Kind::Input: c.put_fit(x, y, r.text, width, Style{Role::Bad}); break;
            case ProblemRow::Kind::Note: c.put_fit(x, y, r.text, width, dim); break;
            case ProblemRow::Kind::Reject: {
                draw::Line line(c, x, y, x + width);
                line.add(r.reason, Style{Role::Warn, true}).gap(2).add(r.text);
                line.gap(2).add("column " + std::to_string(r.column + 1), dim);
                break;
            }
            case ProblemRow::Kind::Text:
                text_row(c, x + 2, y, width - 2, r.line ? std::string_view(*r.line) : std::string_view(),
                         ui.problems.hscroll);
                break;
        }
    }
    // Footer: the keys, and where the list is.
    const std::string where = n > shown
                                  ? " " + std::to_string(scroll + 1) + "-" +
                                        std::to_string(std::min(n, scroll + shown)) + " of " + std::to_string(n) + " "
                                  : std::string();
    const int where_w = static_cast<int>(where.size());
    c.put_fit(box.x + 2, box.y + box.h - 1, " Up/Down PgUp/PgDn scroll, Left/Right the text, Esc closes ",
              box.w - 5 - where_w, dim);
    if (where_w) c.put_fit(box.x + box.w - 2 - where_w, box.y + box.h - 1, where, where_w, dim);
}

}  // namespace s3top::tui
