// Inspector (inspection.hpp): a thin front over the dialect's reflection hooks.
#include "crucible/inspection.hpp"

namespace crucible {

Inspector::Inspector(Engine engine) noexcept : engine_(std::move(engine)) {}
Inspector::Inspector(Connection& conn) noexcept : conn_(&conn) {}

// Calls fn(dialect, dbapi connection) on the given connection or on one borrowed for the call.
template <class F>
auto Inspector::with_connection(F&& fn) const {
  if (conn_ != nullptr) return fn(conn_->dialect(), conn_->dbapi_connection());
  Connection conn = engine_->connect();
  return fn(conn.dialect(), conn.dbapi_connection());
}

std::vector<std::string> Inspector::get_schema_names() const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_schema_names(c); });
}

std::vector<std::string>
Inspector::get_table_names(const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_table_names(c, schema); });
}
std::vector<std::string> Inspector::get_view_names(const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_view_names(c, schema); });
}
bool Inspector::has_table(std::string_view table, const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.has_table(c, table, schema); });
}
std::vector<ReflectedColumn>
Inspector::get_columns(std::string_view table, const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_columns(c, table, schema); });
}
ReflectedPrimaryKey Inspector::get_pk_constraint(std::string_view table,
                                                 const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_pk_constraint(c, table, schema); });
}
std::vector<ReflectedForeignKey>
Inspector::get_foreign_keys(std::string_view table,
                            const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_foreign_keys(c, table, schema); });
}
std::vector<ReflectedIndex> Inspector::get_indexes(std::string_view table,
                                                   const std::optional<std::string>& schema) const {
  return with_connection(
      [&](const Dialect& d, DbapiConnection& c) { return d.get_indexes(c, table, schema); });
}
std::vector<ReflectedUniqueConstraint>
Inspector::get_unique_constraints(std::string_view table,
                                  const std::optional<std::string>& schema) const {
  return with_connection([&](const Dialect& d, DbapiConnection& c) {
    return d.get_unique_constraints(c, table, schema);
  });
}

std::vector<ReflectedCheckConstraint>
Inspector::get_check_constraints(std::string_view table,
                                 const std::optional<std::string>& schema) const {
  return with_connection([&](const Dialect& d, DbapiConnection& c) {
    return d.get_check_constraints(c, table, schema);
  });
}

}  // namespace crucible
