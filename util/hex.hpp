// Lower-case hexadecimal encoding, as TUF writes hashes, keys and signatures.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifeline::util {

std::string to_hex(std::string_view bytes);
// nullopt unless `text` is an even number of hexadecimal digits (either case).
std::optional<std::string> from_hex(std::string_view text);
// The value of one hexadecimal digit (either case), or -1.
int hex_digit(char c);

} // namespace lifeline::util
