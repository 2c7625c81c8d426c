// s3top_stages: what reading a folder of S3 logs costs before anything is counted, stage by
// stage, with the report's own pieces (#21's read floor; bench/floor.sh's `stages` step).
//
//   s3top_stages DIR STAGE [THREADS]
//
// THREADS workers (default: one per core, as the report's) take DIR's files in name order, one
// at a time, and read each in blocks of the size the loader reads a small file in
// (LoaderOptions::whole_file_block_bytes). STAGE says what they do with the bytes:
//   read   nothing (the kernel's copy: what `cat` does, on every worker);
//   index  also index each line (LineIndex::build_to_newline: the line's end, its spaces and quotes);
//   parse  also parse each line with the S3 parser (index, fields, request line, time);
//   org    also find each record's org as the report does by default (the `org` query parameter).
// It prints the lines and bytes seen and a sum of what was read (so no stage can be optimized
// away); time it with /usr/bin/time. Nothing is counted, kept or checked: the report's remaining
// cost over the `org` stage is its counting (batches, interning, the fold) and the loader's books.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "core/agg/batch.hpp"
#include "core/ingest/loader.hpp"
#include "core/parse/line_index.hpp"
#include "core/parse/log_format.hpp"

namespace {

enum class Stage { Read, Index, Parse, Org };

struct Totals {
    std::uint64_t lines = 0;
    std::uint64_t bytes = 0;
    std::uint64_t sum = 0;  ///< of values each stage produced: keeps its work observable
};

// The lines of `block` (each ended by '\n') through `stage`.
void run_lines(std::string_view block, Stage stage, s3top::S3LineParser& parser, s3top::ParseResult& out,
               const s3top::OrgSource& org, std::string& scratch, Totals& t) {
    while (!block.empty()) {
        std::size_t length = 0;
        if (stage == Stage::Index) {
            s3top::LineIndex ix;
            if (!ix.build_to_newline(block, length)) length = std::min(block.find('\n'), block.size());
            t.sum += ix.spaces;
        } else {
            length = parser.parse_first_line(block, out);
            if (length ==
                s3top::LineParser::npos) {  // a line it does not index: found, then parsed (as the loader does)
                length = std::min(block.find('\n'), block.size());
                out = parser.parse(block.substr(0, length));
            }
            if (out) {
                t.sum += out->bytes_sent + out->path.size();
                if (stage == Stage::Org) t.sum += s3top::BatchBuilder::org_of(*out, org, scratch).size();
            }
        }
        ++t.lines;
        block.remove_prefix(std::min(block.size(), length + 1));
    }
}

// One file through `stage`: whole lines are handed on as each block is read, the last partial
// line carried to the next block (a line longer than the buffer grows it).
void run_file(const std::string& path, Stage stage, std::vector<char>& buf, s3top::S3LineParser& parser,
              s3top::ParseResult& out, const s3top::OrgSource& org, std::string& scratch, Totals& t) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        std::perror(path.c_str());
        return;
    }
    const std::size_t block = buf.size();
    std::size_t have = 0;
    for (;;) {
        if (buf.size() - have < block) buf.resize(have + block);
        const ssize_t r = ::read(fd, buf.data() + have, block);
        if (r <= 0) break;
        t.bytes += static_cast<std::uint64_t>(r);
        if (stage == Stage::Read) {
            t.sum += static_cast<unsigned char>(buf[0]);
            continue;
        }
        have += static_cast<std::size_t>(r);
        const std::string_view got(buf.data(), have);
        const std::size_t last = got.rfind('\n');
        if (last == std::string_view::npos) continue;
        run_lines(got.substr(0, last + 1), stage, parser, out, org, scratch, t);
        have -= last + 1;
        std::memmove(buf.data(), buf.data() + last + 1, have);
    }
    if (have > 0) run_lines(std::string_view(buf.data(), have), stage, parser, out, org, scratch, t);
    ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: s3top_stages DIR read|index|parse|org [THREADS]\n");
        return 2;
    }
    const std::string_view name = argv[2];
    Stage stage;
    if (name == "read") {
        stage = Stage::Read;
    } else if (name == "index") {
        stage = Stage::Index;
    } else if (name == "parse") {
        stage = Stage::Parse;
    } else if (name == "org") {
        stage = Stage::Org;
    } else {
        std::fprintf(stderr, "s3top_stages: unknown stage '%s'\n", argv[2]);
        return 2;
    }
    const unsigned threads =
        argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : std::max(1u, std::thread::hardware_concurrency());

    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(argv[1], ec))
        if (e.is_regular_file()) files.push_back(e.path().string());
    if (ec) {
        std::fprintf(stderr, "s3top_stages: %s: %s\n", argv[1], ec.message().c_str());
        return 1;
    }
    std::sort(files.begin(), files.end());

    const std::size_t block = s3top::LoaderOptions{}.whole_file_block_bytes;
    std::atomic<std::size_t> next{0};
    std::vector<Totals> totals(threads);
    std::vector<std::thread> workers;
    for (unsigned w = 0; w < threads; ++w) {
        workers.emplace_back([&, w] {
            std::vector<char> buf(block);
            s3top::S3LineParser parser;
            s3top::ParseResult out;
            const s3top::OrgSource org;
            std::string scratch;
            for (std::size_t f; (f = next.fetch_add(1)) < files.size();)
                run_file(files[f], stage, buf, parser, out, org, scratch, totals[w]);
        });
    }
    for (auto& t : workers) t.join();
    Totals all;
    for (const Totals& t : totals) {
        all.lines += t.lines;
        all.bytes += t.bytes;
        all.sum += t.sum;
    }
    std::printf("%s: %zu files, %llu lines, %llu bytes, %u threads (sum %llu)\n", argv[2], files.size(),
                static_cast<unsigned long long>(all.lines), static_cast<unsigned long long>(all.bytes), threads,
                static_cast<unsigned long long>(all.sum));
    return 0;
}
