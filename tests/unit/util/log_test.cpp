#include <gtest/gtest.h>

#include <sstream>

#include "util/log.hpp"

namespace lifeline::util::log {
namespace {

TEST(Log, PlainValuesStayBare) {
  EXPECT_EQ(format(Level::info, "request", {{"method", "GET"}, {"path", "/v1/updates"}, {"status", "200"}}),
            "level=info event=request method=GET path=/v1/updates status=200");
}

TEST(Log, ValuesWithBlanksQuotesOrEqualsAreQuoted) {
  EXPECT_EQ(format(Level::error, "sync_failed", {{"error", "the server said \"no\" a=b"}, {"empty", ""}}),
            R"(level=error event=sync_failed error="the server said \"no\" a=b" empty="")");
}

TEST(Log, AValueCannotForgeALine) {
  const auto line = format(Level::warning, "x", {{"detail", "one\nlevel=info event=forged\r\x1b[2J"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line, R"(level=warning event=x detail="one\nlevel=info event=forged\x0d\x1b[2J")");
}

TEST(Log, WriteGoesToTheSinkOneLinePerEvent) {
  std::ostringstream sink;
  set_sink(&sink);
  info("started", {{"url", "http://127.0.0.1:8443"}});
  error("stopped");
  set_sink(nullptr);
  EXPECT_EQ(sink.str(), "level=info event=started url=http://127.0.0.1:8443\nlevel=error event=stopped\n");
}

} // namespace
} // namespace lifeline::util::log
