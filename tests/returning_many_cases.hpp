#pragma once
// An executemany of INSERT … RETURNING (Connection::execute(stmt, param_sets) sent as multi-row
// VALUES pages) checked against a real database: the cases every dialect with RETURNING runs,
// from tests/sqlite/returning_many_test.cpp, tests/postgresql/returning_many_test.cpp and
// tests/mysql/returning_many_test.cpp (MariaDB). The table is crucible's, so each dialect
// writes its own DDL for the autoincrement key and the server defaults.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crucible/crucible.hpp"

namespace crucible::testing::returning_many {

/// Rows the cases insert: 2,500, so that pages of 1,000 (every dialect here) are crossed twice.
inline constexpr std::size_t kRows = 2'500;

/// "g00042": the unique code of set i.
inline std::string code(std::size_t i) {
  std::string digits = std::to_string(i);
  return "g" + std::string(5 - std::min<std::size_t>(5, digits.size()), '0') + digits;
}

/// gadgets: an autoincrement key, a unique code, and two server defaults whose values come
/// back through RETURNING (a DateTime, which SQLite returns as text for the dialect's result
/// processor to convert, and a Boolean, which SQLite returns as 0/1).
struct Gadgets {
  MetaData metadata;
  Table table{
      "gadgets",
      metadata,
      Column{"id", Integer{}, primary_key},
      Column{"code", String{20}, nullable(false), unique},
      Column{"created", types::DateTime{}, server_default("CURRENT_TIMESTAMP"), nullable(false)},
      Column{"active", Boolean{}, server_default("TRUE"), nullable(false)}};

  /// INSERT INTO gadgets (code) VALUES (…) RETURNING id, created, active.
  sql::Insert insert_returning() const {
    return insert(table).returning({table.c("id"), table.c("created"), table.c("active")});
  }
  /// One parameter set per row, codes code(0) … code(n - 1).
  static std::vector<Params> sets(std::size_t n) {
    std::vector<Params> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back({{"code", code(i)}});
    return out;
  }
};

/// How many pages n single-parameter rows make on engine's dialect (DialectFeatures).
inline std::size_t expected_pages(const Engine& engine, std::size_t n, std::size_t width) {
  const DialectFeatures& f = engine.dialect().features();
  const std::size_t page =
      std::max<std::size_t>(1, std::min<std::size_t>(f.insertmanyvalues_page_size,
                                                     f.insertmanyvalues_max_parameters / width));
  return (n + page - 1) / page;
}

/// 2,500 sets: one RETURNING row per set, in set order (ids strictly increasing and equal to
/// the ids a SELECT finds for each code), the server defaults processed to their C++ kinds,
/// rowcount the total, one driver execute per page (counted through the execute events), and
/// the rows still there after commit.
inline void check_rows_come_back_in_set_order(Engine& engine) {
  Gadgets g;
  g.metadata.create_all(engine);
  ASSERT_TRUE(engine.dialect().features().supports_returning);
  std::vector<std::size_t> page_rows;  // statements sent, by their count of parameters
  const ListenerId id = engine.events().on_before_cursor_execute([&](const CursorExecuteEvent& e) {
    EXPECT_FALSE(e.executemany) << "each page is one execute, its rows read before the next";
    page_rows.push_back(e.parameters.size());
  });
  auto conn = engine.connect();
  Result result = conn.execute(g.insert_returning(), Gadgets::sets(kRows));
  engine.events().remove(id);

  EXPECT_EQ(page_rows.size(), expected_pages(engine, kRows, 1));
  ASSERT_GE(page_rows.size(), 3u) << "the test must cross page boundaries";
  EXPECT_EQ(page_rows.front(), page_rows[1]) << "full pages first, then the rest";
  EXPECT_EQ(result.rowcount(), static_cast<std::int64_t>(kRows));
  ASSERT_TRUE(result.returns_rows());
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"id", "created", "active"}));
  const std::vector<Row> rows = result.all();
  ASSERT_EQ(rows.size(), kRows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i][1].kind(), ValueKind::kDateTime) << "row " << i;
    ASSERT_EQ(rows[i][2].kind(), ValueKind::kBool) << "row " << i;
    EXPECT_TRUE(rows[i].get<bool>(2)) << "row " << i;
    if (i > 0) {
      ASSERT_LT(rows[i - 1].get<std::int64_t>(0), rows[i].get<std::int64_t>(0)) << "row " << i;
    }
  }
  conn.commit();

  const std::vector<Row> stored =
      conn.execute(text("SELECT id, code FROM gadgets ORDER BY id")).all();
  ASSERT_EQ(stored.size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(stored[i].get<std::int64_t>(0), rows[i].get<std::int64_t>(0)) << "set " << i;
    ASSERT_EQ(stored[i].get<std::string>(1), code(i)) << "set " << i;
  }
}

/// A duplicate code in set 1,500 (page 2) raises IntegrityError; the transaction rolled back
/// keeps no row of page 1.
inline void check_failing_row_in_page_two_leaves_nothing(Engine& engine) {
  Gadgets g;
  g.metadata.create_all(engine);
  std::vector<Params> sets = Gadgets::sets(kRows);
  sets[1'500] = {{"code", code(10)}};
  auto conn = engine.connect();
  {
    Transaction tx = conn.begin();
    EXPECT_THROW(conn.execute(g.insert_returning(), sets), IntegrityError);
    tx.rollback();
  }
  EXPECT_EQ(conn.execute(text("SELECT count(*) FROM gadgets")).scalar().as<std::int64_t>(), 0);
}

/// A result read one row at a time gives the same rows as all(), and closing the connection
/// closes a buffered result as it closes a streaming one.
inline void check_buffered_result_streams_and_closes(Engine& engine) {
  Gadgets g;
  g.metadata.create_all(engine);
  auto conn = engine.connect();
  Result result = conn.execute(g.insert_returning(), Gadgets::sets(3));
  const std::optional<Row> first = result.fetchone();
  ASSERT_TRUE(first.has_value());
  const std::vector<Row> rest = result.fetchmany(5);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_LT(first->get<std::int64_t>(0), rest[0].get<std::int64_t>(0));
  EXPECT_FALSE(result.fetchone().has_value());

  Result unread = conn.execute(g.insert_returning(), {{{"code", "x1"}}, {{"code", "x2"}}});
  conn.close();
  EXPECT_THROW(unread.all(), ResourceClosedError);
}

/// Without RETURNING, on a dialect with use_insertmanyvalues: the full pages go as one driver
/// executemany of the page-sized statement and the remaining rows as one more statement, so
/// 2,500 rows in pages of 1,000 fire two cursor-execute events (2 sets, then 1); rowcount() is
/// the total and every row is stored.
inline void check_plain_pages_fire_once_per_driver_call(Engine& engine) {
  Gadgets g;
  g.metadata.create_all(engine);
  ASSERT_TRUE(engine.dialect().features().use_insertmanyvalues);
  std::vector<std::size_t> sets_per_call;
  const ListenerId id = engine.events().on_before_cursor_execute([&](const CursorExecuteEvent& e) {
    EXPECT_TRUE(e.executemany);
    sets_per_call.push_back(e.parameter_sets != nullptr ? e.parameter_sets->size() : 0);
  });
  auto conn = engine.connect();
  const Result result = conn.execute(insert(g.table), Gadgets::sets(kRows));
  engine.events().remove(id);
  const std::size_t pages = expected_pages(engine, kRows, 1);
  ASSERT_EQ(pages, 3u) << "the case assumes pages of 1,000 rows";
  EXPECT_EQ(sets_per_call, (std::vector<std::size_t>{2, 1}));
  EXPECT_EQ(result.rowcount(), static_cast<std::int64_t>(kRows));
  EXPECT_EQ(
      conn.execute(text("SELECT count(DISTINCT code) FROM gadgets")).scalar().as<std::int64_t>(),
      static_cast<std::int64_t>(kRows));
}

/// The driver calls of check_key_only_rows_match_the_stored_keys: each cursor-execute event's
/// statement and whether it was an executemany, and its parameter (set) count.
struct DriverCall {
  std::string statement;
  bool executemany;
  std::size_t sets;
};

/// RETURNING of the autoincrement key alone (an ORM flush's INSERT): one row per set whose id
/// is the id a SELECT finds for that set's code, rowcount the total, the key named "id"; a
/// duplicate in set 1,500 raises IntegrityError and the rollback keeps nothing. Returns the
/// driver calls of the successful executemany in calls: pages of INSERT … RETURNING, or, where
/// the driver's cursor has LastrowidExecutemany (SQLite), one executemany without RETURNING.
inline void check_key_only_rows_match_the_stored_keys(Engine& engine,
                                                      std::vector<DriverCall>& calls) {
  Gadgets g;
  g.metadata.create_all(engine);
  const sql::Insert stmt = insert(g.table).returning({g.table.c("id")});
  calls.clear();
  const ListenerId id = engine.events().on_before_cursor_execute([&](const CursorExecuteEvent& e) {
    calls.push_back({std::string(e.statement), e.executemany,
                     e.executemany ? e.parameter_sets->size() : e.parameters.size()});
  });
  auto conn = engine.connect();
  Result result = conn.execute(stmt, Gadgets::sets(kRows));
  engine.events().remove(id);
  EXPECT_EQ(result.rowcount(), static_cast<std::int64_t>(kRows));
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"id"}));
  const std::vector<Row> rows = result.all();
  conn.commit();
  const std::vector<Row> stored =
      conn.execute(text("SELECT id, code FROM gadgets ORDER BY id")).all();
  EXPECT_EQ(rows.size(), kRows);
  EXPECT_EQ(stored.size(), kRows);
  for (std::size_t i = 0; i < std::min(rows.size(), stored.size()); ++i) {
    ASSERT_EQ(rows[i][0].kind(), ValueKind::kInt) << "set " << i;
    ASSERT_EQ(rows[i].get<std::int64_t>(0), stored[i].get<std::int64_t>(0)) << "set " << i;
    ASSERT_EQ(stored[i].get<std::string>(1), code(i)) << "set " << i;
  }

  conn.rollback();  // the SELECT's transaction

  std::vector<Params> failing = Gadgets::sets(kRows);
  for (std::size_t i = 0; i < kRows; ++i) failing[i] = {{"code", "again-" + code(i)}};
  failing[1'500] = {{"code", "again-" + code(10)}};
  {
    Transaction tx = conn.begin();
    EXPECT_THROW(conn.execute(stmt, failing), IntegrityError);
    tx.rollback();
  }
  EXPECT_EQ(conn.execute(text("SELECT count(*) FROM gadgets")).scalar().as<std::int64_t>(),
            static_cast<std::int64_t>(kRows));
}

/// check_key_only_rows_match_the_stored_keys on a driver without LastrowidExecutemany: the
/// sets go as pages of INSERT … RETURNING, one execute each.
inline void check_key_only_sent_as_returning_pages(Engine& engine) {
  std::vector<DriverCall> calls;
  check_key_only_rows_match_the_stored_keys(engine, calls);
  EXPECT_EQ(calls.size(), expected_pages(engine, kRows, 1));
  for (const DriverCall& call : calls) {
    EXPECT_FALSE(call.executemany);
    EXPECT_NE(call.statement.find("RETURNING"), std::string::npos) << call.statement;
  }
}

}  // namespace crucible::testing::returning_many
