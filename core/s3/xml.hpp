#pragma once
// The two XML documents s3top reads from S3, parsed with expat: a ListObjectsV2 page and an
// <Error>. Anything that is not well-formed XML is an error value, never a partial result.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace s3top::s3 {

struct ObjectInfo {
    std::string key;
    std::string etag;  ///< as S3 sends it, quotes removed
    std::uint64_t size = 0;
    std::string last_modified;  ///< ISO 8601 as sent
};

struct ListPage {
    std::vector<ObjectInfo> objects;
    bool truncated = false;
    std::string next_token;  ///< NextContinuationToken
};

struct XmlError {
    std::string code, message, region;
};

/// A ListBucketResult (ListObjectsV2). An error: the words for what is wrong.
std::expected<ListPage, std::string> parse_list_page(std::string_view xml);
/// An <Error> document; empty fields when the body is not one.
XmlError parse_error_xml(std::string_view xml);

}  // namespace s3top::s3
