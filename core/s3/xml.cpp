#include "core/s3/xml.hpp"

#include <expat.h>

#include <charconv>
#include <memory>

namespace s3top::s3 {
namespace {

/// Collects the text of each element by its path of names ("ListBucketResult/Contents/Key"),
/// namespace prefixes ignored, and calls `end` with the path and text at each element's end.
class Walker {
public:
    template <typename End>
    std::expected<void, std::string> run(std::string_view xml, End end) {
        std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> p(XML_ParserCreate("UTF-8"), XML_ParserFree);
        if (!p) return std::unexpected(std::string("out of memory"));
        struct Ctx {
            Walker* self;
            End* end;
        } ctx{this, &end};
        XML_SetUserData(p.get(), &ctx);
        XML_SetElementHandler(
            p.get(),
            [](void* u, const XML_Char* name, const XML_Char**) {
                auto* c = static_cast<Ctx*>(u);
                c->self->stack_.push_back(c->self->path_.size());
                if (!c->self->path_.empty()) c->self->path_ += '/';
                std::string_view n(name);
                if (auto colon = n.rfind(':'); colon != std::string_view::npos) n.remove_prefix(colon + 1);
                c->self->path_ += n;
                c->self->text_.clear();
            },
            [](void* u, const XML_Char*) {
                auto* c = static_cast<Ctx*>(u);
                (*c->end)(std::string_view(c->self->path_), std::string_view(c->self->text_));
                c->self->path_.resize(c->self->stack_.back());
                c->self->stack_.pop_back();
                c->self->text_.clear();
            });
        XML_SetCharacterDataHandler(p.get(), [](void* u, const XML_Char* s, int len) {
            static_cast<Ctx*>(u)->self->text_.append(s, static_cast<std::size_t>(len));
        });
        if (XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_ERROR)
            return std::unexpected(std::string("not XML: ") + XML_ErrorString(XML_GetErrorCode(p.get())) + " at line " +
                                   std::to_string(XML_GetCurrentLineNumber(p.get())));
        return {};
    }

private:
    std::string path_, text_;
    std::vector<std::size_t> stack_;
};

std::string unquote(std::string_view s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

}  // namespace

std::expected<ListPage, std::string> parse_list_page(std::string_view xml) {
    ListPage page;
    bool root_ok = false;
    std::string bad_size;
    ObjectInfo cur;  // an element's children end before it does
    Walker w;
    auto r = w.run(xml, [&](std::string_view path, std::string_view text) {
        if (path == "ListBucketResult/Contents/Key") {
            cur.key = std::string(text);
        } else if (path == "ListBucketResult/Contents/ETag") {
            cur.etag = unquote(text);
        } else if (path == "ListBucketResult/Contents/LastModified") {
            cur.last_modified = std::string(text);
        } else if (path == "ListBucketResult/Contents/Size") {
            auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), cur.size);
            if (ec != std::errc() || ptr != text.data() + text.size()) bad_size = std::string(text);
        } else if (path == "ListBucketResult/Contents") {
            page.objects.push_back(std::move(cur));
            cur = {};
        } else if (path == "ListBucketResult/IsTruncated") {
            page.truncated = text == "true";
        } else if (path == "ListBucketResult/NextContinuationToken") {
            page.next_token = std::string(text);
        } else if (path == "ListBucketResult") {
            root_ok = true;
        }
    });
    if (!r) return std::unexpected(r.error());
    if (!root_ok) return std::unexpected(std::string("not a ListBucketResult"));
    if (!bad_size.empty()) return std::unexpected("an object's Size is not a number: " + bad_size.substr(0, 40));
    for (const auto& o : page.objects)
        if (o.key.empty()) return std::unexpected(std::string("an object without a Key"));
    if (page.truncated && page.next_token.empty())
        return std::unexpected(std::string("a truncated listing without a NextContinuationToken"));
    return page;
}

XmlError parse_error_xml(std::string_view xml) {
    XmlError e;
    Walker w;
    (void)w.run(xml, [&](std::string_view path, std::string_view text) {
        if (path == "Error/Code")
            e.code = std::string(text);
        else if (path == "Error/Message")
            e.message = std::string(text);
        else if (path == "Error/Region")
            e.region = std::string(text);
    });
    return e;
}

}  // namespace s3top::s3
