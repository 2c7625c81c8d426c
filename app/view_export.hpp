#pragma once
// The dashboard's export key, on the app's side: the view written through report's writers to a
// file, and the `s3top report` command that writes the same file.
#include <cstdint>
#include <string>

#include "app/cli.hpp"
#include "app/session.hpp"
#include "core/clickhouse/client.hpp"
#include "tui/ui_state.hpp"

namespace s3top::app {

struct ViewExport {
    bool ok = false;
    std::string file;     ///< the file written (or that could not be), in the current folder
    std::string command;  ///< the `s3top report` command that writes the same file, shell-quoted
    std::string line;     ///< what the status line says: the file and the command, or why not
};

/// The `s3top report` command that writes what export_view() writes to `file` for `r`: its
/// options (the filter as the filter language writes it, --by, --sort, --format, the HTML's
/// --panels, -o FILE) then opt.source_words (the session's own options and PATHs), each word
/// quoted by shell_quote().
std::string export_command(const Options& opt, const tui::ExportRequest& r, const std::string& file);

/// Writes the view `r` asks for (its filter read back from its text, as the command reads it;
/// the panel's dimension; its order; every group) through report's writers to a new file in the
/// current folder: s3top-view-YYYYMMDD-HHMMSS.EXT at `now` (UTC), -2, -3 ... when taken. A file
/// that cannot be written is `ok` false and one line saying why; nothing throws.
ViewExport export_view(const Session& s, const Options& opt, const tui::ExportRequest& r, std::int64_t now);

/// The same over ClickHouse (a clickhouse:// PATH): the report and its page asked there, as
/// `s3top report clickhouse://...` asks them; a report that fails is `ok` false and its line.
ViewExport export_view(clickhouse::Client& client, const Options& opt, const tui::ExportRequest& r, std::int64_t now);

}  // namespace s3top::app
