// Archives built by tests with libarchive's writer.
#pragma once

#include <map>
#include <string>

namespace lifeline::testing {

// A tar (pax) archive of these regular files, path -> content, as bytes.
std::string tar_of(const std::map<std::string, std::string>& files);

} // namespace lifeline::testing
