#pragma once
// A statement made ready for the driver: compiled (through the engine's cache), its values
// collected in bind order, its result columns' processing chosen. Private to libcrucible;
// shared by Connection::execute (engine.cpp) and the insertmanyvalues paths
// (insertmanyvalues.cpp).
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "crucible/dialect.hpp"
#include "crucible/params.hpp"
#include "crucible/sql/executable.hpp"
#include "crucible/value.hpp"
#include "engine_state.hpp"

namespace crucible::detail {

/// A statement ready to run: its compiled form (from the engine's cache when the statement's
/// shape was seen before) and the gathered own values its bind slots refer to.
struct Prepared {
  std::shared_ptr<const sql::Compiled> compiled;
  std::shared_ptr<const sql::CacheKey> shared;  ///< the statement's kept key (a SELECT's)
  sql::CacheKey own;                            ///< the key gathered for this execution
  const sql::CacheKey& key() const noexcept { return shared ? *shared : own; }
};

/// Compiles stmt for st's dialect and driver paramstyle, or takes it from the engine's cache;
/// params is the (first) parameter set, which shapes an INSERT or UPDATE without values().
/// Throws what the compiler throws (NotSupportedError, ArgumentError).
Prepared prepare(ConnectionState& st, const sql::Executable& stmt, const Params* params);

/// A parameter set as collect_binds reads it: a Params.
struct ParamsSource {
  const Params& params;
  /// The value at position when it is called name (sets usually list their values in the order
  /// the statement names them), else null.
  const Value* guess(std::size_t position, std::string_view name) const noexcept {
    if (position >= params.size()) return nullptr;
    const auto& item = *(params.begin() + static_cast<std::ptrdiff_t>(position));
    return item.first == name ? &item.second : nullptr;
  }
  /// The value of name; ArgumentError listing the names present when it is missing.
  const Value& at(std::string_view name) const { return params.at(name); }
};

/// A parameter set as collect_binds reads it: row r of a ParamTable.
struct TableRow {
  const ParamTable& table;
  std::size_t r;
  const Value* guess(std::size_t position, std::string_view name) const noexcept {
    return position < table.width() && table.names()[position] == name ? &table.row(r)[position]
                                                                       : nullptr;
  }
  const Value& at(std::string_view name) const {
    const std::size_t c = table.index_of(name);
    if (c == table.width()) return table.params(r).at(name);  // throws, naming the columns
    return table.row(r)[c];
  }
};

/// The positional values for one parameter set (a ParamsSource or TableRow), in bind order:
/// each slot's own gathered value or the named parameter, through the dialect's bind processor
/// where it acts. A value that goes as it is reaches sink.add(const Value&) by reference, one
/// the processor made reaches sink.add_owned(Value), so an executemany copies nothing it does
/// not have to. Throws ArgumentError when a bind parameter has no value.
template <class Source, class Sink>
void collect_binds(const Prepared& p, const Source& params, const Dialect& dialect, Sink& sink) {
  const sql::Compiled& compiled = *p.compiled;
  if (compiled.binds.empty()) {  // text(): every value by name, no types
    for (const std::string& name : compiled.bind_names) sink.add(params.at(name));
    return;
  }
  std::size_t named = 0;
  for (const sql::BindSlot& slot : compiled.binds) {
    const Value* value = nullptr;
    if (slot.value_index < 0) {
      value = params.guess(named++, slot.name);
      if (value == nullptr) value = &params.at(slot.name);
    } else {
      value = &p.key().values.at(static_cast<std::size_t>(slot.value_index));
    }
    if (slot.type.kind() == TypeKind::kNull || value->is_null() ||
        !dialect.needs_bind_processing(slot.type, value->kind()))
      sink.add(*value);
    else
      sink.add_owned(dialect.process_bind(slot.type, *value));
  }
}

template <class Sink>
void collect_binds(const Prepared& p, const Params& params, const Dialect& dialect, Sink& sink) {
  collect_binds(p, ParamsSource{params}, dialect, sink);
}

/// A collect_binds sink: the values of one execute(), copied into a vector.
struct ValueVector {
  /// Inline room for a statement's usual few parameters (a lookup by key allocates nothing).
  boost::container::small_vector<Value, 4> values;
  void add(const Value& value) { values.push_back(value); }
  void add_owned(Value value) { values.push_back(std::move(value)); }
  std::span<const Value> span() const noexcept { return {values.data(), values.size()}; }
};

/// Converts the values of one row that processing names (a value already of its type's
/// natural kind, or null, stays as it is). Throws what the dialect's process_result throws.
void apply_processing(const ResultProcessing& processing, std::vector<Value>& values);

/// Which result columns of compiled need the dialect's result processor; null when none do.
std::shared_ptr<const ResultProcessing>
processing_for(const EngineState& engine, const std::shared_ptr<const sql::Compiled>& compiled);

}  // namespace crucible::detail
