// What the listener decides from bytes alone: Range plans (RFC 9110 section 14), the request
// head's rules, targets, and multipart/form-data bodies.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "server/http/byte_ranges.hpp"
#include "server/http/multipart.hpp"
#include "server/http/request_head.hpp"
#include "server/http/response_plan.hpp"

namespace lifeline::server::http {
namespace {

using Kind = RangePlan::Kind;

TEST(ByteRanges, OneRangeClampedToTheEnd) {
  const auto plan = plan_ranges("bytes=0-1000", 37, 16);
  ASSERT_EQ(plan.kind, Kind::partial);
  ASSERT_EQ(plan.ranges.size(), 1U);
  EXPECT_EQ(plan.ranges[0], (ByteRange{0, 36}));
  EXPECT_EQ(content_range(plan.ranges[0], 37), "bytes 0-36/37");
}

TEST(ByteRanges, SuffixAndOpenRanges) {
  EXPECT_EQ(plan_ranges("bytes=-10", 100, 16).ranges, (std::vector<ByteRange>{{90, 99}}));
  EXPECT_EQ(plan_ranges("bytes=-1000", 100, 16).ranges, (std::vector<ByteRange>{{0, 99}}));
  EXPECT_EQ(plan_ranges("bytes=95-", 100, 16).ranges, (std::vector<ByteRange>{{95, 99}}));
}

TEST(ByteRanges, NothingInsideTheFileIsUnsatisfiable) {
  EXPECT_EQ(plan_ranges("bytes=100-200", 100, 16).kind, Kind::unsatisfiable);
  EXPECT_EQ(plan_ranges("bytes=-0", 100, 16).kind, Kind::unsatisfiable);
  EXPECT_EQ(plan_ranges("bytes=0-", 0, 16).kind, Kind::unsatisfiable);
}

TEST(ByteRanges, OverlappingAndAdjacentRangesAreMerged) {
  const auto plan = plan_ranges("bytes=50-60, 0-9, 10-19, 55-70, 90-", 100, 16);
  ASSERT_EQ(plan.kind, Kind::partial);
  EXPECT_EQ(plan.ranges, (std::vector<ByteRange>{{0, 19}, {50, 70}, {90, 99}}));
  // 800 full ranges: one range after merging, but the flood is ignored before that.
  std::string flood = "bytes=0-";
  for (int i = 0; i < 799; ++i) {
    flood += ",0-";
  }
  EXPECT_EQ(plan_ranges(flood, 4 << 20, 16).kind, Kind::whole);
  EXPECT_EQ(plan_ranges("bytes=0-,0-,0-", 4 << 20, 16).ranges, (std::vector<ByteRange>{{0, (4 << 20) - 1}}));
}

TEST(ByteRanges, OtherUnitsAndBadSyntaxAreIgnored) {
  EXPECT_EQ(plan_ranges("", 100, 16).kind, Kind::whole);
  EXPECT_EQ(plan_ranges("items=0-5", 100, 16).kind, Kind::whole);
  EXPECT_EQ(plan_ranges("bytes=5-2", 100, 16).kind, Kind::whole);
  EXPECT_EQ(plan_ranges("bytes=a-b", 100, 16).kind, Kind::whole);
  EXPECT_EQ(plan_ranges("bytes=+1-2", 100, 16).kind, Kind::whole);
}

TEST(ResponsePlan, MultipartRangesCarryTheRealTotalAndAnExactLength) {
  const auto file = std::filesystem::temp_directory_path() / "lifeline-ranges-test.bin";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string(1000, 'x');
  }
  HttpResponse response{200, "application/octet-stream", {}, {}, file, {}};
  const auto plan = plan_response(response, PlanRequest{false, "bytes=0-9,500-509", true, false, 16});
  std::filesystem::remove(file);
  EXPECT_EQ(plan.status, 206);
  // The head, then the body: part headers (in memory, the first one sent with the head) and
  // file ranges.
  const auto head_size = plan.pieces[0].bytes.find("\r\n\r\n") + 4;
  std::uint64_t body = 0;
  std::string text;
  for (const auto& piece : plan.pieces) {
    body += piece.file ? piece.length : piece.bytes.size();
    text += piece.bytes;
  }
  body -= head_size;
  EXPECT_EQ(plan.body_bytes, body);
  EXPECT_NE(plan.pieces[0].bytes.find("Content-Length: " + std::to_string(body) + "\r\n"), std::string::npos);
  EXPECT_NE(plan.pieces[0].bytes.find("multipart/byteranges; boundary="), std::string::npos);
  EXPECT_NE(text.find("Content-Range: bytes 0-9/1000"), std::string::npos);
  EXPECT_NE(text.find("Content-Range: bytes 500-509/1000"), std::string::npos);
}

TEST(ResponsePlan, HeadKeepsTheFieldsAndDropsTheBody) {
  const auto plan = plan_response(HttpResponse{200, "application/json", R"({"a":1})", {}, {}, {}},
                                  PlanRequest{true, "", true, false, 16});
  ASSERT_EQ(plan.pieces.size(), 1U);
  EXPECT_NE(plan.pieces[0].bytes.find("Content-Length: 7\r\n"), std::string::npos);
}

TEST(ResponsePlan, AnHttp10ClientGetsAStreamedBodyUnchunkedAndEndedByTheClose) {
  HttpResponse response{200, "text/csv", {}, {}, {}, [] { return util::Result<std::string>(std::string()); }};
  const auto old = plan_response(response, PlanRequest{false, "", true, true, 16});
  EXPECT_EQ(old.pieces[0].bytes.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(old.pieces[0].bytes.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(old.close);
  const auto kept =
      plan_response(HttpResponse{200, "text/plain", "x", {}, {}, {}}, PlanRequest{false, "", true, true, 16});
  EXPECT_NE(kept.pieces[0].bytes.find("Connection: keep-alive\r\n"), std::string::npos);
  const auto current = plan_response(response, PlanRequest{});
  EXPECT_NE(current.pieces[0].bytes.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_FALSE(current.close);
}

TEST(ResponsePlan, AHeaderValueCannotSplitTheAnswer) {
  HttpResponse response{200, "text/plain", "x", {{"X-Note", "a\r\nSet-Cookie: evil=1"}}, {}, {}};
  const auto plan = plan_response(response, PlanRequest{});
  EXPECT_EQ(plan.pieces[0].bytes.find("evil"), std::string::npos);
}

TEST(RequestHead, TargetsAreDecodedAndChecked) {
  const auto target = parse_target("/v1/devices?customer=contoso&limit=5&note=a%20b+c&customer=other");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/v1/devices");
  EXPECT_EQ(target->query.at("customer"), "contoso") << "a repeated name keeps its first value";
  EXPECT_EQ(target->query.at("note"), "a b c");
  EXPECT_EQ(parse_target("http://example.test/healthz?x=1")->path, "/healthz");
  EXPECT_EQ(parse_target("/a%2Fb")->path, "/a/b");
  EXPECT_FALSE(parse_target("healthz"));
  EXPECT_FALSE(parse_target("/bad%zz"));
  EXPECT_FALSE(parse_target("/nul%00byte"));
  EXPECT_FALSE(parse_target("/x?y=%"));
}

TEST(RequestHead, ObsFoldIsRefused) {
  EXPECT_FALSE(check_raw_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  const auto folded = check_raw_head("GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n");
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->status, 400);
}

TEST(RequestHead, SingleValueFieldsOnceAndACountLimit) {
  std::vector<std::pair<std::string, std::string>> fields{{"host", "a"}, {"authorization", "Bearer x"}};
  EXPECT_FALSE(check_fields(fields, 100));
  fields.emplace_back("authorization", "Bearer y");
  const auto twice = check_fields(fields, 100);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 400);
  EXPECT_NE(twice->detail.find("authorization"), std::string::npos);
  fields.pop_back();
  fields.emplace_back("x-forwarded-for", "1.2.3.4");
  fields.emplace_back("x-forwarded-for", "5.6.7.8");
  EXPECT_FALSE(check_fields(fields, 100)) << "list fields may repeat";
  EXPECT_EQ(check_fields(fields, 3)->status, 431);
}

TEST(Multipart, PartsWithNamesFilenamesAndTypes) {
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"manifest\"\r\nContent-Type: "
                           "application/json\r\n\r\n{\"a\":1}\r\n--XyZ\r\nContent-Disposition: form-data; "
                           "name=\"payload\"; filename=\"kb; 1.msu\"\r\n\r\nbinary\r\n--\r\ndata\r\n--XyZ--\r\n";
  const auto parts = parse_form_data("multipart/form-data; boundary=XyZ", body);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2U);
  EXPECT_EQ((*parts)[0].name, "manifest");
  EXPECT_EQ((*parts)[0].content_type, "application/json");
  EXPECT_EQ((*parts)[0].content, "{\"a\":1}");
  EXPECT_EQ((*parts)[1].filename, "kb; 1.msu");
  EXPECT_EQ((*parts)[1].content, "binary\r\n--\r\ndata");
  EXPECT_TRUE(parse_form_data("multipart/form-data; boundary=\"XyZ\"", body));
}

TEST(Multipart, MalformedBodiesSayWhat) {
  EXPECT_FALSE(parse_form_data("multipart/form-data", "x"));
  EXPECT_FALSE(parse_form_data("multipart/form-data; boundary=B", "x--B\r\n")) << "a delimiter at offset 1";
  EXPECT_FALSE(parse_form_data("multipart/form-data; boundary=B", "no boundary here"));
  EXPECT_FALSE(parse_form_data("multipart/form-data; boundary=B",
                               "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"));
  const auto unnamed =
      parse_form_data("multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--");
  ASSERT_FALSE(unnamed);
  EXPECT_NE(unnamed.error().message.find("no name"), std::string::npos);
}

} // namespace
} // namespace lifeline::server::http
