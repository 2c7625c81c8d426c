#include "support/test_support.hpp"

#include <zlib.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace s3top::test {

std::optional<std::filesystem::path> corpus_dir() {
    if (const char* env = std::getenv("S3TOP_CORPUS"); env && *env) {
        if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
        return std::nullopt;
    }
    const std::filesystem::path p = S3TOP_CORPUS_DIR;
    if (std::filesystem::is_directory(p / "s3")) return p;
    return std::nullopt;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::optional<std::vector<std::string>> thread_names_in_proc() {
    std::error_code ec;
    std::filesystem::directory_iterator tasks("/proc/self/task", ec);
    if (ec) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& t : tasks) {
        std::ifstream in(t.path() / "comm");
        std::string name;
        if (std::getline(in, name)) names.push_back(name);  // a thread that ended meanwhile has none
    }
    return names;
}

std::vector<std::string> read_lines(const std::filesystem::path& p) {
    const std::string all = read_file(p);
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < all.size()) {
        auto nl = all.find('\n', pos);
        if (nl == std::string::npos) nl = all.size();
        lines.push_back(all.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

TempDir::TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("s3top-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
}

std::string gzip(const std::string& s) {
    std::string out(compressBound(static_cast<uLong>(s.size())) + 64, '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

}  // namespace s3top::test
