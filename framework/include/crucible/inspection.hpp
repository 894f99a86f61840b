#pragma once
// Inspector: what a live database holds (SQLAlchemy's sqlalchemy.inspect(engine)), read through
// the dialect's reflection hooks. Each call borrows a connection for its duration (or uses the
// one given).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/engine.hpp"
#include "crucible/reflection.hpp"

namespace crucible {

/// Reads tables, views, columns, keys and indexes of a database.
class Inspector {
 public:
  /// Inspects through connections borrowed from engine.
  explicit Inspector(Engine engine) noexcept;
  /// Inspects through conn, which must outlive the Inspector.
  explicit Inspector(Connection& conn) noexcept;

  /// The schemas of the database, sorted (SQLite: "main", "temp" and attached databases;
  /// PostgreSQL: the namespaces, less pg_catalog, pg_toast… and information_schema).
  std::vector<std::string> get_schema_names() const;
  /// Table names of schema (default schema when nullopt), sorted.
  std::vector<std::string> get_table_names(const std::optional<std::string>& schema = {}) const;
  std::vector<std::string> get_view_names(const std::optional<std::string>& schema = {}) const;
  bool has_table(std::string_view table, const std::optional<std::string>& schema = {}) const;
  /// Throws NoSuchTableError when table does not exist.
  std::vector<ReflectedColumn> get_columns(std::string_view table,
                                           const std::optional<std::string>& schema = {}) const;
  ReflectedPrimaryKey get_pk_constraint(std::string_view table,
                                        const std::optional<std::string>& schema = {}) const;
  std::vector<ReflectedForeignKey>
  get_foreign_keys(std::string_view table, const std::optional<std::string>& schema = {}) const;
  std::vector<ReflectedIndex> get_indexes(std::string_view table,
                                          const std::optional<std::string>& schema = {}) const;
  std::vector<ReflectedUniqueConstraint>
  get_unique_constraints(std::string_view table,
                         const std::optional<std::string>& schema = {}) const;
  /// The table's CHECK constraints (Dialect::get_check_constraints); none for a table that
  /// does not exist or a dialect that cannot read them.
  std::vector<ReflectedCheckConstraint>
  get_check_constraints(std::string_view table,
                        const std::optional<std::string>& schema = {}) const;

 private:
  template <class F>
  auto with_connection(F&& fn) const;
  std::optional<Engine> engine_;
  Connection* conn_{nullptr};
};

}  // namespace crucible
