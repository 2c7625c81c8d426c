#include "app/s3_sources.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <expected>
#include <string_view>
#include <ctime>

#include "core/util/thread_name.hpp"

namespace s3top::app {
namespace {

const char* getenv_fn(const char* name) { return std::getenv(name); }

/// S3TOP_S3_READ_TIMEOUT: seconds a transfer may move nothing before it is given up and tried
/// again (30 by default, as the client's).
std::expected<s3::ClientOptions, std::string> client_options() {
    s3::ClientOptions co;
    const char* v = std::getenv("S3TOP_S3_READ_TIMEOUT");
    if (!v || !*v) return co;
    int seconds = 0;
    const std::string_view text(v);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size() || seconds < 1 || seconds > 3600)
        return std::unexpected(
            fmt::format("S3TOP_S3_READ_TIMEOUT='{}' is not a number of seconds from 1 to 3600", text.substr(0, 40)));
    co.stall = std::chrono::seconds(seconds);
    return co;
}

}  // namespace

S3Sources::S3Sources(const Options& opt, std::vector<Options::S3Path> sources)
    : sources_(std::move(sources)), every_(opt.s3_every) {
    for (const auto& s : sources_) urls_.push_back(*s3::parse_s3_url(s.url));  // checked by resolve_options
    auto settings = s3::resolve_settings(s3::S3Request{opt.profile, opt.endpoint_url}, getenv_fn);
    const auto options = client_options();
    if (!options) {
        settings_problem_ = options.error();
    } else if (settings) {
        if (auto remote = s3::fetch_remote_credentials(*settings, getenv_fn); !remote)
            settings_problem_ = remote.error().message;
        client_ = std::make_unique<s3::S3Client>(std::move(*settings), *options);
        client_->refresh_credentials_with(getenv_fn);
    } else {
        settings_problem_ = settings.error().message;
    }
}

S3Sources::~S3Sources() {
    stop();
    if (fetcher_.joinable()) fetcher_.join();
}

void S3Sources::mark_listed(std::size_t objects) {
    const std::lock_guard lock(mu_);
    last_poll_ = static_cast<long long>(std::time(nullptr));
    objects_ = objects;
}

std::vector<std::string> S3Sources::each_source(std::vector<InputProblem>& problems,
                                                const std::function<std::optional<std::string>(std::size_t)>& step) {
    std::vector<std::string> failed;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        std::optional<std::string> problem;
        if (!client_ || !settings_problem_.empty())
            problem = settings_problem_;
        else
            problem = step(i);
        if (!problem) continue;
        problems.push_back({sources_[i].url, std::move(*problem)});
        failed.push_back(sources_[i].dir);
    }
    return failed;
}

std::vector<std::string> S3Sources::list_all(std::vector<InputProblem>& problems) {
    plans_.assign(sources_.size(), std::nullopt);
    std::size_t objects = 0;
    bool answered = false;
    auto failed = each_source(problems, [&](std::size_t i) -> std::optional<std::string> {
        s3::SyncOptions so;
        so.dir = sources_[i].dir;
        s3::SyncPlan plan = s3::plan_sync(*client_, urls_[i], so);
        if (plan.result.fatal) return plan.result.fatal->message;
        answered = true;
        objects += plan.result.listed;
        plans_[i] = std::move(plan);
        return std::nullopt;
    });
    if (answered) mark_listed(objects);
    return failed;
}

void S3Sources::start_fetching() {
    {
        const std::lock_guard lock(mu_);
        fetching_ = true;
        for (const auto& p : plans_) to_fetch_ += p ? p->todo.size() : 0;
    }
    fetcher_ = std::jthread([this] {
        name_this_thread("s3top-s3-fetch");
        std::vector<InputProblem> problems;
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            if (!plans_[i]) continue;
            s3::SyncOptions so;
            so.dir = sources_[i].dir;
            so.landed = [this](const std::filesystem::path& p) {
                {
                    const std::lock_guard lock(mu_);
                    landed_.push_back(p.string());
                    ++fetched_;
                }
                cv_.notify_all();
            };
            const s3::SyncResult r = s3::fetch_planned(*client_, urls_[i], so, std::move(*plans_[i]), &cancel_);
            plans_[i].reset();
            for (const auto& [key, e] : r.failed)
                problems.push_back({fmt::format("s3://{}/{}", urls_[i].bucket, key), e.message});
        }
        {
            const std::lock_guard lock(mu_);
            fetch_problems_ = std::move(problems);
            fetching_ = false;
        }
        cv_.notify_all();
    });
}

std::optional<std::vector<std::string>> S3Sources::next_landed(const std::atomic<bool>* cancel) {
    std::unique_lock lock(mu_);
    // A short wait in a loop: `cancel` is another's flag, nobody notifies this condition for it.
    while (landed_.empty() && fetching_ && !(cancel && cancel->load()))
        cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (landed_.empty()) return std::nullopt;
    std::vector<std::string> out(std::make_move_iterator(landed_.begin()), std::make_move_iterator(landed_.end()));
    landed_.clear();
    return out;
}

std::vector<InputProblem> S3Sources::take_fetch_problems() {
    const std::lock_guard lock(mu_);
    return std::exchange(fetch_problems_, {});
}

std::vector<std::string> S3Sources::sync_all(std::vector<InputProblem>& problems, const std::atomic<bool>* cancel) {
    std::size_t objects = 0;
    bool answered = false;
    auto failed = each_source(problems, [&](std::size_t i) -> std::optional<std::string> {
        s3::SyncOptions so;
        so.dir = sources_[i].dir;
        const s3::SyncResult r = s3::sync_prefix(*client_, urls_[i], so, cancel);
        if (r.fatal) return r.fatal->message;
        answered = true;
        objects += r.fetched + r.kept;
        for (const auto& [key, e] : r.failed)
            problems.push_back({fmt::format("s3://{}/{}", urls_[i].bucket, key), e.message});
        return std::nullopt;
    });
    if (answered) mark_listed(objects);
    return failed;
}

void S3Sources::run(const std::function<void(std::string)>& say) {
    std::unique_lock lock(mu_);
    // The first fetch writes into the same folders: one fetch at a time.
    cv_.wait(lock, [&] { return stopped_ || !fetching_; });
    while (!stopped_) {
        cv_.wait_for(lock, every_, [&] { return stopped_; });
        if (stopped_) break;
        lock.unlock();
        std::vector<InputProblem> problems;
        sync_all(problems, &cancel_);
        for (const auto& p : problems) say(fmt::format("s3top: {}: {}", p.path, p.message));
        lock.lock();
    }
}

void S3Sources::stop() {
    cancel_ = true;
    const std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
}

std::vector<std::string> S3Sources::prune(const std::vector<std::string>& keep) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        s3::SyncOptions so;
        so.dir = sources_[i].dir;
        const s3::PruneResult r = s3::prune_cache(urls_[i], so, keep);
        if (r.files > 0)
            lines.push_back(fmt::format("s3top: --cache-prune: {}: {} counted object{} ({:.1f} MB) deleted from {}",
                                        sources_[i].url, r.files, r.files == 1 ? "" : "s",
                                        static_cast<double>(r.bytes) / 1e6, sources_[i].dir));
    }
    return lines;
}

std::string S3Sources::fetch_note() const {
    const std::lock_guard lock(mu_);
    if (!fetching_ || to_fetch_ == 0) return {};
    std::string names;
    for (const auto& s : sources_) names += (names.empty() ? "" : " ") + s.url;
    return fmt::format("fetching {} of {} object{} from {}", fetched_, to_fetch_, to_fetch_ == 1 ? "" : "s", names);
}

std::string S3Sources::note() const {
    std::string names;
    for (const auto& s : sources_) names += (names.empty() ? "" : " ") + s.url;
    const std::lock_guard lock(mu_);
    if (last_poll_ == 0) return names + " (not listed yet)";
    const std::time_t t = static_cast<std::time_t>(last_poll_);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    return fmt::format("{} listed {}", names, buf);
}

}  // namespace s3top::app
