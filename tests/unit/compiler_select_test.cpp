// The SQL and bind order SELECT compiles to, for SQLite's dialect (loaded from its plugin;
// qmark) and for a test dialect on the framework's standard compiler (numeric_dollar, named):
// clauses, joins with ON derived from foreign keys, aliases, subqueries with correlation, CTEs
// (recursive too), set operations; the cache key; the compiled-statement cache.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler_test_support.hpp"

using namespace crucible;
using crucible::testing::key_of;
using crucible::testing::Names;
using crucible::testing::Out;

namespace {
class CompilerSelectTest : public crucible::testing::CompilerTest {};
}  // namespace

// ---- SELECT basics --------------------------------------------------------------------------

TEST_F(CompilerSelectTest, Select_ColumnsFromWhereInEveryStyle) {
  const auto stmt = select(users_.c("id"), users_.c("name")).where(users_.c("name") == "Alice");
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "SELECT users.id, users.name \nFROM users \nWHERE users.name = ?");
  EXPECT_EQ(q.names, Names{"name_1"});
  EXPECT_EQ(q.values, "['Alice']");
  EXPECT_EQ(dollar(stmt).sql, "SELECT users.id, users.name \nFROM users \nWHERE users.name = $1");
  EXPECT_EQ(named(stmt).sql,
            "SELECT users.id, users.name \nFROM users \nWHERE users.name = :name_1");
  EXPECT_EQ(compile(stmt, standard_, ParamStyle::kNumeric).sql,
            "SELECT users.id, users.name \nFROM users \nWHERE users.name = :1");
  EXPECT_EQ(compile(stmt, standard_, ParamStyle::kFormat).sql,
            "SELECT users.id, users.name \nFROM users \nWHERE users.name = %s");
}

TEST_F(CompilerSelectTest, SelectTable_SelectsEveryColumnWithItsType) {
  const Out q = sqlite(select(users_));
  EXPECT_EQ(q.sql,
            "SELECT users.id, users.name, users.age, users.email, users.active \nFROM users");
  EXPECT_EQ(q.result_types,
            (std::vector<SqlType>{Integer{}, String{50}, Integer{}, String{120}, Boolean{}}));
  EXPECT_EQ(q.names, Names{});
}

TEST_F(CompilerSelectTest, SelectStar_ExpandsTheResultTypes) {
  const Out q = sqlite(select(addresses_.star()));
  EXPECT_EQ(q.sql, "SELECT addresses.* \nFROM addresses");
  EXPECT_EQ(q.result_types, (std::vector<SqlType>{Integer{}, Integer{}, String{120}}));
}

TEST_F(CompilerSelectTest, Where_CalledTwiceAndsTheCriteria) {
  const auto stmt =
      select(users_.c("id")).where(users_.c("age") > 18).where(users_.c("name") != "x");
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "SELECT users.id \nFROM users \nWHERE users.age > ? AND users.name != ?");
  EXPECT_EQ(q.names, (Names{"age_1", "name_1"}));
  EXPECT_EQ(q.values, "[18, 'x']");
  EXPECT_EQ(q.bind_types, (std::vector<SqlType>{Integer{}, String{50}}));
}

TEST_F(CompilerSelectTest, Distinct_GroupByHavingOrderByLabel) {
  const Expr n = func::count().label("n");
  const auto stmt = select(users_.c("age"), n)
                        .group_by({users_.c("age")})
                        .having(func::count() > 1)
                        .order_by({n.desc(), users_.c("age")});
  EXPECT_EQ(sqlite(stmt).sql, "SELECT users.age, count(*) AS n \nFROM users GROUP BY users.age "
                              "HAVING count(*) > ? ORDER BY n DESC, users.age");
  EXPECT_EQ(sqlite(stmt).names, Names{"count_1"}) << "named after the function it is compared with";
  EXPECT_EQ(sqlite(select(users_.c("name")).distinct()).sql,
            "SELECT DISTINCT users.name \nFROM users");
}

TEST_F(CompilerSelectTest, LimitOffset_SqliteNeedsLimitBeforeOffset) {
  const auto both = select(users_.c("id")).order_by({users_.c("id")}).limit(10).offset(20);
  const Out q = sqlite(both);
  EXPECT_EQ(q.sql, "SELECT users.id \nFROM users ORDER BY users.id\n LIMIT ? OFFSET ?");
  EXPECT_EQ(q.names, (Names{"param_1", "param_2"}));
  EXPECT_EQ(q.values, "[10, 20]");
  EXPECT_EQ(dollar(both).sql,
            "SELECT users.id \nFROM users ORDER BY users.id\n LIMIT $1 OFFSET $2");

  const auto offset_only = select(users_.c("id")).offset(5);
  EXPECT_EQ(sqlite(offset_only).sql, "SELECT users.id \nFROM users\n LIMIT -1 OFFSET ?");
  EXPECT_EQ(sqlite(offset_only).values, "[5]");
  EXPECT_EQ(dollar(offset_only).sql, "SELECT users.id \nFROM users\n OFFSET $1");
  EXPECT_EQ(sqlite(select(users_.c("id")).limit(3)).sql, "SELECT users.id \nFROM users\n LIMIT ?");
  EXPECT_THROW((void)select(users_.c("id")).limit(-1), ArgumentError);
}

TEST_F(CompilerSelectTest, SelectWithoutFrom_OnlyValues) {
  const Out q = sqlite(select(Expr(1).label("answer"), literal_column("2")));
  EXPECT_EQ(q.sql, "SELECT ? AS answer, 2");
  EXPECT_EQ(q.values, "[1]");
}

// ---- joins ----------------------------------------------------------------------------------

TEST_F(CompilerSelectTest, Join_OnClauseDerivedFromTheForeignKey) {
  const auto stmt =
      select(users_.c("name"), addresses_.c("email")).select_from(users_.join(addresses_));
  EXPECT_EQ(sqlite(stmt).sql, "SELECT users.name, addresses.email \nFROM users JOIN addresses ON "
                              "users.id = addresses.user_id");
  EXPECT_EQ(sqlite(select(users_.c("name")).select_from(addresses_.join(users_))).sql,
            "SELECT users.name \nFROM addresses JOIN users ON users.id = addresses.user_id");
  EXPECT_EQ(sqlite(select(users_.c("name")).select_from(users_.outerjoin(addresses_))).sql,
            "SELECT users.name \nFROM users LEFT OUTER JOIN addresses ON users.id = "
            "addresses.user_id");
  EXPECT_EQ(
      dollar(
          select(users_.c("name")).select_from(users_.join(addresses_, std::nullopt, false, true)))
          .sql,
      "SELECT users.name \nFROM users FULL OUTER JOIN addresses ON users.id = addresses.user_id");
}

TEST_F(CompilerSelectTest, SelectJoin_JoinsFromTheLeftmostFrom) {
  const auto stmt = select(users_.c("name"), addresses_.c("email")).join(addresses_);
  EXPECT_EQ(sqlite(stmt).sql, "SELECT users.name, addresses.email \nFROM users JOIN addresses ON "
                              "users.id = addresses.user_id");
  const auto outer = select(users_.c("name")).outerjoin(addresses_).where(addresses_.c("id") > 2);
  EXPECT_EQ(sqlite(outer).sql, "SELECT users.name \nFROM users LEFT OUTER JOIN addresses ON "
                               "users.id = addresses.user_id \nWHERE addresses.id > ?");
}

TEST_F(CompilerSelectTest, Join_ExplicitOnClause) {
  const auto stmt =
      select(users_.c("name"), messages_.c("id"))
          .select_from(users_.join(messages_, messages_.c("recipient_id") == users_.c("id")));
  EXPECT_EQ(sqlite(stmt).sql, "SELECT users.name, messages.id \nFROM users JOIN messages ON "
                              "messages.recipient_id = users.id");
}

TEST_F(CompilerSelectTest, Join_ChainFindsEachForeignKeyAndQuotesMixedCase) {
  MetaData md;
  Table artist{"Artist", md, Column{"ArtistId", Integer{}, primary_key}, Column{"Name", String{}}};
  Table album{"Album", md, Column{"AlbumId", Integer{}, primary_key},
              Column{"ArtistId", Integer{}, ForeignKey{"Artist.ArtistId"}}};
  Table track{"Track", md, Column{"TrackId", Integer{}, primary_key},
              Column{"AlbumId", Integer{}, ForeignKey{"Album.AlbumId"}}};
  const auto stmt = select(artist.c("Name"), func::count(track.c("TrackId")).label("tracks"))
                        .select_from(artist.join(album).join(track))
                        .group_by({artist.c("Name")});
  EXPECT_EQ(sqlite(stmt).sql,
            "SELECT \"Artist\".\"Name\", count(\"Track\".\"TrackId\") AS tracks \nFROM \"Artist\" "
            "JOIN \"Album\" ON \"Artist\".\"ArtistId\" = \"Album\".\"ArtistId\" JOIN \"Track\" ON "
            "\"Album\".\"AlbumId\" = \"Track\".\"AlbumId\" GROUP BY \"Artist\".\"Name\"");
}

TEST_F(CompilerSelectTest, Join_WithoutOrWithSeveralForeignKeysIsRefused) {
  try {
    (void)users_.join(items_);
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("can't find any foreign key relationships between "
                                         "table 'users' and table 'items'"),
              std::string::npos)
        << e.what();
  }
  try {
    (void)users_.join(messages_);
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("found 2"), std::string::npos) << e.what();
  }
}

TEST_F(CompilerSelectTest, Join_AliasOfATableKeepsItsForeignKeys) {
  const FromClause a = addresses_.alias("a");
  EXPECT_EQ(sqlite(select(users_.c("name")).select_from(users_.join(a))).sql,
            "SELECT users.name \nFROM users JOIN addresses AS a ON users.id = a.user_id");
}

// ---- aliases, subqueries, correlation -------------------------------------------------------

TEST_F(CompilerSelectTest, Alias_NamedAndAnonymous) {
  const FromClause u = users_.alias("u");
  EXPECT_EQ(sqlite(select(u.c("name")).where(u.c("id") == 1)).sql,
            "SELECT u.name \nFROM users AS u \nWHERE u.id = ?");
  const FromClause a1 = users_.alias();
  const FromClause a2 = users_.alias();
  EXPECT_EQ(sqlite(select(a1.c("id"), a2.c("id")).where(a1.c("age") < a2.c("age"))).sql,
            "SELECT users_1.id, users_2.id \nFROM users AS users_1, users AS users_2 \nWHERE "
            "users_1.age < users_2.age");
}

TEST_F(CompilerSelectTest, Subquery_InFromWithLabelsForUnnamedColumns) {
  const FromClause counts = select(addresses_.c("user_id"), func::count())
                                .group_by({addresses_.c("user_id")})
                                .subquery("counts");
  EXPECT_EQ(counts.c("count").type(), Integer{});
  const auto stmt = select(users_.c("name"), counts.c("count"))
                        .select_from(users_.join(counts, users_.c("id") == counts.c("user_id")))
                        .where(counts.c("count") > 1);
  const Out q = sqlite(stmt);
  // "count" is a reserved word of SQL:2016, hence quoted.
  EXPECT_EQ(q.sql, "SELECT users.name, counts.\"count\" \nFROM users JOIN (SELECT "
                   "addresses.user_id, count(*) AS \"count\" \nFROM addresses GROUP BY "
                   "addresses.user_id) AS counts ON users.id = counts.user_id \nWHERE "
                   "counts.\"count\" > ?");
  EXPECT_EQ(q.names, Names{"count_1"});
}

TEST_F(CompilerSelectTest, Subquery_AnonymousAndDuplicateColumnNames) {
  const FromClause sub = select(users_.c("id"), addresses_.c("id"), users_.c("age") + 1)
                             .select_from(users_.join(addresses_))
                             .subquery();
  std::vector<std::string> names;
  for (const Expr& c : sub.columns()) names.push_back(c.node()->text);
  EXPECT_EQ(names, (Names{"id", "id_1", "anon_1"}));
  EXPECT_EQ(sqlite(select(sub.c("id_1"))).sql,
            "SELECT anon_1.id_1 \nFROM (SELECT users.id, addresses.id AS id_1, users.age + ? AS "
            "anon_1 \nFROM users JOIN addresses ON users.id = addresses.user_id) AS anon_1");
}

TEST_F(CompilerSelectTest, Subquery_OfAStarExportsTheTablesColumns) {
  const FromClause adults = select(users_.star()).where(users_.c("age") >= 18).subquery("adults");
  EXPECT_EQ(adults.c("email").type(), String{120});
  EXPECT_EQ(sqlite(select(adults.c("name"))).sql,
            "SELECT adults.name \nFROM (SELECT users.* \nFROM users \nWHERE users.age >= ?) AS "
            "adults");
}

TEST_F(CompilerSelectTest, ScalarSubquery_CorrelatesToTheEnclosingSelect) {
  const Expr n = select(func::count(addresses_.c("id")))
                     .where(addresses_.c("user_id") == users_.c("id"))
                     .scalar_subquery();
  EXPECT_EQ(n.type(), Integer{});
  const Out q = sqlite(select(users_.c("name"), n.label("n")));
  EXPECT_EQ(q.sql, "SELECT users.name, (SELECT count(addresses.id) \nFROM addresses \nWHERE "
                   "addresses.user_id = users.id) AS n \nFROM users");
}

TEST_F(CompilerSelectTest, ScalarSubquery_OfTheSameTableKeepsItsFrom) {
  const Expr avg = select(func::avg(users_.c("age"))).scalar_subquery();
  EXPECT_EQ(where_sqlite(users_.c("age") > avg),
            "users.age > (SELECT avg(users.age) \nFROM users)");
}

TEST_F(CompilerSelectTest, Exists_AndNotExists) {
  const Select has_address =
      select(addresses_.c("id")).where(addresses_.c("user_id") == users_.c("id"));
  EXPECT_EQ(where_sqlite(exists(has_address)),
            "EXISTS (SELECT addresses.id \nFROM addresses \nWHERE addresses.user_id = users.id)");
  EXPECT_EQ(where_sqlite(not_(has_address.exists())),
            "NOT EXISTS (SELECT addresses.id \nFROM addresses \nWHERE addresses.user_id = "
            "users.id)");
}

TEST_F(CompilerSelectTest, InSubquery_AndNotIn) {
  const Select ids = select(addresses_.c("user_id")).where(addresses_.c("email").like("%@x"));
  const Out q = sqlite(select(users_.c("name")).where(sql::in_(users_.c("id"), ids)));
  EXPECT_EQ(
      after_where(q.sql),
      "users.id IN (SELECT addresses.user_id \nFROM addresses \nWHERE addresses.email LIKE ?)");
  EXPECT_EQ(q.names, Names{"email_1"});
  EXPECT_EQ(where_sqlite(sql::not_in(users_.c("id"), select(addresses_.c("user_id")))),
            "users.id NOT IN (SELECT addresses.user_id \nFROM addresses)");
}

// ---- CTEs and set operations ----------------------------------------------------------------

TEST_F(CompilerSelectTest, Cte_WrittenOnceInWithAtTheTop) {
  const FromClause older =
      select(users_.c("id"), users_.c("name")).where(users_.c("age") > 30).cte("older");
  const Out q = sqlite(select(older.c("name")).where(older.c("id") > 5));
  EXPECT_EQ(q.sql, "WITH older AS \n(SELECT users.id, users.name \nFROM users \nWHERE users.age > "
                   "?)\n SELECT older.name \nFROM older \nWHERE older.id > ?");
  EXPECT_EQ(q.names, (Names{"age_1", "id_1"}));
  EXPECT_EQ(q.values, "[30, 5]");
  // Referenced only from a nested select: still in the top WITH.
  const Out nested =
      sqlite(select(users_.c("name")).where(sql::in_(users_.c("id"), select(older.c("id")))));
  EXPECT_EQ(nested.sql, "WITH older AS \n(SELECT users.id, users.name \nFROM users \nWHERE "
                        "users.age > ?)\n SELECT users.name \nFROM users \nWHERE users.id IN "
                        "(SELECT older.id \nFROM older)");
}

TEST_F(CompilerSelectTest, Cte_UsingAnotherCteComesAfterIt) {
  const FromClause a = select(users_.c("id")).cte("a");
  const FromClause b = select(a.c("id")).where(a.c("id") > 1).cte("b");
  EXPECT_EQ(sqlite(select(b.c("id"))).sql,
            "WITH a AS \n(SELECT users.id \nFROM users), \nb AS \n(SELECT a.id \nFROM a \nWHERE "
            "a.id > ?)\n SELECT b.id \nFROM b");
}

TEST_F(CompilerSelectTest, RecursiveCte_CountingToTen) {
  const FromClause start = select(Expr(1).label("n")).cte("cnt", true);
  const FromClause cnt = start.union_all(select(start.c("n") + 1).where(start.c("n") < 10));
  const auto stmt = select(cnt.c("n"));
  const Out q = sqlite(stmt);
  EXPECT_EQ(q.sql, "WITH RECURSIVE cnt(n) AS \n(SELECT ? AS n UNION ALL SELECT cnt.n + ? \nFROM "
                   "cnt \nWHERE cnt.n < ?)\n SELECT cnt.n \nFROM cnt");
  EXPECT_EQ(q.names, (Names{"param_1", "n_1", "n_2"}));
  EXPECT_EQ(q.values, "[1, 1, 10]");
  EXPECT_EQ(dollar(stmt).sql, "WITH RECURSIVE cnt(n) AS \n(SELECT $1 AS n UNION ALL SELECT cnt.n "
                              "+ $2 \nFROM cnt \nWHERE cnt.n < $3)\n SELECT cnt.n \nFROM cnt");
  EXPECT_THROW((void)users_.union_all(select(users_.c("id"))), ArgumentError);
}

TEST_F(CompilerSelectTest, SetOperations_UnionIntersectExceptWithOrderAndLimit) {
  const Select young = select(users_.c("name")).where(users_.c("age") < 20);
  const Select old = select(users_.c("name")).where(users_.c("age") > 60);
  const std::string y = "SELECT users.name \nFROM users \nWHERE users.age < ?";
  const std::string o = "SELECT users.name \nFROM users \nWHERE users.age > ?";
  EXPECT_EQ(sqlite(union_({young, old})).sql, y + " UNION " + o);
  EXPECT_EQ(sqlite(union_all({young, old})).sql, y + " UNION ALL " + o);
  EXPECT_EQ(sqlite(intersect({young, old})).sql, y + " INTERSECT " + o);
  EXPECT_EQ(sqlite(except_({young, old})).sql, y + " EXCEPT " + o);
  const Out q = sqlite(union_({young, old}).order_by({users_.c("name").desc()}).limit(3));
  EXPECT_EQ(q.sql, y + " UNION " + o + " ORDER BY name DESC\n LIMIT ?");
  EXPECT_EQ(q.names, (Names{"age_1", "age_2", "param_1"}));
  EXPECT_EQ(q.values, "[20, 60, 3]");
  EXPECT_EQ(q.result_types, std::vector<SqlType>{String{50}});
  EXPECT_THROW((void)union_({young, select(users_.c("id"), users_.c("name"))}), ArgumentError);
  EXPECT_THROW((void)union_({young, old}).where(users_.c("id") == 1), ArgumentError);
}

TEST_F(CompilerSelectTest, SetOperations_MemberWithItsOwnLimitIsGrouped) {
  // The oldest user and the youngest: each member's ORDER BY/LIMIT applies to it alone.
  const Select oldest = select(users_.c("name")).order_by({users_.c("age").desc()}).limit(1);
  const Select youngest = select(users_.c("name")).order_by({users_.c("age")}).limit(1);
  const std::string o = "SELECT users.name \nFROM users ORDER BY users.age DESC\n LIMIT ?";
  const std::string y = "SELECT users.name \nFROM users ORDER BY users.age\n LIMIT ?";
  // Standard SQL parenthesises the members; SQLite has no place for that in its grammar and
  // reads each from a subquery.
  EXPECT_EQ(named(union_all({oldest, youngest})).sql,
            "(SELECT users.name \nFROM users ORDER BY users.age DESC\n LIMIT :param_1) UNION ALL "
            "(SELECT users.name \nFROM users ORDER BY users.age\n LIMIT :param_2)");
  EXPECT_EQ(sqlite(union_all({oldest, youngest})).sql,
            "SELECT * FROM (" + o + ") UNION ALL SELECT * FROM (" + y + ")");
  // A member that is itself a set operation is grouped the same way; a plain one is not.
  const Select a = select(users_.c("name")).where(users_.c("age") < 20);
  const Select b = select(users_.c("name")).where(users_.c("age") > 60);
  const std::string as = "SELECT users.name \nFROM users \nWHERE users.age < ?";
  const std::string bs = "SELECT users.name \nFROM users \nWHERE users.age > ?";
  EXPECT_EQ(sqlite(except_({a, union_({a, b})})).sql,
            as + " EXCEPT SELECT * FROM (" + as + " UNION " + bs + ")");
  // (a is the same statement twice, so its one bind parameter is numbered once.)
  EXPECT_EQ(dollar(except_({a, union_({a, b})})).sql,
            "SELECT users.name \nFROM users \nWHERE users.age < $1 EXCEPT (SELECT users.name "
            "\nFROM users \nWHERE users.age < $1 UNION SELECT users.name \nFROM users \nWHERE "
            "users.age > $2)");
}

TEST_F(CompilerSelectTest, CacheKey_SameShapeOtherValuesIsEqual) {
  const auto a = key_of(select(users_.c("name")).where(users_.c("id") == 1).limit(5));
  const auto b = key_of(select(users_.c("name")).where(users_.c("id") == 2).limit(9));
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.values, (std::vector<Value>{1, 5}));
  EXPECT_EQ(b.values, (std::vector<Value>{2, 9}));
  EXPECT_EQ(a.bind_nodes.size(), 2u);
  // Equal keys compile to the same SQL.
  EXPECT_EQ(sqlite(select(users_.c("name")).where(users_.c("id") == 1)).sql,
            sqlite(select(users_.c("name")).where(users_.c("id") == 2)).sql);
}

// A dialect may type a placeholder from its value's kind (Firebird casts a bare bind to it), so
// values of another kind, or decimals of another scale, compile apart; equal kinds share.
TEST_F(CompilerSelectTest, CacheKey_HoldsTheKindOfEachBoundValueAndTheScaleOfADecimal) {
  const auto plus = [&](Value v) { return key_of(select(users_.c("age") + Expr(std::move(v)))).key; };
  EXPECT_EQ(plus(5), plus(7));
  EXPECT_NE(plus(5), plus(0.5));
  EXPECT_NE(plus(5), plus(Value()));
  EXPECT_NE(plus(5), plus("5"));
  EXPECT_EQ(plus(Decimal{"1.25"}), plus(Decimal{"-9.50"}));
  EXPECT_NE(plus(Decimal{"1.25"}), plus(Decimal{"1.075"}));
  EXPECT_EQ(plus(Decimal{"1.075"}), plus(Decimal{"1075e-3"}));
  EXPECT_EQ(plus(Decimal{"12"}), plus(Decimal{"1.2e1"}));
}

TEST_F(CompilerSelectTest, CacheKey_DifferentShapesDiffer) {
  const auto base = key_of(select(users_.c("name")).where(users_.c("id") == 1)).key;
  EXPECT_NE(base, key_of(select(users_.c("name")).where(users_.c("id") > 1)).key);
  EXPECT_NE(base, key_of(select(users_.c("name")).where(users_.c("age") == 1)).key);
  EXPECT_NE(base, key_of(select(users_.c("email")).where(users_.c("id") == 1)).key);
  EXPECT_NE(base, key_of(select(users_.c("name")).where(users_.c("id") == 1).limit(1)).key);
  EXPECT_NE(base, key_of(select(users_.c("name")).where(users_.c("id") == 1).distinct()).key);
  EXPECT_NE(base, key_of(select(users_.c("name")).where(users_.c("id") == bindparam("id"))).key);
  EXPECT_NE(key_of(select(users_.c("id")).where(users_.c("id").in_({1, 2}))).key,
            key_of(select(users_.c("id")).where(users_.c("id").in_({1, 2, 3}))).key);
  EXPECT_NE(key_of(select(users_.c("id")).where(users_.c("age") == bindparam("a"))).key,
            key_of(select(users_.c("id")).where(users_.c("age") == bindparam("b"))).key);
  EXPECT_NE(
      key_of(select(users_.c("id")).where(users_.c("name") == sql::bindparam_value("x", String{5})))
          .key,
      key_of(select(users_.c("id")).where(users_.c("name") == sql::bindparam_value("x", String{6})))
          .key);
}

TEST_F(CompilerSelectTest, CacheKey_TellsSharedFromSeparateObjects) {
  const FromClause u = users_.alias();
  const FromClause v = users_.alias();
  EXPECT_NE(key_of(select(u.c("id"), u.c("age"))).key, key_of(select(u.c("id"), v.c("age"))).key);
  const Expr one = sql::bindparam_value(1, Integer{});
  const Expr other = sql::bindparam_value(1, Integer{});
  EXPECT_NE(key_of(select(users_.c("id")).where(users_.c("age") + one > one)).key,
            key_of(select(users_.c("id")).where(users_.c("age") + one > other)).key);
}

// ---- errors ---------------------------------------------------------------------------------

TEST_F(CompilerSelectTest, UnknownColumn_NamesTheTableAndItsColumns) {
  try {
    (void)users_.c("nmae");
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("table 'users' has no column 'nmae'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("id, name, age, email, active"), std::string::npos) << msg;
  }
  EXPECT_THROW((void)(Expr() == 1), ArgumentError);
  EXPECT_THROW((void)users_.join(addresses_).alias("x"), ArgumentError);
}

// ---- the compiled-statement cache -----------------------------------------------------------

TEST(CompiledCacheLruTest, LeastRecentlyUsedEntryIsDroppedAndCountersCount) {
  sql::CompiledCache cache(2);
  auto compiled = [](std::string sql) {
    auto c = std::make_shared<sql::Compiled>();
    c->sql = std::move(sql);
    return c;
  };
  cache.put("a", compiled("A"));
  cache.put("b", compiled("B"));
  ASSERT_NE(cache.get("a"), nullptr);  // a is now the most recent
  cache.put("c", compiled("C"));       // drops b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.get("b"), nullptr);
  EXPECT_EQ(cache.get("a")->sql, "A");
  EXPECT_EQ(cache.get("c")->sql, "C");
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 1u);
  cache.put("c", compiled("C2"));
  EXPECT_EQ(cache.get("c")->sql, "C2");
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.get("a"), nullptr);
}
