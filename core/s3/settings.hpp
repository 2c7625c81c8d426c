#pragma once
// Where an s3:// source is and who may read it, found the way the AWS CLI finds it:
// credentials from the environment, the profile's files, then the container and instance
// credential endpoints; the region and the endpoint from the environment and the profile.
#include <expected>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <cstdint>

#include "core/s3/s3_error.hpp"
#include "core/s3/sigv4.hpp"

namespace s3top::s3 {

/// s3://bucket/prefix as given: the bucket and the key prefix (may be empty).
struct S3Url {
    std::string bucket;
    std::string prefix;
    std::string text() const { return "s3://" + bucket + "/" + prefix; }
};
bool is_s3_url(std::string_view path);
/// An error: one line saying what is wrong with the URL.
std::expected<S3Url, std::string> parse_s3_url(std::string_view path);

/// What the command line says (empty: not given).
struct S3Request {
    std::string profile;       ///< --profile
    std::string endpoint_url;  ///< --endpoint-url
};

/// Reads an environment variable (tests pass their own).
using GetEnv = std::function<const char*(const char*)>;

enum class AddressingStyle : std::uint8_t { Auto, Path, Virtual };

struct S3Settings {
    Credentials credentials;
    std::string credential_source;  ///< "environment", "profile NAME", "container", "instance", "none"
    /// Temporary credentials from the container or instance endpoint: when they expire (epoch
    /// seconds, their Expiration) and when they were fetched; 0: they do not expire.
    std::int64_t credentials_expire = 0, credentials_fetched = 0;
    std::string region = "us-east-1";
    std::string endpoint;  ///< scheme://host[:port] as configured; empty: AWS's own
    AddressingStyle addressing = AddressingStyle::Auto;
};

/// The settings of a profile's files: section -> key -> value ("s3.addressing_style" for the
/// nested s3 block). The config file's "[profile NAME]" sections are filed under NAME.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile parse_ini(std::string_view text, bool config_file);

/// Resolves everything but the container/instance credentials (no network). An error when a
/// profile was named that neither file has, or a file cannot be read.
std::expected<S3Settings, S3Error> resolve_settings(const S3Request& req, const GetEnv& env);

/// When `settings` has no credentials: asks the container endpoint
/// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE])
/// or else the instance metadata service (IMDSv2: a token, then the role's credentials;
/// AWS_EC2_METADATA_SERVICE_ENDPOINT, off with AWS_EC2_METADATA_DISABLED=true). Leaves them
/// empty (anonymous requests) when neither answers.
std::expected<void, S3Error> fetch_remote_credentials(S3Settings& settings, const GetEnv& env);

/// The time at which credentials fetched at `fetched` that expire at `expire` (epoch seconds)
/// are fetched again: 5 minutes before they expire, or halfway through a shorter life.
std::int64_t credentials_refresh_time(std::int64_t fetched, std::int64_t expire);

/// The URL of bucket/key (key unencoded; "" with a query for the bucket) and the Host header.
struct Target {
    std::string url_base;  ///< scheme://host[:port] (+ "/bucket" path style)
    std::string host;
    std::string path_prefix;  ///< "/bucket" path style, "" virtual
};
Target target_for(const S3Settings& s, const std::string& bucket);

}  // namespace s3top::s3
