#pragma once
// Connection pools (SQLAlchemy's sqlalchemy.pool): QueuePool, StaticPool, NullPool.
//
// A pool hands out PooledConnection handles. Returning a handle (its destruction or release())
// rolls back whatever the borrower left open and puts the DBAPI connection back, or closes it
// when it was invalidated or the pool is full. Pools are thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <string>

namespace crucible {

class DbapiConnection;

/// What a pool does to a connection given back (SQLAlchemy's reset_on_return): PEP 249
/// rollback (the default), commit, or nothing (for a program that ends every transaction
/// itself and wants to save the round trip).
enum class ResetOnReturn : std::uint8_t { kRollback, kCommit, kNone };

/// Sizes and timings of a pool. Durations are seconds.
struct PoolOptions {
  int pool_size{5};           ///< connections kept open when idle (QueuePool)
  int max_overflow{10};       ///< extra connections beyond pool_size; -1 means no limit
  double pool_timeout{30.0};  ///< seconds to wait for a connection before TimeoutError
  double pool_recycle{-1.0};  ///< replace a connection older than this many seconds; <0 never
  bool pool_pre_ping{false};  ///< test each connection on checkout, replace it when dead
  ResetOnReturn pool_reset_on_return{ResetOnReturn::kRollback};
  /// QueuePool hands out the connection returned last (LIFO) instead of the one idle longest
  /// (FIFO, the default): fewer connections stay in use, the others can time out server-side.
  bool pool_use_lifo{false};
};

/// The moments of a pooled connection's life that a pool reports (SQLAlchemy's PoolEvents).
enum class PoolEventKind : std::uint8_t {
  kConnect,     ///< a new DBAPI connection was made, before its first checkout
  kCheckout,    ///< a connection is about to be handed to a borrower (every checkout)
  kCheckin,     ///< a borrowed connection came back (after its reset)
  kReset,       ///< a connection given back is about to be rolled back or committed
  kInvalidate,  ///< a connection was marked dead (PooledConnection::invalidate, a disconnect)
  kClose,       ///< the pool closed a DBAPI connection (invalidated, stale, surplus, disposed)
};

/// What a pool listener is shown (SQLAlchemy's dbapi_connection and connection_record
/// arguments). Everything referred to lives only for the duration of the call.
struct PoolEvent {
  PoolEventKind kind;
  /// The DBAPI connection. A listener may run statements on it in kConnect and kCheckout (a
  /// session setting, a ping); in the other events it should only read it.
  DbapiConnection* dbapi;
  /// The connection's storage across checkouts (PooledConnection::info()).
  std::shared_ptr<void>* info;
  /// kInvalidate: the error that made the connection dead, when there was one; else null.
  const std::exception* error;
  /// kReset: what the pool does (rollback or commit; kNone is never reported).
  ResetOnReturn reset;
  /// kCheckin: whether the connection was invalidated, so it is closed rather than kept.
  bool invalidated;
};

/// How a pool makes, tests and resets DBAPI connections, and whom it tells; the Engine supplies
/// these from its driver, dialect and EngineEvents.
struct PoolHooks {
  std::function<std::unique_ptr<DbapiConnection>()> create;  ///< connect + dialect on_connect
  std::function<bool(DbapiConnection&)> ping;                ///< true when alive
  /// Called at each PoolEvent when set. An exception from kConnect or kCheckout fails the
  /// checkout (the connection is closed, or given back), except DisconnectionError from
  /// kCheckout, which makes the pool try another connection; exceptions from the other kinds
  /// happen where a connection is given back, which never throws, and are dropped.
  std::function<void(const PoolEvent&)> event;
};

class Pool;

/// A DBAPI connection borrowed from a pool (SQLAlchemy's _ConnectionFairy). Move-only; returns
/// the connection when destroyed.
class PooledConnection {
 public:
  struct Record;
  PooledConnection() = default;
  PooledConnection(std::shared_ptr<Pool> pool, Record* record) noexcept;
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  ~PooledConnection();

  /// The DBAPI connection; throws ResourceClosedError after release().
  DbapiConnection& dbapi() const;
  explicit operator bool() const noexcept { return record_ != nullptr; }
  /// Storage that lives as long as the DBAPI connection, across checkouts (SQLAlchemy's
  /// ConnectionPoolEntry.info): what the Engine keeps per connection, such as its caches. Empty
  /// for a new connection; dropped with the connection when it is closed. Throws
  /// ResourceClosedError after release().
  std::shared_ptr<void>& info() const;
  /// Marks the connection dead: it is closed on return instead of being reused. error, when
  /// given, is what made it dead (shown to kInvalidate listeners). Fires kInvalidate once.
  void invalidate(const std::exception* error = nullptr) noexcept;
  /// invalidate(error), and every connection the pool opened before now is replaced when next
  /// checked out (SQLAlchemy's pool invalidation after a disconnect: when one connection finds
  /// the server gone, the others opened before it are likely dead too).
  void invalidate_pool(const std::exception* error = nullptr) noexcept;
  /// Returns the connection to the pool now (resetting it as pool_reset_on_return says).
  /// Idempotent, never throws.
  void release() noexcept;

 private:
  std::shared_ptr<Pool> pool_;
  Record* record_{nullptr};
};

/// The interface of every pool.
class Pool : public std::enable_shared_from_this<Pool> {
 public:
  virtual ~Pool();
  /// Borrows a connection. Throws TimeoutError when none frees up within pool_timeout, the
  /// driver's DBAPIError when a new connection cannot be made, what a kConnect or kCheckout
  /// listener threw, and InvalidRequestError when checkout listeners rejected three connections
  /// in a row with DisconnectionError.
  virtual PooledConnection connect() = 0;
  /// Closes every idle connection; borrowed ones are closed when returned.
  virtual void dispose() noexcept = 0;
  /// Connections currently borrowed.
  virtual int checkedout() const noexcept = 0;
  /// A one-line description: "Pool size: 5  Connections in pool: 1 Current Overflow: -4
  /// Current Checked out connections: 0" (SQLAlchemy's QueuePool.status()).
  virtual std::string status() const = 0;

 protected:
  Pool(PoolHooks hooks, PoolOptions options) : hooks_(std::move(hooks)), options_(options) {}
  friend class PooledConnection;
  /// Takes back record (not yet reset; invalidated or not).
  virtual void checkin(PooledConnection::Record* record) noexcept = 0;

  const PoolHooks hooks_;
  const PoolOptions options_;
  /// Connections opened before this moment (steady clock, in its ticks) are not handed out
  /// again; set by PooledConnection::invalidate_pool.
  std::atomic<std::int64_t> invalidated_before_{std::numeric_limits<std::int64_t>::min()};
};

/// A bounded pool: up to pool_size idle connections kept, up to pool_size + max_overflow open at
/// once, borrowers wait up to pool_timeout when all are out.
std::shared_ptr<Pool> make_queue_pool(PoolHooks hooks, PoolOptions options);
/// Exactly one connection, shared by every borrower (for an in-memory database, whose contents
/// live in that one connection). Meant for one thread at a time.
std::shared_ptr<Pool> make_static_pool(PoolHooks hooks, PoolOptions options);
/// No pooling: a new connection per borrow, closed on return.
std::shared_ptr<Pool> make_null_pool(PoolHooks hooks, PoolOptions options);

}  // namespace crucible
