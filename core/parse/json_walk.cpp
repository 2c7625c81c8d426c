#include "core/parse/json_walk.hpp"

#include <utility>

namespace s3top::jsonwalk {
namespace {

using namespace simdjson;

std::string_view remap(std::string_view v, const Source& src) {
    if (v.data() >= src.padded.data() && v.data() + v.size() <= src.padded.data() + src.original.size())
        return src.original.substr(static_cast<std::size_t>(v.data() - src.padded.data()), v.size());
    return v;
}

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' || v.back() == '\r'))
        v.remove_suffix(1);
    return v;
}

error_code capture(ondemand::value v, Captured& c, const Source& src) {
    ondemand::json_type t{};
    if (auto e = v.type().get(t)) return e;
    std::string_view raw;
    switch (t) {
        case ondemand::json_type::string: {
            raw = v.raw_json_token();
            const auto last = raw.rfind('"');
            if (raw.size() >= 2 && raw.front() == '"' && last > 0 && raw.find('\\') == std::string_view::npos) {
                c.text = remap(raw.substr(1, last - 1), src);
            } else if (auto e2 = v.get_string().get(c.text)) {
                return e2;
            }
            c.present = true;
            c.is_string = true;
            return SUCCESS;
        }
        case ondemand::json_type::number:
        case ondemand::json_type::boolean:
            raw = v.raw_json_token();
            c.text = remap(trim(raw), src);
            c.present = true;
            c.is_number = t == ondemand::json_type::number;
            return SUCCESS;
        case ondemand::json_type::object:
        case ondemand::json_type::array:
            c.is_container = true;  // absent as text; a number field rejects it (see jsonl_log)
            return SUCCESS;
        default: return SUCCESS;  // null: absent
    }
}

error_code walk_value(ondemand::value v, const PathTrie& trie, std::uint32_t node, std::span<Captured> out,
                      const Source& src, int depth);

error_code walk_array(ondemand::array arr, const PathTrie& trie, std::uint32_t node, std::span<Captured> out,
                      const Source& src, int depth) {
    const auto& n = trie.node(node);
    std::size_t index = 0;
    for (auto element : arr) {
        ondemand::value v;
        if (auto e = std::move(element).get(v)) return e;
        const std::string idx = std::to_string(index++);
        for (const std::uint32_t child : n.children) {
            if (trie.node(child).name == idx) {
                if (auto e = walk_value(v, trie, child, out, src, depth + 1)) return e;
                break;
            }
        }
    }
    return SUCCESS;
}

error_code walk_object_impl(ondemand::object obj, const PathTrie& trie, std::uint32_t node, std::span<Captured> out,
                            const Source& src, int depth) {
    const auto& n = trie.node(node);
    for (auto field : obj) {
        ondemand::field f;
        if (auto e = std::move(field).get(f)) return e;
        std::string_view key;
        if (auto e = f.unescaped_key().get(key)) return e;
        for (const std::uint32_t child : n.children) {
            if (trie.node(child).name == key) {
                if (auto e = walk_value(f.value(), trie, child, out, src, depth + 1)) return e;
                break;
            }
        }
    }
    return SUCCESS;
}

error_code walk_value(ondemand::value v, const PathTrie& trie, std::uint32_t node, std::span<Captured> out,
                      const Source& src, int depth) {
    const auto& n = trie.node(node);
    if (n.slot >= 0 && static_cast<std::size_t>(n.slot) < out.size()) {
        return capture(v, out[static_cast<std::size_t>(n.slot)], src);
    }
    if (n.children.empty() || depth > 32) return SUCCESS;
    ondemand::json_type t{};
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::object) {
        ondemand::object o;
        if (auto e = v.get_object().get(o)) return e;
        return walk_object_impl(o, trie, node, out, src, depth);
    }
    if (t == ondemand::json_type::array) {
        ondemand::array a;
        if (auto e = v.get_array().get(a)) return e;
        return walk_array(a, trie, node, out, src, depth);
    }
    return SUCCESS;
}

}  // namespace

PathTrie::PathTrie() { nodes_.emplace_back(); }

bool PathTrie::add(std::string_view pointer, int slot) {
    if (pointer.empty()) return true;
    if (pointer.front() != '/') return false;
    std::uint32_t cur = 0;
    std::size_t pos = 1;
    while (true) {
        const auto slash = pointer.find('/', pos);
        const std::string_view raw = pointer.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
        std::string name;
        for (std::size_t i = 0; i < raw.size(); ++i) {  // RFC 6901: ~1 is '/', ~0 is '~'
            if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                name.push_back(raw[i + 1] == '1' ? '/' : '~');
                ++i;
            } else {
                name.push_back(raw[i]);
            }
        }
        std::uint32_t next = 0;
        for (const std::uint32_t c : nodes_[cur].children) {
            if (nodes_[c].name == name) next = c;
        }
        if (next == 0) {
            next = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{std::move(name), -1, {}});
            nodes_[cur].children.push_back(next);
        }
        cur = next;
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    nodes_[cur].slot = slot;
    return true;
}

simdjson::error_code walk_object(simdjson::ondemand::object obj, const PathTrie& trie, std::uint32_t node,
                                 std::span<Captured> out, const Source& src) {
    return walk_object_impl(obj, trie, node, out, src, 0);
}

simdjson::error_code walk_value(simdjson::ondemand::value v, const PathTrie& trie, std::uint32_t node,
                                std::span<Captured> out, const Source& src) {
    return walk_value(v, trie, node, out, src, 1);
}

std::uint32_t child_named(const PathTrie& trie, std::uint32_t node, std::string_view name) {
    for (const std::uint32_t c : trie.node(node).children) {
        if (trie.node(c).name == name) return c;
    }
    return 0;
}

}  // namespace s3top::jsonwalk
