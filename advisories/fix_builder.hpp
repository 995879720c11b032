// A fix being gathered across a document's vulnerabilities, by both readers: sets keep merging
// linear in what is added and the result sorted and unique. Internal to advisories/.
#pragma once

#include <map>
#include <set>
#include <string>

#include "advisories/advisory.hpp"

namespace lifeline::advisories {

struct FixBuilder {
  std::string sub_type;
  std::set<std::string> cves;
  std::set<std::string> fixed_products;
  std::set<std::string> affected_products;
  std::map<std::string, catalog::Severity> severity;
  std::set<std::string> supersedes;

  [[nodiscard]] AdvisoryFix finish(const std::string& kb) && {
    AdvisoryFix fix;
    fix.kb = kb;
    fix.sub_type = std::move(sub_type);
    fix.cves.assign(cves.begin(), cves.end());
    fix.fixed_products.assign(fixed_products.begin(), fixed_products.end());
    fix.affected_products.assign(affected_products.begin(), affected_products.end());
    fix.severity = std::move(severity);
    fix.supersedes.assign(supersedes.begin(), supersedes.end());
    return fix;
  }
};

} // namespace lifeline::advisories
