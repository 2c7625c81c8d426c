#pragma once
// Internal to core/parse (includes simdjson: never include from a public header). A set of
// JSON pointers compiled into a trie, captured in one pass over a simdjson on-demand object.
#include <simdjson.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace s3top::jsonwalk {

/// One captured value. Views point into the caller's line when the JSON text needed no
/// unescaping (strings, numbers, booleans), else into the simdjson parser's string buffer.
struct Captured {
    std::string_view text;  ///< string contents (no quotes) or the number / literal as written
    bool present = false;
    bool is_string = false;
    bool is_number = false;
    bool is_container = false;  ///< an object or array where a scalar was expected (not present)
};

class PathTrie {
public:
    PathTrie();
    /// Adds RFC 6901 pointer `pointer` ("/request/headers/User-Agent/0") capturing into `slot`.
    /// An empty pointer maps nothing. False when the pointer is malformed (no leading '/').
    bool add(std::string_view pointer, int slot);

    struct Node {
        std::string name;
        int slot = -1;
        std::vector<std::uint32_t> children;
    };
    const Node& node(std::uint32_t i) const { return nodes_[i]; }

private:
    std::vector<Node> nodes_;
};

/// Where the parsed bytes came from: `padded` is the simdjson copy of `original`; views into
/// the copy are moved onto `original`.
struct Source {
    std::string_view padded;
    std::string_view original;
};

/// Walks `obj` from trie node `node`, filling `out[slot]` for every pointer met.
simdjson::error_code walk_object(simdjson::ondemand::object obj, const PathTrie& trie, std::uint32_t node,
                                 std::span<Captured> out, const Source& src);

/// Walks `v` from trie node `node` (a scalar is captured when `node` has a slot).
simdjson::error_code walk_value(simdjson::ondemand::value v, const PathTrie& trie, std::uint32_t node,
                                std::span<Captured> out, const Source& src);

/// The child of `node` named `name`, or 0 (the root, never a child) when there is none.
std::uint32_t child_named(const PathTrie& trie, std::uint32_t node, std::string_view name);

}  // namespace s3top::jsonwalk
