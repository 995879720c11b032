// CS-13: how many designated contacts a customer may name.
#pragma once

#include <cstdint>

namespace lifeline::catalog::rules {

// Contacts included at a support level: 5 at level 1, 20 at level 2, 30 at level 3; as many
// again can be bought as additional contacts.
constexpr std::int64_t base_contacts(int level) {
  switch (level) {
  case 1:
    return 5;
  case 2:
    return 20;
  case 3:
    return 30;
  default:
    return 0;
  }
}

constexpr std::int64_t contact_limit(int level, std::int64_t additional_contacts) {
  return base_contacts(level) + additional_contacts;
}

} // namespace lifeline::catalog::rules
