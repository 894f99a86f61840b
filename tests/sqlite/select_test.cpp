// SELECT and the expression language executed on real SQLite through an Engine: every
// construct compiled by the SQLite dialect, run, and checked by the rows the database returns.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crucible/crucible.hpp"
#include "test_support.hpp"

using namespace crucible;
using crucible::testing::TempDir;

namespace {

using Strings = std::vector<std::string>;
using Ints = std::vector<std::int64_t>;

// users (id, name, age, email) and addresses (id, user_id -> users.id, email):
//   1 Alice 30 alice@x.org   addresses a1@home, a2@work
//   2 bob   17 NULL
//   3 Carol 45 carol@x.org   address   c@home
//   4 Dave  30 NULL
//   5 eve   70 eve@y.org     address   e@home
class SelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_.emplace(create_engine("sqlite://"));
    engine_->begin([](Connection& conn) {
      conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        "age INTEGER, email VARCHAR(120))"));
      conn.execute(text("CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER "
                        "REFERENCES users (id), email VARCHAR(120))"));
      conn.execute(text("INSERT INTO users VALUES (1, 'Alice', 30, 'alice@x.org'), (2, 'bob', 17, "
                        "NULL), (3, 'Carol', 45, 'carol@x.org'), (4, 'Dave', 30, NULL), (5, "
                        "'eve', 70, 'eve@y.org')"));
      conn.execute(text("INSERT INTO addresses VALUES (1, 1, 'a1@home'), (2, 1, 'a2@work'), (3, 3, "
                        "'c@home'), (4, 5, 'e@home')"));
    });
    conn_.emplace(engine_->connect());
  }
  void TearDown() override { conn_.reset(); }

  // The first column of every row, as strings (NULL as "NULL").
  Strings strings(const Select& stmt, const Params& params = {}) {
    Strings out;
    for (const Row& row : conn_->execute(stmt, params))
      out.push_back(row[0].is_null() ? "NULL" : row[0].as<std::string>());
    return out;
  }
  Ints ints(const Select& stmt, std::size_t column = 0) {
    Ints out;
    for (const Row& row : conn_->execute(stmt)) out.push_back(row.get<std::int64_t>(column));
    return out;
  }

  std::optional<Engine> engine_;
  std::optional<Connection> conn_;
  MetaData metadata_;
  Table users_{"users",
               metadata_,
               Column{"id", Integer{}, primary_key},
               Column{"name", String{50}, nullable(false)},
               Column{"age", Integer{}},
               Column{"email", String{120}}};
  Table addresses_{"addresses", metadata_, Column{"id", Integer{}, primary_key},
                   Column{"user_id", Integer{}, ForeignKey{"users.id"}},
                   Column{"email", String{120}}};
  Expr id_ = users_.c("id");
  Expr name_ = users_.c("name");
  Expr age_ = users_.c("age");
  Expr email_ = users_.c("email");
};

}  // namespace

// ---- clauses --------------------------------------------------------------------------------

TEST_F(SelectTest, WhereOrderByLimitOffset) {
  const auto stmt =
      select(name_).where(age_ >= 18).order_by({age_.desc(), name_}).limit(2).offset(1);
  EXPECT_EQ(strings(stmt), (Strings{"Carol", "Alice"}));
  EXPECT_EQ(strings(select(name_).order_by({id_}).offset(3)), (Strings{"Dave", "eve"}));
  EXPECT_EQ(strings(select(name_).order_by({id_}).limit(1)), (Strings{"Alice"}));
}

TEST_F(SelectTest, GroupByHaving) {
  const Expr n = func::count().label("n");
  const Row row = conn_->execute(select(age_, n).group_by({age_}).having(func::count() > 1)).one();
  EXPECT_EQ(row.get<std::int64_t>(0), 30);
  EXPECT_EQ(row.get<std::int64_t>("n"), 2);
}

TEST_F(SelectTest, Distinct) {
  EXPECT_EQ(ints(select(age_).distinct().order_by({age_})), (Ints{17, 30, 45, 70}));
}

TEST_F(SelectTest, OrderByNullsFirstAndLast) {
  EXPECT_EQ(strings(select(email_).order_by({email_.nulls_last(), id_})),
            (Strings{"alice@x.org", "carol@x.org", "eve@y.org", "NULL", "NULL"}));
  EXPECT_EQ(strings(select(email_).order_by({email_.desc().nulls_first(), id_})),
            (Strings{"NULL", "NULL", "eve@y.org", "carol@x.org", "alice@x.org"}));
}

TEST_F(SelectTest, BindparamTakesItsValueFromTheParameters) {
  const auto stmt = select(name_).where(age_ > bindparam("min_age")).order_by({id_});
  EXPECT_EQ(strings(stmt, {{"min_age", 40}}), (Strings{"Carol", "eve"}));
  EXPECT_EQ(strings(stmt, {{"min_age", 60}}), (Strings{"eve"}));
}

// ---- joins ----------------------------------------------------------------------------------

TEST_F(SelectTest, JoinOnTheForeignKey) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Row& r : conn_->execute(select(name_, addresses_.c("email"))
                                         .select_from(users_.join(addresses_))
                                         .order_by({addresses_.c("id")})))
    rows.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
  EXPECT_EQ(
      rows,
      (std::vector<std::pair<std::string, std::string>>{
          {"Alice", "a1@home"}, {"Alice", "a2@work"}, {"Carol", "c@home"}, {"eve", "e@home"}}));
}

TEST_F(SelectTest, OuterJoinKeepsUsersWithoutAddresses) {
  const auto stmt = select(name_, func::count(addresses_.c("id")))
                        .select_from(users_.outerjoin(addresses_))
                        .group_by({id_, name_})
                        .order_by({id_});
  EXPECT_EQ(ints(stmt, 1), (Ints{2, 0, 1, 0, 1}));
}

TEST_F(SelectTest, SelectJoinFromTheColumnsTable) {
  const auto stmt = select(name_)
                        .join(addresses_)
                        .where(addresses_.c("email").like("%home"))
                        .distinct()
                        .order_by({name_});
  EXPECT_EQ(strings(stmt), (Strings{"Alice", "Carol", "eve"}));
}

TEST_F(SelectTest, AliasSelfJoin) {
  const FromClause a = users_.alias("a");
  const FromClause b = users_.alias();
  const Row row = conn_
                      ->execute(select(a.c("name"), b.c("name"))
                                    .where(a.c("age") == b.c("age"))
                                    .where(a.c("id") < b.c("id")))
                      .one();
  EXPECT_EQ(row.get<std::string>(0), "Alice");
  EXPECT_EQ(row.get<std::string>(1), "Dave");
}

// ---- subqueries -----------------------------------------------------------------------------

TEST_F(SelectTest, SubqueryInFrom) {
  const FromClause counts = select(addresses_.c("user_id"), func::count().label("n"))
                                .group_by({addresses_.c("user_id")})
                                .subquery("counts");
  const auto stmt = select(name_, counts.c("n"))
                        .select_from(users_.join(counts, id_ == counts.c("user_id")))
                        .order_by({counts.c("n").desc(), name_});
  EXPECT_EQ(strings(stmt), (Strings{"Alice", "Carol", "eve"}));
  EXPECT_EQ(ints(stmt, 1), (Ints{2, 1, 1}));
}

TEST_F(SelectTest, AnonymousSubqueryWithAnUnnamedColumn) {
  const FromClause sub = select(id_, age_ * 2).subquery();
  EXPECT_EQ(ints(select(sub.c("anon_1")).where(sub.c("id") < 3).order_by({sub.c("id")})),
            (Ints{60, 34}));
}

TEST_F(SelectTest, SubqueryOfAStar) {
  const FromClause adults = select(users_.star()).where(age_ >= 18).subquery();
  EXPECT_EQ(strings(select(adults.c("name")).where(adults.c("email").is_null())),
            (Strings{"Dave"}));
}

TEST_F(SelectTest, CorrelatedScalarSubquery) {
  const Expr n = select(func::count(addresses_.c("id")))
                     .where(addresses_.c("user_id") == id_)
                     .scalar_subquery();
  EXPECT_EQ(ints(select(name_, n.label("n")).order_by({id_}), 1), (Ints{2, 0, 1, 0, 1}));
  // Uncorrelated: older than the average age (38.4).
  const Expr average = select(func::avg(age_)).scalar_subquery();
  EXPECT_EQ(strings(select(name_).where(age_ > average).order_by({id_})),
            (Strings{"Carol", "eve"}));
}

TEST_F(SelectTest, ExistsAndNotExists) {
  const Select has_address = select(addresses_.c("id")).where(addresses_.c("user_id") == id_);
  EXPECT_EQ(strings(select(name_).where(exists(has_address)).order_by({id_})),
            (Strings{"Alice", "Carol", "eve"}));
  EXPECT_EQ(strings(select(name_).where(not_(has_address.exists())).order_by({id_})),
            (Strings{"bob", "Dave"}));
}

TEST_F(SelectTest, InListAndSubquery) {
  EXPECT_EQ(strings(select(name_).where(id_.in_({2, 4, 9})).order_by({id_})),
            (Strings{"bob", "Dave"}));
  EXPECT_EQ(strings(select(name_).where(id_.not_in({2, 4})).order_by({id_})),
            (Strings{"Alice", "Carol", "eve"}));
  EXPECT_EQ(strings(select(name_).where(id_.in_({}))), Strings{}) << "empty IN is false";
  EXPECT_EQ(strings(select(name_).where(id_.not_in({}))).size(), 5u) << "empty NOT IN is true";
  EXPECT_EQ(strings(select(name_).where(not_(email_.in_({})))).size(), 5u)
      << "even for NULL emails";
  const Select with_address = select(addresses_.c("user_id"));
  EXPECT_EQ(strings(select(name_).where(sql::in_(id_, with_address)).order_by({id_})),
            (Strings{"Alice", "Carol", "eve"}));
  EXPECT_EQ(strings(select(name_).where(sql::not_in(id_, with_address)).order_by({id_})),
            (Strings{"bob", "Dave"}));
}

// ---- CTEs -----------------------------------------------------------------------------------

TEST_F(SelectTest, Cte) {
  const FromClause older = select(id_, name_).where(age_ > 40).cte("older");
  EXPECT_EQ(strings(select(older.c("name")).order_by({older.c("name")})),
            (Strings{"Carol", "eve"}));
  // Joined back to a table, and used from a nested select only.
  EXPECT_EQ(
      strings(select(addresses_.c("email"))
                  .select_from(addresses_.join(older, addresses_.c("user_id") == older.c("id")))
                  .order_by({addresses_.c("email")})),
      (Strings{"c@home", "e@home"}));
  EXPECT_EQ(strings(select(name_).where(sql::in_(id_, select(older.c("id")))).order_by({id_})),
            (Strings{"Carol", "eve"}));
}

TEST_F(SelectTest, RecursiveCteCountsFromOneToTen) {
  const FromClause start = select(Expr(1).label("n")).cte("cnt", true);
  const FromClause cnt = start.union_all(select(start.c("n") + 1).where(start.c("n") < 10));
  EXPECT_EQ(ints(select(cnt.c("n"))), (Ints{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(conn_->execute(select(func::sum(cnt.c("n")))).scalar().as<std::int64_t>(), 55);
}

TEST(SelectChinookTest, RecursiveCteWalksTheReportingChain) {
  TempDir dir;
  const auto path = crucible::testing::copy_chinook(dir);
  Engine engine = create_engine("sqlite:///" + path.string());
  MetaData md;
  Table employee{"Employee",
                 md,
                 Column{"EmployeeId", Integer{}, primary_key},
                 Column{"LastName", String{20}},
                 Column{"FirstName", String{20}},
                 Column{"Title", String{30}},
                 Column{"ReportsTo", Integer{}, ForeignKey{"Employee.EmployeeId"}}};
  const auto full_name = [](const FromClause& e) {
    return e.c("FirstName").concat(" ").concat(e.c("LastName"));
  };
  const FromClause top = select(employee.c("EmployeeId"), full_name(employee).label("name"),
                                full_name(employee).label("path"), Expr(0).label("depth"))
                             .where(employee.c("ReportsTo").is_null())
                             .cte("chain", true);
  const FromClause report = employee.alias("report");
  const FromClause chain = top.union_all(
      select(report.c("EmployeeId"), full_name(report),
             top.c("path").concat(" > ").concat(full_name(report)), top.c("depth") + 1)
          .select_from(report.join(top, report.c("ReportsTo") == top.c("EmployeeId"))));
  auto conn = engine.connect();
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const Row& r :
       conn.execute(select(chain.c("name"), chain.c("depth")).order_by({chain.c("path")})))
    got.emplace_back(r.get<std::string>(0), r.get<std::int64_t>(1));
  const std::vector<std::pair<std::string, std::int64_t>> expected{
      {"Andrew Adams", 0},  {"Michael Mitchell", 1}, {"Laura Callahan", 2}, {"Robert King", 2},
      {"Nancy Edwards", 1}, {"Jane Peacock", 2},     {"Margaret Park", 2},  {"Steve Johnson", 2}};
  EXPECT_EQ(got, expected);
  // The same walk written by hand gives the same rows.
  std::vector<std::pair<std::string, std::int64_t>> by_hand;
  for (const Row& r : conn.execute(text(
           "WITH RECURSIVE c(id, name, path, depth) AS (SELECT EmployeeId, FirstName || ' ' || "
           "LastName, FirstName || ' ' || LastName, 0 FROM Employee WHERE ReportsTo IS NULL "
           "UNION ALL SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName, c.path || ' > ' || "
           "e.FirstName || ' ' || e.LastName, c.depth + 1 FROM Employee e JOIN c ON e.ReportsTo "
           "= c.id) SELECT name, depth FROM c ORDER BY path")))
    by_hand.emplace_back(r.get<std::string>(0), r.get<std::int64_t>(1));
  EXPECT_EQ(got, by_hand);
}

// ---- set operations -------------------------------------------------------------------------

TEST_F(SelectTest, UnionUnionAllIntersectExcept) {
  const Select young = select(name_).where(age_ < 20);
  const Select old = select(name_).where(age_ > 60);
  const Select all_users = select(name_);
  const Select thirty_to_45 = select(name_).where(age_.between(30, 45));
  EXPECT_EQ(strings(union_({old, young}).order_by({name_})), (Strings{"bob", "eve"}));
  EXPECT_EQ(strings(union_({young, young})).size(), 1u);
  EXPECT_EQ(strings(union_all({young, young})).size(), 2u);
  EXPECT_EQ(strings(intersect({all_users, thirty_to_45}).order_by({name_})),
            (Strings{"Alice", "Carol", "Dave"}));
  EXPECT_EQ(strings(except_({all_users, thirty_to_45}).order_by({name_.desc()}).limit(1)),
            (Strings{"eve"}));
}

TEST_F(SelectTest, UnionOfMembersWithTheirOwnOrderAndLimit_EachKeepsItsOwn) {
  // The oldest and the youngest user: LIMIT 1 applies to each member, not to the union.
  const Select oldest = select(name_).order_by({age_.desc()}).limit(1);
  const Select youngest = select(name_).order_by({age_}).limit(1);
  EXPECT_EQ(strings(union_all({oldest, youngest})), (Strings{"eve", "bob"}));
  // A nested set operation keeps its grouping: all but (the young and the old).
  EXPECT_EQ(strings(except_({select(name_), union_({select(name_).where(age_ < 20),
                                                    select(name_).where(age_ > 60)})})
                        .order_by({name_})),
            (Strings{"Alice", "Carol", "Dave"}));
}

// ---- expressions ----------------------------------------------------------------------------

TEST_F(SelectTest, WindowFunctions) {
  const Expr rn = func::row_number()
                      .over({addresses_.c("user_id")}, {addresses_.c("email").desc()})
                      .label("rn");
  std::vector<std::pair<std::string, std::int64_t>> rows;
  for (const Row& r :
       conn_->execute(select(addresses_.c("email"), rn).order_by({addresses_.c("id")})))
    rows.emplace_back(r.get<std::string>(0), r.get<std::int64_t>("rn"));
  EXPECT_EQ(rows, (std::vector<std::pair<std::string, std::int64_t>>{
                      {"a1@home", 2}, {"a2@work", 1}, {"c@home", 1}, {"e@home", 1}}));
  EXPECT_EQ(ints(select(func::rank().over({}, {age_})).order_by({id_})), (Ints{2, 1, 4, 2, 5}));
  EXPECT_EQ(ints(select(func::count().over()).select_from(users_).limit(1)), (Ints{5}));
}

TEST_F(SelectTest, CaseCastCoalesce) {
  const Expr kind =
      case_({{age_ < 18, "minor"}, {age_ < 65, "adult"}}, Expr("senior")).label("kind");
  EXPECT_EQ(strings(select(kind).order_by({id_})),
            (Strings{"adult", "minor", "adult", "adult", "senior"}));
  const Value s = conn_->execute(select(cast(age_, String{10})).where(id_ == 1)).scalar();
  EXPECT_EQ(s.kind(), ValueKind::kString);
  EXPECT_EQ(s.as<std::string>(), "30");
  EXPECT_EQ(conn_->execute(select(cast(Expr("42"), Integer{}) + 1)).scalar().as<std::int64_t>(),
            43);
  EXPECT_EQ(strings(select(func::coalesce({email_, "none"})).order_by({id_})),
            (Strings{"alice@x.org", "none", "carol@x.org", "none", "eve@y.org"}));
}

TEST_F(SelectTest, BetweenLikeIlike) {
  EXPECT_EQ(strings(select(name_).where(age_.between(30, 45)).order_by({id_})),
            (Strings{"Alice", "Carol", "Dave"}));
  EXPECT_EQ(strings(select(name_).where(not_(age_.between(18, 60))).order_by({id_})),
            (Strings{"bob", "eve"}));
  EXPECT_EQ(strings(select(name_).where(name_.like("%o%")).order_by({id_})),
            (Strings{"bob", "Carol"}));
  EXPECT_EQ(strings(select(name_).where(name_.not_like("%o%")).order_by({id_})),
            (Strings{"Alice", "Dave", "eve"}));
  EXPECT_EQ(strings(select(name_).where(name_.ilike("CAR%"))), (Strings{"Carol"}));
  EXPECT_EQ(strings(select(name_).where(name_.ilike("E%"))), (Strings{"eve"}));
}

TEST_F(SelectTest, IsDistinctFromTreatsNullAsAValue) {
  // != drops the NULL emails; IS DISTINCT FROM keeps them.
  EXPECT_EQ(strings(select(name_).where(email_ != "alice@x.org").order_by({id_})),
            (Strings{"Carol", "eve"}));
  EXPECT_EQ(strings(select(name_).where(email_.is_distinct_from("alice@x.org")).order_by({id_})),
            (Strings{"bob", "Carol", "Dave", "eve"}));
  EXPECT_EQ(strings(select(name_).where(email_.is_not_distinct_from(nullptr)).order_by({id_})),
            (Strings{"bob", "Dave"}));
  EXPECT_EQ(strings(select(name_).where(email_ == nullptr).order_by({id_})),
            (Strings{"bob", "Dave"}));
  EXPECT_EQ(strings(select(name_).where(email_.is_not_null()).order_by({id_})),
            (Strings{"Alice", "Carol", "eve"}));
}

TEST_F(SelectTest, LogicalOperatorsAndArithmetic) {
  EXPECT_EQ(strings(select(name_)
                        .where(or_(age_ < 18, and_(age_ > 40, email_.like("%y.org"))))
                        .order_by({id_})),
            (Strings{"bob", "eve"}));
  EXPECT_EQ(strings(select(name_).where(not_(or_(age_<18, age_> 40))).order_by({id_})),
            (Strings{"Alice", "Dave"}));
  EXPECT_EQ(ints(select((age_ + 1) * 2, age_ - (id_ - 1), age_ % 7).where(id_ == 3)), (Ints{92}));
  const Row r =
      conn_->execute(select((age_ + 1) * 2, age_ - (id_ - 1), age_ % 7, -age_).where(id_ == 3))
          .one();
  EXPECT_EQ(r.get<std::int64_t>(1), 43);
  EXPECT_EQ(r.get<std::int64_t>(2), 3);
  EXPECT_EQ(r.get<std::int64_t>(3), -45);
  EXPECT_EQ(strings(select(name_).where(true_()).where(id_ == 2)), (Strings{"bob"}));
  EXPECT_EQ(strings(select(name_).where(false_())), Strings{});
}

TEST_F(SelectTest, FunctionsAndConcat) {
  const Row r = conn_
                    ->execute(select(func::count(), func::sum(age_), func::min(name_),
                                     func::max(age_), func::avg(age_)))
                    .one();
  EXPECT_EQ(r.get<std::int64_t>(0), 5);
  EXPECT_EQ(r.get<std::int64_t>(1), 192);
  EXPECT_EQ(r.get<std::string>(2), "Alice");
  EXPECT_EQ(r.get<std::int64_t>(3), 70);
  EXPECT_DOUBLE_EQ(r.get<double>(4), 38.4);
  EXPECT_EQ(strings(select(func::upper(name_).concat(" <").concat(func::lower(email_)).concat(">"))
                        .where(id_ == 3)),
            (Strings{"CAROL <carol@x.org>"}));
  EXPECT_EQ(ints(select(func::length(name_)).order_by({id_})), (Ints{5, 3, 5, 4, 3}));
  EXPECT_EQ(ints(select(func::count(distinct(age_)))), (Ints{4}));
  EXPECT_EQ(conn_->execute(select(func::call("abs", {Expr(-3)}))).scalar().as<std::int64_t>(), 3);
  EXPECT_FALSE(conn_->execute(select(func::now())).scalar().is_null());
}

TEST_F(SelectTest, LiteralsAndLabels) {
  const Row r = conn_
                    ->execute(select(literal(7, Integer{}).label("seven"), literal_column("'x'"),
                                     name_.label("who"))
                                  .where(id_ == 1))
                    .one();
  EXPECT_EQ(r.get<std::int64_t>("seven"), 7);
  EXPECT_EQ(r.get<std::string>(1), "x");
  EXPECT_EQ(r.get<std::string>("who"), "Alice");
}

TEST_F(SelectTest, SameShapeRunsFromTheCompiledCache) {
  const auto misses = engine_->compiled_cache().misses();
  for (int i = 1; i <= 5; ++i) {
    const auto stmt = select(name_).where(id_.in_({i, i + 10})).order_by({id_}).limit(1);
    EXPECT_EQ(strings(stmt).size(), 1u);
  }
  EXPECT_EQ(engine_->compiled_cache().misses() - misses, 1u);
}
