#include "core/agg/dimension.hpp"

#include <charconv>

#include "core/parse/record.hpp"

namespace s3top {

std::string status_label(std::int64_t status) {
    if (status == kStatusNoResponse) return "000";
    return status == 0 ? std::string() : std::to_string(status);
}

std::string status_class_label(std::int64_t status_class) {
    return status_class == 0 ? std::string() : std::to_string(status_class) + "xx";
}

std::string tier_label(std::int64_t tier) { return std::string(tier_name(static_cast<Tier>(tier))); }

DimMask columns_needed(DimSpec d) {
    DimMask m;
    const DimInfo& info = dim_info(d.dim);
    if (info.kind == DimKind::Stored) m.set(index(d.dim));
    if (info.from != Dim::Count_) m |= columns_needed(DimSpec{info.from, 0});
    return m;
}

std::string dim_name(DimSpec d) {
    if (d.dim == Dim::Count_) return "?";
    const DimInfo& info = dim_info(d.dim);
    if (info.kind == DimKind::KeyPrefix) return std::string(info.name) + ":" + std::to_string(d.depth);
    return std::string(info.name);
}

std::string dim_title(DimSpec d) {
    if (d.dim == Dim::Count_) return "?";
    const DimInfo& info = dim_info(d.dim);
    if (info.kind == DimKind::KeyPrefix) return std::string(info.title) + std::to_string(d.depth);
    return std::string(info.title);
}

namespace {

bool is_alias(std::string_view aliases, std::string_view name) {
    while (!aliases.empty()) {
        const auto space = aliases.find(' ');
        if (aliases.substr(0, space) == name) return true;
        if (space == std::string_view::npos) break;
        aliases.remove_prefix(space + 1);
    }
    return false;
}

}  // namespace

std::optional<DimSpec> parse_dim(std::string_view name) {
    std::string_view base = name;
    std::string_view param;
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
        base = name.substr(0, colon);
        param = name.substr(colon + 1);
    }
    for (const DimInfo& info : kDims) {
        if (info.name != base && !is_alias(info.aliases, base)) continue;
        DimSpec d{info.dim, 0};
        if (info.kind == DimKind::KeyPrefix) {
            unsigned depth = 1;
            if (!param.empty()) {
                const auto [p, ec] = std::from_chars(param.data(), param.data() + param.size(), depth);
                if (ec != std::errc{} || p != param.data() + param.size() || depth < 1 || depth > 32)
                    return std::nullopt;
            }
            d.depth = static_cast<std::uint8_t>(depth);
        } else if (!param.empty()) {
            return std::nullopt;
        }
        return d;
    }
    return std::nullopt;
}

std::string_view dim_names_help() {
    static const std::string help = [] {
        std::string s;
        for (const DimInfo& info : kDims) {
            if (!s.empty()) s += ", ";
            s += info.usage.empty() ? info.name : info.usage;
        }
        return s;
    }();
    return help;
}

std::string_view key_prefix(std::string_view key, unsigned depth) {
    if (!key.empty() && key.front() == '/') key.remove_prefix(1);
    std::size_t pos = 0;
    for (unsigned i = 0; i < depth; ++i) {
        const auto slash = key.find('/', pos);
        if (slash == std::string_view::npos) return key;
        pos = slash + 1;
    }
    return key.substr(0, pos - 1);
}

}  // namespace s3top
