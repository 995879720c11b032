// The attributes of an update that travel, signed, in each TUF target's `custom` field, so a
// device can read them from verified metadata alone.
#pragma once

#include <string>

#include "catalog/model.hpp"

namespace lifeline::catalog {

// {"lifeline": {kb, kind, title, product, severity: {product: rating}, cves, supersedes,
//  requires_service_pack, language, released, not_regression_tested}} as JSON text.
std::string target_custom_json(const Update& update, const std::string& product);

// The target path of an update's payload for one product: "<product>/<KB>/<file name>".
std::string target_path(const Update& update, const std::string& product, const std::string& file_name);

} // namespace lifeline::catalog
