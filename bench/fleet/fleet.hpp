// The fleet driver's phases: each reads and writes plain text files of space-separated fields,
// so the script and the phases share nothing but files.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "bench/fleet/http_connection.hpp"

namespace lifeline::bench {

using Row = std::vector<std::string>;

// Rows of space-separated fields; blank lines skipped. Exits when the file cannot be read.
std::vector<Row> read_rows(const std::string& path);
void write_rows(const std::string& path, const std::vector<Row>& rows);

// `work(connection, i)` for i in [0, n), on `clients` threads with one keep-alive connection
// each; a client whose work answers false stops. Returns the wall time in seconds.
double run_clients(const std::string& base, std::size_t clients, std::size_t n,
                   const std::function<bool(Connection&, std::size_t)>& work);

// Each returns the process exit code: 0 when every answer was the expected one.
int register_devices(const std::string& base, const std::string& jobs, const std::string& out, std::size_t clients);
int first_check_ins(const std::string& base, const std::string& devices, const std::string& targets,
                    const std::string& out, std::size_t clients, const std::string& root);
int paced_downloads(const std::string& base, const std::string& plan, std::size_t clients, double rate, double seconds,
                    const std::string& acked);
int install_and_report(const std::string& base, const std::string& plan, std::size_t clients, const std::string& acked);
int verify_acknowledged(const std::string& base, const std::string& acked, const std::string& operator_token);
int time_compliance(const std::string& base, const std::string& token, const std::string& customer, int repeats);
// Opens `count` keep-alive connections (one request each), writes their number to `ready_file`,
// holds them idle `seconds`, then counts those the server kept open.
int hold_idle(const std::string& base, std::size_t count, double seconds, const std::string& ready_file);

} // namespace lifeline::bench
