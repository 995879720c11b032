// multipart/form-data bodies (RFC 7578), the form a publisher uploads a manifest and its payload
// in. Untrusted: the boundary, every part's headers and the closing delimiter are checked.
#pragma once

#include <string_view>
#include <vector>

#include "server/http/router.hpp"
#include "util/result.hpp"

namespace lifeline::server::http {

// The parts of `body` sent as `content_type` ("multipart/form-data; boundary=..."); an
// invalid_input error that says what is wrong otherwise.
util::Result<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body);

} // namespace lifeline::server::http
