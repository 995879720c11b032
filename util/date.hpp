// Calendar dates (UTC, day precision), the unit every Custom Support rule counts in.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lifeline::util {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date from_days(std::int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Builds a date from a valid year/month/day; nullopt when the day does not exist.
  static std::optional<Date> from_ymd(int year, unsigned month, unsigned day);
  // Accepts exactly YYYY-MM-DD (ISO 8601 calendar date); nullopt otherwise.
  static std::optional<Date> parse(std::string_view text);

  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] std::int32_t days_since_epoch() const { return m_days; }
  [[nodiscard]] int year() const;
  [[nodiscard]] unsigned month() const;
  [[nodiscard]] unsigned day() const;

  [[nodiscard]] Date add_days(std::int32_t days) const { return Date(m_days + days); }
  // Adds calendar months; a day that does not exist in the target month becomes its last day
  // (31 January + 1 month = 28 or 29 February).
  [[nodiscard]] Date add_months(int months) const;
  // Signed number of days from this date to `later`.
  [[nodiscard]] std::int32_t days_until(Date later) const { return later.m_days - m_days; }

  auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(std::int32_t days) : m_days(days) {}
  std::int32_t m_days = 0;
};

// The one source of "today"; commands take `--at` and fall back to this.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Date today() const = 0;
  // Seconds since the Unix epoch, for expiry times finer than a day.
  [[nodiscard]] virtual std::int64_t now_seconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] Date today() const override;
  [[nodiscard]] std::int64_t now_seconds() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date date) : m_date(date) {}
  [[nodiscard]] Date today() const override { return m_date; }
  [[nodiscard]] std::int64_t now_seconds() const override {
    return static_cast<std::int64_t>(m_date.days_since_epoch()) * 86400;
  }

 private:
  Date m_date;
};

} // namespace lifeline::util
