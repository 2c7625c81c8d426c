#pragma once
// Escaping for every output that carries log content (written by strangers).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/report/terminal_text.hpp"  // terminal_safe(), for text that may reach a terminal

namespace s3top {

/// JSON string body (without the surrounding quotes): escapes ", \, control characters and
/// U+2028/2029; invalid UTF-8 becomes U+FFFD, so the output is always valid UTF-8.
void append_json_escaped(std::string& out, std::string_view s);
std::string json_quote(std::string_view s);

/// One RFC 4180 CSV cell, quoted when needed. Cells from log content that begin with = + - @
/// TAB or CR get a leading apostrophe so spreadsheets do not run them as formulas.
std::string csv_cell(std::string_view s);

/// --dedupe request-id figures after a CSV table: an empty line, then a table of its own
/// (`line_counter,count`, `duplicate_records,N`, `no_request_id,N`). Its header's non-numeric
/// count cell keeps a reader that takes every row for data from adding it in.
std::string csv_line_counters(std::uint64_t duplicate_records, std::uint64_t no_request_id);

/// HTML text/attribute escaping (& < > " ') with invalid UTF-8 replaced and control
/// characters shown as U+FFFD.
std::string html_escape(std::string_view s);

/// One word for a POSIX shell's command line, read back as `s` byte for byte: as it is when
/// it holds only letters, digits and - _ . / : , = + @ %; else in single quotes ('\'' for a
/// quote), so $, backticks, spaces and globs are literal. A word terminal_safe() would change
/// (a control character such as a newline, invalid UTF-8) is written $'...' with \xHH for
/// those bytes, so the command stays one printable line (bash, zsh, ksh, busybox sh, POSIX
/// 2024; not dash 0.5).
std::string shell_quote(std::string_view s);

/// Valid UTF-8 with invalid sequences replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

/// Length in bytes of the valid UTF-8 sequence at s[i], or 0 when invalid there.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace s3top
