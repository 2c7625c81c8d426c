#pragma once
// Where a file's bytes come from. The loader's reader sees only ByteSource: a local file (plain,
// or gzip by its magic bytes) and standard input today; an object store (s3://) is another
// implementation of the same interface, not another branch of the read loop.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "core/ingest/inputs.hpp"
#include "core/ingest/io_error.hpp"

namespace s3top {

/// Bounds on what one gzip file may decompress to (see LoaderOptions).
struct GzipLimits {
    std::uint64_t max_decompressed_bytes = 0;  ///< 0: no limit
    std::uint32_t max_ratio = 0;               ///< 0: no check
    std::uint64_t bomb_check_bytes = 0;        ///< the ratio is checked past this much output
};

/// One input's stream of bytes (decompressed when compressed), read front to back.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// Up to `n` next bytes into `buf`; 0 at the end of the stream.
    virtual std::expected<std::size_t, IoError> read(char* buf, std::size_t n) = 0;
    /// Skips the stream's first `n` bytes (before any read). A stream shorter than `n` is an
    /// IoError::Code::Changed (the file is not what was planned).
    virtual std::expected<void, IoError> skip(std::uint64_t n) = 0;
    /// The stream is gzip-compressed (known after the first read or skip).
    virtual bool gzip() const = 0;
    /// The compressed stream ended early ("unexpected end of file"): a .gz still being written.
    /// The bytes read are a start of its stream; the reader keeps whole lines only.
    virtual bool unfinished() const = 0;
    /// The stored bytes [begin - n, begin), when the source can read them again cheaply (a plain
    /// file): the reader checks that the bytes counted before `begin` are still there, and they
    /// make the tail hash of what it reads however little that is.
    virtual std::optional<std::string> bytes_before(std::uint64_t begin, std::uint64_t n) const = 0;
    /// Stored bytes taken so far, skipped ones included (compressed ones for gzip): how far
    /// through the stored object a progress display is, and where a damaged or short .gz
    /// stopped (its message names it). 0 when the source cannot tell.
    virtual std::uint64_t stored_offset() const { return 0; }
};

/// Opens `file` ("-": standard input). The file is opened once; when `file.stated`, the
/// descriptor must be that file (same device and inode, not shorter), else
/// IoError::Code::Changed: a rotation between the plan and the read is never read as the
/// planned file. `fd` >= 0: the file is already open there (ReadJob::opened), a descriptor the
/// plan found to be that file (fstat); the source owns it, and its first read returns
/// IoError::Code::Changed when it ends short of `file.size` and the file is now shorter.
std::expected<std::unique_ptr<ByteSource>, IoError> open_byte_source(const InputFile& file, const GzipLimits& limits,
                                                                     int fd = -1);

}  // namespace s3top
