#include "core/storage/object_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <span>

#include "core/agg/dimension.hpp"
#include "core/agg/snapshot.hpp"
#include "core/util/civil_time.hpp"
#include "core/util/hash.hpp"

namespace s3top {
namespace {

__extension__ typedef unsigned __int128 UInt128;
constexpr Int128 kBytesPerGb = Int128{1} << 30;

std::uint64_t object_key(std::uint32_t bucket, std::uint32_t key) { return std::uint64_t{bucket} << 32 | key; }

}  // namespace

std::string storage_filter_problem(const Filter& f) {
    if (f.from || f.to) return "storage is measured over the whole period; leave from= and to= out of its filter";
    for (const FilterTerm& t : f.terms) {
        const Dim d = t.dim.dim;
        if (d != Dim::Org && d != Dim::Bucket && d != Dim::Key && d != Dim::KeyPrefix)
            return fmt::format("storage knows a version's org, bucket and key (and prefix:N), not its {}",
                               dim_name(t.dim));
    }
    return "";
}

std::size_t ObjectTable::GroupKeyHash::operator()(const GroupKey& k) const {
    return static_cast<std::size_t>(
        mix64((std::uint64_t{k.org} << 32 | k.bucket) ^ mix64(std::uint64_t{k.cls} << 32 | k.prefix)));
}

ObjectTable::ObjectTable(StorageSpec spec, const StorageNameViews& names) : spec_(std::move(spec)), names_(names) {
    for (std::int64_t m = bucket_start(Dim::Month, spec_.from); m < spec_.to; m = next_bucket(Dim::Month, m))
        months_.emplace_back(m, next_bucket(Dim::Month, m));
    all_.month_seconds.assign(months_.size(), 0);
    all_.month_billed.assign(months_.size(), 0);
    for (const FilterTerm& t : spec_.filter.terms) {
        const bool re = t.op == FilterTerm::Op::Regex || t.op == FilterTerm::Op::NotRegex;
        filter_res_.push_back(re ? std::regex(t.values.front(), std::regex::ECMAScript | std::regex::optimize)
                                 : std::regex());
    }
    // Every key the events name is known now: each bucket's objects get their room at once, no more.
    objects_.resize(names_.keys.size());
    for (std::size_t b = 0; b < objects_.size(); ++b) objects_[b].resize(names_.keys[b].size());
    memo_ok_ = spec_.filter.terms.empty() &&
               std::ranges::none_of(spec_.by, [](const StorageDimSpec& d) { return d.dim == StorageDim::KeyPrefix; });
    for (const std::string& b : spec_.versioned_buckets) {
        if (const auto id = names_.bucket(b)) {
            if (versioned_.size() <= *id) versioned_.resize(*id + 1, 0);
            versioned_[*id] = 1;
        }
    }
}

ObjectTable::~ObjectTable() = default;

void ObjectTable::prefetch(const StorageEvent& e) const {
    if (e.bucket < objects_.size() && e.key < objects_[e.bucket].size()) __builtin_prefetch(&objects_[e.bucket][e.key]);
}

ObjectTable::Version& ObjectTable::current(std::uint32_t bucket, std::uint32_t key) {
    if (objects_.size() <= bucket) objects_.resize(bucket + 1);
    auto& v = objects_[bucket];
    if (v.size() <= key) v.resize(std::max<std::size_t>(key + 1, v.size() + v.size() / 2));
    return v[key];
}

bool ObjectTable::passes(std::uint32_t owner, std::uint32_t bucket, std::uint32_t key) const {
    for (std::size_t i = 0; i < spec_.filter.terms.size(); ++i) {
        const FilterTerm& t = spec_.filter.terms[i];
        std::string_view value;
        switch (t.dim.dim) {
            case Dim::Org: value = names_.orgs.view(owner); break;
            case Dim::Bucket: value = names_.buckets.view(bucket); break;
            case Dim::Key: value = names_.keys[bucket].view(key); break;
            case Dim::KeyPrefix: value = key_prefix(names_.keys[bucket].view(key), t.dim.depth); break;
            default: return false;  // refused before (storage_filter_problem)
        }
        if (!term_matches_value(t, value, filter_res_[i])) return false;
    }
    return true;
}

std::uint32_t ObjectTable::group_of(std::uint32_t owner, StorageClass cls, std::uint32_t bucket, std::uint32_t key) {
    // Without a prefix grouping or a filter the group is (owner, class, bucket)'s: a few groups,
    // each asked for again and again, looked up in a small array before the map.
    GroupMemo* memo = nullptr;
    if (memo_ok_) {
        memo = &memo_[mix64(std::uint64_t{owner} << 32 ^ std::uint64_t{bucket} << 8 ^ static_cast<std::uint64_t>(cls)) &
                      (memo_.size() - 1)];
        if (memo->group != 0 && memo->owner == owner && memo->bucket == bucket && memo->cls == cls)
            return memo->group - 1;
    }
    const std::uint32_t g = find_group(owner, cls, bucket, key);
    if (memo) *memo = GroupMemo{owner, bucket, g + 1, cls};
    return g;
}

std::uint32_t ObjectTable::find_group(std::uint32_t owner, StorageClass cls, std::uint32_t bucket, std::uint32_t key) {
    GroupKey k;
    k.out = !spec_.filter.terms.empty() && !passes(owner, bucket, key);  // one group per class left out
    if (k.out) k.cls = static_cast<std::uint32_t>(cls);
    for (const StorageDimSpec& d : k.out ? std::span<const StorageDimSpec>{} : std::span(spec_.by)) {
        switch (d.dim) {
            case StorageDim::Org: k.org = owner; break;
            case StorageDim::Class: k.cls = static_cast<std::uint32_t>(cls); break;
            case StorageDim::Bucket: k.bucket = bucket; break;
            case StorageDim::KeyPrefix:
                k.prefix = prefixes_.intern(key_prefix(names_.keys[bucket].view(key), d.depth));
                break;
        }
    }
    const auto [it, added] = group_ids_.try_emplace(k, static_cast<std::uint32_t>(groups_.size()));
    if (added) {
        group_keys_.push_back(k);
        Acc acc;
        acc.month_seconds.assign(months_.size(), 0);
        acc.month_billed.assign(months_.size(), 0);
        groups_.push_back(std::move(acc));
    }
    return it->second;
}

void ObjectTable::add_seconds(Acc& acc, Acc& all, const Version& v, std::int64_t a, std::int64_t b) const {
    a = std::max(a, spec_.from);
    b = std::min(b, spec_.to);
    const std::uint64_t billed = billed_size(v);
    if (b <= a || billed == 0) return;
    for (std::size_t i = 0; i < months_.size(); ++i) {
        const std::int64_t lo = std::max(a, months_[i].first), hi = std::min(b, months_[i].second);
        if (hi <= lo) continue;
        acc.month_seconds[i] += Int128{v.size} * (hi - lo);
        acc.month_billed[i] += Int128{billed} * (hi - lo);
        all.month_seconds[i] += Int128{v.size} * (hi - lo);
        all.month_billed[i] += Int128{billed} * (hi - lo);
    }
}

void ObjectTable::end(Version& v, std::int64_t t) {
    if (!v.present) return;
    const std::uint32_t days = spec_.minimums[static_cast<std::size_t>(v.cls)].days;
    const std::int64_t until = v.since + std::int64_t{days} * 86400;
    if (days && v.since_known && t < until && t >= spec_.from && t < spec_.to) {
        // AWS bills the rest of the minimum when the version goes, in the month it goes.
        for (std::size_t i = 0; i < months_.size(); ++i) {
            if (t < months_[i].first || t >= months_[i].second) continue;
            const Int128 rest = Int128{billed_size(v)} * (until - t);
            groups_[v.group].month_billed[i] += rest;
            all_.month_billed[i] += rest;
        }
    }
    close(v, t, true);
}

void ObjectTable::open(Version& v, std::int64_t t, bool object) {
    v.since = t;
    v.present = true;
    Acc& acc = groups_[v.group];
    acc.bytes_now += v.size;
    if (object) acc.objects_now += 1;
    total_now_ += v.size;
    if (!group_keys_[v.group].out) kept_now_ += v.size;
    if (entered_) {
        acc.peak = std::max(acc.peak, acc.bytes_now);
        total_peak_ = std::max(total_peak_, total_now_);
    }
}

void ObjectTable::close(Version& v, std::int64_t t, bool object) {
    if (!v.present) return;
    Acc& acc = groups_[v.group];
    add_seconds(acc, all_, v, v.since, t);
    acc.bytes_now -= v.size;
    if (object) acc.objects_now -= 1;
    total_now_ -= v.size;
    if (!group_keys_[v.group].out) kept_now_ -= v.size;
    v.present = false;
}

void ObjectTable::enter_period() {
    entered_ = true;
    for (Acc& acc : groups_) acc.peak = acc.bytes_now;
    total_peak_ = total_now_;
}

void ObjectTable::apply(const StorageEvent& e) {
    if (e.time >= spec_.to) {
        ++stats_.after_period;
        return;
    }
    if (!entered_ && e.time >= spec_.from) enter_period();
    ++stats_.events;
    if (stats_.first_event == 0) stats_.first_event = e.time;
    stats_.last_event = e.time;
    if (e.version != 0 && e.version != names_.null_version) {
        // Only a versioned bucket logs version ids other than "null".
        if (versioned_.size() <= e.bucket) versioned_.resize(e.bucket + 1, 0);
        versioned_[e.bucket] = 1;
    }
    switch (e.op) {
        case StorageOp::Put:
            if (!e.has_size) ++stats_.no_size;
            put(e, e.size);
            break;
        case StorageOp::Complete: {
            const std::uint64_t parts = end_upload(e);
            put(e, e.has_size ? e.size : parts);
            break;
        }
        case StorageOp::PutPart:
            if (!e.has_size) ++stats_.no_size;
            put_part(e);
            break;
        case StorageOp::Abort: end_upload(e); break;
        case StorageOp::Delete: remove(e, false); break;
        case StorageOp::DeleteMarker:
            if (versioned_.size() <= e.bucket) versioned_.resize(e.bucket + 1, 0);
            versioned_[e.bucket] = 1;
            remove(e, true);
            break;
        case StorageOp::Transition: transition(e); break;
    }
}

void ObjectTable::put(const StorageEvent& e, std::uint64_t size) {
    Version& cur = current(e.bucket, e.key);
    if (cur.present) {
        if (versioned(e.bucket)) {
            noncurrent_[object_key(e.bucket, e.key)].push_back(cur);  // still stored, as it was
            cur.present = false;
        } else {
            end(cur, e.time);  // an overwrite replaces the object
        }
    }
    cur.size = size;
    cur.owner = e.org;
    cur.cls = StorageClass::Standard;  // a PUT's x-amz-storage-class is not in the access log
    ++stats_.class_assumed;
    cur.version = 0;
    cur.since_known = true;
    cur.group = group_of(e.org, cur.cls, e.bucket, e.key);
    open(cur, e.time, true);
}

ObjectTable::Version* ObjectTable::noncurrent_named(const StorageEvent& e, std::vector<Version>*& list) {
    const auto it = noncurrent_.find(object_key(e.bucket, e.key));
    if (it == noncurrent_.end() || it->second.empty()) return nullptr;
    list = &it->second;
    for (Version& v : it->second) {
        if (v.version == e.version) return &v;
    }
    // The logs never say which version id a write created: take the oldest version whose id is
    // not known, and say so.
    for (Version& v : it->second) {
        if (v.version == 0) {
            ++stats_.version_guessed;
            return &v;
        }
    }
    return nullptr;
}

void ObjectTable::remove(const StorageEvent& e, bool marker) {
    Version& cur = current(e.bucket, e.key);
    const bool by_version = e.version != 0 && e.version != names_.null_version;
    if (!versioned(e.bucket) || (!by_version && !marker)) {
        if (!cur.present) {
            ++stats_.unknown_object;
            return;
        }
        if (versioned(e.bucket)) {
            // A delete without a version id in a versioned bucket: a delete marker; the version
            // stays stored as noncurrent.
            noncurrent_[object_key(e.bucket, e.key)].push_back(cur);
            cur.present = false;
            return;
        }
        end(cur, e.time);
        return;
    }
    if (marker) {
        if (!cur.present) {
            ++stats_.unknown_object;
            return;
        }
        noncurrent_[object_key(e.bucket, e.key)].push_back(cur);
        cur.present = false;
        return;
    }
    // A version deleted by id: the current one when it has that id (or, when no noncurrent
    // version matches, the current one of an unknown id), else a noncurrent one.
    if (cur.present && cur.version == e.version) {
        end(cur, e.time);
        return;
    }
    std::vector<Version>* list = nullptr;
    if (Version* v = noncurrent_named(e, list)) {
        end(*v, e.time);
        list->erase(list->begin() + (v - list->data()));
        return;
    }
    if (cur.present && cur.version == 0) {
        ++stats_.version_guessed;
        end(cur, e.time);
        return;
    }
    ++stats_.unknown_object;
}

void ObjectTable::transition(const StorageEvent& e) {
    Version& cur = current(e.bucket, e.key);
    Version* v = nullptr;
    const bool by_version = e.version != 0 && e.version != names_.null_version;
    if (cur.present && (!by_version || cur.version == e.version)) {
        v = &cur;
    } else if (by_version) {
        std::vector<Version>* list = nullptr;
        v = noncurrent_named(e, list);
    }
    if (!v) {
        ++stats_.unknown_object;
        return;
    }
    end(*v, e.time);
    v->cls = e.to;
    v->since_known = true;
    v->group = group_of(v->owner, v->cls, e.bucket, e.key);
    open(*v, e.time, true);
}

void ObjectTable::put_part(const StorageEvent& e) {
    std::vector<Part>& parts = uploads_[object_key(e.bucket, e.key)];
    Part* part = nullptr;
    if (e.part != 0) {
        for (Part& p : parts) {
            if (p.upload == e.upload && p.number == e.part) part = &p;
        }
    }
    if (part) {
        close(part->v, e.time, false);  // a part uploaded again replaces the earlier one
    } else {
        parts.push_back(Part{{}, e.upload, e.part});
        part = &parts.back();
    }
    part->v.size = e.size;
    part->v.owner = e.org;
    part->v.cls = StorageClass::Standard;
    ++stats_.class_assumed;
    part->v.group = group_of(e.org, StorageClass::Standard, e.bucket, e.key);
    open(part->v, e.time, false);
}

std::uint64_t ObjectTable::end_upload(const StorageEvent& e) {
    const auto it = uploads_.find(object_key(e.bucket, e.key));
    if (it == uploads_.end()) return 0;
    std::uint64_t bytes = 0;
    std::vector<Part>& parts = it->second;
    std::erase_if(parts, [&](Part& p) {
        if (e.upload != 0 && p.upload != e.upload) return false;
        bytes += p.v.size;
        close(p.v, e.time, false);
        return true;
    });
    if (parts.empty()) uploads_.erase(it);
    return bytes;
}

StorageResult ObjectTable::result() const {
    StorageResult r;
    r.from = spec_.from;
    r.to = spec_.to;
    r.by = spec_.by;
    r.stats = stats_;
    std::vector<Acc> accs = groups_;
    Acc all = all_;
    Int128 total_peak = total_peak_;
    if (!entered_) {
        for (Acc& a : accs) a.peak = a.bytes_now;
        total_peak = total_now_;
    }
    // What is still stored is billed up to the end of the period.
    auto still = [&](const Version& v) {
        if (v.present) add_seconds(accs[v.group], all, v, v.since, spec_.to);
    };
    for (const auto& bucket : objects_)
        for (const Version& v : bucket) still(v);
    for (const auto& [k, list] : noncurrent_)
        for (const Version& v : list) still(v);
    for (const auto& [k, parts] : uploads_) {
        for (const Part& p : parts) {
            still(p.v);
            if (p.v.present) ++r.stats.parts_end;
        }
    }
    auto label = [&](const GroupKey& k, const StorageDimSpec& d) -> std::string {
        std::string_view s;
        switch (d.dim) {
            case StorageDim::Org: s = names_.orgs.view(k.org); break;
            case StorageDim::Class: s = storage_class_name(static_cast<StorageClass>(k.cls)); break;
            case StorageDim::Bucket: s = names_.buckets.view(k.bucket); break;
            case StorageDim::KeyPrefix: s = prefixes_.view(k.prefix); break;
        }
        return s.empty() ? "-" : std::string(s);
    };
    r.months = months_;
    r.filter = spec_.filter.to_string();
    auto measures = [&](const Acc& a) {
        StorageGroup out;
        out.month_byte_seconds = a.month_seconds;
        out.month_billed = a.month_billed;
        for (std::size_t m = 0; m < months_.size(); ++m) {
            out.byte_seconds += a.month_seconds[m];
            out.billed_byte_seconds += a.month_billed[m];
            const Int128 hours = (months_[m].second - months_[m].first) / 3600;
            out.gb_month_nanos += div_round_half_up(a.month_seconds[m] * kNanosPerUnit, kBytesPerGb * 3600 * hours);
        }
        out.objects_end = a.objects_now;
        out.bytes_end = a.bytes_now;
        out.peak_bytes = a.peak;
        return out;
    };
    auto add_to = [](StorageGroup& sum, const StorageGroup& g) {
        sum.byte_seconds += g.byte_seconds;
        sum.billed_byte_seconds += g.billed_byte_seconds;
        sum.gb_month_nanos += g.gb_month_nanos;
        sum.objects_end += g.objects_end;
        sum.bytes_end += g.bytes_end;
        sum.month_byte_seconds.resize(g.month_byte_seconds.size(), 0);
        sum.month_billed.resize(g.month_billed.size(), 0);
        for (std::size_t m = 0; m < g.month_byte_seconds.size(); ++m) {
            sum.month_byte_seconds[m] += g.month_byte_seconds[m];
            sum.month_billed[m] += g.month_billed[m];
        }
    };
    r.all = measures(all);
    r.totals.month_byte_seconds.assign(months_.size(), 0);
    r.totals.month_billed.assign(months_.size(), 0);
    r.filtered = r.totals;
    for (std::size_t g = 0; g < accs.size(); ++g) {
        StorageGroup out = measures(accs[g]);
        if (group_keys_[g].out) {
            add_to(r.filtered, out);
            continue;
        }
        for (const StorageDimSpec& d : spec_.by) out.key.push_back(label(group_keys_[g], d));
        if (out.byte_seconds == 0 && out.billed_byte_seconds == 0 && out.bytes_end == 0 && out.peak_bytes == 0)
            continue;  // nothing stored in the period
        add_to(r.totals, out);
        r.groups.push_back(std::move(out));
    }
    r.totals.peak_bytes = total_peak;
    std::sort(r.groups.begin(), r.groups.end(), [](const StorageGroup& a, const StorageGroup& b) {
        return a.byte_seconds != b.byte_seconds ? a.byte_seconds > b.byte_seconds : a.key < b.key;
    });
    return r;
}

std::size_t ObjectTable::objects() const {
    std::size_t n = 0;
    for (const auto& bucket : objects_)
        for (const Version& v : bucket) n += v.present ? 1 : 0;
    return n;
}

std::size_t ObjectTable::memory_bytes() const {
    std::size_t n =
        prefixes_.memory_bytes() + groups_.capacity() * sizeof(Acc) + group_keys_.capacity() * sizeof(GroupKey);
    for (const auto& bucket : objects_) n += bucket.capacity() * sizeof(Version);
    n += noncurrent_.size() * (sizeof(Version) + 48);
    return n;
}

void ObjectTable::apply_baseline(const StorageBaseline& b) {
    const std::int64_t t = b.time;
    if (!entered_ && t >= spec_.from) enter_period();
    stats_.baseline_rejected += b.rejected;
    if (stats_.baseline_sample.empty()) stats_.baseline_sample = b.rejected_sample;
    if (objects_.size() <= b.bucket) objects_.resize(b.bucket + 1);
    // What the inventory lists, per key: its current version and its noncurrent ones.
    std::unordered_map<std::uint32_t, std::vector<const StorageBaseline::Row*>> listed;
    for (const auto& row : b.rows) listed[row.key].push_back(&row);
    auto& bucket = objects_[b.bucket];
    // Versions the logs wrote that the inventory does not list are gone (a lost log delivery).
    for (std::uint32_t key = 0; key < bucket.size(); ++key) {
        if (bucket[key].present && !listed.contains(key)) {
            close(bucket[key], t, true);
            ++stats_.baseline_removed;
        }
        if (const auto it = noncurrent_.find(object_key(b.bucket, key));
            it != noncurrent_.end() && !listed.contains(key)) {
            for (Version& v : it->second) {
                close(v, t, true);
                ++stats_.baseline_removed;
            }
            noncurrent_.erase(it);
        }
    }
    for (const auto& [key, rows] : listed) {
        Version& cur = current(b.bucket, key);
        std::vector<Version> old;  // what the logs had for this key, current and noncurrent
        if (cur.present) old.push_back(cur);
        if (const auto it = noncurrent_.find(object_key(b.bucket, key)); it != noncurrent_.end()) {
            old.insert(old.end(), it->second.begin(), it->second.end());
            noncurrent_.erase(it);
        }
        cur.present = false;
        std::vector<Version> now;
        for (const StorageBaseline::Row* row : rows) {
            ++stats_.baseline_versions;
            // The logs' version of the same size keeps its owner and its start; else it is new.
            auto same = std::find_if(old.begin(), old.end(), [&](const Version& v) { return v.size == row->size; });
            Version v;
            if (same != old.end()) {
                v = *same;
                old.erase(same);
                if (v.cls != row->cls) {
                    close(v, t, true);
                    v.since_known = false;
                    v.cls = row->cls;
                    v.group = group_of(v.owner, v.cls, b.bucket, key);
                    open(v, t, true);
                }
            } else {
                ++stats_.baseline_added;
                v.since_known = false;  // when it entered its class is not in the inventory
                v.size = row->size;
                v.owner = row->owner;
                v.cls = row->cls;
                v.group = group_of(v.owner, v.cls, b.bucket, key);
                open(v, t, true);
            }
            v.version = row->version;
            if (row->latest) {
                cur = v;
            } else {
                now.push_back(v);
            }
        }
        for (Version& v : old) {
            close(v, t, true);
            ++stats_.baseline_removed;
        }
        if (!now.empty()) noncurrent_[object_key(b.bucket, key)] = std::move(now);
    }
}

StorageCheck ObjectTable::check(const StorageBaseline& b) const {
    StorageCheck c;
    c.description = b.description;
    c.time = b.time;
    c.versions = b.rows.size();
    c.rejected = b.rejected;
    std::unordered_map<std::uint32_t, std::vector<const StorageBaseline::Row*>> listed;
    for (const auto& row : b.rows) listed[row.key].push_back(&row);
    std::map<std::uint32_t, StorageCheck::Org> by_org;
    auto compare = [&](std::uint32_t key) {
        std::vector<const Version*> held;
        if (b.bucket < objects_.size() && key < objects_[b.bucket].size() && objects_[b.bucket][key].present)
            held.push_back(&objects_[b.bucket][key]);
        if (const auto it = noncurrent_.find(object_key(b.bucket, key)); it != noncurrent_.end())
            for (const Version& v : it->second)
                if (v.present) held.push_back(&v);
        std::vector<const StorageBaseline::Row*> rows;
        if (const auto it = listed.find(key); it != listed.end()) rows = it->second;
        const std::uint32_t key_owner = held.empty() ? 0 : held.front()->owner;
        for (const Version* v : held) {
            const auto same = std::find_if(rows.begin(), rows.end(), [&](const auto* r) { return r->size == v->size; });
            if (same != rows.end()) {
                rows.erase(same);
                continue;
            }
            StorageCheck::Org& o = by_org[v->owner];
            ++o.only_logs;
            o.only_logs_bytes += v->size;
        }
        for (const auto* r : rows) {
            StorageCheck::Org& o = by_org[held.empty() ? r->owner : key_owner];
            ++o.only_inventory;
            o.only_inventory_bytes += r->size;
        }
    };
    std::unordered_map<std::uint32_t, bool> seen;
    if (b.bucket < objects_.size()) {
        for (std::uint32_t key = 0; key < objects_[b.bucket].size(); ++key) {
            compare(key);
            seen[key] = true;
        }
    }
    for (const auto& [k, list] : noncurrent_) {
        const auto key = static_cast<std::uint32_t>(k & 0xffffffffu);
        if ((k >> 32) == b.bucket && !seen.contains(key)) {
            compare(key);
            seen[key] = true;
        }
    }
    for (const auto& [key, rows] : listed)
        if (!seen.contains(key)) compare(key);
    for (auto& [org, o] : by_org) {
        const std::string_view name = names_.orgs.view(org);
        o.org = name.empty() ? "-" : std::string(name);
        c.orgs.push_back(std::move(o));
    }
    std::sort(c.orgs.begin(), c.orgs.end(), [](const auto& x, const auto& y) { return x.org < y.org; });
    return c;
}

StorageResult compute_storage(const StorageSpec& spec, const StorageNames& names,
                              const std::vector<StorageEvent>& events, std::uint64_t failed,
                              const StorageBaseline* baseline, const std::vector<StorageBaseline>* later) {
    const SortedEvents sorted(names, events, failed);
    return compute_storage(spec, sorted.view(), baseline, later);
}

StorageResult compute_storage(const StorageSpec& spec, const StorageView& events, const StorageBaseline* baseline,
                              const std::vector<StorageBaseline>* later) {
    ObjectTable table(spec, *events.names);
    table.count_failed(events.failed);
    bool applied = baseline == nullptr;
    std::vector<StorageCheck> checks;
    std::size_t next_check = 0;
    const std::size_t nlater = later ? later->size() : 0;
    constexpr std::size_t kAhead = 16;  // events fetched ahead, their objects half as far
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i + kAhead < events.size()) __builtin_prefetch(&events[i + kAhead]);
        if (i + kAhead / 2 < events.size()) table.prefetch(events[i + kAhead / 2]);
        const StorageEvent& e = events[i];
        if (!applied && e.time > baseline->time) {
            table.apply_baseline(*baseline);
            applied = true;
        }
        // A later inventory lists what was stored at its time: the events up to it are applied.
        while (next_check < nlater && e.time > (*later)[next_check].time && (*later)[next_check].time < spec.to)
            checks.push_back(table.check((*later)[next_check++]));
        table.apply(e);
    }
    if (!applied && baseline->time < spec.to) table.apply_baseline(*baseline);
    for (; next_check < nlater; ++next_check)
        if ((*later)[next_check].time < spec.to) checks.push_back(table.check((*later)[next_check]));
    StorageResult r = table.result();
    r.checks = std::move(checks);
    r.inventory = baseline != nullptr;
    if (baseline) r.baseline = baseline->description;
    r.caveats = storage_caveats(r);
    return r;
}

std::vector<std::string> storage_caveats(const StorageResult& r) {
    std::vector<std::string> out;
    const StorageStats& s = r.stats;
    if (r.inventory) {
        out.push_back(
            fmt::format("objects stored before the logs are known from the {}: {} versions, {} of them not "
                        "written by these logs (owner: the key rule, or -); {} the logs had were not in it",
                        r.baseline, s.baseline_versions, s.baseline_added, s.baseline_removed));
        if (s.baseline_rejected)
            out.push_back(fmt::format("{} inventory row{} could not be read, so {} not counted (first: {})",
                                      s.baseline_rejected, s.baseline_rejected == 1 ? "" : "s",
                                      s.baseline_rejected == 1 ? "its object is" : "their objects are",
                                      s.baseline_sample));
    } else {
        out.push_back(s.first_event
                          ? fmt::format("objects stored before the first object-changing log line ({}) are not "
                                        "known without --inventory: only what the logs wrote is counted",
                                        format_iso8601(s.first_event))
                          : "objects stored before the logs begin are not known without --inventory: only "
                            "what the logs wrote is counted");
    }
    for (const StorageCheck& c : r.checks) {
        if (c.orgs.empty()) {
            out.push_back(fmt::format("the later {} agrees with the logs: its {} versions are what they left stored",
                                      c.description, c.versions));
            continue;
        }
        std::string diff;
        for (std::size_t i = 0; i < c.orgs.size() && i < 10; ++i) {
            const StorageCheck::Org& o = c.orgs[i];
            diff += fmt::format(
                "{}{}: {} listed that the logs did not write ({} bytes), {} the logs left that it does not "
                "list ({} bytes)",
                i ? "; " : "", o.org, o.only_inventory, int128_decimal(o.only_inventory_bytes), o.only_logs,
                int128_decimal(o.only_logs_bytes));
        }
        if (c.orgs.size() > 10) diff += fmt::format("; {} more orgs", c.orgs.size() - 10);
        out.push_back(
            fmt::format("the later {} differs from what the logs left stored then (a log delivery lost, or "
                        "requests the logs do not show), in versions per org: {}",
                        c.description, diff));
    }
    if (!r.filter.empty())
        out.push_back(
            fmt::format("only versions whose org, bucket and key pass the filter '{}' are counted: it left out "
                        "{} byte-hours ({} GB-months)",
                        r.filter, byte_hours_text(r.filtered.byte_seconds),
                        format_scaled_decimal(r.filtered.gb_month_nanos, 9, 9)));
    if (s.unknown_object)
        out.push_back(
            fmt::format("{} delete{} or transition{} named objects the logs never wrote (stored before them): "
                        "not counted",
                        s.unknown_object, s.unknown_object == 1 ? "" : "s", s.unknown_object == 1 ? "" : "s"));
    if (s.no_size)
        out.push_back(
            fmt::format("{} write{} logged no object size: counted as 0 bytes", s.no_size, s.no_size == 1 ? "" : "s"));
    if (s.version_guessed)
        out.push_back(fmt::format(
            "{} request{} named a version id the logs never showed being written (S3 logs no version id for a PUT): "
            "the oldest such version of the key was taken",
            s.version_guessed, s.version_guessed == 1 ? "" : "s"));
    if (s.class_assumed)
        out.push_back(fmt::format(
            "{} write{} of these logs (objects and parts) {} counted in STANDARD until a lifecycle transition "
            "moves {}: an access log does not record the storage class a request asks for",
            s.class_assumed, s.class_assumed == 1 ? "" : "s", s.class_assumed == 1 ? "is" : "are",
            s.class_assumed == 1 ? "it" : "them"));
    return out;
}

std::string int128_decimal(Int128 v) {
    if (v == 0) return "0";
    const bool neg = v < 0;
    UInt128 m = neg ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
    std::string s;
    while (m > 0) {
        s.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
        m /= 10;
    }
    if (neg) s.push_back('-');
    std::reverse(s.begin(), s.end());
    return s;
}

std::string byte_hours_text(Int128 byte_seconds) {
    Int128 milli = byte_seconds * 10 / 36;  // thousandths of a byte-hour, rounded half up
    if ((byte_seconds * 10 % 36) * 2 >= 36) ++milli;
    return fmt::format("{}.{:03}", int128_decimal(milli / 1000), static_cast<int>(milli % 1000));
}

}  // namespace s3top
