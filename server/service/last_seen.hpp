// The day each device was last seen, written in batches: a check-in notes it and answers without
// waiting for a transaction of its own; a background thread writes what was noted every
// interval in one transaction. Nothing acknowledged depends on it (registrations, downloads and
// install reports commit before their answer), so a crash loses at most one interval of
// last-seen days, which the devices' next check-ins write again. Readers that show last_seen call
// flush() first, so this server's own answers are never behind its check-ins.
//
// The same thread keeps the catalog's write-ahead log bounded: SQLite's automatic checkpoints
// copy the log back but cannot reset it while readers come and go without a pause, so when the
// log passes a limit it is checkpointed and truncated, waiting a moment for readers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "util/date.hpp"

namespace lifeline::server::service {

class LastSeen {
 public:
  // `catalog`: a SQLite file (whose log it also keeps bounded) or a PostgreSQL URI.
  LastSeen(std::string catalog, std::chrono::milliseconds interval,
           std::uintmax_t wal_limit_bytes = std::uintmax_t{32} << 20);
  LastSeen(const LastSeen&) = delete;
  LastSeen& operator=(const LastSeen&) = delete;
  ~LastSeen(); // writes what is pending

  void note(const std::string& device_id, util::Date day);
  // Writes what is pending now; a failure is logged and the days kept for the next try.
  void flush();
  [[nodiscard]] bool pending() const;

 private:
  void run();
  void bound_the_log() const;

  std::string m_catalog;
  std::chrono::milliseconds m_interval;
  std::uintmax_t m_wal_limit;
  mutable std::mutex m_mutex;
  std::mutex m_write_mutex; // one writer at a time, on the writer's own connection
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::unordered_map<std::string, util::Date> m_pending;
  std::thread m_thread;
};

} // namespace lifeline::server::service
