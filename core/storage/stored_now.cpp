#include "core/storage/stored_now.hpp"

#include <algorithm>

namespace s3top {

Stored compute_stored(const StoredSpec& spec, const StorageView& events) {
    StorageSpec s;
    s.from = spec.from;
    s.to = spec.to;
    s.by = {spec.by};
    s.filter = spec.filter;
    ObjectTable table(std::move(s), *events.names);
    Stored out;
    out.samples.reserve(spec.sample_at.size());
    auto sample_until = [&](std::int64_t t) {  // the samples at times up to t, as the table is now
        while (out.samples.size() < spec.sample_at.size() && spec.sample_at[out.samples.size()] <= t)
            out.samples.push_back(table.bytes_now());
    };
    for (std::size_t i = 0; i < events.size(); ++i) {
        const StorageEvent& e = events[i];
        if (e.time >= spec.to) break;  // sorted: none after it is applied either
        sample_until(e.time);
        table.apply(e);
    }
    while (out.samples.size() < spec.sample_at.size()) out.samples.push_back(table.bytes_now());
    const StorageResult r = table.result();
    for (const StorageGroup& g : r.groups) {
        if (g.bytes_end == 0 && g.objects_end == 0) continue;
        std::string label = g.key.empty() ? std::string() : g.key.front();
        if (label == "-") label.clear();  // result() writes an absent value as storage's writers show it
        out.groups.push_back(StoredGroup{std::move(label), g.bytes_end, g.objects_end});
        out.bytes += g.bytes_end;
        out.objects += g.objects_end;
    }
    std::sort(out.groups.begin(), out.groups.end(), [](const StoredGroup& a, const StoredGroup& b) {
        return a.bytes != b.bytes ? a.bytes > b.bytes : a.label < b.label;
    });
    return out;
}

Filter storage_terms_of(const Filter& f, bool* dropped) {
    Filter out;
    bool any = f.from || f.to;
    for (const FilterTerm& t : f.terms) {
        Filter one;
        one.terms.push_back(t);
        if (storage_filter_problem(one).empty())
            out.terms.push_back(t);
        else
            any = true;
    }
    if (dropped) *dropped = any;
    return out;
}

}  // namespace s3top
