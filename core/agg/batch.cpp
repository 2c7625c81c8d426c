#include "core/agg/batch.hpp"

#include <algorithm>

#include "core/agg/metrics.hpp"
#include "core/parse/record.hpp"
#include "core/parse/uri.hpp"
#include "core/agg/dimension.hpp"

namespace s3top {

std::optional<OrgSource> parse_org_source(std::string_view spec, std::string& error) {
    OrgSource o;
    auto split_params = [&](std::string_view list) -> bool {
        o.params.clear();
        std::size_t pos = 0;
        while (pos <= list.size()) {
            auto comma = list.find(',', pos);
            if (comma == std::string_view::npos) comma = list.size();
            const auto name = list.substr(pos, comma - pos);
            if (!name.empty()) o.params.emplace_back(name);
            pos = comma + 1;
        }
        if (o.params.empty()) {
            error = "no query parameter name given";
            return false;
        }
        return true;
    };
    if (spec == "requester") {
        o.kind = OrgSource::Kind::Requester;
    } else if (spec == "access-point" || spec == "access_point") {
        o.kind = OrgSource::Kind::AccessPoint;
    } else if (spec == "ip" || spec == "client") {
        o.kind = OrgSource::Kind::RemoteIp;
    } else if (spec == "bucket") {
        o.kind = OrgSource::Kind::Bucket;
    } else if (spec == "host") {
        o.kind = OrgSource::Kind::HostHeader;
    } else if (spec.starts_with("prefix")) {
        o.kind = OrgSource::Kind::KeyPrefix;
        o.depth = 1;
        if (spec.size() > 6) {
            const auto d = spec.substr(7);
            if (spec[6] != ':' || d.size() != 1 || d[0] < '1' || d[0] > '9') {
                error = "org source prefix takes a depth from 1 to 9, as prefix:2";
                return std::nullopt;
            }
            o.depth = static_cast<std::uint8_t>(d[0] - '0');
        }
    } else if (spec.starts_with("param:")) {
        if (!split_params(spec.substr(6))) return std::nullopt;
    } else {
        if (spec.find(':') != std::string_view::npos) {
            error = "unknown org source '" + std::string(spec) +
                    "' (use param:NAME[,NAME], requester, prefix:N, access-point, ip, bucket or host)";
            return std::nullopt;
        }
        if (!split_params(spec)) return std::nullopt;
    }
    return o;
}

std::string org_source_spec(const OrgSource& o) {
    switch (o.kind) {
        case OrgSource::Kind::QueryParam: {
            std::string out = "param:";
            for (std::size_t i = 0; i < o.params.size(); ++i) out += (i ? "," : "") + o.params[i];
            return out;
        }
        case OrgSource::Kind::Requester: return "requester";
        case OrgSource::Kind::KeyPrefix: return "prefix:" + std::to_string(o.depth);
        case OrgSource::Kind::AccessPoint: return "access-point";
        case OrgSource::Kind::RemoteIp: return "ip";
        case OrgSource::Kind::Bucket: return "bucket";
        case OrgSource::Kind::HostHeader: return "host";
    }
    return {};
}

std::string_view BatchBuilder::org_of(const Record& r, const OrgSource& org, std::string& scratch) {
    switch (org.kind) {
        case OrgSource::Kind::QueryParam:
            for (const auto& name : org.params) {
                if (auto v = query_param(r.query, name, scratch)) return *v;
            }
            return {};
        case OrgSource::Kind::Requester: return r.requester;
        case OrgSource::Kind::KeyPrefix: return key_prefix(r.key, org.depth);
        case OrgSource::Kind::AccessPoint: return r.access_point_arn;
        case OrgSource::Kind::RemoteIp: return r.remote_ip;
        case OrgSource::Kind::Bucket: return r.bucket;
        case OrgSource::Kind::HostHeader: return r.host_header;
    }
    return {};
}

BatchBuilder::BatchBuilder(const OrgSource& org, const DimMask& keep, const TierMap& tiers)
    : org_(org), keep_(keep), tiers_(tiers) {
    for (const DimInfo& info : kDims) {
        const auto i = index(info.dim);
        if (info.kind == DimKind::Stored && keep_[i]) kept_.push_back(Kept{i, info.field});
    }
    std::sort(kept_.begin(), kept_.end(), [](const Kept& a, const Kept& b) { return a.index < b.index; });
}

Tier BatchBuilder::tier_of(const Record& r) {
    std::string_view name = r.operation;
    if (name.empty()) {
        method_key_.assign(1, '\0');
        method_key_.append(r.method);
        name = method_key_;
    }
    if (const auto id = tier_names_.find(name); id && *id < tier_of_name_.size()) return tier_of_name_[*id];
    const Tier t = tiers_.classify(r.operation, r.method);
    if (tier_of_name_.size() < kTierCacheSize) {
        const std::uint32_t id = tier_names_.intern(name);
        tier_of_name_.resize(std::max<std::size_t>(tier_of_name_.size(), id + 1), t);
        tier_of_name_[id] = t;
    }
    return t;
}

template <std::size_t... I>
std::uint32_t BatchBuilder::add_ids(const Record& r, std::index_sequence<I...>) {
    Batch& b = batch_;
    // Every kept column's hash first, its table slot fetched, then the probes: the cache
    // misses of a record's dozen pools overlap instead of coming one after another.
    const auto hash_one = [&]<std::size_t D>(std::integral_constant<std::size_t, D>) {
        if (!keep_[D]) return;
        constexpr std::string_view Record::* field = dim_info(static_cast<Dim>(D)).field;
        if constexpr (field == nullptr) {
            values_[D] = org_of(r, org_, scratch_);
        } else {
            values_[D] = r.*field;
        }
        hashes_[D] = b.pools[D].hash(values_[D]);
        b.pools[D].prefetch(hashes_[D]);
    };
    (hash_one(std::integral_constant<std::size_t, I>{}), ...);
    std::uint32_t op = 0;
    const auto intern_one = [&]<std::size_t D>(std::integral_constant<std::size_t, D>) {
        if (!keep_[D]) return;
        const std::uint32_t id = b.pools[D].intern(values_[D], hashes_[D]);
        b.columns.ids[D].push_back(id);
        if constexpr (D == index(Dim::Operation)) op = id;
    };
    (intern_one(std::integral_constant<std::size_t, I>{}), ...);
    return op;
}

void BatchBuilder::add(const Record& r, std::string_view path, std::uint64_t at, std::optional<std::uint64_t> origin) {
    Batch& b = batch_;
    ++b.counters.read;
    ++b.counters.parsed;
    NumberRow numbers{.time = r.time,
                      .bytes_sent = r.bytes_sent,
                      .bytes_in = r.bytes_in,
                      .total_time_ms = r.has_total_time ? std::min(r.total_time_ms, kNoTotalTime - 1) : kNoTotalTime,
                      .status = r.status,
                      .tier = 0};
    const StorageOpInfo* stores = nullptr;  // the storage row of r's operation, when kept
    bool known = false;
    if (encoder_) {
        numbers.tier = static_cast<std::uint8_t>(tier_of(r));
        std::array<std::string_view, kStringDimCount> value;
        for (const Kept& k : kept_) value[k.index] = k.field ? r.*k.field : org_of(r, org_, scratch_);
        encoder_->add(numbers, value, path, origin.value_or(0));
    } else {
        Columns& c = b.columns;
        const std::uint32_t op = add_ids(r, std::make_index_sequence<kStringDimCount>{});  // when kept
        constexpr auto kOperation = index(Dim::Operation);
        if (keep_[kOperation] && !r.operation.empty()) {
            if (op >= tier_of_op_.size()) tier_of_op_.resize(op + 1, kNoTier);
            if (tier_of_op_[op] == kNoTier) tier_of_op_[op] = static_cast<std::uint8_t>(tier_of(r));
            numbers.tier = tier_of_op_[op];
            if (storage_) {  // the row of each of the pool's operations, found once
                if (op >= storage_of_op_.size()) storage_of_op_.resize(op + 1, kNotLooked);
                if (storage_of_op_[op] == kNotLooked) {
                    const StorageOpInfo* info = storage_op_of(r.operation);
                    storage_of_op_[op] = info ? static_cast<std::int16_t>(info - kStorageOps.data()) : kStoresNothing;
                }
                stores = storage_of_op_[op] >= 0 ? &kStorageOps[static_cast<std::size_t>(storage_of_op_[op])] : nullptr;
                known = true;
            }
        } else {
            numbers.tier = static_cast<std::uint8_t>(tier_of(r));
        }
        c.push_numbers(numbers);
        if (origin) b.origin.push_back(*origin);
    }
    if (!storage_) return;
    if (!known) stores = storage_op_of(r.operation);
    if (!stores) return;
    // The org interned a moment ago (its view into the line or scratch_ still holds), else found.
    const std::string_view org =
        keep_[index(Dim::Org)] && !encoder_ ? values_[index(Dim::Org)] : org_of(r, org_, scratch_);
    b.storage.add(*stores, r, org, path, at);
}

void BatchBuilder::reuse_storage(StorageLines&& used) {
    StorageLines& s = batch_.storage;
    if (!s.lines.empty() || !s.text.empty() || s.failed != 0) return;
    if (used.lines.capacity() <= s.lines.capacity() && used.text.capacity() <= s.text.capacity()) return;
    used.clear();
    s = std::move(used);
}

void BatchBuilder::reject(std::uint32_t source, std::uint64_t line_no, std::string_view line, ParseError e) {
    ++batch_.counters.read;
    ++batch_.counters.unparsed[static_cast<std::size_t>(e.reason)];
    if (is_ignored(e.reason)) return;
    if (line.size() > kMaxRejectText) line = line.substr(0, kMaxRejectText);
    batch_.rejects.push_back(RejectedLine{source, line_no, e, std::string(line), {}});
}

Batch BatchBuilder::take() {
    Batch out = std::move(batch_);
    batch_ = Batch{};
    tier_of_op_.clear();  // ids of the next batch's own pool
    storage_of_op_.clear();
    if (encoder_) {
        out.encoded = encoder_->take();
        return out;
    }
    // The next batch is likely as long as this one: its columns get that room up front, so they
    // never grow by copying (and faulting in) what they hold.
    batch_.columns.reserve(out.columns.size() + out.columns.size() / 8, keep_);
    return out;
}

}  // namespace s3top
