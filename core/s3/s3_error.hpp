#pragma once
// A failed S3 request as a value: what kind of failure, the HTTP status and S3's own code,
// and one line for the user. Never holds a secret (the request's headers are not kept).
#include <cstdint>
#include <string>

namespace s3top::s3 {

struct S3Error {
    enum class Kind : std::uint8_t {
        AccessDenied,    ///< 403 AccessDenied: the credentials may not read this
        BadCredentials,  ///< InvalidAccessKeyId, SignatureDoesNotMatch, ExpiredToken, no credentials
        NoSuchBucket,
        NotFound,     ///< 404 on an object (NoSuchKey) or anything else
        WrongRegion,  ///< the bucket is in another region (301 / AuthorizationHeaderMalformed)
        Network,      ///< no answer: connection refused, DNS, timeout (after the retries)
        Server,       ///< 5xx / SlowDown after the retries
        Config,       ///< the configuration (profile, endpoint, URL) cannot work
        Local,        ///< writing the fetched object to disk failed
        Other,
    };
    Kind kind = Kind::Other;
    long http_status = 0;
    std::string code;     ///< S3's <Code> when it sent one
    std::string message;  ///< one line, without the s3:// location (the caller adds it)
    std::string region;   ///< WrongRegion: the bucket's region when S3 said it
};

}  // namespace s3top::s3
