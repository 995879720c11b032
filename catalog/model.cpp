#include "catalog/model.hpp"

#include <algorithm>

namespace lifeline::catalog {

std::string to_string(Severity severity) {
  switch (severity) {
  case Severity::critical:
    return "critical";
  case Severity::important:
    return "important";
  case Severity::moderate:
    return "moderate";
  case Severity::low:
    return "low";
  }
  return "unknown";
}

std::string to_string(Role role) {
  switch (role) {
  case Role::operator_role:
    return "operator";
  case Role::publisher:
    return "publisher";
  case Role::contact:
    return "contact";
  case Role::device:
    return "device";
  }
  return "unknown";
}

std::optional<Role> parse_role(const std::string& text) {
  for (const auto role : {Role::operator_role, Role::publisher, Role::contact, Role::device}) {
    if (to_string(role) == text) {
      return role;
    }
  }
  return std::nullopt;
}

std::string to_string(UpdateKind kind) {
  return kind == UpdateKind::security ? "security" : "hotfix";
}

std::string to_string(EnrolmentType type) {
  return type == EnrolmentType::standard ? "standard" : "essentials";
}

std::optional<Severity> parse_severity(const std::string& text) {
  for (const auto severity : {Severity::critical, Severity::important, Severity::moderate, Severity::low}) {
    if (to_string(severity) == text) {
      return severity;
    }
  }
  return std::nullopt;
}

int severity_rank(const std::optional<Severity>& severity) {
  if (!severity) {
    return 0;
  }
  switch (*severity) {
  case Severity::low:
    return 1;
  case Severity::moderate:
    return 2;
  case Severity::important:
    return 3;
  case Severity::critical:
    return 4;
  }
  return 0;
}

std::optional<UpdateKind> parse_update_kind(const std::string& text) {
  for (const auto kind : {UpdateKind::security, UpdateKind::hotfix}) {
    if (to_string(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

std::optional<EnrolmentType> parse_enrolment_type(const std::string& text) {
  for (const auto type : {EnrolmentType::standard, EnrolmentType::essentials}) {
    if (to_string(type) == text) {
      return type;
    }
  }
  return std::nullopt;
}

const ProductRating* rating_for(const Update& update, const std::string& product_id) {
  const auto it = std::find_if(update.products.begin(), update.products.end(),
                               [&](const ProductRating& rating) { return rating.product == product_id; });
  return it == update.products.end() ? nullptr : &*it;
}

} // namespace lifeline::catalog
