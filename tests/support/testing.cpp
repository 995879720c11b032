#include "tests/support/testing.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lifeline::testing {

namespace {

// argv as posix_spawn wants it: pointers into `argv`, null-terminated.
std::vector<char*> c_arguments(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  return args;
}

// The executable `name` in a directory of PATH, or an empty path.
std::filesystem::path find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

} // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lifeline-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

CommandResult run(const std::vector<std::string>& argv) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  auto args = c_arguments(argv);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP)) != 0) {
        char buffer[4096];
        const auto n = read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_count;
        } else {
          sinks[i]->append(buffer, static_cast<std::size_t>(n));
        }
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::vector<int> run_concurrently(const std::vector<std::vector<std::string>>& commands) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<pid_t> pids;
  for (const auto& argv : commands) {
    auto args = c_arguments(argv);
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
      pid = -1;
    }
    pids.push_back(pid);
  }
  posix_spawn_file_actions_destroy(&actions);
  std::vector<int> codes;
  for (const auto pid : pids) {
    int status = 0;
    codes.push_back(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return codes;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  auto args = c_arguments(argv);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    throw std::runtime_error("cannot run " + argv[0]);
  }
  m_pid = pid;
  m_output = out_pipe[0];
  char c = 0;
  pollfd fd{m_output, POLLIN, 0};
  // Bounded wait for the first line: a server that never says it listens fails the test.
  while (poll(&fd, 1, 10'000) > 0 && read(m_output, &c, 1) == 1 && c != '\n') {
    m_first_line += c;
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (m_pid > 0) {
    stop(SIGKILL);
  }
}

int BackgroundProcess::stop(int signal_number) {
  if (m_pid <= 0) {
    return -1;
  }
  kill(m_pid, signal_number);
  int status = 0;
  waitpid(m_pid, &status, 0);
  m_pid = -1;
  close(m_output);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::filesystem::path source_dir() {
  return LIFELINE_SOURCE_DIR;
}
std::filesystem::path shared_dir() {
  return source_dir().parent_path() / "shared";
}
std::filesystem::path server_binary() {
  return LIFELINE_SERVER_BINARY;
}

std::string postgres_uri() {
  const char* dir = std::getenv("LIFELINE_TEST_POSTGRES_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error("this test needs PostgreSQL but LIFELINE_TEST_POSTGRES_DIR is not set: register it with "
                             "lifeline_test(... POSTGRES) in tests/CMakeLists.txt and run it through ctest");
  }
  const auto file = std::filesystem::path(dir) / "uri";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw std::runtime_error("this test needs PostgreSQL but there is no " + file.string() +
                             ": the CTest fixture postgres_start (scripts/pg-test-cluster.sh start) did not run "
                             "or failed");
  }
  auto uri = trimmed(read_text(file));
  if (uri.empty()) {
    throw std::runtime_error("this test needs PostgreSQL but " + file.string() + " is empty");
  }
  return uri;
}

std::string fresh_postgres_schema_uri() {
  static std::atomic<unsigned> counter{0};
  static const auto random_part = [] {
    std::random_device device;
    std::ostringstream hex;
    hex << std::hex << std::uniform_int_distribution<std::uint32_t>()(device);
    return hex.str();
  }();
  const auto schema =
      "t_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1) + 1) + "_" + random_part;
  const auto uri = postgres_uri();
  const auto created =
      run({psql_binary().string(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", "CREATE SCHEMA " + schema});
  if (created.exit_code != 0) {
    throw std::runtime_error("cannot create the schema " + schema + " through " + uri + ": " + created.err);
  }
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

std::filesystem::path psql_binary() {
  static const auto psql = []() -> std::filesystem::path {
    if (const auto pg_config = find_on_path("pg_config"); !pg_config.empty()) {
      const auto bindir = run({pg_config.string(), "--bindir"});
      const auto candidate = std::filesystem::path(trimmed(bindir.out)) / "psql";
      if (bindir.exit_code == 0 && access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    return find_on_path("psql");
  }();
  if (psql.empty()) {
    throw std::runtime_error("cannot find psql (neither in $(pg_config --bindir) nor on PATH): install "
                             "postgresql-client (scripts/install-deps.sh)");
  }
  return psql;
}

} // namespace lifeline::testing
