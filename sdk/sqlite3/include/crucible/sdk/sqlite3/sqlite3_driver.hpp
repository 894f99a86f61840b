#pragma once
// The "sqlite3" driver: PEP 249 connections to SQLite through libsqlite3's C API, the way
// Python's sqlite3 module does it.
//
//   connect(url, options): url.database() "" or ":memory:" is a private in-memory database,
//   anything else a file path (relative to the working directory, as given) or, with uri=true,
//   a "file:" URI (https://sqlite.org/uri.html). Keys from the URL query and from
//   options.args (which win):
//     timeout  busy timeout in seconds (default 5, as Python's sqlite3)
//     mode     ro | rw | rwc (default rwc): read-only, read-write, read-write-create
//     uri      true: the database is a "file:" URI (SQLITE_OPEN_URI). Then the URL query's
//              other keys that SQLite's URI syntax knows (cache, immutable, mode — which may
//              also be "memory" —, nolock, psow, vfs) are passed on in the URI, as
//              SQLAlchemy's pysqlite dialect does.
//   Any other key is an ArgumentError listing the known ones.
//
// Transactions follow PEP 249: out of autocommit mode a "BEGIN" is issued before the first
// statement after connect, commit() or rollback(); statements that manage the transaction
// themselves (BEGIN, COMMIT, END, ROLLBACK) get none. A first statement that only reads (a
// read-only SELECT) is the exception, with the same transaction: it runs without the BEGIN, and
// the read transaction its first step opens (https://sqlite.org/lang_transaction.html: a read
// lasts until the statement is reset) is the transaction's snapshot. The BEGIN follows before
// anything else touches the connection (another statement, a further step of that one), while
// that read still holds the snapshot, so every statement of the transaction sees it as if BEGIN
// had come first. When nothing else came, commit() or rollback() just resets the statement,
// ending the read as COMMIT or ROLLBACK would. A transaction that reads one result (an ORM
// Session's get) so costs no BEGIN and no ROLLBACK. A first SELECT that returns no row has ended
// its read by then: the BEGIN is issued and the SELECT run again inside it.
//
// Threading: opened with SQLITE_OPEN_NOMUTEX; a connection and its cursors belong to one thread
// at a time. The Driver itself is stateless and thread-safe.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/sdk/sqlite3/sqlite3_statement.hpp"

struct sqlite3;

namespace crucible::sqlite {

/// What a connection and its cursors share: the sqlite3 handle, the statement cache and the
/// transaction mode. Cursors hold it by shared_ptr, so a cursor that outlives its connection
/// object sees a closed database instead of a dangling pointer.
class ConnectionState {
 public:
  explicit ConnectionState(sqlite3* db) noexcept;
  ~ConnectionState();
  ConnectionState(const ConnectionState&) = delete;
  ConnectionState& operator=(const ConnectionState&) = delete;

  bool is_open() const noexcept { return db_ != nullptr; }
  /// The handle; throws InterfaceError "Cannot operate on a closed database." when closed.
  sqlite3* db() const;
  StatementCache& statements() noexcept { return statements_; }

  bool autocommit() const noexcept { return autocommit_; }
  void set_autocommit(bool on) noexcept { autocommit_ = on; }
  /// True while a transaction is open: SQLite's (sqlite3_get_autocommit() == 0), or one that a
  /// first read-only statement began without BEGIN (see the file comment).
  bool in_transaction() const noexcept;

  /// Issues the implicit "BEGIN" of PEP 249 before next runs, when not in autocommit mode, no
  /// transaction is open and next does not manage the transaction itself.
  void begin_if_needed(const Statement& next);
  /// Whether next may start the implicit transaction without BEGIN: the BEGIN would be issued
  /// and next is a read-only query (Statement::is_read_only_query).
  bool may_defer_begin(const Statement& next) const noexcept;
  /// After the first step of a statement run without BEGIN (may_defer_begin) returned a row:
  /// the statement's read is the transaction's snapshot until settle() or the transaction's end.
  void adopt_reader(const std::shared_ptr<Statement>& reader) noexcept;
  /// Whether statement is the one adopt_reader() took.
  bool is_reader(const Statement* statement) const noexcept {
    return statement != nullptr && statement == reader_.get();
  }
  /// Takes back the reader from the cursor that finished with it: it is not reset (that would
  /// end its read) until settle() or the transaction's end. Never throws.
  void linger_reader() noexcept { reader_released_ = true; }
  /// Before anything else touches the connection while a reader stands for the transaction:
  /// issues the BEGIN (the reader's read still holds the snapshot) and gives a finished reader
  /// back to the cache. A no-op without a reader. Throws the mapped error of the BEGIN.
  void settle();
  /// For commit() and rollback(): ends a transaction that only a finished reader stands for by
  /// resetting it, returning true; otherwise settles (a cursor still reads it) and returns
  /// false, and the caller ends SQLite's transaction as usual.
  bool end_reader();
  /// Runs one statement without parameters or rows (BEGIN, COMMIT, PRAGMA …) through the
  /// cache, with no implicit BEGIN. Throws the mapped error.
  void run(std::string_view sql);
  /// Finalizes every statement and closes the handle (sqlite3_close_v2; SQLite rolls back an
  /// open transaction). Idempotent, never throws.
  void close() noexcept;

 private:
  sqlite3* db_;
  bool autocommit_{false};
  StatementCache statements_;
  /// The statement whose read stands for a transaction begun without BEGIN, or null.
  std::shared_ptr<Statement> reader_;
  bool reader_released_{false};  ///< its cursor has finished with it (it is still not reset)
  /// Forgets the reader, giving it back to the cache when its cursor finished with it.
  void drop_reader() noexcept;
};

/// A connection of the sqlite3 driver (see the file comment). Closed on destruction. Its running
/// statement can be stopped from another thread (CancellableConnection: sqlite3_interrupt).
class Sqlite3Connection final : public DbapiConnection, public CancellableConnection {
 public:
  explicit Sqlite3Connection(sqlite3* db);
  ~Sqlite3Connection() override;

  std::unique_ptr<Cursor> cursor() override;
  /// COMMIT when a transaction is open, else nothing. Throws OperationalError (e.g. SQLITE_BUSY:
  /// the transaction then stays open).
  void commit() override;
  /// ROLLBACK when a transaction is open, else nothing.
  void rollback() override;
  void close() noexcept override;
  /// Open and `SELECT 1` runs.
  bool ping() noexcept override;
  /// On: no implicit BEGIN any more (an open transaction is not committed by this). Off: PEP
  /// 249 implicit transactions.
  void set_autocommit(bool on) override;
  bool autocommit() const noexcept override;
  /// "SERIALIZABLE" sets PRAGMA read_uncommitted = 0, "READ UNCOMMITTED" sets it to 1 (which
  /// matters with a shared cache only: https://sqlite.org/pragma.html#pragma_read_uncommitted).
  /// Case-insensitive; any other name is an ArgumentError listing these two.
  void set_isolation_level(std::string_view level) override;
  bool in_transaction() const noexcept override;
  /// sqlite3_libversion(), e.g. "3.40.1".
  std::string server_version() const override;
  /// qmark, as Sqlite3Driver::paramstyle().
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }
  /// sqlite3_interrupt (https://sqlite.org/c3ref/interrupt.html), here and now: the running
  /// statement fails with SQLITE_INTERRUPT (an INSERT, UPDATE or DELETE in an explicit
  /// transaction rolls that transaction back). Returns a request that does nothing more.
  std::function<bool()> cancel_request() override;

 private:
  std::shared_ptr<ConnectionState> state_;
};

/// Connect arguments by name, as connect() gathered them (connect_args win over the URL query).
using ConnectArgs = std::map<std::string, std::string, std::less<>>;

/// The "sqlite3" driver: paramstyle qmark. A driver over another library of the SQLite family,
/// compiled from this kit against that library's sqlite3.h (SQLCipher:
/// sdk/examples/sqlcipher), derives from it and overrides name(), extra_keys() and on_open().
class Sqlite3Driver : public Driver {
 public:
  std::string_view name() const noexcept override { return "sqlite3"; }
  ParamStyle paramstyle() const noexcept override { return ParamStyle::kQmark; }
  /// Opens url's database (see the file comment), then runs on_open() on it before anything
  /// else. Throws ArgumentError for an unknown key or a bad value, OperationalError when SQLite
  /// cannot open the database (the message names it), and what on_open() throws.
  std::unique_ptr<DbapiConnection> connect(const URL& url, const ConnectOptions& options) final;

 protected:
  /// The connect arguments this driver takes beyond mode, timeout and uri (from the URL query or
  /// connect_args); an unknown key is an ArgumentError naming these too. None here.
  virtual std::vector<std::string> extra_keys() const { return {}; }
  /// Runs on the newly opened handle before anything else touches it (before the busy timeout
  /// and any statement), with the values of the extra_keys() that were given; e.g. SQLCipher's
  /// sqlite3_key. Throws to refuse the connection (the handle is then closed). Here: nothing.
  /// Its messages must not quote an argument that is a secret.
  virtual void on_open(sqlite3* db, const ConnectArgs& extra) const;
};

}  // namespace crucible::sqlite
