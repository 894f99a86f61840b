// The SQL and bind order that INSERT, UPDATE, DELETE, RETURNING and the portable upsert compile
// to: for SQLite's dialect (loaded from its plugin; qmark, ON CONFLICT) and for three test
// dialects declared here (numeric_dollar with ON CONFLICT, format with ON DUPLICATE KEY UPDATE,
// and one without any upsert).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crucible/crucible.hpp"
#include "crucible/registry.hpp"
#include "crucible/sql/compiler.hpp"

using namespace crucible;
using sql::CacheKey;
using sql::CompileContext;
using sql::Compiled;

namespace {

// ---- test dialects --------------------------------------------------------------------------

// A dialect that upserts like PostgreSQL and has RETURNING; compiled here in numeric_dollar.
class DollarDialect : public Dialect {
 public:
  DollarDialect() {
    features_.supports_returning = true;
    features_.upsert_style = UpsertStyle::kOnConflict;
  }
  std::string_view name() const noexcept override { return "dollartest"; }
  std::string_view default_driver() const noexcept override { return "none"; }
  const DialectFeatures& features() const noexcept override { return features_; }

 private:
  DialectFeatures features_;
};

// A dialect that upserts like MySQL and has no RETURNING; compiled here in format.
class DuplicateKeyDialect : public Dialect {
 public:
  DuplicateKeyDialect() { features_.upsert_style = UpsertStyle::kOnDuplicateKey; }
  std::string_view name() const noexcept override { return "duptest"; }
  std::string_view default_driver() const noexcept override { return "none"; }
  const DialectFeatures& features() const noexcept override { return features_; }

 private:
  DialectFeatures features_;
};

// A dialect with no upsert and no multi-row VALUES (or, given kMerge, a MERGE-only one).
class PlainDialect : public Dialect {
 public:
  explicit PlainDialect(UpsertStyle style = UpsertStyle::kNone) {
    features_.upsert_style = style;
    features_.supports_multivalues_insert = false;
  }
  std::string_view name() const noexcept override { return "plaintest"; }
  std::string_view default_driver() const noexcept override { return "none"; }
  const DialectFeatures& features() const noexcept override { return features_; }

 private:
  DialectFeatures features_;
};

// ---- compiling and reading the binds --------------------------------------------------------

// A value as a test reads it: strings quoted, NULL spelled out.
std::string show(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.kind() == ValueKind::kString) return "'" + v.to_string() + "'";
  return v.to_string();
}
std::string show(const std::vector<Value>& values) {
  std::string out = "[";
  for (const Value& v : values) out += (out.size() > 1 ? ", " : "") + show(v);
  return out + "]";
}

// What a statement compiles to, and the values the engine would bind in order (each slot's
// gathered own value, or the parameter of its name).
struct Out {
  std::string sql;
  std::vector<std::string> names;
  std::string values;  // show()n
  std::vector<SqlType> bind_types;
  std::vector<SqlType> result_types;
};

Out compile(const sql::Executable& stmt, const Dialect& dialect, ParamStyle style,
            const Params* params = nullptr) {
  const auto compiled = stmt.compile(CompileContext{dialect, style, {}, params});
  CacheKey key;
  EXPECT_TRUE(stmt.gather(key, params));
  Out out{compiled->sql, compiled->bind_names, {}, {}, compiled->result_types};
  std::vector<Value> values;
  for (const sql::BindSlot& slot : compiled->binds) {
    out.bind_types.push_back(slot.type);
    if (slot.value_index >= 0)
      values.push_back(key.values.at(static_cast<std::size_t>(slot.value_index)));
    else
      values.push_back(params ? params->at(slot.name) : Value());
  }
  out.values = show(values);
  return out;
}

std::string key_of(const sql::Executable& stmt, const Params* params = nullptr) {
  CacheKey key;
  stmt.gather(key, params);
  return key.key;
}

class CompilerDmlTest : public ::testing::Test {
 protected:
  void SetUp() override { sqlite_ = registry::load_dialect("sqlite"); }

  Out sqlite(const sql::Executable& stmt, const Params* params = nullptr) {
    return compile(stmt, *sqlite_, ParamStyle::kQmark, params);
  }
  Out dollar(const sql::Executable& stmt, const Params* params = nullptr) {
    return compile(stmt, dollar_, ParamStyle::kNumericDollar, params);
  }
  Out dupkey(const sql::Executable& stmt, const Params* params = nullptr) {
    return compile(stmt, dupkey_, ParamStyle::kFormat, params);
  }

  MetaData metadata_;
  Table users_{"users", metadata_, Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)}, Column{"email", String{120}}};
  Table counters_{"counters", metadata_, Column{"id", Integer{}, primary_key},
                  Column{"label", String{20}}, Column{"hits", Integer{}, default_(7)}};
  Table archive_{"archive", metadata_, Column{"id", Integer{}, primary_key},
                 Column{"name", String{50}}};
  registry::DialectPtr sqlite_;
  DollarDialect dollar_;
  DuplicateKeyDialect dupkey_;
  PlainDialect plain_;
};

}  // namespace

// ---- INSERT ---------------------------------------------------------------------------------

TEST_F(CompilerDmlTest, InsertValues_BindsOneRowInColumnOrderGiven) {
  const auto stmt = insert(users_).values({{"name", "Alice"}, {"email", "a@example.com"}});
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO users (name, email) VALUES (?, ?)");
  EXPECT_EQ(q.values, "['Alice', 'a@example.com']");
  EXPECT_EQ(dollar(stmt).sql, "INSERT INTO users (name, email) VALUES ($1, $2)");
  EXPECT_EQ(dupkey(stmt).sql, "INSERT INTO users (name, email) VALUES (%s, %s)");
}

TEST_F(CompilerDmlTest, InsertValues_BindsTakeTheColumnsTypes) {
  const Out q = sqlite(insert(users_).values({{"id", 3}, {"name", "Alice"}}));
  ASSERT_EQ(q.bind_types.size(), 2u);
  EXPECT_EQ(q.bind_types[0], Integer{});
  EXPECT_EQ(q.bind_types[1], String{50});
}

TEST_F(CompilerDmlTest, InsertValues_ExpressionsAndNullAreRenderedInPlace) {
  const Out q = sqlite(insert(users_).values({{"name", func::upper("bob")}, {"email", null()}}));
  EXPECT_EQ(q.sql, "INSERT INTO users (name, email) VALUES (upper(?), NULL)");
  EXPECT_EQ(q.values, "['bob']");
}

TEST_F(CompilerDmlTest, InsertValuesRows_RendersOneMultiRowValues) {
  const auto stmt = insert(users_).values_rows({{{"name", "A"}, {"email", "a@x"}},
                                                {{"email", "b@x"}, {"name", "B"}},
                                                {{"name", "C"}, {"email", null()}}});
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO users (name, email) VALUES (?, ?), (?, ?), (?, NULL)");
  EXPECT_EQ(q.values, "['A', 'a@x', 'B', 'b@x', 'C']");
  const Out d = dollar(stmt);
  EXPECT_EQ(d.sql, "INSERT INTO users (name, email) VALUES ($1, $2), ($3, $4), ($5, NULL)");
  EXPECT_EQ(d.values, "['A', 'a@x', 'B', 'b@x', 'C']");
}

TEST_F(CompilerDmlTest, InsertValuesRows_RowsNamingOtherColumnsAreRefused) {
  try {
    (void)insert(users_).values_rows({{{"name", "A"}, {"email", "a@x"}}, {{"name", "B"}}});
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("every row must name the same columns"), std::string::npos)
        << e.what();
  }
}

TEST_F(CompilerDmlTest, InsertValuesRows_RefusedWhereTheDialectHasNoMultiRowValues) {
  const auto stmt = insert(users_).values_rows({{{"name", "A"}}, {{"name", "B"}}});
  try {
    compile(stmt, plain_, ParamStyle::kQmark);
    FAIL() << "expected NotSupportedError";
  } catch (const NotSupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("plaintest"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("multi-row VALUES"), std::string::npos) << e.what();
  }
}

TEST_F(CompilerDmlTest, InsertValues_UnknownColumnNamesTheTableAndItsColumns) {
  try {
    (void)insert(users_).values({{"nmae", "Alice"}});
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'users' has no column 'nmae'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("id, name, email"), std::string::npos) << msg;
  }
}

TEST_F(CompilerDmlTest, InsertWithoutValues_TakesColumnsFromParamsInTableOrder) {
  const Params params{{"email", "e@x"}, {"name", "Eve"}};
  const Out q = sqlite(insert(users_), &params);
  EXPECT_EQ(q.sql, "INSERT INTO users (name, email) VALUES (?, ?)");
  EXPECT_EQ(q.names, (std::vector<std::string>{"name", "email"}));
  EXPECT_EQ(q.values, "['Eve', 'e@x']");
  EXPECT_EQ(q.bind_types[0], String{50});
}

TEST_F(CompilerDmlTest, InsertWithoutValues_ParamNamingNoColumnIsRefused) {
  const Params params{{"name", "Eve"}, {"emial", "e@x"}};
  try {
    sqlite(insert(users_), &params);
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("no column 'emial'"), std::string::npos) << e.what();
  }
}

TEST_F(CompilerDmlTest, InsertWithoutValuesOrParams_DisplaysEveryColumnAsNamedBind) {
  const auto compiled = sql::compile(insert(users_), *sqlite_);
  EXPECT_EQ(compiled->sql, "INSERT INTO users (id, name, email) VALUES (:id, :name, :email)");
}

TEST_F(CompilerDmlTest, InsertWithEmptyParams_IsDefaultValues) {
  const Params none;
  EXPECT_EQ(sqlite(insert(users_), &none).sql, "INSERT INTO users DEFAULT VALUES");
}

TEST_F(CompilerDmlTest, InsertColumnDefault_BoundWhenTheColumnIsLeftOut) {
  const Out q = sqlite(insert(counters_).values({{"label", "a"}}));
  EXPECT_EQ(q.sql, "INSERT INTO counters (label, hits) VALUES (?, ?)");
  EXPECT_EQ(q.values, "['a', 7]");

  const Params params{{"label", "b"}};
  const Out p = sqlite(insert(counters_), &params);
  EXPECT_EQ(p.sql, "INSERT INTO counters (label, hits) VALUES (?, ?)");
  EXPECT_EQ(p.values, "['b', 7]");

  const Out rows = sqlite(insert(counters_).values_rows({{{"label", "c"}}, {{"label", "d"}}}));
  EXPECT_EQ(rows.sql, "INSERT INTO counters (label, hits) VALUES (?, ?), (?, ?)");
  EXPECT_EQ(rows.values, "['c', 7, 'd', 7]");
}

TEST_F(CompilerDmlTest, InsertColumnDefault_NotUsedWhenTheColumnIsGiven) {
  const Out q = sqlite(insert(counters_).values({{"label", "a"}, {"hits", 1}}));
  EXPECT_EQ(q.sql, "INSERT INTO counters (label, hits) VALUES (?, ?)");
  EXPECT_EQ(q.values, "['a', 1]");
  const Params params{{"hits", 2}};
  EXPECT_EQ(sqlite(insert(counters_), &params).values, "[2]");
}

TEST_F(CompilerDmlTest, InsertFromSelect_WritesTheSelectAfterTheColumnList) {
  const auto stmt = insert(archive_).from_select(
      {"id", "name"}, select(users_.c("id"), users_.c("name")).where(users_.c("id") > 10));
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO archive (id, name) SELECT users.id, users.name \nFROM users "
                   "\nWHERE users.id > ?");
  EXPECT_EQ(q.values, "[10]");
  EXPECT_EQ(dollar(stmt).sql, "INSERT INTO archive (id, name) SELECT users.id, users.name \nFROM "
                              "users \nWHERE users.id > $1");
}

TEST_F(CompilerDmlTest, InsertFromSelect_ColumnCountMustMatch) {
  EXPECT_THROW((void)insert(archive_).from_select({"id"}, select(users_.c("id"), users_.c("name"))),
               ArgumentError);
}

TEST_F(CompilerDmlTest, InsertReturning_ListsTheColumnsAndTheirTypes) {
  const auto stmt =
      insert(users_).values({{"name", "Alice"}}).returning({users_.c("id"), users_.c("name")});
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO users (name) VALUES (?) RETURNING users.id, users.name");
  EXPECT_EQ(q.result_types, (std::vector<SqlType>{Integer{}, String{50}}));
  EXPECT_EQ(dollar(stmt).sql,
            "INSERT INTO users (name) VALUES ($1) RETURNING users.id, users.name");
}

TEST_F(CompilerDmlTest, Returning_RefusedWhereTheDialectHasNone) {
  const auto stmt = insert(users_).values({{"name", "Alice"}}).returning({users_.c("id")});
  try {
    dupkey(stmt);
    FAIL() << "expected NotSupportedError";
  } catch (const NotSupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("'duptest' has no RETURNING"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(dupkey(update(users_).values({{"name", "x"}}).returning({users_.c("id")})),
               NotSupportedError);
  EXPECT_THROW(dupkey(delete_(users_).returning({users_.c("id")})), NotSupportedError);
}

// ---- UPDATE and DELETE ----------------------------------------------------------------------

TEST_F(CompilerDmlTest, Update_SetThenWhereBindsInThatOrder) {
  const auto stmt = update(users_).where(users_.c("id") == 5).values({{"name", "Bob"}});
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "UPDATE users SET name=? WHERE users.id = ?");
  EXPECT_EQ(q.values, "['Bob', 5]");
  EXPECT_EQ(dollar(stmt).sql, "UPDATE users SET name=$1 WHERE users.id = $2");
  EXPECT_EQ(dupkey(stmt).sql, "UPDATE users SET name=%s WHERE users.id = %s");
}

TEST_F(CompilerDmlTest, UpdateWhere_CalledTwiceAndsTheCriteria) {
  const auto stmt = update(users_)
                        .values({{"email", null()}})
                        .where(users_.c("id") > 1)
                        .where(users_.c("name") == "Bob");
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "UPDATE users SET email=NULL WHERE users.id > ? AND users.name = ?");
  EXPECT_EQ(q.values, "[1, 'Bob']");
}

TEST_F(CompilerDmlTest, UpdateValues_ExpressionOfTheColumnItself) {
  const Out q = sqlite(update(counters_).values({{"hits", counters_.c("hits") + 1}}));
  EXPECT_EQ(q.sql, "UPDATE counters SET hits=counters.hits + ?");
  EXPECT_EQ(q.values, "[1]");
}

TEST_F(CompilerDmlTest, UpdateWithoutValues_SetsTheColumnsTheParamsName) {
  const auto stmt = update(users_).where(users_.c("id") == bindparam("target", Integer{}));
  const Params params{{"target", 4}, {"email", "new@x"}};
  const Out q = sqlite(stmt, &params);
  EXPECT_EQ(q.sql, "UPDATE users SET email=? WHERE users.id = ?");
  EXPECT_EQ(q.names, (std::vector<std::string>{"email", "target"}));
  EXPECT_EQ(q.values, "['new@x', 4]");
}

TEST_F(CompilerDmlTest, UpdateWithoutValues_ParamsNamingNoColumnAreRefused) {
  const Params params{{"target", 4}};
  EXPECT_THROW(sqlite(update(users_), &params), ArgumentError);
}

TEST_F(CompilerDmlTest, UpdateReturning_AfterTheWhere) {
  const Out q = sqlite(update(users_)
                           .values({{"name", "X"}})
                           .where(users_.c("id") == 2)
                           .returning({users_.c("id"), users_.c("email")}));
  EXPECT_EQ(q.sql, "UPDATE users SET name=? WHERE users.id = ? RETURNING users.id, users.email");
  EXPECT_EQ(q.result_types, (std::vector<SqlType>{Integer{}, String{120}}));
}

TEST_F(CompilerDmlTest, Delete_WithWhereAndReturning) {
  const auto stmt = delete_(users_).where(users_.c("name").like("A%")).returning({users_.c("id")});
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "DELETE FROM users WHERE users.name LIKE ? RETURNING users.id");
  EXPECT_EQ(q.values, "['A%']");
  EXPECT_EQ(dollar(stmt).sql, "DELETE FROM users WHERE users.name LIKE $1 RETURNING users.id");
  EXPECT_EQ(sqlite(delete_(users_)).sql, "DELETE FROM users");
}

TEST_F(CompilerDmlTest, UpdateAndDelete_NestedSelectsCorrelateToTheTargetTable) {
  const auto name_of = select(archive_.c("name")).where(archive_.c("id") == users_.c("id"));
  EXPECT_EQ(sqlite(update(users_).values({{"name", name_of.scalar_subquery()}})).sql,
            "UPDATE users SET name=(SELECT archive.name \nFROM archive \nWHERE archive.id = "
            "users.id)");
  const auto archived = select(archive_.c("id")).where(archive_.c("id") == users_.c("id"));
  EXPECT_EQ(sqlite(delete_(users_).where(exists(archived))).sql,
            "DELETE FROM users WHERE EXISTS (SELECT archive.id \nFROM archive \nWHERE "
            "archive.id = users.id)");
}

TEST_F(CompilerDmlTest, InsertFromSelect_WithACteWritesTheWithClause) {
  const auto recent =
      select(users_.c("id"), users_.c("name")).where(users_.c("id") > 5).cte("recent");
  const Out q = sqlite(
      insert(archive_).from_select({"id", "name"}, select(recent.c("id"), recent.c("name"))));
  EXPECT_EQ(q.sql, "INSERT INTO archive (id, name) WITH recent AS \n(SELECT users.id, "
                   "users.name \nFROM users \nWHERE users.id > ?)\n SELECT recent.id, "
                   "recent.name \nFROM recent");
  EXPECT_EQ(q.values, "[5]");
}

TEST_F(CompilerDmlTest, UpdateAndDelete_WithACteWriteTheWithClauseFirst) {
  const auto recent = select(archive_.c("id")).where(archive_.c("id") > 5).cte("recent");
  const Out u = sqlite(update(users_)
                           .where(sql::in_(users_.c("id"), select(recent.c("id"))))
                           .values({{"name", "archived"}}));
  EXPECT_EQ(u.sql, "WITH recent AS \n(SELECT archive.id \nFROM archive \nWHERE archive.id > "
                   "?)\n UPDATE users SET name=? WHERE users.id IN (SELECT recent.id \nFROM "
                   "recent)");
  EXPECT_EQ(u.values, "[5, 'archived']");
  const Out d = dollar(delete_(users_).where(sql::in_(users_.c("id"), select(recent.c("id")))));
  EXPECT_EQ(d.sql, "WITH recent AS \n(SELECT archive.id \nFROM archive \nWHERE archive.id > "
                   "$1)\n DELETE FROM users WHERE users.id IN (SELECT recent.id \nFROM recent)");
  EXPECT_EQ(d.values, "[5]");
}

TEST_F(CompilerDmlTest, InsertFromSelectWithUpsert_SqliteGivesTheSelectAWhere) {
  const auto copy = [&](const Select& source) {
    return insert(archive_)
        .from_select({"id", "name"}, source)
        .on_conflict_do_update({"id"}, {{"name", excluded(archive_, "name")}});
  };
  const Select all = select(users_.c("id"), users_.c("name"));
  // SQLite would read "FROM users ON CONFLICT" as a join's ON (lang_upsert.html).
  EXPECT_EQ(sqlite(copy(all)).sql,
            "INSERT INTO archive (id, name) SELECT * FROM (SELECT users.id, users.name \nFROM "
            "users) WHERE true ON CONFLICT (id) DO UPDATE SET name = excluded.name");
  EXPECT_EQ(dollar(copy(all)).sql,
            "INSERT INTO archive (id, name) SELECT users.id, users.name \nFROM users ON "
            "CONFLICT (id) DO UPDATE SET name = excluded.name");
  // A SELECT with a WHERE of its own is left as it is.
  EXPECT_EQ(sqlite(copy(all.where(users_.c("id") > 1))).sql,
            "INSERT INTO archive (id, name) SELECT users.id, users.name \nFROM users \nWHERE "
            "users.id > ? ON CONFLICT (id) DO UPDATE SET name = excluded.name");
}

TEST_F(CompilerDmlTest, Dml_IdentifiersGoThroughTheDialectsQuoting) {
  MetaData md;
  Table order{"order", md, Column{"id", Integer{}, primary_key}, Column{"Desc", String{}}};
  EXPECT_EQ(sqlite(insert(order).values({{"Desc", "x"}})).sql,
            "INSERT INTO \"order\" (\"Desc\") VALUES (?)");
  EXPECT_EQ(sqlite(update(order).values({{"Desc", "x"}})).sql, "UPDATE \"order\" SET \"Desc\"=?");
  EXPECT_EQ(sqlite(delete_(order)).sql, "DELETE FROM \"order\"");
}

// ---- the upsert -----------------------------------------------------------------------------

TEST_F(CompilerDmlTest, OnConflictDoUpdate_OnConflictStyleUsesExcluded) {
  const auto stmt = insert(users_)
                        .values({{"id", 1}, {"name", "Al"}, {"email", "al@x"}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}});
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON CONFLICT (id) DO "
                   "UPDATE SET name = excluded.name");
  EXPECT_EQ(q.values, "[1, 'Al', 'al@x']");
  EXPECT_EQ(dollar(stmt).sql, "INSERT INTO users (id, name, email) VALUES ($1, $2, $3) ON "
                              "CONFLICT (id) DO UPDATE SET name = excluded.name");
}

TEST_F(CompilerDmlTest, OnConflictDoUpdate_WhereAndBoundSetValuesFollowTheRow) {
  const auto stmt =
      insert(counters_)
          .values({{"id", 1}, {"label", "a"}, {"hits", 1}})
          .on_conflict_do_update(
              {"id"},
              {{"hits", counters_.c("hits") + excluded(counters_, "hits")}, {"label", "seen"}},
              counters_.c("hits") < 100);
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO counters (id, label, hits) VALUES (?, ?, ?) ON CONFLICT (id) DO "
                   "UPDATE SET hits = counters.hits + excluded.hits, label = ? WHERE "
                   "counters.hits < ?");
  EXPECT_EQ(q.values, "[1, 'a', 1, 'seen', 100]");
  const Out d = dollar(stmt);
  EXPECT_EQ(d.sql, "INSERT INTO counters (id, label, hits) VALUES ($1, $2, $3) ON CONFLICT (id) "
                   "DO UPDATE SET hits = counters.hits + excluded.hits, label = $4 WHERE "
                   "counters.hits < $5");
  EXPECT_EQ(d.values, "[1, 'a', 1, 'seen', 100]");
}

TEST_F(CompilerDmlTest, OnConflictDoNothing_WithAndWithoutIndexColumns) {
  const auto row = insert(users_).values({{"id", 1}, {"name", "Al"}});
  EXPECT_EQ(sqlite(row.on_conflict_do_nothing({"id"})).sql,
            "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING");
  EXPECT_EQ(sqlite(row.on_conflict_do_nothing()).sql,
            "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING");
  EXPECT_EQ(dollar(row.on_conflict_do_nothing({"id"})).sql,
            "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING");
}

TEST_F(CompilerDmlTest, OnConflictDoUpdate_WithReturningAndManyRows) {
  const auto stmt = insert(users_)
                        .values_rows({{{"id", 1}, {"name", "A"}}, {{"id", 2}, {"name", "B"}}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}})
                        .returning({users_.c("id")});
  EXPECT_EQ(dollar(stmt).sql, "INSERT INTO users (id, name) VALUES ($1, $2), ($3, $4) ON CONFLICT "
                              "(id) DO UPDATE SET name = excluded.name RETURNING users.id");
}

TEST_F(CompilerDmlTest, OnDuplicateKey_UsesValuesOfTheColumn) {
  const auto stmt =
      insert(users_)
          .values({{"id", 1}, {"name", "Al"}})
          .on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}, {"email", "x@y"}});
  const Out q = dupkey(stmt);
  EXPECT_EQ(q.sql, "INSERT INTO users (id, name) VALUES (%s, %s) ON DUPLICATE KEY UPDATE name = "
                   "VALUES(name), email = %s");
  EXPECT_EQ(q.values, "[1, 'Al', 'x@y']");
}

TEST_F(CompilerDmlTest, OnDuplicateKey_DoNothingAssignsTheKeyToItself) {
  const auto row = insert(users_).values({{"id", 1}, {"name", "Al"}});
  EXPECT_EQ(dupkey(row.on_conflict_do_nothing({"name"})).sql,
            "INSERT INTO users (id, name) VALUES (%s, %s) ON DUPLICATE KEY UPDATE name = name");
  EXPECT_EQ(dupkey(row.on_conflict_do_nothing()).sql,
            "INSERT INTO users (id, name) VALUES (%s, %s) ON DUPLICATE KEY UPDATE id = id");
}

TEST_F(CompilerDmlTest, OnDuplicateKey_RefusesAWhereCriterion) {
  const auto stmt = insert(users_)
                        .values({{"id", 1}, {"name", "Al"}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}},
                                               users_.c("name") != "keep");
  EXPECT_THROW(dupkey(stmt), NotSupportedError);
}

TEST_F(CompilerDmlTest, Upsert_RefusedByADialectWithoutOne) {
  const auto row = insert(users_).values({{"id", 1}, {"name", "Al"}});
  for (const auto& stmt :
       {row.on_conflict_do_nothing({"id"}),
        row.on_conflict_do_update({"id"}, {{"name", excluded(users_, "name")}})}) {
    try {
      compile(stmt, plain_, ParamStyle::kQmark);
      FAIL() << "expected NotSupportedError";
    } catch (const NotSupportedError& e) {
      EXPECT_NE(std::string(e.what()).find("'plaintest' has no upsert"), std::string::npos)
          << e.what();
    }
  }
}

TEST_F(CompilerDmlTest, Upsert_MergeStyleIsRefusedWithAClearMessage) {
  const PlainDialect merge{UpsertStyle::kMerge};
  try {
    compile(insert(users_).values({{"id", 1}}).on_conflict_do_nothing({"id"}), merge,
            ParamStyle::kQmark);
    FAIL() << "expected NotSupportedError";
  } catch (const NotSupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("MERGE"), std::string::npos) << e.what();
  }
}

TEST_F(CompilerDmlTest, Upsert_UnknownColumnsAreRefusedWhenBuilt) {
  const auto row = insert(users_).values({{"id", 1}});
  EXPECT_THROW((void)row.on_conflict_do_nothing({"idd"}), ArgumentError);
  EXPECT_THROW((void)row.on_conflict_do_update({"id"}, {{"nmae", "x"}}), ArgumentError);
  EXPECT_THROW((void)row.on_conflict_do_update({}, {{"name", "x"}}), ArgumentError);
  EXPECT_THROW((void)excluded(users_, "nmae"), ArgumentError);
}

TEST_F(CompilerDmlTest, Upsert_PartialIndexTargetOnSqlite) {
  const auto stmt = insert(users_)
                        .values({{"id", 1}, {"name", "Al"}})
                        .on_conflict_do_update(ConflictTarget({"name"}, users_.c("email") != ""),
                                               {{"id", excluded(users_, "id")}});
  EXPECT_EQ(sqlite(stmt).sql, "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (name) "
                              "WHERE email != ? DO UPDATE SET id = excluded.id");
  EXPECT_EQ(sqlite(stmt).values, "[1, 'Al', '']");
}

TEST_F(CompilerDmlTest, Upsert_ConstraintTargetIsRefusedWhereThereIsNoOnConstraint) {
  const auto row = insert(users_).values({{"id", 1}, {"name", "Al"}});
  for (const auto& stmt : {row.on_conflict_do_nothing(ConflictTarget::constraint("uq_name")),
                           row.on_conflict_do_update(ConflictTarget::constraint("uq_name"),
                                                     {{"name", excluded(users_, "name")}})}) {
    try {
      sqlite(stmt);
      FAIL() << "expected NotSupportedError";
    } catch (const NotSupportedError& e) {
      EXPECT_NE(std::string(e.what()).find("'sqlite' cannot name an upsert's conflict target by "
                                           "constraint"),
                std::string::npos)
          << e.what();
    }
    EXPECT_THROW(dupkey(stmt), NotSupportedError);
  }
}

TEST_F(CompilerDmlTest, Upsert_MalformedTargetsAreRefusedWhenBuilt) {
  EXPECT_THROW((void)ConflictTarget::constraint(""), ArgumentError);
  EXPECT_THROW((void)ConflictTarget({}, users_.c("id") > 1), ArgumentError);
  EXPECT_THROW((void)ConflictTarget({"id"}, Expr()), ArgumentError);
  EXPECT_THROW(
      (void)insert(users_)
          .values({{"id", 1}})
          .on_conflict_do_update(ConflictTarget({"nmae"}, users_.c("id") > 1), {{"name", "x"}}),
      ArgumentError);
}

// ---- sequences ------------------------------------------------------------------------------

// A dialect with sequences and the standard NEXT VALUE FOR.
class SequenceDialect : public DollarDialect {
 public:
  SequenceDialect() { features_.supports_sequences = true; }
  std::string_view name() const noexcept override { return "seqtest"; }
  const DialectFeatures& features() const noexcept override { return features_; }

 private:
  DialectFeatures features_{DollarDialect().features()};
};

TEST_F(CompilerDmlTest, NextValue_StandardWhereThereAreSequencesRefusedElsewhere) {
  const SequenceDialect seq;
  const auto stmt = select(next_value(Sequence{.name = "Ids", .schema = "app"}).label("n"));
  EXPECT_EQ(compile(stmt, seq, ParamStyle::kNumericDollar).sql,
            "SELECT NEXT VALUE FOR app.\"Ids\" AS n");
  try {
    sqlite(stmt);
    FAIL() << "expected NotSupportedError";
  } catch (const NotSupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("'sqlite' has no sequences"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)next_value(Sequence{}), ArgumentError);
}

TEST_F(CompilerDmlTest, SequenceDefault_UsedWhereThereAreSequencesLeftOutElsewhere) {
  MetaData md;
  Table t{"t", md, Column{"id", BigInteger{}, Sequence{"t_id"}, primary_key},
          Column{"n", Integer{}}};
  const SequenceDialect seq;
  const Params n{{"n", 1}};
  EXPECT_EQ(compile(insert(t), seq, ParamStyle::kNumericDollar, &n).sql,
            "INSERT INTO t (n, id) VALUES ($1, NEXT VALUE FOR t_id)");
  EXPECT_EQ(sqlite(insert(t), &n).sql, "INSERT INTO t (n) VALUES (?)");
  EXPECT_EQ(sqlite(insert(t).values_rows({{{"n", 1}}, {{"n", 2}}})).sql,
            "INSERT INTO t (n) VALUES (?), (?)");
  // A value given for the column is bound on both.
  const Params both{{"id", 5}, {"n", 1}};
  EXPECT_EQ(sqlite(insert(t), &both).sql, "INSERT INTO t (id, n) VALUES (?, ?)");
  EXPECT_THROW((Table{"u", md, Column{"id", Integer{}, Sequence{"u_id"}, default_(1)}}),
               ArgumentError);
}

// ---- cache keys -----------------------------------------------------------------------------

TEST_F(CompilerDmlTest, CacheKey_EqualForTheSameShapeWithOtherValues) {
  EXPECT_EQ(key_of(insert(users_).values({{"name", "A"}})),
            key_of(insert(users_).values({{"name", "B"}})));
  EXPECT_NE(key_of(insert(users_).values({{"name", "A"}})),
            key_of(insert(users_).values({{"email", "A"}})));
  EXPECT_EQ(key_of(update(users_).values({{"name", "A"}}).where(users_.c("id") == 1)),
            key_of(update(users_).values({{"name", "B"}}).where(users_.c("id") == 2)));
  EXPECT_NE(key_of(delete_(users_).where(users_.c("id") == 1)),
            key_of(delete_(users_).where(users_.c("id") > 1)));
  const auto upsert = [&](const char* set) {
    return key_of(insert(users_).values({{"id", 1}}).on_conflict_do_update({"id"}, {{set, "x"}}));
  };
  EXPECT_EQ(upsert("name"), upsert("name"));
  EXPECT_NE(upsert("name"), upsert("email"));
}

TEST_F(CompilerDmlTest, CacheKey_IncludesTheParamNamesOfAStatementWithoutValues) {
  const Params a{{"name", "A"}};
  const Params b{{"name", "B"}};
  const Params c{{"name", "A"}, {"email", "e"}};
  EXPECT_EQ(key_of(insert(users_), &a), key_of(insert(users_), &b));
  EXPECT_NE(key_of(insert(users_), &a), key_of(insert(users_), &c));
  EXPECT_NE(key_of(update(users_), &a), key_of(update(users_), &c));
}

TEST_F(CompilerDmlTest, Gather_PushesOwnValuesInRenderOrder) {
  CacheKey key;
  update(users_).values({{"name", "N"}}).where(users_.c("id") == 9).gather(key, nullptr);
  EXPECT_EQ(show(key.values), "['N', 9]");
  EXPECT_EQ(key.bind_nodes.size(), 2u);
}

// ---- insertmanyvalues -----------------------------------------------------------------------

namespace {
std::shared_ptr<const sql::Compiled> compiled(const sql::Executable& stmt, const Dialect& dialect,
                                              ParamStyle style, const Params* params = nullptr) {
  return stmt.compile(sql::CompileContext{dialect, style, {}, params});
}
}  // namespace

TEST_F(CompilerDmlTest, InsertManyValues_RepeatsTheTupleNumberingEachRowsPlaceholders) {
  const Params row{{"id", 1}, {"name", "a"}};
  const auto single = compiled(insert(archive_), dollar_, ParamStyle::kNumericDollar, &row);
  ASSERT_NE(single->insertmanyvalues, nullptr);
  const auto three = sql::expand_insertmanyvalues(*single, 3);
  EXPECT_EQ(three->sql, "INSERT INTO archive (id, name) VALUES ($1, $2), ($3, $4), ($5, $6)");
  EXPECT_EQ(three->bind_names,
            (std::vector<std::string>{"id", "name", "id", "name", "id", "name"}));
  EXPECT_EQ(three->binds.size(), 6u);
  const auto qmark = compiled(insert(archive_), *sqlite_, ParamStyle::kQmark, &row);
  ASSERT_NE(qmark->insertmanyvalues, nullptr);
  EXPECT_EQ(sql::expand_insertmanyvalues(*qmark, 2)->sql,
            "INSERT INTO archive (id, name) VALUES (?, ?), (?, ?)");
  EXPECT_THROW((void)sql::expand_insertmanyvalues(*qmark, 0), ArgumentError);
}

TEST_F(CompilerDmlTest, InsertManyValues_KeepsExpressionsAndTheUpsertAfterTheTuple) {
  const Params row{{"id", 1}};
  const auto stmt = insert(archive_)
                        .values({{"id", bindparam("id")}, {"name", func::lower(literal("X"))}})
                        .on_conflict_do_update({"id"}, {{"name", excluded(archive_, "name")}});
  const auto single = compiled(stmt, dollar_, ParamStyle::kNumericDollar, &row);
  ASSERT_NE(single->insertmanyvalues, nullptr);
  EXPECT_EQ(sql::expand_insertmanyvalues(*single, 2)->sql,
            "INSERT INTO archive (id, name) VALUES ($1, lower($2)), ($3, lower($4)) ON CONFLICT "
            "(id) DO UPDATE SET name = excluded.name");
}

TEST_F(CompilerDmlTest, InsertManyValues_NotMadeWhereAPlaceholderIsOutsideTheTuple) {
  const Params row{{"id", 1}, {"name", "a"}};
  // A bound value in the upsert's WHERE: the statement cannot be repeated row by row.
  const auto guarded = insert(archive_).on_conflict_do_update(
      {"id"}, {{"name", excluded(archive_, "name")}}, archive_.c("name") != "keep");
  EXPECT_EQ(compiled(guarded, dollar_, ParamStyle::kNumericDollar, &row)->insertmanyvalues,
            nullptr);
  // Named placeholders would need other names per row; multi-row VALUES and INSERT … SELECT
  // are not single-row.
  EXPECT_EQ(compiled(insert(archive_), dollar_, ParamStyle::kNamed, &row)->insertmanyvalues,
            nullptr);
  EXPECT_EQ(compiled(insert(archive_).values_rows({{{"id", 1}}, {{"id", 2}}}), dollar_,
                     ParamStyle::kQmark)
                ->insertmanyvalues,
            nullptr);
  EXPECT_EQ(compiled(insert(archive_).from_select({"id"}, select(users_.c("id"))), dollar_,
                     ParamStyle::kQmark)
                ->insertmanyvalues,
            nullptr);
}

TEST_F(CompilerDmlTest, InsertManyValues_KeepsTheStatementWithoutReturningWhenOnlyTheKeyReturns) {
  const Params row{{"name", "a"}};
  const auto keyed =
      compiled(insert(users_).returning({users_.c("id")}), *sqlite_, ParamStyle::kQmark, &row);
  ASSERT_NE(keyed->insertmanyvalues, nullptr);
  EXPECT_EQ(keyed->sql, "INSERT INTO users (name) VALUES (?) RETURNING users.id");
  EXPECT_EQ(keyed->insertmanyvalues->lastrowid_sql, "INSERT INTO users (name) VALUES (?)");
  EXPECT_EQ(keyed->insertmanyvalues->lastrowid_column, "id");
  // Anything more than the autoincrement key must come back through RETURNING itself.
  const auto two = compiled(insert(users_).returning({users_.c("id"), users_.c("name")}), *sqlite_,
                            ParamStyle::kQmark, &row);
  ASSERT_NE(two->insertmanyvalues, nullptr);
  EXPECT_EQ(two->insertmanyvalues->lastrowid_sql, "");
  const auto other =
      compiled(insert(users_).returning({users_.c("name")}), *sqlite_, ParamStyle::kQmark, &row);
  EXPECT_EQ(other->insertmanyvalues->lastrowid_sql, "");
  // An upsert may insert no row for a set, and then its lastrowid is not that set's key.
  const auto upsert =
      compiled(insert(users_).on_conflict_do_nothing({"name"}).returning({users_.c("id")}),
               *sqlite_, ParamStyle::kQmark, &row);
  ASSERT_NE(upsert->insertmanyvalues, nullptr);
  EXPECT_EQ(upsert->insertmanyvalues->lastrowid_sql, "");
  // A key the database does not number (a text key) is no lastrowid.
  MetaData metadata;
  const Table tags{"tags", metadata, Column{"code", String{10}, primary_key},
                   Column{"label", String{20}}};
  const Params tag{{"label", "x"}};
  const auto text_key =
      compiled(insert(tags).returning({tags.c("code")}), *sqlite_, ParamStyle::kQmark, &tag);
  ASSERT_NE(text_key->insertmanyvalues, nullptr);
  EXPECT_EQ(text_key->insertmanyvalues->lastrowid_sql, "");
  // Without RETURNING there is nothing to serve.
  EXPECT_EQ(
      compiled(insert(users_), *sqlite_, ParamStyle::kQmark, &row)->insertmanyvalues->lastrowid_sql,
      "");
}
