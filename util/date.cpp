#include "util/date.hpp"

#include <chrono>
#include <cstdio>

namespace lifeline::util {

namespace {

std::chrono::year_month_day to_ymd(std::int32_t days) {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days}}};
}

std::optional<unsigned> parse_digits(std::string_view text) {
  unsigned value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

} // namespace

std::optional<Date> Date::from_ymd(int year, unsigned month, unsigned day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return Date(static_cast<std::int32_t>(days));
}

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const auto year = parse_digits(text.substr(0, 4));
  const auto month = parse_digits(text.substr(5, 2));
  const auto day = parse_digits(text.substr(8, 2));
  if (!year || !month || !day || *year == 0) {
    return std::nullopt;
  }
  return from_ymd(static_cast<int>(*year), *month, *day);
}

std::string Date::to_string() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year(), month(), day());
  return buffer;
}

int Date::year() const {
  return static_cast<int>(to_ymd(m_days).year());
}
unsigned Date::month() const {
  return static_cast<unsigned>(to_ymd(m_days).month());
}
unsigned Date::day() const {
  return static_cast<unsigned>(to_ymd(m_days).day());
}

Date Date::add_months(int months) const {
  const auto ymd = to_ymd(m_days);
  const auto shifted = std::chrono::year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  const auto last_day =
      std::chrono::year_month_day_last{shifted.year(), std::chrono::month_day_last{shifted.month()}}.day();
  const auto day = std::min(ymd.day(), last_day);
  return *from_ymd(static_cast<int>(shifted.year()), static_cast<unsigned>(shifted.month()),
                   static_cast<unsigned>(day));
}

std::int64_t SystemClock::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Date SystemClock::today() const {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return Date::from_days(static_cast<std::int32_t>(now.time_since_epoch().count()));
}

} // namespace lifeline::util
