#pragma once
// Connection pools (SQLAlchemy's sqlalchemy.pool): QueuePool, StaticPool, NullPool.
//
// A pool hands out PooledConnection handles. Returning a handle (its destruction or release())
// rolls back whatever the borrower left open and puts the DBAPI connection back, or closes it
// when it was invalidated or the pool is full. Pools are thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace crucible {

class DbapiConnection;

/// Sizes and timings of a pool. Durations are seconds.
struct PoolOptions {
  int pool_size{5};           ///< connections kept open when idle (QueuePool)
  int max_overflow{10};       ///< extra connections beyond pool_size; -1 means no limit
  double pool_timeout{30.0};  ///< seconds to wait for a connection before TimeoutError
  double pool_recycle{-1.0};  ///< replace a connection older than this many seconds; <0 never
  bool pool_pre_ping{false};  ///< test each connection on checkout, replace it when dead
};

/// How a pool makes, tests and resets DBAPI connections; the Engine supplies these from its
/// driver and dialect.
struct PoolHooks {
  std::function<std::unique_ptr<DbapiConnection>()> create;  ///< connect + dialect on_connect
  std::function<bool(DbapiConnection&)> ping;                ///< true when alive
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
  /// Marks the connection dead: it is closed on return instead of being reused.
  void invalidate() noexcept;
  /// Returns the connection to the pool now (rolling back). Idempotent, never throws.
  void release() noexcept;

 private:
  std::shared_ptr<Pool> pool_;
  Record* record_{nullptr};
};

/// The interface of every pool.
class Pool : public std::enable_shared_from_this<Pool> {
 public:
  virtual ~Pool();
  /// Borrows a connection. Throws TimeoutError when none frees up within pool_timeout, or the
  /// driver's DBAPIError when a new connection cannot be made.
  virtual PooledConnection connect() = 0;
  /// Closes every idle connection; borrowed ones are closed when returned.
  virtual void dispose() noexcept = 0;
  /// Connections currently borrowed.
  virtual int checkedout() const noexcept = 0;
  /// A one-line description: "Pool size: 5  Connections in pool: 1 Current Overflow: -4
  /// Current Checked out connections: 0" (SQLAlchemy's QueuePool.status()).
  virtual std::string status() const = 0;

 protected:
  friend class PooledConnection;
  /// Takes back record (rolled back already, or invalidated).
  virtual void checkin(PooledConnection::Record* record) noexcept = 0;
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
