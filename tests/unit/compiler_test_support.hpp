#pragma once
// Shared by the compiler unit tests (compiler_expression_test.cpp, compiler_select_test.cpp):
// a test dialect on the framework's standard compiler, a compile helper that reads back the SQL,
// bind names, bound values and types, and a fixture with a small schema.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "crucible/sql/compiler.hpp"

namespace crucible::testing {

// A dialect with the framework's standard compiler, identifier preparer and type compiler, and
// native booleans (unlike SQLite), so the two differ where standard SQL and SQLite differ.
class StandardDialect : public Dialect {
 public:
  StandardDialect() { features_.supports_native_boolean = true; }
  std::string_view name() const noexcept override { return "standardtest"; }
  std::string_view default_driver() const noexcept override { return "none"; }
  const DialectFeatures& features() const noexcept override { return features_; }

 private:
  DialectFeatures features_;
};

inline std::string show(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.kind() == ValueKind::kString) return "'" + v.to_string() + "'";
  return v.to_string();
}

// What a statement compiles to: the SQL, the bind names, and the values the engine would bind
// in order (each slot's gathered own value, or the parameter of its name), show()n.
struct Out {
  std::string sql;
  std::vector<std::string> names;
  std::string values;
  std::vector<SqlType> bind_types;
  std::vector<SqlType> result_types;
};

inline Out compile(const sql::Executable& stmt, const Dialect& dialect, ParamStyle style,
                   const Params* params = nullptr) {
  const auto compiled = stmt.compile(sql::CompileContext{dialect, style, {}, params});
  sql::CacheKey key;
  EXPECT_TRUE(stmt.gather(key, params));
  Out out{compiled->sql, compiled->bind_names, "[", {}, compiled->result_types};
  EXPECT_EQ(compiled->binds.size(), compiled->bind_names.size());
  for (const sql::BindSlot& slot : compiled->binds) {
    out.bind_types.push_back(slot.type);
    const Value v = slot.value_index >= 0
                        ? key.values.at(static_cast<std::size_t>(slot.value_index))
                        : (params ? params->at(slot.name) : Value());
    out.values += (out.values.size() > 1 ? ", " : "") + show(v);
  }
  out.values += "]";
  return out;
}

inline sql::CacheKey key_of(const sql::Executable& stmt) {
  sql::CacheKey key;
  stmt.gather(key, nullptr);
  return key;
}

using Names = std::vector<std::string>;

class CompilerTest : public ::testing::Test {
 protected:
  void SetUp() override { sqlite_ = registry::load_dialect("sqlite"); }

  Out sqlite(const sql::Executable& stmt, const Params* params = nullptr) {
    return compile(stmt, *sqlite_, ParamStyle::kQmark, params);
  }
  Out dollar(const sql::Executable& stmt, const Params* params = nullptr) {
    return compile(stmt, standard_, ParamStyle::kNumericDollar, params);
  }
  Out named(const sql::Executable& stmt, const Params* params = nullptr) {
    return compile(stmt, standard_, ParamStyle::kNamed, params);
  }
  // The WHERE clause alone, as SQLite and as the standard dialect (named) write it.
  std::string where_sqlite(const Expr& criterion) {
    return after_where(sqlite(select(users_.c("id")).where(criterion)).sql);
  }
  std::string where_named(const Expr& criterion) {
    return after_where(named(select(users_.c("id")).where(criterion)).sql);
  }
  static std::string after_where(const std::string& sql) {
    const auto at = sql.find(" \nWHERE ");
    return at == std::string::npos ? "(no WHERE in " + sql + ")" : sql.substr(at + 8);
  }

  MetaData metadata_;
  Table users_{"users",
               metadata_,
               Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)},
               Column{"age", Integer{}},
               Column{"email", String{120}},
               Column{"active", Boolean{}}};
  Table addresses_{"addresses", metadata_, Column{"id", Integer{}, primary_key},
                   Column{"user_id", Integer{}, ForeignKey{"users.id"}},
                   Column{"email", String{120}}};
  Table messages_{"messages", metadata_, Column{"id", Integer{}, primary_key},
                  Column{"sender_id", Integer{}, ForeignKey{"users.id"}},
                  Column{"recipient_id", Integer{}, ForeignKey{"users.id"}}};
  Table items_{"items", metadata_, Column{"id", Integer{}, primary_key}, Column{"sku", String{}}};
  registry::DialectPtr sqlite_;
  StandardDialect standard_;
};

}  // namespace crucible::testing
