#pragma once
// Engine events: listeners called around every statement an Engine's connections send to the
// driver (SQLAlchemy's event.listen(engine, "before_cursor_execute", fn) and
// "after_cursor_execute", sqlalchemy.events.ConnectionEvents).
//
//   std::size_t statements = 0;
//   ListenerId id = engine.events().on_before_cursor_execute(
//       [&](const CursorExecuteEvent&) { ++statements; });
//   …
//   engine.events().remove(id);
//
// What one event is: one call of the driver's Cursor::execute or Cursor::executemany, that is
// one statement text sent to the driver. So
//   * Connection::execute(stmt, params) and exec_driver_sql fire once;
//   * Connection::execute(stmt, param_sets) sent through the driver's executemany fires once
//     (executemany = true), however many sets it has;
//   * an executemany sent as multi-row INSERTs (SQLAlchemy's "insertmanyvalues") fires once per
//     driver call: without RETURNING, once for the executemany of the full pages and once for
//     the statement of the remaining rows (so 1 or 2 events); with RETURNING, once per page
//     (each page is one execute whose rows are read before the next page is sent);
//   * a SAVEPOINT, RELEASE SAVEPOINT or ROLLBACK TO SAVEPOINT fires once (they are statements
//     on a cursor, as in SQLAlchemy); BEGIN, COMMIT and ROLLBACK do not (they are the DBAPI
//     connection's commit()/rollback(), not cursor executes); neither do the queries a dialect
//     runs on the DBAPI connection itself: on a new connection (Dialect::initialize,
//     on_connect), for reflection (Inspector, Table reflection), and the pool's pings.
//
// Pool events (SQLAlchemy's PoolEvents, which event.listen(engine, "checkout", fn) also
// reaches): on_connect, on_checkout, on_checkin, on_reset, on_invalidate and on_close listen to
// the Engine's pool, and to the pools engine.dispose() puts in its place; PoolEvent (pool.hpp)
// says what each sees and when it fires. Pool listeners are called for as long as the pool
// lives, including when the last copy of the Engine goes and its idle connections are closed
// (on_close): what a listener refers to must outlive the Engine, or the listener be removed.
//
// Cost when nobody listens: one relaxed atomic load per statement; nothing is copied or
// allocated. Registration is rare and copies the (small) list of listeners.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "crucible/param_sets.hpp"
#include "crucible/pool.hpp"
#include "crucible/value.hpp"

namespace crucible {

class Connection;
namespace detail {
struct ConnectionState;
struct EngineState;
}

/// The handle of one registered listener, given back by EngineEvents::on_… and taken by
/// EngineEvents::remove. Unique within one Engine (and its copies) for its lifetime.
enum class ListenerId : std::uint64_t {};

/// What a cursor-execute listener sees: SQLAlchemy's before_cursor_execute(conn, cursor,
/// statement, parameters, context, executemany) arguments, minus the cursor and context.
///
/// Everything referred to lives only for the duration of the call: copy what is kept.
struct CursorExecuteEvent {
  /// The Connection the statement runs on; never null. A listener may read it (dialect(),
  /// in_transaction()) but must not execute on it or close it while the statement is running.
  Connection* connection;
  /// The SQL text exactly as sent to the driver, placeholders in its paramstyle.
  std::string_view statement;
  /// For an execute: its positional values in bind order, after the dialect's bind processing
  /// (what the driver receives). Empty for an executemany, and for a statement without values.
  std::span<const Value> parameters;
  /// For an executemany: its parameter sets (see ParamSets); null for an execute.
  const ParamSets* parameter_sets;
  /// True when the driver call is Cursor::executemany.
  bool executemany;
};

/// The listeners of one Engine, shared by all its Connections and by every copy of the Engine
/// (reached through Engine::events()). Thread-safe: listeners may be added and removed while
/// other threads execute; a statement already under way calls the listeners it saw when it
/// started its before_ or after_ round, so a listener added or removed meanwhile takes effect
/// from the next round.
///
/// Listeners run on the thread that executes the statement, in the order they were added. An
/// exception a listener throws propagates out of the execute() call that fired it, and the
/// listeners after it are not called: from on_before_cursor_execute, the statement is not sent
/// (the transaction autobegun for it stays open, as after a failed statement); from
/// on_after_cursor_execute, the statement has run and its effects stay in the transaction.
/// Parameters are shown to listeners as values, as SQLAlchemy does, whatever
/// EngineOptions::hide_parameters says (that option governs the echo log only): a listener
/// must not log them where passwords or personal data would leak.
class EngineEvents {
 public:
  /// A cursor-execute listener.
  using CursorListener = std::function<void(const CursorExecuteEvent&)>;

  EngineEvents();
  ~EngineEvents();
  EngineEvents(const EngineEvents&) = delete;
  EngineEvents& operator=(const EngineEvents&) = delete;

  /// Calls fn before each statement is handed to the driver (SQLAlchemy's
  /// "before_cursor_execute"; unlike SQLAlchemy's retval=True form, fn cannot replace the
  /// statement or its parameters). Throws ArgumentError when fn is empty.
  ListenerId on_before_cursor_execute(CursorListener fn);
  /// Calls fn after the driver's execute or executemany returned without an error, before any
  /// row is read (SQLAlchemy's "after_cursor_execute"). Not called when the driver threw.
  /// Throws ArgumentError when fn is empty.
  ListenerId on_after_cursor_execute(CursorListener fn);
  /// A pool listener: shown one PoolEvent (pool.hpp) of the Engine's pool.
  using PoolListener = std::function<void(const PoolEvent&)>;
  /// Calls fn for each new DBAPI connection, before its first checkout (SQLAlchemy's "connect":
  /// the place for per-connection settings). An exception from fn closes the connection and
  /// propagates out of the checkout. Throws ArgumentError when fn is empty.
  ListenerId on_connect(PoolListener fn);
  /// Calls fn each time a connection is handed out (SQLAlchemy's "checkout"). fn may throw
  /// DisconnectionError to have the connection closed and another one tried (three in all);
  /// anything else it throws fails the checkout. Throws ArgumentError when fn is empty.
  ListenerId on_checkout(PoolListener fn);
  /// Calls fn when a borrowed connection is given back, after its reset (SQLAlchemy's
  /// "checkin"). Exceptions from fn are dropped. Throws ArgumentError when fn is empty.
  ListenerId on_checkin(PoolListener fn);
  /// Calls fn before the pool rolls back (or commits) a connection given back (SQLAlchemy's
  /// "reset"). Exceptions from fn are dropped. Throws ArgumentError when fn is empty.
  ListenerId on_reset(PoolListener fn);
  /// Calls fn when a connection is marked dead: explicitly, by a disconnect error (whose
  /// exception PoolEvent::error shows), or when its reset failed (SQLAlchemy's "invalidate").
  /// Exceptions from fn are dropped. Throws ArgumentError when fn is empty.
  ListenerId on_invalidate(PoolListener fn);
  /// Calls fn before the pool closes a DBAPI connection (SQLAlchemy's "close"). Exceptions from
  /// fn are dropped. Throws ArgumentError when fn is empty.
  ListenerId on_close(PoolListener fn);
  /// Removes the listener id (SQLAlchemy's event.remove). Throws InvalidRequestError when no
  /// listener of this Engine has that id (never added here, or removed already).
  void remove(ListenerId id);
  /// Whether any cursor-execute listener is registered (a relaxed read: what a statement
  /// checks before doing any event work).
  bool has_cursor_listeners() const noexcept {
    return has_cursor_listeners_.load(std::memory_order_relaxed);
  }
  /// Whether any pool listener is registered (a relaxed read).
  bool has_pool_listeners() const noexcept {
    return has_pool_listeners_.load(std::memory_order_relaxed);
  }

 private:
  friend struct detail::ConnectionState;  // fires the events around its driver calls
  friend struct detail::EngineState;      // fires the pool events from its pools' hooks
  struct Listeners;
  struct Impl;
  /// Calls the before_ (or after_) listeners registered now, in order.
  void fire_before_cursor_execute(const CursorExecuteEvent& event) const;
  void fire_after_cursor_execute(const CursorExecuteEvent& event) const;
  /// Calls the listeners of event.kind registered now, in order.
  void fire_pool(const PoolEvent& event) const;
  ListenerId add(bool before, CursorListener fn);
  ListenerId add_pool(PoolEventKind kind, const char* name, PoolListener fn);

  std::atomic<bool> has_cursor_listeners_{false};
  std::atomic<bool> has_pool_listeners_{false};
  std::unique_ptr<Impl> impl_;
};

}  // namespace crucible
