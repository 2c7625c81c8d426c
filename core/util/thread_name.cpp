#include "core/util/thread_name.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace s3top {

void name_this_thread(std::string_view name) {
#if defined(__linux__)
    std::array<char, kThreadNameBytes + 1> cut{};
    const std::size_t n = std::min(name.size(), kThreadNameBytes);
    std::memcpy(cut.data(), name.data(), n);
    (void)pthread_setname_np(pthread_self(), cut.data());
#else
    (void)name;
#endif
}

void name_this_thread(std::string_view prefix, std::size_t n) {
    std::string name(prefix);
    name += '/';
    name += std::to_string(n);
    name_this_thread(name);
}

std::string this_thread_name() {
#if defined(__linux__)
    std::array<char, kThreadNameBytes + 1> name{};
    if (pthread_getname_np(pthread_self(), name.data(), name.size()) != 0) return {};
    return name.data();
#else
    return {};
#endif
}

}  // namespace s3top
