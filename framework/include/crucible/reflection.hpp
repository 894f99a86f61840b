#pragma once
// What a dialect's reflection hooks return: the shapes of SQLAlchemy's ReflectedColumn,
// ReflectedPrimaryKeyConstraint, ReflectedForeignKeyConstraint, ReflectedIndex,
// ReflectedUniqueConstraint and ReflectedCheckConstraint (sqlalchemy.engine.interfaces). Plain data; the Inspector
// (inspection.hpp) hands them to programs.
#include <optional>
#include <string>
#include <vector>

namespace crucible {

/// One column as the database describes it.
struct ReflectedColumn {
  std::string name;
  std::string type;  ///< the declared type as the database prints it ("NVARCHAR(120)")
  bool nullable{true};
  std::optional<std::string> default_;  ///< the server default's SQL text, or nullopt
  bool autoincrement{false};            ///< an integer primary key the database numbers itself
  std::optional<std::string> comment;
  /// A column of a named enumerated type (PostgreSQL's CREATE TYPE … AS ENUM): the type's name,
  /// unquoted, and its labels in order; empty for other columns. Table reflection makes the
  /// column an Enum(enum_values, enum_name).
  std::string enum_name;
  std::vector<std::string> enum_values;
  friend bool operator==(const ReflectedColumn&, const ReflectedColumn&) = default;
};

/// A table's primary key; constrained_columns is empty when it has none.
struct ReflectedPrimaryKey {
  std::optional<std::string> name;
  std::vector<std::string> constrained_columns;  ///< in key order
  friend bool operator==(const ReflectedPrimaryKey&, const ReflectedPrimaryKey&) = default;
};

/// A foreign key constraint.
struct ReflectedForeignKey {
  std::optional<std::string> name;
  std::vector<std::string> constrained_columns;
  std::optional<std::string> referred_schema;
  std::string referred_table;
  std::vector<std::string> referred_columns;  ///< same length and order as constrained_columns
  std::optional<std::string> on_update;       ///< "CASCADE", "SET NULL"…; nullopt for the default
  std::optional<std::string> on_delete;
  friend bool operator==(const ReflectedForeignKey&, const ReflectedForeignKey&) = default;
};

/// An index (not the implicit ones a database makes for its own constraints).
struct ReflectedIndex {
  std::string name;
  std::vector<std::string> column_names;  ///< an expression part is reported as ""
  bool unique{false};
  friend bool operator==(const ReflectedIndex&, const ReflectedIndex&) = default;
};

/// A UNIQUE constraint.
struct ReflectedUniqueConstraint {
  std::optional<std::string> name;
  std::vector<std::string> column_names;
  friend bool operator==(const ReflectedUniqueConstraint&,
                         const ReflectedUniqueConstraint&) = default;
};

/// A CHECK constraint: its condition as the database keeps it, without the CHECK keyword and the
/// outer parentheses ("qty > 0"). Databases differ in how they print the same condition
/// (PostgreSQL adds parentheses and casts; SQLite keeps the text as written).
struct ReflectedCheckConstraint {
  std::optional<std::string> name;  ///< nullopt for an unnamed one (SQLite keeps no name)
  std::string sqltext;
  friend bool operator==(const ReflectedCheckConstraint&,
                         const ReflectedCheckConstraint&) = default;
};

}  // namespace crucible
