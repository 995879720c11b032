#include "server/cli/render.hpp"

#include <cstdio>
#include <ostream>

#include <nlohmann/json.hpp>

namespace lifeline::server::cli {

namespace {

using catalog::rules::Decision;
using catalog::rules::Finding;

nlohmann::ordered_json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json findings_json(const std::vector<Finding>& findings) {
  nlohmann::ordered_json details = nlohmann::ordered_json::array();
  for (const auto& finding : findings) {
    details.push_back({{"code", std::string(catalog::code(finding.reason))},
                       {"rule", std::string(catalog::rule(finding.reason))},
                       {"message", finding.detail}});
  }
  return details;
}

std::string path_name(catalog::rules::Path path) {
  return path == catalog::rules::Path::custom_support ? "custom-support" : "extended-hotfix-support";
}

} // namespace

std::string codes_json(const std::vector<Finding>& findings) {
  nlohmann::ordered_json codes = nlohmann::ordered_json::array();
  for (const auto& finding : findings) {
    codes.push_back(std::string(catalog::code(finding.reason)));
  }
  return codes.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string decision_json(const Decision& decision, const DecisionSubject& subject) {
  nlohmann::ordered_json document{
      {"decision", decision.allowed ? "allow" : "deny"},
      {"reasons", nlohmann::ordered_json::parse(codes_json(decision.findings))},
      {"details", findings_json(decision.findings)},
      {"customer", optional_json(subject.customer)},
      {"product", decision.product},
      {"update", subject.update},
      {"device", optional_json(subject.device)},
      {"contact", optional_json(subject.contact)},
      {"date", subject.at.to_string()},
      {"path", path_name(decision.path)},
      {"programme_quarter",
       decision.quarter ? nlohmann::ordered_json(*decision.quarter + 1) : nlohmann::ordered_json(nullptr)},
      {"not_regression_tested", decision.not_regression_tested},
  };
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void print_findings(std::ostream& out, const std::vector<Finding>& findings, const std::string& indent) {
  for (const auto& finding : findings) {
    out << indent << catalog::code(finding.reason) << " (" << catalog::rule(finding.reason) << "): " << finding.detail
        << '\n';
  }
}

void print_decision(std::ostream& out, const Decision& decision, const DecisionSubject& subject) {
  out << (decision.allowed ? "allow" : "deny") << ": " << subject.update << " for "
      << (subject.device ? "device " + *subject.device : "contact " + subject.contact.value_or("?"));
  if (subject.customer) {
    out << " of " << *subject.customer;
  }
  out << ", product " << decision.product << ", on " << subject.at.to_string();
  if (decision.quarter) {
    out << " (programme quarter " << *decision.quarter + 1 << ")";
  }
  out << '\n';
  if (decision.not_regression_tested) {
    out << "  label: NOT REGRESSION-TESTED: this hotfix solves one specific problem (CS-15)\n";
  }
  print_findings(out, decision.findings, "  ");
}

void print_decision_brief(std::ostream& out, const Decision& decision, const DecisionSubject& subject) {
  std::string codes;
  for (const auto& finding : decision.findings) {
    codes += (codes.empty() ? "" : ",") + std::string(catalog::code(finding.reason));
  }
  const auto who = subject.device ? *subject.device : subject.contact.value_or("?");
  char line[256];
  std::snprintf(line, sizeof line, "%-6s %-10s %-24s %-10s %-26s ", decision.allowed ? "allow" : "deny",
                subject.update.c_str(), who.c_str(), subject.at.to_string().c_str(), decision.product.c_str());
  out << line << (codes.empty() ? "-" : codes) << (decision.not_regression_tested ? " [not regression-tested]" : "")
      << '\n';
}

} // namespace lifeline::server::cli
