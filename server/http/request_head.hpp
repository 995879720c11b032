// What the listener checks of a request's head before it routes it, without the HTTP library:
// the target split into a decoded path and query, and the header fields' own rules.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lifeline::server::http {

struct RequestTarget {
  std::string path;                         // percent-decoded
  std::map<std::string, std::string> query; // decoded; a repeated name keeps its first value
};

// origin-form ("/path?query") or absolute-form ("http://host/path?query", RFC 9112 section
// 3.2.2); nullopt when it is neither, badly escaped, or its path holds a NUL.
std::optional<RequestTarget> parse_target(std::string_view target);

struct HeadRefusal {
  int status;
  std::string detail;
};

// The raw head (request line and fields, up to the blank line): obs-fold (a field continued
// on the next line) is refused, as RFC 9112 section 5.2 allows, rather than unfolded.
std::optional<HeadRefusal> check_raw_head(std::string_view head);

// The parsed fields (names in lower case, in order): at most `max_fields`; fields that carry
// one value (Authorization, Content-Length, Content-Type, Host, Range, Expect, Cookie) at most
// once, since two of them leave the server guessing which one a check saw.
std::optional<HeadRefusal> check_fields(const std::vector<std::pair<std::string, std::string>>& fields,
                                        std::size_t max_fields);

} // namespace lifeline::server::http
