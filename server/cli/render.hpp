// Text and JSON renderings of decisions, shared by the commands that print them.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "catalog/rules/entitlement.hpp"

namespace lifeline::server::cli {

// Who asked about what; the decision names all of it (rules: "What a decision looks like").
struct DecisionSubject {
  std::optional<std::string> customer;
  std::string update;
  std::optional<std::string> device;
  std::optional<std::string> contact;
  util::Date at;
};

std::string decision_json(const catalog::rules::Decision& decision, const DecisionSubject& subject);
void print_decision(std::ostream& out, const catalog::rules::Decision& decision, const DecisionSubject& subject);
// One line: decision, update, subject, date, product, reason codes; for tables.
void print_decision_brief(std::ostream& out, const catalog::rules::Decision& decision, const DecisionSubject& subject);

// "CODE (CS-n): detail" lines.
void print_findings(std::ostream& out, const std::vector<catalog::rules::Finding>& findings, const std::string& indent);
std::string codes_json(const std::vector<catalog::rules::Finding>& findings);

} // namespace lifeline::server::cli
