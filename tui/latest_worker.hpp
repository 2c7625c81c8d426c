#pragma once
// A thread that answers the newest question put to it, so that the UI thread never waits for
// an answer that may be slow (a statement over every record, a server that does not answer):
// the UI asks, goes on, and takes the answer when it comes.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <stop_token>
#include <thread>
#include <utility>

#include "core/util/thread_name.hpp"

namespace s3top::tui {

template <class Question, class Answer>
class LatestWorker {
public:
    /// `answer` runs on the worker's thread (named `name`: ARCHITECTURE.md's "Threads"), one
    /// question at a time; `done` (may be null) is called there after each answer (to wake the UI).
    LatestWorker(std::string name, std::function<Answer(const Question&)> answer, std::function<void()> done = {})
        : answer_(std::move(answer)),
          done_(std::move(done)),
          thread_([this, name = std::move(name)](const std::stop_token& s) {
              name_this_thread(name);
              run(s);
          }) {}
    /// Stops the thread; an answer under way is waited for.
    ~LatestWorker() {
        thread_.request_stop();
        wake_.notify_all();
    }
    LatestWorker(const LatestWorker&) = delete;
    LatestWorker& operator=(const LatestWorker&) = delete;

    /// Asks `q`; replaces a question not yet taken up.
    void ask(Question q) {
        {
            std::lock_guard l(mutex_);
            question_ = std::move(q);
        }
        wake_.notify_all();
    }
    /// The latest answer since the last call, if any.
    std::optional<Answer> take() {
        std::lock_guard l(mutex_);
        return std::exchange(result_, std::nullopt);
    }
    /// True while a question is asked or being answered.
    bool busy() const {
        std::lock_guard l(mutex_);
        return question_.has_value() || working_;
    }

private:
    void run(const std::stop_token& stop) {
        std::unique_lock l(mutex_);
        while (!stop.stop_requested()) {
            if (!wake_.wait(l, stop, [this] { return question_.has_value(); })) return;
            const Question q = std::move(*question_);
            question_.reset();
            working_ = true;
            l.unlock();
            Answer a = answer_(q);
            l.lock();
            result_ = std::move(a);
            working_ = false;
            l.unlock();
            if (done_) done_();
            l.lock();
        }
    }

    const std::function<Answer(const Question&)> answer_;
    const std::function<void()> done_;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    std::optional<Question> question_;
    std::optional<Answer> result_;
    bool working_ = false;
    std::jthread thread_;  ///< last: started once the rest is built, stopped first
};

}  // namespace s3top::tui
