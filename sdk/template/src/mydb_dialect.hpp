#pragma once
// The "mydb" dialect: the SQL language of the database, whatever driver talks to it. Here it is
// SQLite's, taken whole from the SDK's SqliteDialect (crucible/sdk/sqlite3/sqlite_dialect.hpp).
// A dialect for another database derives from crucible::Dialect instead (crucible/dialect.hpp
// documents each hook, and its defaults are standard SQL) and overrides what differs:
//   features()              flags: RETURNING, multi-row VALUES, savepoints, upsert style, …
//   statement_compiler()    a sql::SQLCompiler subclass for the SQL that differs (LIMIT/OFFSET,
//                           the upsert, functions)
//   ddl_compiler(), type_compiler(), process_bind(), process_result()
//                           type names, DDL and the conversions of generic types
//   get_table_names(), get_columns(), get_pk_constraint(), … reflection queries
//   initialize()            what the first connection tells (the server's version)
//   isolation_levels(), is_disconnect(), split_script(), default_pool_class()
#include <string_view>

#include "crucible/sdk/sqlite3/sqlite_dialect.hpp"

namespace mydb {

/// Dialect "mydb": SQLite's SQL under another name, default driver "mydriver".
class MydbDialect final : public crucible::sqlite::SqliteDialect {
 public:
  std::string_view name() const noexcept override { return "mydb"; }
  std::string_view default_driver() const noexcept override { return "mydriver"; }
};

}  // namespace mydb
