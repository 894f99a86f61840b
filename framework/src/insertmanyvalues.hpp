#pragma once
// An executemany of a single-row INSERT sent as multi-row INSERT … VALUES (…), (…) statements
// (SQLAlchemy 2.0's "insertmanyvalues"). Private to libcrucible; Connection::execute chooses it.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "crucible/param_sets.hpp"
#include "crucible/params.hpp"
#include "crucible/result.hpp"
#include "prepared.hpp"

namespace crucible::detail {

/// Whether execute(stmt, param_sets) with the prepared p goes through one of the functions
/// below: p is a single-row INSERT whose placeholders all sit in its VALUES tuple
/// (Compiled::insertmanyvalues), and either it has RETURNING and the dialect
/// supports_returning and supports_multivalues_insert (insertmanyvalues_returning), or it has
/// none and the dialect asks for use_insertmanyvalues (insertmanyvalues). Otherwise the sets
/// go through the driver's executemany as they are.
enum class ManyValuesPath : std::uint8_t { kNone, kPlain, kReturning };

/// The parameter sets of one executemany of the prepared p, as the paths below read them:
/// a vector of Params (ParamsSets) or a ParamTable (TableSets).
class SetSource {
 public:
  virtual ~SetSource() = default;
  virtual std::size_t size() const noexcept = 0;
  /// Appends set r's values in bind order (collect_binds).
  virtual void collect(std::size_t r, ValueVector& sink) const = 0;
  virtual void collect(std::size_t r, ParamSets& sink) const = 0;
  /// Sets [first, first + count) in bind order as one span of the caller's own values, when
  /// they can be bound as they are; empty when they must be collected.
  virtual std::span<const Value> slice(std::size_t /*first*/, std::size_t /*count*/) const {
    return {};
  }
};

/// A vector of Params as a SetSource.
class ParamsSets final : public SetSource {
 public:
  ParamsSets(const Prepared& p, const std::vector<Params>& sets, const Dialect& dialect) noexcept
      : p_(p), sets_(sets), dialect_(dialect) {}
  std::size_t size() const noexcept override { return sets_.size(); }
  void collect(std::size_t r, ValueVector& sink) const override {
    collect_binds(p_, sets_[r], dialect_, sink);
  }
  void collect(std::size_t r, ParamSets& sink) const override {
    collect_binds(p_, sets_[r], dialect_, sink);
  }

 private:
  const Prepared& p_;
  const std::vector<Params>& sets_;
  const Dialect& dialect_;
};

/// A ParamTable as a SetSource. Where the statement's placeholders are the table's columns in
/// order (an INSERT of those columns), a page of rows that needs no bind processing is bound
/// straight from the table (slice), without a copy.
class TableSets final : public SetSource {
 public:
  /// Throws what the dialect's needs_bind_processing throws, and std::bad_alloc.
  TableSets(const Prepared& p, const ParamTable& table, const Dialect& dialect);
  std::size_t size() const noexcept override { return table_.rows(); }
  void collect(std::size_t r, ValueVector& sink) const override { collect_row(r, sink); }
  void collect(std::size_t r, ParamSets& sink) const override { collect_row(r, sink); }
  std::span<const Value> slice(std::size_t first, std::size_t count) const override;

 private:
  /// Whether a value of kind at bind slot i goes through the dialect's process_bind
  /// (in_order_ only): collect_binds' test, asked of the dialect once per slot and kind.
  bool processed(std::size_t i, ValueKind kind) const noexcept {
    return (processed_kinds_[i] >> static_cast<unsigned>(kind) & 1U) != 0;
  }
  template <class Sink>
  void collect_row(std::size_t r, Sink& sink) const {
    if (!in_order_) {
      collect_binds(p_, TableRow{table_, r}, dialect_, sink);
      return;
    }
    const std::span<const Value> row = table_.row(r);
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (processed(i, row[i].kind()))
        sink.add_owned(dialect_.process_bind(p_.compiled->binds[i].type, row[i]));
      else
        sink.add(row[i]);
    }
  }

  const Prepared& p_;
  const ParamTable& table_;
  const Dialect& dialect_;
  bool in_order_{false};  ///< bind slot i takes column i, for every column
  /// Per bind slot (in_order_ only): bit k set when a value of ValueKind k is processed.
  boost::container::small_vector<std::uint16_t, 8> processed_kinds_;
};
ManyValuesPath many_values_path(const Dialect& dialect, const sql::Compiled& compiled) noexcept;

/// Every set of param_sets, one ParamSets set each, for one driver executemany of p's
/// statement as it is. Throws ArgumentError when a set lacks a bind parameter.
ParamSets collect_all(const Prepared& p, const SetSource& param_sets);

/// The sets as multi-row INSERTs without RETURNING: the full pages as one driver executemany of
/// the page-sized statement, then the remaining rows as one more statement; both compiled once
/// per shape and size and kept in the compiled cache. rowcount() is the total; the rows of the
/// last driver call are the Result's (none: there is no RETURNING). param_sets.size() >= 1.
/// Throws what the driver throws (the pages before a failing one have run, in the transaction).
Result insertmanyvalues(ConnectionState& st, const Prepared& p, const SetSource& param_sets);

/// The sets as multi-row INSERT … VALUES … RETURNING statements, one driver execute per page,
/// each page's rows read fully before the next page is sent; the Result holds every page's
/// RETURNING rows (buffered), one per parameter set in the order of param_sets, processed by
/// the dialect's result processors as for a single execute; rowcount() is the total of rows
/// inserted, lastrowid() the driver's after the last page.
///
/// Pages hold at most insertmanyvalues_page_size rows and insertmanyvalues_max_parameters
/// parameters (DialectFeatures), at least one row.
///
/// Order: what is relied on is that a database returns the RETURNING rows of one
/// INSERT … VALUES (r1), (r2), … in the order of its VALUES rows. The database manuals do not
/// promise it, but every database the in-tree plugins serve does return them so for a plain
/// INSERT … VALUES, and each plugin's tests and the compliance suite check it (ids increasing in
/// set order and matching a SELECT). SQLAlchemy relies on the same for some dialects and adds
/// "sentinel" columns and sorting elsewhere (its "Correlating RETURNING rows with parameter
/// sets"); crucible does not. With an upsert that skips rows
/// (on_conflict_do_nothing) a skipped set returns no row, so the rows are then fewer than the
/// sets and no longer one per set.
///
/// Throws what the driver throws: a failing row (say, a unique violation in page 2) raises its
/// IntegrityError with the pages before it inserted in the open transaction, which the caller
/// rolls back; no rows are returned.
Result insertmanyvalues_returning(ConnectionState& st, const Prepared& p,
                                  const SetSource& param_sets);

/// An executemany of an INSERT … RETURNING whose only RETURNING column is the autoincrement key
/// (p.compiled->insertmanyvalues->lastrowid_sql is set), served by the driver: the INSERT
/// without RETURNING through the cursor's LastrowidExecutemany (dbapi.hpp), one driver call and
/// one cursor-execute event, and each set's lastrowid returned as its RETURNING row. The Result
/// is as insertmanyvalues_returning's: buffered, one row per set in set order, processed as for a
/// single execute, rowcount() the total. nullopt, with nothing run, when the driver's cursor
/// lacks the capability (the caller then uses insertmanyvalues_returning). Throws what the driver
/// throws (the sets before a failing one inserted in the open transaction), InterfaceError when
/// the driver gives other than one lastrowid per set.
std::optional<Result> insertmanyvalues_lastrowids(ConnectionState& st, const Prepared& p,
                                                  const SetSource& param_sets);

}  // namespace crucible::detail
