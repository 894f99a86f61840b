// Compliance: SELECT constructs (SQLAlchemy's suite/test_select.py, test_cte.py,
// test_deprecations' set operations): filters and operators, functions and aggregates, joins,
// subqueries, CTEs (recursive too), window functions, set operations, limit/offset and the
// ordering of NULLs, each checked by the rows the database returns for a small fixed data set.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {
namespace {

using Strings = std::vector<std::string>;
using Ints = std::vector<std::int64_t>;

// people (id, name, age, email) and addresses (id, person_id -> people.id, email):
//   1 Alice 30 alice@x.org   addresses a1@home, a2@work
//   2 bob   17 NULL
//   3 Carol 45 carol@x.org   address   c@home
//   4 Dave  30 NULL
//   5 eve   70 eve@y.org     address   e@home
//   and address 5 (x@nowhere) of nobody (person_id NULL)
class ComplianceSelect : public ComplianceTablesTest {
 protected:
  void insert_data() override {
    conn().execute(
        insert(people_),
        std::vector<Params>{{{"id", 1}, {"name", "Alice"}, {"age", 30}, {"email", "alice@x.org"}},
                            {{"id", 2}, {"name", "bob"}, {"age", 17}, {"email", nullptr}},
                            {{"id", 3}, {"name", "Carol"}, {"age", 45}, {"email", "carol@x.org"}},
                            {{"id", 4}, {"name", "Dave"}, {"age", 30}, {"email", nullptr}},
                            {{"id", 5}, {"name", "eve"}, {"age", 70}, {"email", "eve@y.org"}}});
    conn().execute(
        insert(addresses_),
        std::vector<Params>{{{"id", 1}, {"person_id", 1}, {"email", "a1@home"}},
                            {{"id", 2}, {"person_id", 1}, {"email", "a2@work"}},
                            {{"id", 3}, {"person_id", 3}, {"email", "c@home"}},
                            {{"id", 4}, {"person_id", 5}, {"email", "e@home"}},
                            {{"id", 5}, {"person_id", nullptr}, {"email", "x@nowhere"}}});
  }

  // The first column of every row as text, NULL as "NULL".
  Strings strings(const Select& stmt, const Params& params = {}) {
    Strings out;
    for (const Row& row : conn().execute(stmt, params))
      out.push_back(row[0].is_null() ? "NULL" : row[0].as<std::string>());
    return out;
  }
  Ints ints(const Select& stmt) { return column<std::int64_t>(stmt); }

  // A number the database may hand back as an integer, a double or an exact decimal.
  static double number(const Value& v) {
    if (v.kind() == ValueKind::kDecimal) return std::strtod(v.as<Decimal>().text.c_str(), nullptr);
    return v.as<double>();
  }

  Table people_{name("people"),
                metadata_,
                Column{"id", Integer{}, primary_key},
                Column{"name", String{50}, nullable(false)},
                Column{"age", Integer{}},
                Column{"email", String{120}}};
  Table addresses_{name("addresses"), metadata_, Column{"id", Integer{}, primary_key},
                   Column{"person_id", Integer{}, ForeignKey{name("people") + ".id"}},
                   Column{"email", String{120}}};
  Expr id_ = people_.c("id");
  Expr name_ = people_.c("name");
  Expr age_ = people_.c("age");
  Expr email_ = people_.c("email");
};

// ---- filters and operators ------------------------------------------------------------------

TEST_F(ComplianceSelect, WhereEquality_FindsTheMatchingRow) {
  EXPECT_EQ(strings(select(name_).where(id_ == 3)), (Strings{"Carol"}));
}

TEST_F(ComplianceSelect, WhereComparisons_OrderAsNumbers) {
  EXPECT_EQ(ints(select(id_).where(age_ > 30).order_by({id_})), (Ints{3, 5}));
  EXPECT_EQ(ints(select(id_).where(age_ >= 30).order_by({id_})), (Ints{1, 3, 4, 5}));
  EXPECT_EQ(ints(select(id_).where(age_ < 30).order_by({id_})), (Ints{2}));
  EXPECT_EQ(ints(select(id_).where(age_ <= 30).order_by({id_})), (Ints{1, 2, 4}));
  EXPECT_EQ(ints(select(id_).where(age_ != 30).order_by({id_})), (Ints{2, 3, 5}));
}

TEST_F(ComplianceSelect, InList_MatchesAnyListedValue) {
  EXPECT_EQ(ints(select(id_).where(name_.in_({"bob", "eve", "nobody"})).order_by({id_})),
            (Ints{2, 5}));
}

TEST_F(ComplianceSelect, NotInList_ExcludesListedValues) {
  EXPECT_EQ(ints(select(id_).where(id_.not_in({1, 2, 3})).order_by({id_})), (Ints{4, 5}));
}

TEST_F(ComplianceSelect, Like_IsCaseSensitivePatternMatch) {
  EXPECT_EQ(strings(select(name_).where(name_.like("%o%")).order_by({id_})),
            (Strings{"bob", "Carol"}));
  EXPECT_EQ(strings(select(name_).where(name_.not_like("%o%")).order_by({id_})),
            (Strings{"Alice", "Dave", "eve"}));
}

TEST_F(ComplianceSelect, Ilike_IgnoresCase) {
  EXPECT_EQ(strings(select(name_).where(name_.ilike("CAR%"))), (Strings{"Carol"}));
  EXPECT_EQ(strings(select(name_).where(name_.ilike("E%"))), (Strings{"eve"}));
}

TEST_F(ComplianceSelect, Between_IncludesBothEnds) {
  EXPECT_EQ(ints(select(id_).where(age_.between(30, 45)).order_by({id_})), (Ints{1, 3, 4}));
  EXPECT_EQ(ints(select(id_).where(not_(age_.between(18, 60))).order_by({id_})), (Ints{2, 5}));
}

TEST_F(ComplianceSelect, IsNullAndIsNotNull_SplitTheRows) {
  EXPECT_EQ(ints(select(id_).where(email_.is_null()).order_by({id_})), (Ints{2, 4}));
  EXPECT_EQ(ints(select(id_).where(email_ == nullptr).order_by({id_})), (Ints{2, 4}));
  EXPECT_EQ(ints(select(id_).where(email_.is_not_null()).order_by({id_})), (Ints{1, 3, 5}));
}

TEST_F(ComplianceSelect, IsDistinctFrom_TreatsNullAsAValue) {
  EXPECT_EQ(ints(select(id_).where(email_ != "alice@x.org").order_by({id_})), (Ints{3, 5}));
  EXPECT_EQ(ints(select(id_).where(email_.is_distinct_from("alice@x.org")).order_by({id_})),
            (Ints{2, 3, 4, 5}));
  EXPECT_EQ(ints(select(id_).where(email_.is_not_distinct_from(nullptr)).order_by({id_})),
            (Ints{2, 4}));
}

TEST_F(ComplianceSelect, AndOrNot_CombineConditions) {
  EXPECT_EQ(ints(select(id_)
                     .where(or_(age_ < 18, and_(age_ > 40, email_.like("%y.org"))))
                     .order_by({id_})),
            (Ints{2, 5}));
  EXPECT_EQ(ints(select(id_).where(not_(or_(age_<18, age_> 40))).order_by({id_})), (Ints{1, 4}));
  EXPECT_EQ(ints(select(id_).where(age_ == 30).where(name_ == "Dave")), (Ints{4}));
}

TEST_F(ComplianceSelect, TrueAndFalseLiterals_FilterAllOrNothing) {
  EXPECT_EQ(ints(select(id_).where(true_()).where(id_ == 2)), (Ints{2}));
  EXPECT_EQ(ints(select(id_).where(false_())), Ints{});
}

TEST_F(ComplianceSelect, Arithmetic_FollowsIntegerRules) {
  const Row r =
      conn()
          .execute(select((age_ + 1) * 2, age_ - (id_ - 1), age_ % 7, -age_).where(id_ == 3))
          .one();
  EXPECT_EQ(r.get<std::int64_t>(0), 92);
  EXPECT_EQ(r.get<std::int64_t>(1), 43);
  EXPECT_EQ(r.get<std::int64_t>(2), 3);
  EXPECT_EQ(r.get<std::int64_t>(3), -45);
  EXPECT_EQ(scalar(select(age_ / 4).where(id_ == 3)).as<std::int64_t>(), 11);
}

TEST_F(ComplianceSelect, Concat_JoinsStrings) {
  EXPECT_EQ(strings(select(name_.concat(" <").concat(email_).concat(">")).where(id_ == 1)),
            (Strings{"Alice <alice@x.org>"}));
}

TEST_F(ComplianceSelect, CaseExpression_PicksTheFirstMatchingBranch) {
  const Expr kind = case_({{age_ < 18, "minor"}, {age_ < 65, "adult"}}, Expr("senior"));
  EXPECT_EQ(strings(select(kind.label("kind")).order_by({id_})),
            (Strings{"adult", "minor", "adult", "adult", "senior"}));
}

TEST_F(ComplianceSelect, Coalesce_TakesTheFirstNonNull) {
  EXPECT_EQ(strings(select(func::coalesce({email_, Expr("none")})).order_by({id_})),
            (Strings{"alice@x.org", "none", "carol@x.org", "none", "eve@y.org"}));
}

TEST_F(ComplianceSelect, StringFunctions_LowerUpperLength) {
  EXPECT_EQ(strings(select(func::upper(name_)).where(id_ == 2)), (Strings{"BOB"}));
  EXPECT_EQ(strings(select(func::lower(name_)).where(id_ == 1)), (Strings{"alice"}));
  EXPECT_EQ(ints(select(func::length(name_)).order_by({id_})), (Ints{5, 3, 5, 4, 3}));
}

TEST_F(ComplianceSelect, BindparamByName_TakesItsValueFromTheParameters) {
  const auto stmt = select(name_).where(age_ > bindparam("min_age")).order_by({id_});
  EXPECT_EQ(strings(stmt, {{"min_age", 40}}), (Strings{"Carol", "eve"}));
  EXPECT_EQ(strings(stmt, {{"min_age", 60}}), (Strings{"eve"}));
}

TEST_F(ComplianceSelect, LiteralAndLabel_NameTheResultColumns) {
  const Row r =
      conn()
          .execute(select(literal(7, Integer{}).label("seven"), name_.label("who")).where(id_ == 1))
          .one();
  EXPECT_EQ(r.keys(), (Strings{"seven", "who"}));
  EXPECT_EQ(r.get<std::int64_t>("seven"), 7);
  EXPECT_EQ(r.get<std::string>("who"), "Alice");
}

// ---- aggregates -----------------------------------------------------------------------------

TEST_F(ComplianceSelect, Aggregates_CountSumMinMaxAvg) {
  const Row r = conn()
                    .execute(select(func::count(), func::sum(age_), func::min(name_),
                                    func::max(age_), func::avg(age_), func::count(email_)))
                    .one();
  EXPECT_EQ(r.get<std::int64_t>(0), 5);
  EXPECT_EQ(r.get<std::int64_t>(1), 192);
  EXPECT_EQ(r.get<std::string>(2), "Alice");
  EXPECT_EQ(r.get<std::int64_t>(3), 70);
  EXPECT_DOUBLE_EQ(number(r[4]), 38.4);
  EXPECT_EQ(r.get<std::int64_t>(5), 3);  // count(x) skips NULLs
}

TEST_F(ComplianceSelect, CountDistinct_CountsEachValueOnce) {
  EXPECT_EQ(ints(select(func::count(distinct(age_)))), (Ints{4}));
}

TEST_F(ComplianceSelect, GroupByHaving_FiltersGroups) {
  const Expr n = func::count();
  std::vector<std::pair<std::int64_t, std::int64_t>> got;
  for (const Row& r :
       conn().execute(select(age_, n.label("n")).group_by({age_}).having(n > 1).order_by({age_})))
    got.emplace_back(r.get<std::int64_t>(0), r.get<std::int64_t>(1));
  EXPECT_EQ(got, (std::vector<std::pair<std::int64_t, std::int64_t>>{{30, 2}}));
}

TEST_F(ComplianceSelect, Distinct_RemovesDuplicateRows) {
  EXPECT_EQ(ints(select(age_).distinct().order_by({age_})), (Ints{17, 30, 45, 70}));
}

TEST_F(ComplianceSelect, AggregateOfNoRows_IsNullButCountIsZero) {
  const Row r = conn().execute(select(func::count(), func::max(age_)).where(id_ > 100)).one();
  EXPECT_EQ(r.get<std::int64_t>(0), 0);
  EXPECT_TRUE(r[1].is_null());
}

// ---- ordering, limit, offset ----------------------------------------------------------------

TEST_F(ComplianceSelect, OrderBySeveralKeys_AppliesThemInTurn) {
  EXPECT_EQ(ints(select(id_).order_by({age_.desc(), name_})), (Ints{5, 3, 1, 4, 2}));
}

TEST_F(ComplianceSelect, Limit_ReturnsTheFirstRows) {
  EXPECT_EQ(ints(select(id_).order_by({id_}).limit(2)), (Ints{1, 2}));
}

TEST_F(ComplianceSelect, Offset_SkipsRows) {
  EXPECT_EQ(ints(select(id_).order_by({id_}).offset(3)), (Ints{4, 5}));
}

TEST_F(ComplianceSelect, LimitAndOffset_ReturnAPage) {
  EXPECT_EQ(ints(select(id_).order_by({id_}).limit(2).offset(2)), (Ints{3, 4}));
  EXPECT_EQ(ints(select(id_).order_by({id_}).limit(2).offset(10)), Ints{});
}

TEST_F(ComplianceSelect, NullsFirst_PutsNullsBeforeValues) {
  CRUCIBLE_REQUIRE(nulls_ordering);
  EXPECT_EQ(strings(select(email_).order_by({email_.nulls_first(), id_})),
            (Strings{"NULL", "NULL", "alice@x.org", "carol@x.org", "eve@y.org"}));
  EXPECT_EQ(strings(select(email_).order_by({email_.desc().nulls_first(), id_})),
            (Strings{"NULL", "NULL", "eve@y.org", "carol@x.org", "alice@x.org"}));
}

TEST_F(ComplianceSelect, NullsLast_PutsNullsAfterValues) {
  CRUCIBLE_REQUIRE(nulls_ordering);
  EXPECT_EQ(strings(select(email_).order_by({email_.nulls_last(), id_})),
            (Strings{"alice@x.org", "carol@x.org", "eve@y.org", "NULL", "NULL"}));
  EXPECT_EQ(strings(select(email_).order_by({email_.desc().nulls_last(), id_})),
            (Strings{"eve@y.org", "carol@x.org", "alice@x.org", "NULL", "NULL"}));
}

// ---- joins ----------------------------------------------------------------------------------

TEST_F(ComplianceSelect, InnerJoinOnTheForeignKey_PairsRows) {
  EXPECT_EQ(strings(select(addresses_.c("email"))
                        .select_from(people_.join(addresses_))
                        .where(name_ == "Alice")
                        .order_by({addresses_.c("email")})),
            (Strings{"a1@home", "a2@work"}));
}

TEST_F(ComplianceSelect, LeftOuterJoin_KeepsRowsWithoutAMatch) {
  EXPECT_EQ(strings(select(name_)
                        .select_from(people_.outerjoin(addresses_))
                        .where(addresses_.c("id").is_null())
                        .order_by({id_})),
            (Strings{"bob", "Dave"}));
}

TEST_F(ComplianceSelect, FullOuterJoin_KeepsUnmatchedRowsOfBothSides) {
  CRUCIBLE_REQUIRE(full_outer_join);
  const auto stmt = select(name_, addresses_.c("email"))
                        .select_from(people_.join(addresses_, id_ == addresses_.c("person_id"),
                                                  /*isouter=*/true, /*full=*/true))
                        .where(or_(id_.is_null(), addresses_.c("id").is_null()));
  std::vector<std::string> got;
  for (const Row& r : conn().execute(stmt))
    got.push_back((r[0].is_null() ? "NULL" : r.get<std::string>(0)) + "/" +
                  (r[1].is_null() ? "NULL" : r.get<std::string>(1)));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Strings{"Dave/NULL", "NULL/x@nowhere", "bob/NULL"}));
}

TEST_F(ComplianceSelect, ExplicitOnClause_JoinsOnIt) {
  const FromClause other = people_.alias("other");
  // Pairs of different people of the same age.
  EXPECT_EQ(strings(select(name_.concat("+").concat(other.c("name")))
                        .select_from(people_.join(
                            other, and_(age_ == other.c("age"), id_ < other.c("id"))))),
            (Strings{"Alice+Dave"}));
}

TEST_F(ComplianceSelect, JoinThreeWays_FollowsEachKey) {
  Table tags{name("tags"), metadata_, Column{"id", Integer{}, primary_key},
             Column{"address_id", Integer{}, ForeignKey{name("addresses") + ".id"}},
             Column{"tag", String{10}}};
  create_tables();
  conn().execute(insert(tags), std::vector<Params>{{{"id", 1}, {"address_id", 2}, {"tag", "w"}},
                                                   {{"id", 2}, {"address_id", 3}, {"tag", "h"}}});
  EXPECT_EQ(strings(select(name_.concat(":").concat(tags.c("tag")))
                        .select_from(people_.join(addresses_).join(tags))
                        .order_by({tags.c("id")})),
            (Strings{"Alice:w", "Carol:h"}));
}

// ---- subqueries -----------------------------------------------------------------------------

TEST_F(ComplianceSelect, SubqueryInFrom_IsSelectedFromLikeATable) {
  const FromClause old = select(id_, name_).where(age_ > 40).subquery("old");
  EXPECT_EQ(strings(select(old.c("name")).order_by({old.c("id")})), (Strings{"Carol", "eve"}));
}

TEST_F(ComplianceSelect, CorrelatedScalarSubquery_IsEvaluatedPerRow) {
  const Expr n = select(func::count())
                     .select_from(addresses_)
                     .where(addresses_.c("person_id") == id_)
                     .scalar_subquery();
  Ints got;
  for (const Row& r : conn().execute(select(id_, n).order_by({id_})))
    got.push_back(r.get<std::int64_t>(1));
  EXPECT_EQ(got, (Ints{2, 0, 1, 0, 1}));
}

TEST_F(ComplianceSelect, ExistsAndNotExists_TestForRelatedRows) {
  const Select has_address = select(addresses_.c("id")).where(addresses_.c("person_id") == id_);
  EXPECT_EQ(ints(select(id_).where(exists(has_address)).order_by({id_})), (Ints{1, 3, 5}));
  EXPECT_EQ(ints(select(id_).where(not_(exists(has_address))).order_by({id_})), (Ints{2, 4}));
}

TEST_F(ComplianceSelect, InSubquery_MatchesTheSubquerysValues) {
  const Select with_home =
      select(addresses_.c("person_id")).where(addresses_.c("email").like("%home"));
  EXPECT_EQ(ints(select(id_).where(sql::in_(id_, with_home)).order_by({id_})), (Ints{1, 3, 5}));
  EXPECT_EQ(ints(select(id_)
                     .where(sql::not_in(id_, select(addresses_.c("person_id"))
                                                 .where(addresses_.c("person_id").is_not_null())))
                     .order_by({id_})),
            (Ints{2, 4}));
}

// ---- CTEs -----------------------------------------------------------------------------------

TEST_F(ComplianceSelect, Cte_IsSelectedFromAndJoined) {
  const FromClause older = select(id_, name_).where(age_ > 40).cte(name("older"));
  EXPECT_EQ(strings(select(older.c("name")).order_by({older.c("name")})),
            (Strings{"Carol", "eve"}));
  EXPECT_EQ(
      strings(select(addresses_.c("email"))
                  .select_from(addresses_.join(older, addresses_.c("person_id") == older.c("id")))
                  .order_by({addresses_.c("email")})),
      (Strings{"c@home", "e@home"}));
}

TEST_F(ComplianceSelect, RecursiveCte_CountsFromOneToTen) {
  CRUCIBLE_REQUIRE(recursive_cte);
  const FromClause start = select(Expr(1).label("n")).cte("cnt", true);
  const FromClause cnt = start.union_all(select(start.c("n") + 1).where(start.c("n") < 10));
  EXPECT_EQ(ints(select(cnt.c("n")).order_by({cnt.c("n")})), (Ints{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(scalar(select(func::sum(cnt.c("n")))).as<std::int64_t>(), 55);
}

TEST_F(ComplianceSelect, RecursiveCte_WalksAHierarchy) {
  CRUCIBLE_REQUIRE(recursive_cte);
  Table staff{name("staff"), metadata_, Column{"id", Integer{}, primary_key},
              Column{"boss", Integer{}, ForeignKey{name("staff") + ".id"}},
              Column{"who", String{10}}};
  create_tables();
  conn().execute(insert(staff), std::vector<Params>{{{"id", 1}, {"boss", nullptr}, {"who", "ceo"}},
                                                    {{"id", 2}, {"boss", 1}, {"who", "cto"}},
                                                    {{"id", 3}, {"boss", 2}, {"who", "dev"}},
                                                    {{"id", 4}, {"boss", 1}, {"who", "cfo"}}});
  const FromClause top = select(staff.c("id"), staff.c("who"), Expr(0).label("depth"))
                             .where(staff.c("boss").is_null())
                             .cte("chain", true);
  const FromClause report = staff.alias("report");
  const FromClause chain =
      top.union_all(select(report.c("id"), report.c("who"), top.c("depth") + 1)
                        .select_from(report.join(top, report.c("boss") == top.c("id"))));
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const Row& r : conn().execute(
           select(chain.c("who"), chain.c("depth")).order_by({chain.c("depth"), chain.c("who")})))
    got.emplace_back(r.get<std::string>(0), r.get<std::int64_t>(1));
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::int64_t>>{
                     {"ceo", 0}, {"cfo", 1}, {"cto", 1}, {"dev", 2}}));
}

// ---- window functions -----------------------------------------------------------------------

TEST_F(ComplianceSelect, RowNumberOverPartition_NumbersEachGroup) {
  CRUCIBLE_REQUIRE(window_functions);
  const Expr rn = func::row_number()
                      .over({addresses_.c("person_id")}, {addresses_.c("email").desc()})
                      .label("rn");
  EXPECT_EQ(
      column<std::int64_t>(
          select(rn).where(addresses_.c("person_id").is_not_null()).order_by({addresses_.c("id")})),
      (Ints{2, 1, 1, 1}));
}

TEST_F(ComplianceSelect, RankAndDenseRank_ShareRanksOnTies) {
  CRUCIBLE_REQUIRE(window_functions);
  EXPECT_EQ(ints(select(func::rank().over({}, {age_})).order_by({id_})), (Ints{2, 1, 4, 2, 5}));
  EXPECT_EQ(ints(select(func::dense_rank().over({}, {age_})).order_by({id_})),
            (Ints{2, 1, 3, 2, 4}));
}

TEST_F(ComplianceSelect, AggregateOverWholeResult_RepeatsOnEveryRow) {
  CRUCIBLE_REQUIRE(window_functions);
  EXPECT_EQ(ints(select(func::count().over()).select_from(people_)), (Ints{5, 5, 5, 5, 5}));
}

TEST_F(ComplianceSelect, RunningSum_AddsUpInWindowOrder) {
  CRUCIBLE_REQUIRE(window_functions);
  EXPECT_EQ(ints(select(func::sum(age_).over({}, {id_})).order_by({id_})),
            (Ints{30, 47, 92, 122, 192}));
}

// ---- set operations -------------------------------------------------------------------------

TEST_F(ComplianceSelect, Union_RemovesDuplicates) {
  const Select young = select(name_).where(age_ < 20);
  const Select old = select(name_).where(age_ > 60);
  EXPECT_EQ(strings(union_({old, young, young}).order_by({name_})), (Strings{"bob", "eve"}));
}

TEST_F(ComplianceSelect, UnionAll_KeepsDuplicates) {
  const Select young = select(name_).where(age_ < 20);
  EXPECT_EQ(strings(union_all({young, young})), (Strings{"bob", "bob"}));
}

TEST_F(ComplianceSelect, Intersect_KeepsRowsInBoth) {
  CRUCIBLE_REQUIRE(intersect_except);
  EXPECT_EQ(
      strings(
          intersect({select(name_), select(name_).where(age_.between(30, 45))}).order_by({name_})),
      (Strings{"Alice", "Carol", "Dave"}));
}

TEST_F(ComplianceSelect, Except_RemovesRowsOfTheSecond) {
  CRUCIBLE_REQUIRE(intersect_except);
  EXPECT_EQ(
      strings(
          except_({select(name_), select(name_).where(age_.between(30, 45))}).order_by({name_})),
      (Strings{"bob", "eve"}));
}

TEST_F(ComplianceSelect, SetOperationWithLimit_LimitsTheWhole) {
  EXPECT_EQ(strings(union_all({select(name_).where(id_ < 3), select(name_).where(id_ > 3)})
                        .order_by({name_})
                        .limit(2)),
            (Strings{"Alice", "Dave"}));
}

// ---- results --------------------------------------------------------------------------------

TEST_F(ComplianceSelect, Streaming_YieldPerReturnsEveryRowInPartitions) {
  Result r = conn().execute(select(id_).order_by({id_}));
  r.yield_per(2);
  std::vector<std::size_t> sizes;
  Ints ids;
  for (auto part = r.partition(); !part.empty(); part = r.partition()) {
    sizes.push_back(part.size());
    for (const Row& row : part) ids.push_back(row.get<std::int64_t>(0));
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(ids, (Ints{1, 2, 3, 4, 5}));
}

TEST_F(ComplianceSelect, OneAndOneOrNone_CountTheRows) {
  EXPECT_EQ(conn().execute(select(name_).where(id_ == 1)).one().get<std::string>(0), "Alice");
  EXPECT_THROW(conn().execute(select(name_).where(id_ > 100)).one(), NoResultFound);
  EXPECT_THROW(conn().execute(select(name_)).one_or_none(), MultipleResultsFound);
  EXPECT_FALSE(conn().execute(select(name_).where(id_ > 100)).one_or_none().has_value());
}

TEST_F(ComplianceSelect, ResultKeys_AreTheColumnNames) {
  Result r = conn().execute(select(id_, name_, age_.label("years")).where(id_ == 1));
  EXPECT_EQ(r.keys(), (Strings{"id", "name", "years"}));
  EXPECT_EQ(r.one().get<std::int64_t>("years"), 30);
}

}  // namespace
}  // namespace crucible::sdk::testing
