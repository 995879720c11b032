// Result<T>: a value or an Error, for leaf code that must not throw.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace lifeline::util {

// What kind of failure an Error is; binaries map these to exit codes.
enum class ErrorKind {
  invalid_input, // the caller's input or a document is wrong
  not_found,     // a named thing does not exist
  conflict,      // the request contradicts stored state
  io,            // the file system failed
  database,      // the catalog store failed
  internal,      // a bug
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;

  // Prefixes the message with where the failure happened.
  [[nodiscard]] Error with_context(const std::string& context) const { return Error{kind, context + ": " + message}; }
};

// A value or an error of type E (util::Error unless a module has its own, as signing does).
template <typename T, typename E = Error> class [[nodiscard]] Result {
 public:
  Result(T value) : m_value(std::move(value)) {} // NOLINT(google-explicit-constructor)
  Result(E error) : m_value(std::move(error)) {} // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool has_value() const { return m_value.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(m_value); }
  const T& value() const& { return std::get<0>(m_value); }
  T&& value() && { return std::get<0>(std::move(m_value)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const E& error() const { return std::get<1>(m_value); }

 private:
  std::variant<T, E> m_value;
};

template <typename E> class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : m_error(std::move(error)), m_failed(true) {} // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool has_value() const { return !m_failed; }
  explicit operator bool() const { return has_value(); }
  [[nodiscard]] const E& error() const { return m_error; }

 private:
  E m_error;
  bool m_failed = false;
};

inline Error make_error(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

} // namespace lifeline::util
