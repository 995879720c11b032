// Group commit: a commit returns only once the log holding it is on disk, however many threads
// commit at once. A VFS shim in front of SQLite's own numbers every write to a log file and
// records, at each fsync of the log, the last write it covers; each thread then checks that its
// own last write was covered when its commit returned.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "catalog/sqlite/database.hpp"
#include "catalog/sqlite/wal_sync.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::catalog::sqlite {
namespace {

std::atomic<std::uint64_t> g_writes{0}; // log writes numbered in the order they happened
std::atomic<std::uint64_t> g_synced{0}; // the highest write number an fsync has covered
std::atomic<std::uint64_t> g_syncs{0};
thread_local std::uint64_t t_last_write = 0;
sqlite3_vfs* g_real_vfs = nullptr;
// While set, an fsync of a log first says so (g_in_refused_sync), waits for g_release_sync, then
// fails as a disk that refuses to flush would.
std::atomic<bool> g_refuse_log_sync{false};
std::atomic<bool> g_in_refused_sync{false};
std::atomic<bool> g_release_sync{false};

struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool log;
};

sqlite3_file* real(sqlite3_file* file) {
  return reinterpret_cast<ShimFile*>(file)->real;
}

int shim_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  const int rc = real(file)->pMethods->xWrite(real(file), data, amount, offset);
  if (reinterpret_cast<ShimFile*>(file)->log) {
    t_last_write = ++g_writes;
  }
  return rc;
}

int shim_sync(sqlite3_file* file, int flags) {
  if (g_refuse_log_sync && reinterpret_cast<ShimFile*>(file)->log) {
    g_in_refused_sync = true;
    for (int i = 0; i < 10'000 && !g_release_sync; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return SQLITE_IOERR_FSYNC;
  }
  const auto covered = g_writes.load();
  const int rc = real(file)->pMethods->xSync(real(file), flags);
  if (rc == SQLITE_OK && reinterpret_cast<ShimFile*>(file)->log) {
    ++g_syncs;
    auto seen = g_synced.load();
    while (seen < covered && !g_synced.compare_exchange_weak(seen, covered)) {
    }
  }
  return rc;
}

// Every other method forwards to the real file.
const sqlite3_io_methods k_shim_methods = {
    3,
    [](sqlite3_file* f) {
      const int rc = real(f)->pMethods->xClose(real(f));
      f->pMethods = nullptr;
      return rc;
    },
    [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), b, n, o); },
    shim_write,
    [](sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); },
    shim_sync,
    [](sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); },
    [](sqlite3_file* f, int lock) { return real(f)->pMethods->xLock(real(f), lock); },
    [](sqlite3_file* f, int lock) { return real(f)->pMethods->xUnlock(real(f), lock); },
    [](sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); },
    [](sqlite3_file* f, int op, void* arg) { return real(f)->pMethods->xFileControl(real(f), op, arg); },
    [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); },
    [](sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); },
    [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
      return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
      return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
    },
    [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); },
    [](sqlite3_file* f, int remove) { return real(f)->pMethods->xShmUnmap(real(f), remove); },
    [](sqlite3_file* f, sqlite3_int64 o, int n, void** out) { return real(f)->pMethods->xFetch(real(f), o, n, out); },
    [](sqlite3_file* f, sqlite3_int64 o, void* p) { return real(f)->pMethods->xUnfetch(real(f), o, p); },
};

int shim_open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(file);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  shim->log = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = g_real_vfs->xOpen(g_real_vfs, name, shim->real, flags, out_flags);
  file->pMethods = rc == SQLITE_OK ? &k_shim_methods : nullptr;
  return rc;
}

// Installs the shim as the default VFS for the test's lifetime.
class CountingVfs {
 public:
  CountingVfs() {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    m_vfs = *g_real_vfs;
    m_vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_real_vfs->szOsFile;
    m_vfs.zName = "lifeline-counting";
    m_vfs.xOpen = shim_open;
    m_vfs.pNext = nullptr;
    sqlite3_vfs_register(&m_vfs, 1);
  }
  CountingVfs(const CountingVfs&) = delete;
  CountingVfs& operator=(const CountingVfs&) = delete;
  ~CountingVfs() {
    sqlite3_vfs_unregister(&m_vfs);
    sqlite3_vfs_register(g_real_vfs, 1);
  }

 private:
  sqlite3_vfs m_vfs{};
};

TEST(GroupCommit, TheShimSeesACommitThatIsNotYetOnDisk) {
  // The instrument can fail: a plain synchronous=NORMAL commit is not covered by an fsync.
  const CountingVfs vfs;
  lifeline::testing::TempDir dir;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "plain.db").c_str(), &db), SQLITE_OK);
  for (const char* sql :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)"}) {
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  }
  EXPECT_LT(g_synced.load(), t_last_write);
  sqlite3_close(db);
}

TEST(GroupCommit, EveryCommitIsOnDiskWhenItReturnsWhileEightThreadsCommit) {
  const CountingVfs vfs;
  lifeline::testing::TempDir dir;
  const auto file = dir / "catalog.db";
  {
    Database setup(file);
    setup.execute("CREATE TABLE t (thread INTEGER, n INTEGER)");
  }
  constexpr int k_threads = 8;
  constexpr int k_commits = 40;
  std::atomic<int> not_durable{0};
  const auto syncs_before = g_syncs.load();
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      Database db(file);
      for (int n = 0; n < k_commits; ++n) {
        if (n % 2 == 0) {
          Transaction transaction(db, TransactionMode::immediate);
          db.prepare("INSERT INTO t VALUES (?, ?)").bind(1, std::int64_t{t}).bind(2, std::int64_t{n}).run();
          transaction.commit();
        } else { // a write outside a transaction waits the same
          db.prepare("INSERT INTO t VALUES (?, ?)").bind(1, std::int64_t{t}).bind(2, std::int64_t{n}).run();
        }
        if (g_synced.load() < t_last_write) {
          ++not_durable;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(not_durable.load(), 0);
  Database check(file);
  auto count = check.prepare("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), k_threads * k_commits);
  const auto syncs = g_syncs.load() - syncs_before;
  // How many commits share an fsync depends on scheduling (and checkpoints sync the log too):
  // printed, not asserted; the benchmark measures what it saves.
  EXPECT_GT(syncs, 0U);
  std::cout << k_threads * k_commits << " commits, " << syncs << " fsyncs of the log\n";
}

TEST(GroupCommit, ARefusedFlushFailsItsCommitWithoutTouchingTheNextWritersTransaction) {
  // Two threads share one writer connection, as the catalog's do: A's commit is made and the
  // writer passed on, then the disk refuses A's flush. A's commit must fail, and must not roll
  // back what B has begun on the writer meanwhile.
  const CountingVfs vfs;
  lifeline::testing::TempDir dir;
  const auto file = dir / "catalog.db";
  Database writer(file);
  writer.execute("CREATE TABLE t (x TEXT)");
  Database a_own(file);
  Database b_own(file);
  a_own.prepare("SELECT COUNT(*) FROM t").run(); // each has the log open, as a catalog's do
  b_own.prepare("SELECT COUNT(*) FROM t").run();
  g_refuse_log_sync = true;
  g_in_refused_sync = false;
  g_release_sync = false;
  bool a_failed = false;
  std::thread a([&] {
    try {
      Transaction transaction(writer, TransactionMode::immediate, &a_own);
      writer.prepare("INSERT INTO t VALUES ('a')").run();
      transaction.commit();
    } catch (const SqliteError&) {
      a_failed = true;
    }
  });
  for (int i = 0; i < 10'000 && !g_in_refused_sync; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(g_in_refused_sync) << "A never reached its flush";
  {
    Transaction transaction(writer, TransactionMode::immediate, &b_own);
    writer.prepare("INSERT INTO t VALUES ('b')").run();
    g_refuse_log_sync = false;
    g_release_sync = true; // A's flush fails now, while B's transaction is open on the writer
    a.join();
    writer.prepare("INSERT INTO t VALUES ('b2')").run();
    EXPECT_NO_THROW(transaction.commit());
  }
  EXPECT_TRUE(a_failed) << "a commit whose flush the disk refused must not be acknowledged";
  auto rows = b_own.prepare("SELECT group_concat(x, ',') FROM (SELECT x FROM t ORDER BY x)");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "a,b,b2") << "B's transaction was cut short";
}

} // namespace
} // namespace lifeline::catalog::sqlite

namespace lifeline::catalog::sqlite {
namespace {

TEST(GroupCommit, AReadEndsOnlyOnceTheCommitsItMayHaveSeenAreOnDisk) {
  lifeline::testing::TempDir dir;
  Database db(dir / "catalog.db");
  db.execute("CREATE TABLE t (x)");
  db.prepare("INSERT INTO t VALUES (1)").run(); // the log is open, nothing pending
  auto* sync = db.wal_sync();
  ASSERT_NE(sync, nullptr);
  sync->wait_visible(db.handle()); // nothing in flight: returns at once
  // A commit in flight (between begin_commit and committed): a reader that ends meanwhile waits
  // for it, whichever of the two threads runs first.
  std::atomic<bool> ticketed{false};
  std::atomic<bool> read{false};
  sync->begin_commit();
  std::thread reader([&] {
    Database other(dir / "catalog.db");
    {
      Transaction snapshot(other, TransactionMode::deferred);
      auto count = other.prepare("SELECT COUNT(*) FROM t");
      ASSERT_TRUE(count.step());
      read = true;
      snapshot.commit(); // the read ends here: it must wait for the commit in flight
    }
    EXPECT_TRUE(ticketed.load()) << "the read ended before the commit it may have seen was ticketed";
  });
  while (!read) { // the reader has read; give it every chance to end too early
    std::this_thread::yield();
  }
  for (int i = 0; i < 10'000; ++i) {
    std::this_thread::yield();
  }
  ticketed = true;
  const auto ticket = sync->committed();
  sync->wait_durable(ticket, db.handle());
  reader.join();
}

} // namespace
} // namespace lifeline::catalog::sqlite
