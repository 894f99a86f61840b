#pragma once
// The state behind Engine, Connection and Result handles; private to libcrucible.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "crucible/engine.hpp"
#include "crucible/events.hpp"
#include "crucible/registry.hpp"
#include "crucible/result.hpp"
#include "crucible/sql/compiler.hpp"

namespace Poco {
class Logger;
}

namespace crucible::detail {

/// Which result columns the dialect converts (Dialect::process_result), and with which type.
struct ResultProcessing {
  struct Column {
    std::size_t index;  ///< in the row, and in compiled->result_types (the type to process to)
    ValueKind natural;  ///< the Value kind of that type: a value of this kind is left as it is
  };
  registry::DialectPtr dialect;
  std::shared_ptr<const sql::Compiled> compiled;  ///< holds the result types
  std::vector<Column> columns;
};

/// What a Result reads from. The Connection closes it when the Connection closes, so a Result
/// never touches a DBAPI connection that went back to the pool.
struct CursorHolder {
  std::unique_ptr<Cursor> cursor;  ///< null once closed
  const char* closed_reason{"this result was closed"};
  std::shared_ptr<const ResultProcessing> processing;  ///< null when no column needs it
  /// The result's columns as the connection last saw them described the same way (shared with
  /// earlier Results), or null: the Result builds its own from the cursor's description.
  std::shared_ptr<const ResultMetadata> metadata;
  /// The rowcount when the result stands for several driver calls (insertmanyvalues' pages),
  /// else nullopt: the cursor's own.
  std::optional<std::int64_t> rowcount;
  void close(const char* reason) noexcept {
    if (cursor) {
      cursor->close();
      cursor.reset();
      closed_reason = reason;
    }
  }
};

/// One Engine's dialect, driver and pool. Member order matters: the pool (whose connections are
/// the driver's objects) is destroyed before the driver and dialect handles that keep their
/// plugin library loaded.
struct EngineState {
  registry::DialectPtr dialect;
  registry::DriverPtr driver;
  URL url;
  EngineOptions options;
  Poco::Logger* echo{nullptr};  ///< the "crucible.engine" logger when echo is on
  sql::CompiledCache compiled_cache;
  /// Shared by every Connection and copy of the Engine, and by its pools (whose connections may
  /// be borrowed through Engine::pool() and outlive the Engine).
  std::shared_ptr<EngineEvents> events{std::make_shared<EngineEvents>()};
  mutable std::mutex pool_mutex;
  std::shared_ptr<Pool> pool;

  std::shared_ptr<Pool> current_pool() const {
    std::lock_guard lock(pool_mutex);
    return pool;
  }
  /// A new pool of the kind the options or the dialect choose.
  std::shared_ptr<Pool> make_pool() const;
};

/// Replaces the driver an Engine resolved by one that wraps it (the async layer's).
using DriverAdapter = std::function<registry::DriverPtr(registry::DriverPtr)>;

/// create_engine(url, options) with the driver replaced by adapt(driver) when adapt is set,
/// before the pool is made (its connections come from the adapted driver). Throws as
/// create_engine does.
Engine create_engine_adapted(const URL& url, EngineOptions options, const DriverAdapter& adapt);

/// What the Engine keeps for one DBAPI connection across its checkouts (in the pool's
/// PooledConnection::info()).
struct PooledCaches {
  /// The metadata of the last few results with rows, most recent at metadata_next - 1: a
  /// statement run again (the same SELECT with other values, on this connection or after the
  /// next checkout) describes the same columns, and its Result shares their ResultMetadata
  /// instead of copying names and types again.
  std::array<std::shared_ptr<const ResultMetadata>, 4> metadata_cache;
  std::size_t metadata_next{0};
};

/// One Connection's borrowed DBAPI connection and transaction state.
struct ConnectionState {
  std::shared_ptr<EngineState> engine;
  /// The Connection handle that owns this state, kept current by its moves and cleared by its
  /// destructor; what CursorExecuteEvent::connection shows. Non-null while the state is open.
  Connection* handle{nullptr};
  PooledConnection pooled;
  bool closed{false};
  bool invalidated{false};
  bool tx_active{false};
  std::uint64_t generation{0};          ///< bumped by every root transaction
  std::vector<std::string> savepoints;  ///< open savepoints, outermost first
  std::uint64_t savepoint_counter{0};
  /// The results not yet closed (inline room for the usual one or two at a time).
  boost::container::small_vector<std::weak_ptr<CursorHolder>, 2> results;
  PooledCaches* caches{nullptr};  ///< the pooled connection's, once made (caches_for())

  DbapiConnection& dbapi();
  void log(const std::string& line) const;
  void autobegin();
  /// Runs sql with values on a new cursor, returning what reads its rows. Fires the engine's
  /// before_/after_cursor_execute listeners around the driver call (events.hpp).
  std::shared_ptr<CursorHolder> run(const std::string& sql, std::span<const Value> values);
  /// run()'s driver call alone: a new cursor that has executed sql with values, with the
  /// events, the echo log and the error handling of run(), neither tracked nor described (the
  /// caller reads it and closes it before it returns to its own caller).
  std::unique_ptr<Cursor> execute_cursor(const std::string& sql, std::span<const Value> values);
  /// Runs sql once per set (the driver's executemany), with the events as run().
  std::shared_ptr<CursorHolder> run_many(const std::string& sql, const ParamSets& sets);
  /// run_many through the driver cursor's LastrowidExecutemany (dbapi.hpp), each set's
  /// lastrowid put in lastrowids; null, with nothing run and no event fired, when the driver's
  /// cursor lacks that capability.
  std::shared_ptr<CursorHolder> run_many_lastrowids(const std::string& sql, const ParamSets& sets,
                                                    std::vector<std::int64_t>& lastrowids);
  /// run_many's parts around the driver call: the before_cursor_execute event and the echo
  /// log, then tracking the holder and the after_cursor_execute event.
  void announce_many(const std::string& sql, const ParamSets& sets);
  void ran_many(const std::shared_ptr<CursorHolder>& holder, const std::string& sql,
                const ParamSets& sets);
  /// A ResultMetadata for columns: one of metadata_cache equal to them, else a new one, cached.
  std::shared_ptr<const ResultMetadata> metadata_for(const std::vector<ColumnDescription>& columns);
  /// Remembers holder so that closing the connection closes it (results not yet read).
  void track(const std::shared_ptr<CursorHolder>& holder);
  void commit();
  void rollback();
  void close() noexcept;
  /// When error is a disconnect (Dialect::is_disconnect): marks it connection_invalidated and
  /// invalidates this connection and the pool's older ones; then returns (the caller rethrows).
  void on_error(DBAPIError& error) noexcept;
  void close_results(const char* reason) noexcept;
};

}  // namespace crucible::detail
