#include "core/report/unread_writer.hpp"

#include <fmt/format.h>

#include "core/report/escape.hpp"

namespace s3top {
namespace {

std::string heading(const std::vector<UnreadInput>& unread) {
    return fmt::format("{} input{} could not be read, or only in part: these figures leave {} out", unread.size(),
                       unread.size() == 1 ? "" : "s", unread.size() == 1 ? "it" : "them");
}

const char* state(const UnreadInput& u) { return u.partly ? "read in part" : "not read"; }

}  // namespace

std::string unread_table(const std::vector<UnreadInput>& unread) {
    if (unread.empty()) return {};
    std::string out = "Warning: " + heading(unread) + ":\n";
    for (const auto& u : unread)
        out += fmt::format("  {:<12}  {}: {}\n", state(u), terminal_safe(u.path), terminal_safe(u.reason));
    return out;
}

std::string unread_csv(const std::vector<UnreadInput>& unread) {
    if (unread.empty()) return {};
    std::string out = "\r\ninput,read,reason\r\n";
    for (const auto& u : unread)
        out += csv_cell(u.path) + (u.partly ? ",in part," : ",no,") + csv_cell(u.reason) + "\r\n";
    return out;
}

std::string unread_json(const std::vector<UnreadInput>& unread) {
    std::string out = "\"unread_inputs\":[";
    for (std::size_t i = 0; i < unread.size(); ++i) {
        const auto& u = unread[i];
        out += (i ? ",{\"path\":" : "{\"path\":") + json_quote(u.path) +
               (u.partly ? ",\"read\":\"part\",\"reason\":" : ",\"read\":\"none\",\"reason\":") + json_quote(u.reason) +
               "}";
    }
    return out + "]";
}

std::string unread_html(const std::vector<UnreadInput>& unread) {
    if (unread.empty()) return {};
    std::string out = "<p class=\"bad\">Warning: " + html_escape(heading(unread)) + ".</p>\n<ul>\n";
    for (const auto& u : unread)
        out += "<li>" + std::string(state(u)) + ": <code>" + html_escape(u.path) + "</code>: " + html_escape(u.reason) +
               "</li>\n";
    return out + "</ul>\n";
}

}  // namespace s3top
