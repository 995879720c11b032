// Shared test helpers: temporary directories, files, and running the real binaries.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lifeline::testing {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_text(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program with arguments (no shell), capturing its output.
CommandResult run(const std::vector<std::string>& argv);

// Starts every command at once (output discarded) and returns their exit codes, in order.
std::vector<int> run_concurrently(const std::vector<std::vector<std::string>>& commands);

// A program running in the background, for servers: start() waits for its first line of
// output (e.g. "listening on http://127.0.0.1:PORT"); stop() signals it and returns its exit code.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  ~BackgroundProcess();
  [[nodiscard]] const std::string& first_line() const { return m_first_line; }
  [[nodiscard]] int pid() const { return m_pid; }
  int stop(int signal_number);

 private:
  int m_pid = -1;
  int m_output = -1;
  std::string m_first_line;
};

// The repository's source tree and the shared data beside it (read in place).
std::filesystem::path source_dir();
std::filesystem::path shared_dir();
std::filesystem::path server_binary();

// The throw-away PostgreSQL server of the tests registered with lifeline_test(... POSTGRES) in
// tests/CMakeLists.txt (scripts/pg-test-cluster.sh, started by the CTest fixture "postgres"):
// its URI, read from $LIFELINE_TEST_POSTGRES_DIR/uri, e.g.
// "postgresql:///lifeline_test?host=/path/to/build/postgres-test&port=5432&user=lifeline".
// Throws when there is none: a test needing PostgreSQL fails, never skips.
std::string postgres_uri();

// A new, empty schema of the caller's own in that server's database (t_<pid>_<counter>_<random>),
// as a URI that makes it the search path: postgres_uri() + "&options=-csearch_path%3D<schema>".
std::string fresh_postgres_schema_uri();

// The PostgreSQL client, psql: in $(pg_config --bindir), else on PATH. Throws when there is none.
std::filesystem::path psql_binary();

} // namespace lifeline::testing
