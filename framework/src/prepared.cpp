// prepare(), processing_for() and apply_processing() (prepared.hpp): compiling through the
// engine's cache, and choosing and applying the result columns' conversions by the dialect.
#include "prepared.hpp"

#include "crucible/registry.hpp"
#include "crucible/sql/compiler.hpp"

namespace crucible::detail {

Prepared prepare(ConnectionState& st, const sql::Executable& stmt, const Params* params) {
  Prepared p;
  const Dialect& dialect = *st.engine->dialect;
  const sql::CompileContext ctx{dialect, st.engine->driver->paramstyle(), {}, params};
  p.shared = stmt.shared_key();
  if (!p.shared && !stmt.gather(p.own, params)) {
    p.compiled = stmt.compile(ctx);  // caches itself (text())
    return p;
  }
  sql::CompiledCache& cache = st.engine->compiled_cache;
  const std::string& key = p.key().key;
  p.compiled = cache.get(key);
  if (!p.compiled) {
    p.compiled = stmt.compile(ctx);
    cache.put(key, p.compiled);
  }
  return p;
}

void apply_processing(const ResultProcessing& processing, std::vector<Value>& values) {
  for (const auto& column : processing.columns) {
    if (column.index >= values.size()) continue;
    Value& value = values[column.index];
    if (value.is_null() || value.kind() == column.natural) continue;  // already the type's
    value = processing.dialect->process_result(processing.compiled->result_types[column.index],
                                               std::move(value));
  }
}

std::shared_ptr<const ResultProcessing>
processing_for(const EngineState& engine, const std::shared_ptr<const sql::Compiled>& compiled) {
  std::shared_ptr<ResultProcessing> out;
  const std::vector<SqlType>& types = compiled->result_types;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const SqlType& type = types[i];
    if (type.kind() == TypeKind::kNull || !engine.dialect->needs_result_processing(type)) continue;
    if (!out) {
      out = std::make_shared<ResultProcessing>();
      out->dialect = engine.dialect;
      out->compiled = compiled;
      out->columns.reserve(types.size() - i);
    }
    out->columns.push_back({i, natural_value_kind(type.kind())});
  }
  return out;
}

}  // namespace crucible::detail
