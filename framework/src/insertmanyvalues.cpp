// insertmanyvalues (insertmanyvalues.hpp): an executemany of a single-row INSERT as multi-row
// INSERTs of page-sized groups of parameter sets, with or without RETURNING.
#include "insertmanyvalues.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "buffered_cursor.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"

namespace crucible::detail {

namespace {

// The page size of an insertmanyvalues executemany of p, and its statement for n rows.
class Pages {
 public:
  Pages(ConnectionState& st, const Prepared& p)
      : st_(st), p_(p), width_(std::max<std::size_t>(1, p.compiled->binds.size())),
        rows_(std::max<std::size_t>(
            1, std::min<std::size_t>(
                   st.engine->dialect->features().insertmanyvalues_page_size,
                   st.engine->dialect->features().insertmanyvalues_max_parameters / width_))) {}

  std::size_t width() const noexcept { return width_; }
  /// Rows per full page (>= 1).
  std::size_t rows() const noexcept { return rows_; }

  /// The statement for `rows` rows, compiled once per shape and size (compiled cache).
  std::shared_ptr<const sql::Compiled> compiled_for(std::size_t rows) const {
    const std::string key = p_.key().key + "\x1finsertmanyvalues " + std::to_string(rows);
    sql::CompiledCache& cache = st_.engine->compiled_cache;
    std::shared_ptr<const sql::Compiled> compiled = cache.get(key);
    if (!compiled) {
      compiled = sql::expand_insertmanyvalues(*p_.compiled, rows);
      cache.put(key, compiled);
    }
    return compiled;
  }

 private:
  ConnectionState& st_;
  const Prepared& p_;
  std::size_t width_;
  std::size_t rows_;
};

}  // namespace

TableSets::TableSets(const Prepared& p, const ParamTable& table, const Dialect& dialect)
    : p_(p), table_(table), dialect_(dialect) {
  const auto& binds = p.compiled->binds;
  in_order_ = !binds.empty() && binds.size() == table.width();
  for (std::size_t i = 0; in_order_ && i < binds.size(); ++i)
    in_order_ = binds[i].value_index < 0 && binds[i].name == table.names()[i];
  if (!in_order_) return;
  // collect_binds asks the dialect for every value; the answer depends on the slot's type and
  // the value's kind alone, so it is asked once per pair here. A null value, or a slot of the
  // null type, goes as it is.
  constexpr auto kKinds = static_cast<unsigned>(ValueKind::kJson) + 1;
  static_assert(kKinds <= 16, "processed_kinds_ holds a bit per ValueKind");
  processed_kinds_.resize(binds.size());
  for (std::size_t i = 0; i < binds.size(); ++i) {
    if (binds[i].type.kind() == TypeKind::kNull) continue;
    for (unsigned k = 1; k < kKinds; ++k)
      if (dialect.needs_bind_processing(binds[i].type, static_cast<ValueKind>(k)))
        processed_kinds_[i] = static_cast<std::uint16_t>(processed_kinds_[i] | 1U << k);
  }
}

std::span<const Value> TableSets::slice(std::size_t first, std::size_t count) const {
  if (!in_order_) return {};
  const std::size_t width = processed_kinds_.size();
  const std::span<const Value> out =
      std::span<const Value>(table_.values()).subspan(first * width, count * width);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (processed(i % width, out[i].kind())) return {};
  return out;
}

ParamSets collect_all(const Prepared& p, const SetSource& param_sets) {
  ParamSets sets;
  sets.reserve(param_sets.size(), p.compiled->bind_names.size());
  for (std::size_t r = 0; r < param_sets.size(); ++r) {
    sets.begin_set();
    param_sets.collect(r, sets);
  }
  return sets;
}

ManyValuesPath many_values_path(const Dialect& dialect, const sql::Compiled& compiled) noexcept {
  if (!compiled.insertmanyvalues) return ManyValuesPath::kNone;
  const DialectFeatures& f = dialect.features();
  if (compiled.result_types.empty())
    return f.use_insertmanyvalues ? ManyValuesPath::kPlain : ManyValuesPath::kNone;
  return f.supports_returning && f.supports_multivalues_insert ? ManyValuesPath::kReturning
                                                               : ManyValuesPath::kNone;
}

Result insertmanyvalues(ConnectionState& st, const Prepared& p, const SetSource& param_sets) {
  const Pages pages(st, p);
  std::int64_t total = 0;
  std::shared_ptr<CursorHolder> holder;
  const auto run = [&](std::size_t first, std::size_t count, std::size_t rows) {
    ParamSets sets;
    sets.reserve(count, rows * pages.width());
    for (std::size_t i = 0; i < count; ++i) {
      sets.begin_set();
      for (std::size_t r = 0; r < rows; ++r) param_sets.collect(first + i * rows + r, sets);
    }
    holder = st.run_many(pages.compiled_for(rows)->sql, sets);
    if (const std::int64_t n = holder->cursor->rowcount(); n >= 0) total += n;
  };
  const std::size_t full = param_sets.size() / pages.rows();
  const std::size_t rest = param_sets.size() % pages.rows();
  if (full > 0) run(0, full, pages.rows());
  if (rest > 0) run(full * pages.rows(), 1, rest);
  holder->rowcount = total;
  return Result(std::move(holder));
}

Result insertmanyvalues_returning(ConnectionState& st, const Prepared& p,
                                  const SetSource& param_sets) {
  const Pages pages(st, p);
  std::vector<ColumnDescription> description;
  std::vector<Value> rows;  // flat: one row after another
  std::size_t row_count = 0;
  std::int64_t total = 0;
  std::optional<std::int64_t> lastrowid;
  ValueVector values;
  std::vector<Value> row;
  for (std::size_t first = 0; first < param_sets.size(); first += pages.rows()) {
    const std::size_t count = std::min(pages.rows(), param_sets.size() - first);
    std::span<const Value> page_values = param_sets.slice(first, count);
    if (page_values.empty()) {
      values.values.clear();
      values.values.reserve(count * pages.width());
      for (std::size_t r = first; r < first + count; ++r) param_sets.collect(r, values);
      page_values = values.span();
    }
    std::shared_ptr<CursorHolder> page = st.run(pages.compiled_for(count)->sql, page_values);
    Cursor& cursor = *page->cursor;
    if (description.empty()) description = cursor.description();
    if (rows.empty()) rows.reserve(param_sets.size() * description.size());
    const std::size_t before = row_count;
    while (cursor.fetch_into(row)) {
      for (Value& v : row) rows.push_back(std::move(v));
      ++row_count;
    }
    // The driver's count once the rows are read (some databases count changes only when the
    // statement is done); a driver that reports none (-1) inserted as many rows as RETURNING gave.
    const std::int64_t n = cursor.rowcount();
    total += n >= 0 ? n : static_cast<std::int64_t>(row_count - before);
    lastrowid = cursor.lastrowid();
    page->close("its rows were read into the executemany's result");
  }
  auto holder = std::make_shared<CursorHolder>();
  holder->cursor =
      std::make_unique<BufferedCursor>(std::move(description), std::move(rows), total, lastrowid);
  holder->processing = processing_for(*st.engine, p.compiled);  // as for a single execute
  st.track(holder);
  return Result(std::move(holder));
}

std::optional<Result> insertmanyvalues_lastrowids(ConnectionState& st, const Prepared& p,
                                                  const SetSource& param_sets) {
  const sql::InsertManyValues& many = *p.compiled->insertmanyvalues;
  const ParamSets sets = collect_all(p, param_sets);
  std::vector<std::int64_t> ids;
  std::shared_ptr<CursorHolder> ran = st.run_many_lastrowids(many.lastrowid_sql, sets, ids);
  if (!ran) return std::nullopt;
  if (ids.size() != param_sets.size())
    throw InterfaceError(ErrorInfo{.driver_message = "the driver's executemany_lastrowids() gave " +
                                                     std::to_string(ids.size()) +
                                                     " lastrowids for " +
                                                     std::to_string(param_sets.size()) +
                                                     " parameter sets; it must give one per set",
                                   .sql = many.lastrowid_sql});
  std::vector<Value> rows;
  rows.reserve(ids.size());
  for (const std::int64_t id : ids) rows.emplace_back(id);
  const std::int64_t total = ran->cursor->rowcount();
  const std::optional<std::int64_t> lastrowid = ran->cursor->lastrowid();
  ran->close("its rows were read into the executemany's result");
  auto holder = std::make_shared<CursorHolder>();
  std::vector<ColumnDescription> description(1);
  description.front().name = many.lastrowid_column;
  holder->cursor = std::make_unique<BufferedCursor>(
      std::move(description), std::move(rows),
      total >= 0 ? total : static_cast<std::int64_t>(ids.size()), lastrowid);
  holder->processing = processing_for(*st.engine, p.compiled);  // as for a single execute
  st.track(holder);
  return Result(std::move(holder));
}

}  // namespace crucible::detail
