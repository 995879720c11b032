#include "catalog/rules/programme.hpp"

#include <algorithm>

namespace lifeline::catalog::rules {

Date quarter_start(const Programme& programme, std::int64_t index) {
  return programme.start.add_months(static_cast<int>(index * 3));
}

Date quarter_end(const Programme& programme, std::int64_t index) {
  return quarter_start(programme, index + 1).add_days(-1);
}

std::int64_t quarter_index(const Programme& programme, Date date) {
  if (date < programme.start) {
    return -1;
  }
  const auto months = (date.year() - programme.start.year()) * 12 +
                      (static_cast<int>(date.month()) - static_cast<int>(programme.start.month()));
  std::int64_t index = months / 3;
  while (index > 0 && quarter_start(programme, index) > date) {
    --index;
  }
  while (quarter_start(programme, index + 1) <= date) {
    ++index;
  }
  return index;
}

bool is_quarter_boundary(const Programme& programme, Date date) {
  const auto index = quarter_index(programme, date);
  return index >= 0 && quarter_start(programme, index) == date;
}

std::optional<Date> unenrolment_effective(const Programme& programme, const Enrolment& enrolment) {
  if (!enrolment.unenrol_notice) {
    return std::nullopt;
  }
  const Date notice = *enrolment.unenrol_notice;
  auto next = std::max<std::int64_t>(quarter_index(programme, notice) + 1, 0);
  if (notice.days_until(quarter_start(programme, next)) < k_unenrol_notice_days) {
    ++next;
  }
  // The minimum period is one programme quarter: the quarter the enrolment started in is served.
  const auto first_allowed = quarter_index(programme, enrolment.start) + 1;
  return quarter_start(programme, std::max(next, first_allowed));
}

std::int64_t plan_device_cap(const MigrationPlan& plan, Date date) {
  if (date > plan.completion) {
    return 0;
  }
  std::int64_t cap = plan.devices;
  for (const auto& quarter : plan.quarters) {
    if (quarter.start <= date) {
      cap = quarter.devices;
    }
  }
  return cap;
}

std::vector<BillableQuarter> billable_quarters(const Programme& programme, const Contract& contract,
                                               const Enrolment& enrolment, Date date) {
  std::vector<BillableQuarter> quarters;
  if (date < enrolment.start) {
    return quarters;
  }
  Date last = std::min({date, programme.end, contract.end});
  if (const auto left = unenrolment_effective(programme, enrolment)) {
    last = std::min(last, left->add_days(-1));
  }
  if (last < enrolment.start) {
    return quarters; // the contract ended before the enrolment could start (CS-1)
  }
  const auto last_index = quarter_index(programme, last);
  for (std::int64_t index = 0; index <= last_index; ++index) {
    const Date end = quarter_end(programme, index);
    quarters.push_back(BillableQuarter{index, quarter_start(programme, index), end, end < enrolment.start});
  }
  return quarters;
}

} // namespace lifeline::catalog::rules
