// The SQL and bind order expressions compile to, for SQLite's dialect (loaded from its plugin;
// qmark) and for a test dialect on the framework's standard compiler (numeric_dollar, named,
// and the other PEP 249 styles where a test is about paramstyles): operators and precedence,
// functions, CAST, CASE, literals, binds, identifier quoting, literal rendering for display.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler_test_support.hpp"

using namespace crucible;
using crucible::testing::key_of;
using crucible::testing::Names;
using crucible::testing::Out;

namespace {
class CompilerExpressionTest : public crucible::testing::CompilerTest {};
}  // namespace

// ---- operators and precedence ---------------------------------------------------------------

TEST_F(CompilerExpressionTest, Comparisons_BindTheOtherSidesTypeAndName) {
  EXPECT_EQ(where_named(users_.c("age") < 5), "users.age < :age_1");
  EXPECT_EQ(where_named(users_.c("age") <= 5), "users.age <= :age_1");
  EXPECT_EQ(where_named(users_.c("age") >= 5), "users.age >= :age_1");
  EXPECT_EQ(where_named(5 < users_.c("age")), ":age_1 < users.age");
  EXPECT_EQ(where_named(users_.c("age") == users_.c("id")), "users.age = users.id");
  const Out q = sqlite(select(users_.c("id")).where(users_.c("active") == true));
  EXPECT_EQ(q.bind_types, std::vector<SqlType>{Boolean{}});
}

TEST_F(CompilerExpressionTest, Null_ComparisonIsIsNull) {
  EXPECT_EQ(where_sqlite(users_.c("email") == null()), "users.email IS NULL");
  EXPECT_EQ(where_sqlite(users_.c("email") == nullptr), "users.email IS NULL");
  EXPECT_EQ(where_sqlite(users_.c("email") == Value()), "users.email IS NULL");
  EXPECT_EQ(where_sqlite(users_.c("email") != nullptr), "users.email IS NOT NULL");
  EXPECT_EQ(where_sqlite(null() == users_.c("email")), "users.email IS NULL");
  EXPECT_EQ(where_sqlite(users_.c("email").is_null()), "users.email IS NULL");
  EXPECT_EQ(where_sqlite(users_.c("email").is_not_null()), "users.email IS NOT NULL");
  EXPECT_EQ(where_sqlite(not_(users_.c("email").is_null())), "users.email IS NOT NULL");
}

TEST_F(CompilerExpressionTest, Arithmetic_ParenthesesOnlyWherePrecedenceNeedsThem) {
  const Expr age = users_.c("age");
  const Expr id = users_.c("id");
  EXPECT_EQ(where_sqlite((age + 1) * 2 > 10), "(users.age + ?) * ? > ?");
  EXPECT_EQ(where_sqlite(age + id * 2 > 10), "users.age + users.id * ? > ?");
  EXPECT_EQ(where_sqlite(age + id + 1 > 0), "users.age + users.id + ? > ?");
  EXPECT_EQ(where_sqlite(age - (id - 1) > 0), "users.age - (users.id - ?) > ?");
  EXPECT_EQ(where_sqlite((age - id) - 1 > 0), "(users.age - users.id) - ? > ?");
  EXPECT_EQ(where_sqlite(-(age + id) < 0), "-(users.age + users.id) < ?");
  EXPECT_EQ(where_sqlite(age % 2 == 0), "users.age % ? = ?");
  EXPECT_EQ(
      after_where(compile(select(id).where(age % 2 == 0), standard_, ParamStyle::kFormat).sql),
      "users.age %% %s = %s");
  // The numeric side's type, so the bind of age + 1 is an Integer.
  EXPECT_EQ((age + 1).type(), Integer{});
  EXPECT_EQ((Expr(2) * age).type(), Integer{});
}

TEST_F(CompilerExpressionTest, AndOr_FlattenAndGroupOrInsideAnd) {
  const Expr a = users_.c("age") > 1;
  const Expr b = users_.c("name") == "b";
  const Expr c = users_.c("id") < 3;
  EXPECT_EQ(where_sqlite(and_(a, or_(b, c))), "users.age > ? AND (users.name = ? OR users.id < ?)");
  EXPECT_EQ(where_sqlite(or_(a, and_(b, c))), "users.age > ? OR users.name = ? AND users.id < ?");
  EXPECT_EQ(where_sqlite(and_(and_(a, b), c)), "users.age > ? AND users.name = ? AND users.id < ?");
  EXPECT_EQ(where_sqlite((a && b) || c), "users.age > ? AND users.name = ? OR users.id < ?");
  EXPECT_EQ(where_sqlite(a && (b || c)), "users.age > ? AND (users.name = ? OR users.id < ?)");
  EXPECT_EQ(and_(and_(a, b), c).node()->children.size(), 3u) << "nested AND is flattened";
  EXPECT_EQ(where_sqlite(and_(a, true_())), "users.age > ?") << "TRUE drops out of AND";
  EXPECT_EQ(where_sqlite(or_(a, false_())), "users.age > ?") << "FALSE drops out of OR";
  EXPECT_EQ(where_sqlite(and_(std::vector<Expr>{})), "1") << "empty and_ is TRUE (1 on SQLite)";
  EXPECT_EQ(where_named(and_(std::vector<Expr>{})), "TRUE");
  EXPECT_EQ(where_named(or_(std::vector<Expr>{})), "FALSE");
}

TEST_F(CompilerExpressionTest, Not_InvertsComparisonsAndGroupsTheRest) {
  const Expr age = users_.c("age");
  EXPECT_EQ(where_sqlite(not_(age == 5)), "users.age != ?");
  EXPECT_EQ(where_sqlite(!(age < 5)), "users.age >= ?");
  EXPECT_EQ(where_sqlite(not_(age > 5)), "users.age <= ?");
  EXPECT_EQ(where_sqlite(not_(not_(age == 5))), "users.age = ?");
  EXPECT_EQ(where_sqlite(not_(and_(age > 1, age < 9))), "NOT (users.age > ? AND users.age < ?)");
  EXPECT_EQ(where_sqlite(not_(users_.c("active"))), "NOT users.active");
  EXPECT_EQ(where_sqlite(not_(users_.c("name").like("a%"))), "users.name NOT LIKE ?");
  EXPECT_EQ(where_sqlite(not_(age.between(1, 2))), "users.age NOT BETWEEN ? AND ?");
  EXPECT_EQ(where_sqlite(not_(age.in_({1, 2}))), "users.age NOT IN (?, ?)");
}

TEST_F(CompilerExpressionTest, InList_OneBindPerValueNamedAfterTheColumn) {
  const Out q = sqlite(select(users_.c("name")).where(users_.c("id").in_({1, 2, 3})));
  EXPECT_EQ(after_where(q.sql), "users.id IN (?, ?, ?)");
  EXPECT_EQ(q.names, (Names{"id_1", "id_2", "id_3"}));
  EXPECT_EQ(q.values, "[1, 2, 3]");
  EXPECT_EQ(q.bind_types, (std::vector<SqlType>{Integer{}, Integer{}, Integer{}}));
  EXPECT_EQ(where_named(users_.c("id").not_in({7})), "users.id NOT IN (:id_1)");
}

TEST_F(CompilerExpressionTest, EmptyInList_IsValidSqlThatIsFalse) {
  EXPECT_EQ(where_sqlite(users_.c("id").in_({})), "users.id IN (NULL) AND (1 != 1)");
  EXPECT_EQ(where_sqlite(users_.c("id").not_in({})), "users.id NOT IN (NULL) OR (1 = 1)");
  // Grouped where it meets a tighter operator, so NOT applies to the whole.
  EXPECT_EQ(where_sqlite(not_(and_(users_.c("id").in_({}), users_.c("age") > 1))),
            "NOT (users.id IN (NULL) AND (1 != 1) AND users.age > ?)");
  EXPECT_EQ(where_sqlite(or_(users_.c("age") > 1, users_.c("id").not_in({}))),
            "users.age > ? OR (users.id NOT IN (NULL) OR (1 = 1))");
  EXPECT_EQ(sqlite(select(users_.c("id")).where(users_.c("id").in_({}))).names, Names{});
}

TEST_F(CompilerExpressionTest, LikeIlikeBetween) {
  EXPECT_EQ(where_named(users_.c("name").like("A%")), "users.name LIKE :name_1");
  EXPECT_EQ(where_named(users_.c("name").not_like("A%")), "users.name NOT LIKE :name_1");
  EXPECT_EQ(where_sqlite(users_.c("name").ilike("a%")), "lower(users.name) LIKE lower(?)");
  EXPECT_EQ(where_named(users_.c("name").ilike("a%")), "lower(users.name) LIKE lower(:name_1)");
  EXPECT_EQ(where_sqlite(not_(users_.c("name").ilike("a%"))),
            "lower(users.name) NOT LIKE lower(?)");
  const Out b = named(select(users_.c("id")).where(users_.c("age").between(18, 65)));
  EXPECT_EQ(after_where(b.sql), "users.age BETWEEN :age_1 AND :age_2");
  EXPECT_EQ(b.values, "[18, 65]");
}

TEST_F(CompilerExpressionTest, IsDistinctFrom_SqliteSpellsItIsNot) {
  const Expr d = users_.c("email").is_distinct_from("x@y");
  const Expr nd = users_.c("email").is_not_distinct_from(users_.c("name"));
  EXPECT_EQ(where_sqlite(d), "users.email IS NOT ?");
  EXPECT_EQ(where_sqlite(nd), "users.email IS users.name");
  EXPECT_EQ(where_named(d), "users.email IS DISTINCT FROM :email_1");
  EXPECT_EQ(where_named(nd), "users.email IS NOT DISTINCT FROM users.name");
  EXPECT_EQ(where_sqlite(not_(d)), "users.email IS ?");
}

TEST_F(CompilerExpressionTest, Concat_WithPipesAndStringPlus) {
  const Out q = sqlite(
      select(users_.c("name").concat(" <").concat(users_.c("email")).concat(">").label("who")));
  EXPECT_EQ(q.sql, "SELECT users.name || ? || users.email || ? AS who \nFROM users");
  EXPECT_EQ(q.values, "[' <', '>']");
  EXPECT_EQ(where_sqlite(users_.c("name") + users_.c("email") == "ab"),
            "(users.name || users.email) = ?");
}

// ---- functions, CAST, CASE, literals --------------------------------------------------------

TEST_F(CompilerExpressionTest, Functions_ByNameWithDialectSpellings) {
  const Expr name = users_.c("name");
  const auto stmt =
      select(func::count(), func::count(distinct(name)), func::sum(users_.c("age")),
             func::avg(users_.c("age")), func::min(name), func::max(name), func::lower(name),
             func::upper(name), func::length(name), func::now(), func::call("julianday", {"now"}));
  EXPECT_EQ(sqlite(stmt).sql,
            "SELECT count(*), count(DISTINCT users.name), sum(users.age), avg(users.age), "
            "min(users.name), max(users.name), lower(users.name), upper(users.name), "
            "length(users.name), CURRENT_TIMESTAMP, julianday(?) \nFROM users");
  EXPECT_EQ(dollar(stmt).sql,
            "SELECT count(*), count(DISTINCT users.name), sum(users.age), avg(users.age), "
            "min(users.name), max(users.name), lower(users.name), upper(users.name), "
            "char_length(users.name), CURRENT_TIMESTAMP, julianday($1) \nFROM users");
  EXPECT_EQ(
      sqlite(stmt).result_types,
      (std::vector<SqlType>{Integer{}, Integer{}, Integer{}, SqlType{}, String{50}, String{50},
                            String{50}, String{50}, Integer{}, types::DateTime{}, SqlType{}}));
}

TEST_F(CompilerExpressionTest, Coalesce_BindsPlainValuesAsTheFirstTypedArgument) {
  const Out q = sqlite(select(func::coalesce({users_.c("email"), "none"}).label("e")));
  EXPECT_EQ(q.sql, "SELECT coalesce(users.email, ?) AS e \nFROM users");
  EXPECT_EQ(q.bind_types, std::vector<SqlType>{String{120}});
  EXPECT_EQ(q.result_types, std::vector<SqlType>{String{120}});
}

TEST_F(CompilerExpressionTest, Cast_UsesTheDialectsTypeNames) {
  const auto stmt = select(cast(users_.c("age"), String{10}), cast(users_.c("name"), Integer{}));
  EXPECT_EQ(sqlite(stmt).sql,
            "SELECT CAST(users.age AS VARCHAR(10)), CAST(users.name AS INTEGER) \nFROM users");
  EXPECT_EQ(sqlite(stmt).result_types, (std::vector<SqlType>{String{10}, Integer{}}));
}

TEST_F(CompilerExpressionTest, Case_WhenThenElse) {
  const Expr kind =
      case_({{users_.c("age") < 18, "minor"}, {users_.c("age") < 65, "adult"}}, Expr("senior"))
          .label("kind");
  const Out q = named(select(users_.c("name"), kind));
  EXPECT_EQ(q.sql, "SELECT users.name, CASE WHEN users.age < :age_1 THEN :param_1 WHEN "
                   "users.age < :age_2 THEN :param_2 ELSE :param_3 END AS kind \nFROM users");
  EXPECT_EQ(q.values, "[18, 'minor', 65, 'adult', 'senior']");
  EXPECT_EQ(sqlite(select(case_({{users_.c("active"), users_.c("name")}}))).sql,
            "SELECT CASE WHEN users.active THEN users.name END \nFROM users");
}

TEST_F(CompilerExpressionTest, TrueFalse_NativeOrOneZero) {
  EXPECT_EQ(where_sqlite(users_.c("active") == true_()), "users.active = 1");
  EXPECT_EQ(where_named(users_.c("active") == false_()), "users.active = FALSE");
}

TEST_F(CompilerExpressionTest, Literal_IsABindUnlessRenderedForDisplay) {
  const auto stmt = select(literal(5, Integer{}).label("five"), literal_column("'x'"));
  EXPECT_EQ(sqlite(stmt).sql, "SELECT ? AS five, 'x'");
  EXPECT_EQ(sqlite(stmt).values, "[5]");
  EXPECT_EQ(sql::compile(stmt, *sqlite_, {.literal_binds = true})->sql, "SELECT 5 AS five, 'x'");
}

TEST_F(CompilerExpressionTest, OrderBy_AscDescNulls) {
  const auto stmt = select(users_.c("id"))
                        .order_by({users_.c("name").desc().nulls_last(), asc(users_.c("id")),
                                   desc(users_.c("age")).nulls_first()});
  EXPECT_EQ(sqlite(stmt).sql, "SELECT users.id \nFROM users ORDER BY users.name DESC NULLS LAST, "
                              "users.id ASC, users.age DESC NULLS FIRST");
}

TEST_F(CompilerExpressionTest, Over_PartitionAndOrder) {
  const auto stmt =
      select(users_.c("name"),
             func::row_number().over({users_.c("age")}, {users_.c("name").desc()}).label("rn"),
             func::rank().over({}, {users_.c("age")}), func::count().over());
  EXPECT_EQ(sqlite(stmt).sql,
            "SELECT users.name, row_number() OVER (PARTITION BY users.age ORDER BY users.name "
            "DESC) AS rn, rank() OVER (ORDER BY users.age), count(*) OVER () \nFROM users");
}

// ---- binds and paramstyles ------------------------------------------------------------------

TEST_F(CompilerExpressionTest, Bindparam_ValuesComeFromTheParametersByName) {
  const auto stmt = select(users_.c("id"))
                        .where(users_.c("age") > bindparam("min_age"))
                        .where(users_.c("age") < bindparam("max_age", Integer{}))
                        .where(users_.c("name") != bindparam("min_age"));
  const Params params{{"min_age", 18}, {"max_age", 65}};
  const Out q = sqlite(stmt, &params);
  EXPECT_EQ(after_where(q.sql), "users.age > ? AND users.age < ? AND users.name != ?");
  EXPECT_EQ(q.names, (Names{"min_age", "max_age", "min_age"}));
  EXPECT_EQ(q.values, "[18, 65, 18]");
  EXPECT_EQ(q.bind_types[0], Integer{}) << "an untyped bindparam takes the column's type";
  const Out n = named(stmt, &params);
  EXPECT_EQ(after_where(n.sql),
            "users.age > :min_age AND users.age < :max_age AND users.name != :min_age");
  EXPECT_EQ(n.names, (Names{"min_age", "max_age"})) << "one slot per distinct name";
  const Out d = dollar(stmt, &params);
  EXPECT_EQ(after_where(d.sql), "users.age > $1 AND users.age < $2 AND users.name != $1");
  EXPECT_EQ(d.values, "[18, 65]");
  EXPECT_EQ(key_of(stmt).values.size(), 0u) << "bindparam pushes no value of its own";
}

TEST_F(CompilerExpressionTest, AnonymousBinds_NumberedPerName) {
  const auto stmt = select(users_.c("id"))
                        .where(or_(users_.c("name") == "a", users_.c("name") == "b"))
                        .where(users_.c("age") == 3)
                        .where(Expr(1) == Expr(1));
  const Out q = named(stmt);
  EXPECT_EQ(after_where(q.sql),
            "(users.name = :name_1 OR users.name = :name_2) AND users.age = :age_1 AND "
            ":param_1 = :param_2");
  EXPECT_EQ(q.names, (Names{"name_1", "name_2", "age_1", "param_1", "param_2"}));
}

TEST_F(CompilerExpressionTest, SharedBindNode_OneNameAndOneValue) {
  const Expr one = sql::bindparam_value(1, Integer{});  // typed: used as is on both sides
  const auto stmt = select(users_.c("id")).where(users_.c("age") + one > one);
  const Out q = named(stmt);
  EXPECT_EQ(after_where(q.sql), "users.age + :param_1 > :param_1");
  EXPECT_EQ(q.names, Names{"param_1"});
  const Out p = sqlite(stmt);
  EXPECT_EQ(p.values, "[1, 1]");
  EXPECT_EQ(key_of(stmt).values.size(), 1u);
}

TEST_F(CompilerExpressionTest, Quoting_ReservedWordsAndMixedCase) {
  MetaData md;
  Table order{"order", md, Column{"id", Integer{}, primary_key}, Column{"Desc", String{}},
              Column{"select", Integer{}}};
  const Out q = sqlite(select(order.c("Desc")).where(order.c("select") == 1));
  EXPECT_EQ(q.sql, "SELECT \"order\".\"Desc\" \nFROM \"order\" \nWHERE \"order\".\"select\" = ?");
  EXPECT_EQ(q.names, Names{"select_1"});
  EXPECT_EQ(sqlite(select(order.c("id").label("Order Id"))).sql,
            "SELECT \"order\".id AS \"Order Id\" \nFROM \"order\"");
}

TEST(IdentifierPreparerTest, RequiresQuotesFollowsTheStandardRules) {
  const sql::IdentifierPreparer p;
  EXPECT_FALSE(p.requires_quotes("users"));
  EXPECT_FALSE(p.requires_quotes("user_id2"));
  EXPECT_TRUE(p.requires_quotes("Users")) << "not all lower case";
  EXPECT_TRUE(p.requires_quotes("select")) << "reserved";
  EXPECT_TRUE(p.requires_quotes("user")) << "reserved in SQL:2016";
  EXPECT_TRUE(p.requires_quotes("2fast")) << "starts with a digit";
  EXPECT_TRUE(p.requires_quotes("a b"));
  EXPECT_TRUE(p.requires_quotes(""));
  EXPECT_EQ(p.quote("users"), "users");
  EXPECT_EQ(p.quote("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(p.quote_always("users"), "\"users\"");
  const sql::IdentifierPreparer backtick({"KEY"}, '`');
  EXPECT_EQ(backtick.quote("key"), "`key`");
  EXPECT_EQ(backtick.quote("select"), "select") << "only its own reserved words";
}

// ---- literal rendering for display ----------------------------------------------------------

TEST_F(CompilerExpressionTest, LiteralBinds_RenderValuesInline) {
  const auto stmt = select(users_.c("id"))
                        .where(users_.c("name") == "O'Brien")
                        .where(users_.c("age").between(18, 30))
                        .where(users_.c("active") == true)
                        .where(users_.c("email").in_({"a@x", nullptr}))
                        .limit(5);
  EXPECT_EQ(sql::compile(stmt, *sqlite_, {.literal_binds = true})->sql,
            "SELECT users.id \nFROM users \nWHERE users.name = 'O''Brien' AND users.age BETWEEN "
            "18 AND 30 AND users.active = 1 AND users.email IN ('a@x', NULL)\n LIMIT 5");
  EXPECT_EQ(after_where(sql::compile(select(users_.c("id")).where(users_.c("active") == true),
                                     standard_, {.literal_binds = true})
                            ->sql),
            "users.active = TRUE");
  const auto values =
      select(literal(2.5), literal(Date{2024, 1, 2}), literal(Bytes{std::byte{0xAB}}),
             literal(Decimal{"10.50"}), literal(3.0));
  EXPECT_EQ(sql::compile(values, standard_, {.literal_binds = true})->sql,
            "SELECT 2.5, '2024-01-02', X'ab', 10.50, 3.0");
}

TEST_F(CompilerExpressionTest, CompileForDisplay_DefaultsToNamedStyle) {
  const auto compiled = sql::compile(select(users_.c("id")).where(users_.c("id") == 7), *sqlite_);
  EXPECT_EQ(compiled->sql, "SELECT users.id \nFROM users \nWHERE users.id = :id_1");
  EXPECT_EQ(compiled->bind_names, Names{"id_1"});
  EXPECT_EQ(compiled->paramstyle, ParamStyle::kNamed);
}

// ---- the cache key --------------------------------------------------------------------------
