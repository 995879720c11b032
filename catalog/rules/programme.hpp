// Programme calendar: quarters, billing dates, unenrolment notice and the plan's device cap.
// Pure functions of their arguments (CS-4, CS-5, CS-9, CS-10).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "catalog/model.hpp"

namespace lifeline::catalog::rules {

// Notice must reach the vendor at least this many days before the next billing date (CS-9).
inline constexpr std::int32_t k_unenrol_notice_days = 14;

// Programme quarters are consecutive 3-month periods from the programme start: quarter n starts
// on start + 3n months (computed from the start each time, so a 31st never drifts).
Date quarter_start(const Programme& programme, std::int64_t index);
Date quarter_end(const Programme& programme, std::int64_t index);
// Index of the quarter that contains `date`; -1 before the programme starts.
std::int64_t quarter_index(const Programme& programme, Date date);
bool is_quarter_boundary(const Programme& programme, Date date);

// First day on which an enrolment no longer applies because the customer left (CS-9):
// the next billing date after the notice when the notice came at least 14 days before it,
// else the billing date after that; never before one full quarter of enrolment.
std::optional<Date> unenrolment_effective(const Programme& programme, const Enrolment& enrolment);

// Devices the migration plan allows on `date` (CS-5): the number of the latest listed quarter
// that has started, the plan's total before the first one, 0 after completion.
std::int64_t plan_device_cap(const MigrationPlan& plan, Date date);

struct BillableQuarter {
  std::int64_t index = 0; // 0-based programme quarter
  Date start;             // the billing date
  Date end;
  bool retroactive = false; // before the enrolment start, billed as if enrolled from day one
};

// Programme quarters billed for an enrolment as of `date` (CS-10): from the programme's first
// quarter (retroactive) to the quarter of `date`, stopping when the enrolment, the contract or
// the programme ends. Empty before the enrolment starts, or when the contract ended before it.
std::vector<BillableQuarter> billable_quarters(const Programme& programme, const Contract& contract,
                                               const Enrolment& enrolment, Date date);

} // namespace lifeline::catalog::rules
