#include "app/output.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "core/report/terminal_text.hpp"
#include "core/util/atomic_file.hpp"

namespace s3top::app {

std::string terminal_safe_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        std::string_view end = nl == std::string_view::npos ? "" : "\n";
        if (!end.empty() && line.ends_with('\r')) {  // CSV's CRLF stays a line end
            line.remove_suffix(1);
            end = "\r\n";
        }
        out += terminal_safe(line);
        out += end;
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    }
    return out;
}

bool write_output(const Options& opt, std::string_view text, std::string_view what) {
    if (!opt.output.empty()) {
        // A signal that ends the program mid-write would leave the temp file behind: hold the
        // terminating ones until the rename is done (they act then; the file is whole).
        sigset_t stop, old;
        sigemptyset(&stop);
        for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) sigaddset(&stop, sig);
        pthread_sigmask(SIG_BLOCK, &stop, &old);
        std::string err;
        const bool ok = write_file_atomic(opt.output, text, err);
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        if (!ok) fmt::print(stderr, "s3top: {}\n", terminal_safe(err));
        return ok;
    }
    // The table is made of terminal-safe cells already; JSON escapes every control character.
    std::string safe;
    if ((opt.format == OutputFormat::Csv || opt.format == OutputFormat::Html) && ::isatty(STDOUT_FILENO)) {
        safe = terminal_safe_lines(text);
        text = safe;
    }
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        fmt::print(stderr, "s3top: cannot write the {} to standard output\n", what);
        return false;
    }
    return true;
}

TableOptions table_options(const Options& opt) {
    const bool terminal = opt.output.empty() && ::isatty(STDOUT_FILENO) != 0;
    return TableOptions{!opt.exact, terminal ? std::size_t{48} : SIZE_MAX};
}

}  // namespace s3top::app
