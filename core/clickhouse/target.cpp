#include "core/clickhouse/target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/clickhouse/schema.hpp"

namespace s3top::clickhouse {
namespace {

constexpr std::string_view kScheme = "clickhouse://";

/// %XX decoded (user names and passwords may hold any byte); nullopt-like empty + false when bad.
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return false;
        unsigned v = 0;
        const auto r = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
        if (r.ec != std::errc() || r.ptr != in.data() + i + 3) return false;
        out.push_back(static_cast<char>(v));
        i += 2;
    }
    return true;
}

bool valid_host(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    for (char c : h) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

bool is_clickhouse_url(std::string_view s) { return s.starts_with(kScheme); }

std::string Target::describe() const {
    std::string hs;
    for (const Host& h : hosts) hs += fmt::format("{}{}:{}", hs.empty() ? "" : ",", h.name, h.port);
    return fmt::format("clickhouse://{}/{}?table={}", hs, database, table);
}

std::string Target::base_url(std::size_t i) const { return fmt::format("http://{}:{}/", hosts[i].name, hosts[i].port); }

std::expected<Target, std::string> parse_target(std::string_view url,
                                                const std::function<const char*(const char*)>& getenv,
                                                const Credentials& config) {
    auto fail = [](std::string why) { return std::unexpected("--to: " + why); };
    if (!is_clickhouse_url(url)) return fail("not a clickhouse:// URL");
    std::string_view rest = url.substr(kScheme.size());
    // A URL with credentials is never echoed: a password with an unescaped '/' would otherwise
    // be read as a host or port and named in the message.
    const bool secret = url.find('@') != std::string_view::npos;
    auto shown = [secret](std::string_view v) { return secret ? std::string("(hidden)") : "'" + std::string(v) + "'"; };
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return fail("no database: clickhouse://HOST:PORT/DB?table=NAME");
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = rest.substr(slash + 1);
    Target t;
    bool user_given = false, password_given = false;
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view creds = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = creds.find(':');
        if (!percent_decode(creds.substr(0, colon), t.user)) return fail("a bad %-escape in the user name");
        user_given = !t.user.empty();
        if (colon != std::string_view::npos) {
            if (!percent_decode(creds.substr(colon + 1), t.password)) return fail("a bad %-escape in the password");
            password_given = true;
        }
    }
    while (!authority.empty()) {
        const auto comma = authority.find(',');
        const std::string_view hp = authority.substr(0, comma);
        authority = comma == std::string_view::npos ? std::string_view() : authority.substr(comma + 1);
        Host h;
        const auto colon = hp.rfind(':');
        h.name = std::string(hp.substr(0, colon));
        if (!valid_host(h.name)) return fail(fmt::format("{} is not a host name", shown(h.name)));
        if (colon != std::string_view::npos) {
            const std::string_view port = hp.substr(colon + 1);
            unsigned p = 0;
            const auto r = std::from_chars(port.data(), port.data() + port.size(), p);
            if (r.ec != std::errc() || r.ptr != port.data() + port.size() || p == 0 || p > 65535)
                return fail(fmt::format("{} is not a port", shown(port)));
            h.port = static_cast<std::uint16_t>(p);
        }
        t.hosts.push_back(std::move(h));
    }
    if (t.hosts.empty()) return fail("no host: clickhouse://HOST:PORT/DB?table=NAME");
    const auto q = path.find('?');
    const std::string_view db = path.substr(0, q);
    if (!db.empty()) t.database = std::string(db);
    if (!valid_identifier(t.database)) return fail(fmt::format("database {} is not a plain name", shown(t.database)));
    std::string_view query = q == std::string_view::npos ? std::string_view() : path.substr(q + 1);
    std::string compress;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view kv = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const auto eq = kv.find('=');
        const std::string_view k = kv.substr(0, eq);
        std::string v;
        if (!percent_decode(eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1), v))
            return fail(fmt::format("a bad %-escape in '{}'", k));
        if (k == "table") {
            if (!valid_identifier(v)) return fail(fmt::format("table {} is not a plain name", shown(v)));
            t.table = std::move(v);
        } else if (k == "user") {
            t.user = std::move(v);
            user_given = true;
        } else if (k == "password") {
            t.password = std::move(v);
            password_given = true;
        } else if (k == "compress") {
            if (v != "gzip" && v != "none") return fail(fmt::format("compress {} is neither gzip nor none", shown(v)));
            compress = v;
        } else {
            return fail(fmt::format("unknown parameter {} (table, user, password, compress)", shown(k)));
        }
    }
    const bool local = std::all_of(t.hosts.begin(), t.hosts.end(),
                                   [](const Host& h) { return h.name == "localhost" || h.name.starts_with("127."); });
    t.gzip = compress.empty() ? !local : compress == "gzip";
    if (!user_given) {
        if (const char* u = getenv("S3TOP_CLICKHOUSE_USER"); u && *u)
            t.user = u;
        else if (config.user && !config.user->empty())
            t.user = *config.user;
    }
    if (!password_given) {
        if (const char* p = getenv("S3TOP_CLICKHOUSE_PASSWORD"); p)
            t.password = p;
        else if (config.password)
            t.password = *config.password;
    }
    return t;
}

}  // namespace s3top::clickhouse
