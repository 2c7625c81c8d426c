#include "core/s3/settings.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <optional>
#include <fstream>
#include <sstream>

#include "core/s3/http.hpp"

namespace s3top::s3 {
namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string env_or(const GetEnv& env, const char* name) {
    const char* v = env(name);
    return v ? std::string(v) : std::string();
}

std::expected<IniFile, S3Error> read_ini(const std::string& path, bool config_file) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return IniFile{};  // a missing file is an empty one (as the CLI treats it)
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::unexpected(S3Error{S3Error::Kind::Config, 0, {}, path + ": could not be read", {}});
    return parse_ini(ss.str(), config_file);
}

std::string lookup(const IniFile& f, const std::string& section, const std::string& key) {
    auto s = f.find(section);
    if (s == f.end()) return {};
    auto k = s->second.find(key);
    return k == s->second.end() ? std::string() : k->second;
}

S3Error config_error(std::string message) { return S3Error{S3Error::Kind::Config, 0, {}, std::move(message), {}}; }

/// {"AccessKeyId", "SecretAccessKey", "Token"} as the container and instance endpoints send it.
/// "2026-12-05T03:10:00Z" (fractions of a second allowed) as epoch seconds; nullopt otherwise.
std::optional<std::int64_t> expiration_time(std::string_view s) {
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
    if (!y || !mo || !d || !h || !mi || !se || !s.ends_with('Z')) return std::nullopt;
    std::tm tm{};
    tm.tm_year = *y - 1900;
    tm.tm_mon = *mo - 1;
    tm.tm_mday = *d;
    tm.tm_hour = *h;
    tm.tm_min = *mi;
    tm.tm_sec = *se;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The endpoints' JSON: the credentials, and their Expiration into `s` (0 when none is given).
std::expected<Credentials, std::string> credentials_json(const std::string& body, S3Settings& s) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return std::unexpected(std::string("not JSON"));
    Credentials c;
    std::string_view v;
    if (doc["AccessKeyId"].get_string().get(v) == simdjson::SUCCESS) c.access_key_id = std::string(v);
    if (doc["SecretAccessKey"].get_string().get(v) == simdjson::SUCCESS) c.secret_access_key = std::string(v);
    if (doc["Token"].get_string().get(v) == simdjson::SUCCESS) c.session_token = std::string(v);
    if (c.empty()) return std::unexpected(std::string("no AccessKeyId/SecretAccessKey in the answer"));
    s.credentials_fetched = now_seconds();
    s.credentials_expire = 0;
    if (doc["Expiration"].get_string().get(v) == simdjson::SUCCESS) {
        const auto t = expiration_time(v);
        if (!t) return std::unexpected(fmt::format("an Expiration that is no time ('{}')", v.substr(0, 40)));
        s.credentials_expire = *t;
    }
    return c;
}

}  // namespace

bool is_s3_url(std::string_view path) { return path.starts_with("s3://"); }

std::expected<S3Url, std::string> parse_s3_url(std::string_view path) {
    if (!is_s3_url(path)) return std::unexpected(std::string("not an s3:// URL"));
    std::string_view rest = path.substr(5);
    const auto slash = rest.find('/');
    S3Url u;
    u.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) u.prefix = std::string(rest.substr(slash + 1));
    if (u.bucket.size() < 3 || u.bucket.size() > 63)
        return std::unexpected(fmt::format("{}: a bucket name has 3 to 63 characters", path));
    for (char c : u.bucket) {
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
              c == '.' || c == '_'))
            return std::unexpected(
                fmt::format("{}: a bucket name has lower-case letters, digits, '.', '-' only", path));
    }
    if (u.prefix.find("//") != std::string::npos || u.prefix.find("/../") != std::string::npos ||
        u.prefix.starts_with("../") || u.prefix == "..")
        return std::unexpected(fmt::format("{}: a prefix with '//' or '..' cannot be laid out as folders", path));
    return u;
}

IniFile parse_ini(std::string_view text, bool config_file) {
    IniFile out;
    std::string section, nested;
    bool in_section = false;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view raw = text.substr(pos, nl - pos);
        pos = nl + 1;
        const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
        std::string line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            std::string name = trim(std::string_view(line).substr(1, line.size() - 2));
            if (config_file && name.starts_with("profile ")) name = trim(std::string_view(name).substr(8));
            // In the config file only "default" and "profile NAME" are profiles ("sso-session
            // x", "services x" are not).
            in_section = !config_file || name == "default" || line.starts_with("[profile ");
            section = name;
            nested.clear();
            continue;
        }
        if (!in_section) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string key = trim(std::string_view(line).substr(0, eq));
        std::string value = trim(std::string_view(line).substr(eq + 1));
        if (indented && !nested.empty()) {
            out[section][nested + "." + key] = value;
        } else if (value.empty()) {
            nested = key;  // "s3 =" opens a block of indented settings
        } else {
            nested.clear();
            out[section][key] = value;
        }
        if (pos > text.size()) break;
    }
    return out;
}

std::expected<S3Settings, S3Error> resolve_settings(const S3Request& req, const GetEnv& env) {
    S3Settings s;
    const std::string home = env_or(env, "HOME");
    std::string cred_path = env_or(env, "AWS_SHARED_CREDENTIALS_FILE");
    std::string conf_path = env_or(env, "AWS_CONFIG_FILE");
    if (cred_path.empty() && !home.empty()) cred_path = home + "/.aws/credentials";
    if (conf_path.empty() && !home.empty()) conf_path = home + "/.aws/config";
    auto creds_file = cred_path.empty() ? IniFile{} : read_ini(cred_path, false);
    if (!creds_file) return std::unexpected(creds_file.error());
    auto conf_file = conf_path.empty() ? IniFile{} : read_ini(conf_path, true);
    if (!conf_file) return std::unexpected(conf_file.error());

    const bool profile_given = !req.profile.empty();
    std::string profile = profile_given ? req.profile : env_or(env, "AWS_PROFILE");
    if (profile.empty()) profile = "default";
    const bool profile_named = profile_given || !env_or(env, "AWS_PROFILE").empty();
    if (profile_named && !creds_file->contains(profile) && !conf_file->contains(profile))
        return std::unexpected(config_error(fmt::format("the profile '{}' is in neither {} nor {}", profile,
                                                        cred_path.empty() ? "~/.aws/credentials" : cred_path,
                                                        conf_path.empty() ? "~/.aws/config" : conf_path)));

    // Credentials: the environment (unless --profile named one), the credentials file, the
    // config file.
    if (!profile_given && !env_or(env, "AWS_ACCESS_KEY_ID").empty()) {
        s.credentials = {env_or(env, "AWS_ACCESS_KEY_ID"), env_or(env, "AWS_SECRET_ACCESS_KEY"),
                         env_or(env, "AWS_SESSION_TOKEN")};
        s.credential_source = "environment";
    }
    for (const IniFile* f : {&*creds_file, &*conf_file}) {
        if (!s.credentials.empty()) break;
        Credentials c{lookup(*f, profile, "aws_access_key_id"), lookup(*f, profile, "aws_secret_access_key"),
                      lookup(*f, profile, "aws_session_token")};
        if (!c.empty()) {
            s.credentials = std::move(c);
            s.credential_source = "profile " + profile;
        }
    }
    if (s.credentials.empty()) s.credential_source = "none";

    for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        if (!env_or(env, name).empty()) {
            s.region = env_or(env, name);
            break;
        }
    }
    if (env_or(env, "AWS_REGION").empty() && env_or(env, "AWS_DEFAULT_REGION").empty()) {
        const std::string r = lookup(*conf_file, profile, "region");
        if (!r.empty()) s.region = r;
    }

    // The endpoint: --endpoint-url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's s3
    // block, the profile.
    for (const std::string& e :
         {req.endpoint_url, env_or(env, "AWS_ENDPOINT_URL_S3"), env_or(env, "AWS_ENDPOINT_URL"),
          lookup(*conf_file, profile, "s3.endpoint_url"), lookup(*conf_file, profile, "endpoint_url")}) {
        if (!e.empty()) {
            s.endpoint = e;
            break;
        }
    }
    while (s.endpoint.ends_with('/')) s.endpoint.pop_back();
    if (!s.endpoint.empty() && !s.endpoint.starts_with("http://") && !s.endpoint.starts_with("https://"))
        return std::unexpected(config_error(
            fmt::format("the endpoint '{}' is not an http:// or https:// URL", s.endpoint.substr(0, 200))));
    const std::string style = lookup(*conf_file, profile, "s3.addressing_style");
    if (style == "path")
        s.addressing = AddressingStyle::Path;
    else if (style == "virtual")
        s.addressing = AddressingStyle::Virtual;
    else if (!style.empty() && style != "auto")
        return std::unexpected(config_error(fmt::format(
            "profile {}: s3 addressing_style '{}' is not path, virtual or auto", profile, style.substr(0, 40))));
    return s;
}

std::expected<void, S3Error> fetch_remote_credentials(S3Settings& s, const GetEnv& env) {
    if (!s.credentials.empty()) return {};
    HttpClient http;
    const auto short_wait = std::chrono::milliseconds(2000);
    // The container endpoint (ECS, EKS pod identity).
    std::string url = env_or(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (const std::string rel = env_or(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); !rel.empty())
        url = "http://169.254.170.2" + rel;
    if (!url.empty()) {
        HttpRequest r;
        r.url = url;
        r.connect_timeout = r.total_timeout = short_wait;
        std::string token = env_or(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
        if (const std::string file = env_or(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
            std::ifstream in(file);
            std::getline(in, token);
        }
        if (!token.empty()) r.headers.emplace_back("Authorization", token);
        auto resp = http.perform(r);
        if (!resp) return std::unexpected(config_error("the container credentials endpoint: " + resp.error().message));
        if (resp->status != 200)
            return std::unexpected(
                config_error(fmt::format("the container credentials endpoint answered {}", resp->status)));
        auto c = credentials_json(resp->body, s);
        if (!c) return std::unexpected(config_error("the container credentials endpoint: " + c.error()));
        s.credentials = std::move(*c);
        s.credential_source = "container";
        return {};
    }
    // The instance metadata service, IMDSv2 (a session token first).
    if (env_or(env, "AWS_EC2_METADATA_DISABLED") == "true") return {};
    std::string base = env_or(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (base.empty()) base = "http://169.254.169.254";
    while (base.ends_with('/')) base.pop_back();
    HttpRequest put;
    put.method = "PUT";
    put.url = base + "/latest/api/token";
    put.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
    put.connect_timeout = put.total_timeout = std::chrono::milliseconds(1000);
    auto tok = http.perform(put);
    if (!tok || tok->status != 200) return {};  // not on an instance: anonymous
    const std::string token = trim(tok->body);
    HttpRequest get;
    get.headers.emplace_back("X-aws-ec2-metadata-token", token);
    get.connect_timeout = get.total_timeout = short_wait;
    get.url = base + "/latest/meta-data/iam/security-credentials/";
    auto role = http.perform(get);
    if (!role || role->status != 200) return {};  // an instance without a role
    std::string name = trim(role->body);
    if (auto nl = name.find('\n'); nl != std::string::npos) name.resize(nl);
    get.url += name;
    auto creds = http.perform(get);
    if (!creds || creds->status != 200)
        return std::unexpected(config_error("the instance metadata service gave no credentials for its role"));
    auto c = credentials_json(creds->body, s);
    if (!c) return std::unexpected(config_error("the instance metadata service: " + c.error()));
    s.credentials = std::move(*c);
    s.credential_source = "instance";
    return {};
}

std::int64_t credentials_refresh_time(std::int64_t fetched, std::int64_t expire) {
    return expire - std::min<std::int64_t>(300, std::max<std::int64_t>(0, expire - fetched) / 2);
}

Target target_for(const S3Settings& s, const std::string& bucket) {
    Target t;
    std::string scheme = "https", host;
    if (s.endpoint.empty()) {
        host = s.region == "us-east-1" ? "s3.amazonaws.com" : fmt::format("s3.{}.amazonaws.com", s.region);
    } else {
        const auto sep = s.endpoint.find("://");
        scheme = s.endpoint.substr(0, sep);
        host = s.endpoint.substr(sep + 3);
        if (auto slash = host.find('/'); slash != std::string::npos) host.resize(slash);
    }
    // Path style with a custom endpoint (as the AWS CLI addresses MinIO, Ceph, an emulator),
    // when asked, or when the bucket is no DNS label (dots under https).
    const bool dns_ok = bucket.find('.') == std::string::npos && bucket.find('_') == std::string::npos;
    const bool path = s.addressing == AddressingStyle::Path ||
                      (s.addressing == AddressingStyle::Auto && (!s.endpoint.empty() || !dns_ok));
    if (path) {
        t.host = host;
        t.path_prefix = "/" + bucket;
    } else {
        t.host = bucket + "." + host;
    }
    t.url_base = scheme + "://" + t.host + t.path_prefix;
    return t;
}

}  // namespace s3top::s3
