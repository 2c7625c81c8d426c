#pragma once
// What s3top counts per group, as a mergeable aggregate: init (value-initialise), add one
// request, merge two partials.
#include <cstdint>

namespace s3top {

/// Stored total time meaning "the log had none".
inline constexpr std::uint32_t kNoTotalTime = 0xFFFFFFFFu;

struct Metrics {
    std::uint64_t requests = 0;
    std::uint64_t bytes_sent = 0;  ///< egress
    std::uint64_t bytes_in = 0;    ///< ingress (uploads)
    std::uint64_t errors_4xx = 0;
    std::uint64_t errors_5xx = 0;
    std::uint64_t get_class = 0;  ///< GET and "all other" requests (S3's cheaper price tier)
    std::uint64_t put_class = 0;  ///< PUT, COPY, POST and LIST requests
    std::uint64_t total_time_ms = 0;

    void add(std::uint64_t sent, std::uint64_t in, std::uint16_t status, std::uint8_t tier, std::uint32_t time_ms) {
        ++requests;
        bytes_sent += sent;
        bytes_in += in;
        errors_4xx += (status >= 400 && status < 500) ? 1 : 0;
        errors_5xx += (status >= 500 && status < 600) ? 1 : 0;
        get_class += tier == 0 ? 1 : 0;
        put_class += tier == 1 ? 1 : 0;
        total_time_ms += time_ms == kNoTotalTime ? 0 : time_ms;
    }
    void merge(const Metrics& o) {
        requests += o.requests;
        bytes_sent += o.bytes_sent;
        bytes_in += o.bytes_in;
        errors_4xx += o.errors_4xx;
        errors_5xx += o.errors_5xx;
        get_class += o.get_class;
        put_class += o.put_class;
        total_time_ms += o.total_time_ms;
    }
    friend bool operator==(const Metrics&, const Metrics&) = default;
};

/// How ranked lists are ordered.
enum class SortBy : std::uint8_t { Bytes, Requests, Key };

}  // namespace s3top
