#include "catalog/documents/enrolment_checks.hpp"

#include "catalog/rules/programme.hpp"

namespace lifeline::catalog::documents {

std::vector<Problem> check_enrolment_fits(const Enrolment& enrolment, const Product& product,
                                          const std::string& pointer) {
  std::vector<Problem> problems;
  if (product.prerelease) {
    problems.push_back(
        {pointer + "/product", "CS-17", product.id + " is a pre-release product, which Custom Support never covers"});
    return problems;
  }
  if (!product.custom_support) {
    problems.push_back({pointer + "/product", "CS-2", product.id + " has no Custom Support programme"});
    return problems;
  }
  const auto& programme = *product.custom_support;
  const auto range = programme.start.to_string() + " to " + programme.end.to_string();
  if (enrolment.start < programme.start || enrolment.start > programme.end) {
    problems.push_back({pointer + "/start", "CS-2",
                        "the enrolment starts on " + enrolment.start.to_string() + ", outside the programme of " +
                            product.id + " (" + range + ")"});
  }
  if (!enrolment.migration_plan) {
    return problems;
  }
  const auto& quarters = enrolment.migration_plan->quarters;
  for (std::size_t i = 0; i < quarters.size(); ++i) {
    const auto start = quarters[i].start;
    const auto where = pointer + "/migration_plan/quarters/" + std::to_string(i) + "/start";
    if (start < programme.start || start > programme.end) {
      problems.push_back({where, "CS-4", start.to_string() + " is outside the programme (" + range + ")"});
    } else if (!rules::is_quarter_boundary(programme, start)) {
      problems.push_back({where, "CS-4",
                          start.to_string() + " is not a programme-quarter boundary (quarters start on " +
                              programme.start.to_string() + " and every 3 months after)"});
    }
  }
  return problems;
}

} // namespace lifeline::catalog::documents
