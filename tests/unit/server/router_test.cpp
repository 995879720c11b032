#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/http/router.hpp"

namespace lifeline::server::http {
namespace {

HttpRequest get(const std::string& path, const std::string& method = "GET") {
  HttpRequest request;
  request.method = method;
  request.path = path;
  return request;
}

Router sample() {
  Router router;
  router.add("GET", "/v1/devices/{id}", [](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", "device " + r.params.at("id"), {}, {}, {}};
  });
  router.add("GET", "/v1/files/{path*}",
             [](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.params.at("path"), {}, {}, {}}; });
  return router;
}

TEST(Router, MatchesSegmentsAndRestOfPath) {
  const auto router = sample();
  EXPECT_EQ(router.dispatch(get("/v1/devices/dev-1")).body, "device dev-1");
  EXPECT_EQ(router.dispatch(get("/v1/files/a/b/c.txt")).body, "a/b/c.txt");
}

TEST(Router, AnswersProblemDocumentsForUnknownPathsAndMethods) {
  const auto router = sample();
  const auto missing = router.dispatch(get("/v1/devices/dev-1/extra"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(missing.body)["status"], 404);
  EXPECT_EQ(router.dispatch(get("/v1/devices/dev-1", "DELETE")).status, 405);
  EXPECT_EQ(router.dispatch(get("/v1/devices/")).status, 404);
  EXPECT_EQ(router.dispatch(get("relative")).status, 400);
}

TEST(Router, ProblemsCarryReasonCodes) {
  const auto denied = problem(403, "Forbidden", "not entitled", {"CONTRACT_INACTIVE"});
  const auto document = nlohmann::json::parse(denied.body);
  EXPECT_EQ(document["reasons"][0], "CONTRACT_INACTIVE");
  EXPECT_EQ(document["title"], "Forbidden");
}

} // namespace
} // namespace lifeline::server::http
