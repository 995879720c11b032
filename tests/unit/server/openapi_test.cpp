// docs/api/openapi.yaml describes exactly the routes the server has: every route is documented
// and every documented operation is routed, and every $ref resolves.
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "server/api/api.hpp"
#include "tests/support/testing.hpp"

namespace lifeline {
namespace {

std::string spec_text() {
  return testing::read_text(testing::source_dir() / "docs" / "api" / "openapi.yaml");
}

// "METHOD /path/{param}" of every operation under `paths:` (two-space paths, four-space methods).
std::set<std::string> documented_operations(const std::string& spec) {
  std::set<std::string> operations;
  const std::regex path_line(R"(^  (/\S*):\s*$)");
  const std::regex method_line(R"(^    (get|post|put|delete|patch):\s*$)");
  std::string path;
  bool in_paths = false;
  std::istringstream lines(spec);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!line.empty() && line.front() != ' ') {
      in_paths = line == "paths:";
    } else if (in_paths && std::regex_match(line, match, path_line)) {
      path = match[1];
    } else if (in_paths && std::regex_match(line, match, method_line)) {
      std::string method = match[1];
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      operations.insert(method + " " + path);
    }
  }
  return operations;
}

std::set<std::string> routed_operations() {
  std::set<std::string> operations;
  for (auto [method, pattern] : server::api::make_router(server::api::ApiContext{}).routes()) {
    if (pattern.starts_with("/dashboard")) {
      continue; // HTML pages for people, not API (docs/dashboard.md)
    }
    // {path*} (the rest of the path) is {path} in OpenAPI.
    pattern = std::regex_replace(pattern, std::regex(R"(\*\})"), "}");
    operations.insert(method + " " + pattern);
  }
  return operations;
}

TEST(OpenApi, DocumentsEveryRouteAndOnlyThose) {
  const auto documented = documented_operations(spec_text());
  const auto routed = routed_operations();
  ASSERT_GT(routed.size(), 15U);
  for (const auto& operation : routed) {
    EXPECT_TRUE(documented.contains(operation)) << operation << " is routed but not in docs/api/openapi.yaml";
  }
  for (const auto& operation : documented) {
    EXPECT_TRUE(routed.contains(operation)) << operation << " is documented but not routed";
  }
}

TEST(OpenApi, EveryReferenceResolves) {
  const auto spec = spec_text();
  EXPECT_EQ(spec.rfind("openapi: 3.", 0), 0U);
  const std::regex reference(R"re(\$ref: "#/components/(\w+)/(\w+)")re");
  int references = 0;
  for (auto it = std::sregex_iterator(spec.begin(), spec.end(), reference); it != std::sregex_iterator(); ++it) {
    ++references;
    const auto section = "\n  " + (*it)[1].str() + ":\n";
    const auto start = spec.find(section, spec.find("\ncomponents:\n"));
    ASSERT_NE(start, std::string::npos) << (*it)[1];
    // The section runs to the next two-space key.
    std::smatch next;
    const auto body_start = spec.begin() + static_cast<std::ptrdiff_t>(start + section.size());
    const auto end = std::regex_search(body_start, spec.end(), next, std::regex("\n  \\w"))
                         ? start + section.size() + static_cast<std::size_t>(next.position(0))
                         : spec.size();
    EXPECT_NE(spec.substr(start, end - start).find("\n    " + (*it)[2].str() + ":"), std::string::npos)
        << "unresolved " << (*it).str();
  }
  EXPECT_GT(references, 20);
}

} // namespace
} // namespace lifeline
