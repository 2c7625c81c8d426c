#pragma once
// Spreading many small blocking calls (a stat, an open and a read per file) over every core.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string_view>
#include <thread>
#include <vector>

#include "core/util/thread_name.hpp"

namespace s3top {

/// Calls fn(i) once for every i in [0, n): on the calling thread alone when n is under
/// `serial_below` (thread start-up would cost more), else on every core (at most 8 threads),
/// `chunk` indices at a time. Returns when all are done. fn must be safe to call concurrently
/// for different i. The threads it starts are named `name`/1, `name`/2, ... (the caller's
/// thread keeps its name).
template <class F>
void parallel_for(std::string_view name, std::size_t n, std::size_t serial_below, std::size_t chunk, F&& fn) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    if (n < serial_below || cores == 1) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(chunk)) < n;) {
            for (std::size_t k = i; k < std::min(i + chunk, n); ++k) fn(k);
        }
    };
    std::vector<std::jthread> threads;
    for (unsigned t = 1; t < std::min(cores, 8u); ++t) {
        threads.emplace_back([&work, name, t] {
            name_this_thread(name, t);
            work();
        });
    }
    work();
}

}  // namespace s3top
