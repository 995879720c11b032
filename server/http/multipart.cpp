#include "server/http/multipart.hpp"

#include "server/http/field_text.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace lifeline::server::http {

namespace {

util::Error invalid(const std::string& what) {
  return util::Error{util::ErrorKind::invalid_input, "the multipart/form-data body is malformed: " + what};
}

// The value of `name` among the "type; a=1; b=\"2\"" parameters of a header value.
std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  std::size_t at = header.find(';');
  while (at < header.size()) {
    ++at; // past ';'
    while (at < header.size() && (header[at] == ' ' || header[at] == '\t')) {
      ++at;
    }
    const auto equals = header.find('=', at);
    if (equals == std::string_view::npos) {
      return std::nullopt;
    }
    const auto key = lower_case(trim_ows(header.substr(at, equals - at)));
    std::string value;
    at = equals + 1;
    if (at < header.size() && header[at] == '"') {
      for (++at; at < header.size() && header[at] != '"'; ++at) {
        if (header[at] == '\\' && at + 1 < header.size()) {
          ++at;
        }
        value.push_back(header[at]);
      }
      if (at >= header.size()) {
        return std::nullopt; // unterminated quoted string
      }
      at = header.find(';', at);
    } else {
      const auto end = header.find(';', at);
      value =
          std::string(trim_ows(header.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at)));
      at = end;
    }
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

util::Result<FormPart> parse_part(std::string_view part) {
  const auto blank = part.find("\r\n\r\n");
  if (blank == std::string_view::npos) {
    return invalid("a part has no blank line after its headers");
  }
  FormPart out;
  bool disposition = false;
  for (auto headers = part.substr(0, blank + 2); !headers.empty();) {
    const auto end = headers.find("\r\n");
    const auto line = headers.substr(0, end);
    headers = headers.substr(end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return invalid("a part header is not 'name: value'");
    }
    const auto name = lower_case(line.substr(0, colon));
    const auto value = trim_ows(line.substr(colon + 1));
    if (name == "content-disposition") {
      if (lower_case(value.substr(0, value.find(';'))) != "form-data") {
        return invalid("a part is not form-data");
      }
      const auto field = parameter(value, "name");
      if (!field || field->empty()) {
        return invalid("a part has no name");
      }
      out.name = *field;
      out.filename = parameter(value, "filename").value_or("");
      disposition = true;
    } else if (name == "content-type") {
      out.content_type = std::string(value);
    }
  }
  if (!disposition) {
    return invalid("a part has no Content-Disposition");
  }
  out.content = std::string(part.substr(blank + 4));
  return out;
}

} // namespace

util::Result<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body) {
  if (lower_case(trim_ows(content_type.substr(0, content_type.find(';')))) != "multipart/form-data") {
    return invalid("the Content-Type is not multipart/form-data");
  }
  const auto boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) {
    return invalid("the Content-Type has no valid boundary (1 to 70 characters)");
  }
  const std::string delimiter = "--" + *boundary;
  auto at = body.find(delimiter);
  if (at == std::string_view::npos || (at != 0 && (at < 2 || body.substr(at - 2, 2) != "\r\n"))) {
    return invalid("the first boundary is missing");
  }
  std::vector<FormPart> parts;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") {
      return parts; // the close delimiter; what follows is an epilogue
    }
    if (body.substr(at, 2) != "\r\n") {
      return invalid("a boundary is not followed by a line end");
    }
    at += 2;
    const auto next = body.find("\r\n" + delimiter, at);
    if (next == std::string_view::npos) {
      return invalid("the closing boundary is missing");
    }
    auto part = parse_part(body.substr(at, next - at));
    if (!part) {
      return part.error();
    }
    parts.push_back(std::move(*part));
    at = next + 2;
  }
}

} // namespace lifeline::server::http
