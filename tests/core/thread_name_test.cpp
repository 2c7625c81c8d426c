// Thread names (core/util/thread_name.hpp): cut to the kernel's 15 bytes rather than refused,
// and parallel_for's helper threads named while the caller's thread keeps its own.
#include "core/util/thread_name.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/util/parallel_for.hpp"
#include "support/test_support.hpp"

namespace s3top {
namespace {

using namespace std::chrono_literals;

#if defined(__linux__)
constexpr bool kNamed = true;
#else
constexpr bool kNamed = false;
#endif

// The name a thread of its own reads back after `name_it` (the test runner's thread keeps its name).
template <class NameIt>
std::string name_read_after(NameIt name_it) {
    std::string read;
    std::thread([&] {
        name_it();
        read = this_thread_name();
    }).join();
    return read;
}
std::string named_on_a_thread(std::string_view name) {
    return name_read_after([name] { name_this_thread(name); });
}

TEST(ThreadName, ANameOver15BytesReadsBackAsItsFirst15) {
    if (!kNamed) GTEST_SKIP() << "no thread names on this system";
    EXPECT_EQ(named_on_a_thread("s3top-abcdefghijklmn"), "s3top-abcdefghi");  // 20 bytes: the kernel refuses it whole
    EXPECT_EQ(named_on_a_thread("s3top-123456789"), "s3top-123456789");       // 15: whole
    EXPECT_EQ(named_on_a_thread("s3top-x"), "s3top-x");
    EXPECT_EQ(name_read_after([] { name_this_thread("s3top-parse", 12); }), "s3top-parse/12");
    EXPECT_EQ(name_read_after([] { name_this_thread("s3top-ch-send", 12); }),  // "s3top-ch-send/12": 16 bytes
              "s3top-ch-send/1");
}

TEST(ThreadName, ANamedThreadShowsInProcUnderItsName) {
    if (!kNamed) GTEST_SKIP() << "no thread names on this system";
    std::mutex m;
    std::condition_variable cv;
    bool named = false, seen = false;
    std::thread t([&] {
        name_this_thread("s3top-proc-test");
        std::unique_lock l(m);
        named = true;
        cv.notify_all();
        cv.wait(l, [&] { return seen; });
    });
    std::optional<std::vector<std::string>> names;
    {
        std::unique_lock l(m);
        cv.wait(l, [&] { return named; });
        names = test::thread_names_in_proc();
        seen = true;
    }
    cv.notify_all();
    t.join();
    if (!names) GTEST_SKIP() << "no /proc/self/task here";
    EXPECT_EQ(std::count(names->begin(), names->end(), "s3top-proc-test"), 1);
}

// Each fn(i) waits until a second thread has taken one, so the helpers surely run.
TEST(ThreadName, ParallelForNamesItsHelperThreadsAndLeavesTheCallersName) {
    if (!kNamed) GTEST_SKIP() << "no thread names on this system";
    if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one core: parallel_for starts no thread";
    const std::string caller = this_thread_name();
    std::mutex m;
    std::condition_variable cv;
    std::map<std::thread::id, std::string> names;
    parallel_for("s3top-test", 64, 2, 1, [&](std::size_t) {
        std::unique_lock l(m);
        names.emplace(std::this_thread::get_id(), this_thread_name());
        cv.notify_all();
        cv.wait_for(l, 30s, [&] { return names.size() >= 2; });
    });
    EXPECT_EQ(this_thread_name(), caller);
    ASSERT_GE(names.size(), 2u);
    EXPECT_EQ(names.at(std::this_thread::get_id()), caller);
    names.erase(std::this_thread::get_id());
    for (const auto& [id, name] : names) {
        EXPECT_TRUE(name.starts_with("s3top-test/")) << name;
        EXPECT_NE(name, "s3top-test/0") << "the helpers count from 1: the caller is the first";
    }
}

}  // namespace
}  // namespace s3top
