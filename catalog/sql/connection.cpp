#include "catalog/sql/connection.hpp"

namespace lifeline::catalog::sql {

Statement::~Statement() {
  if (m_driver != nullptr) {
    m_driver->reset();
    --*m_borrowed;
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  m_driver->bind_text(index, text);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  m_driver->bind_integer(index, value);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  m_driver->bind_null(index);
  return *this;
}

void Statement::run() {
  while (step()) {
  }
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

Transaction::Transaction(Connection& db, TransactionMode mode, Connection* waits_on)
    : m_db(db), m_waits_on(waits_on != nullptr ? *waits_on : db) {
  m_db.begin(mode);
}

Transaction::~Transaction() {
  if (!m_done) {
    m_db.rollback(m_waits_on);
  }
}

void Transaction::commit() {
  const auto token = m_db.commit(); // when it throws, the destructor rolls back what is still open
  m_done = true;                    // committed: nothing to roll back, even if the wait below throws
  m_db.wait_durable(token, m_waits_on);
}

} // namespace lifeline::catalog::sql
