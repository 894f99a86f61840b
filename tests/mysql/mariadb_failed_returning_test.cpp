// A failed INSERT … RETURNING leaves the connection and its cached prepared statement usable.
//
// MariaDB reports a constraint violation of an INSERT … RETURNING only when the result set is
// read: mysql_stmt_execute succeeds (the server has sent the RETURNING columns' metadata) and
// the error packet arrives in place of the rows, at mysql_stmt_store_result. Connector/C then
// leaves the MYSQL_STMT waiting for a result (MYSQL_STMT_WAITING_USE_OR_STORE) although the
// connection is idle, and a later mysql_stmt_free_result moves it to "fetching unbuffered rows":
// the next mysql_stmt_execute of that cached statement first waits for rows that never come, and
// hangs (the ORM's savepoint example, tests/orm/transaction_test.cpp, found it). Each case here
// fails that way and then runs the same SQL text again; every body runs under a 20 s guard that
// turns a hang into a failure.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "crucible/crucible.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;
using crucible::testing::Rows;

namespace {

constexpr auto kTimeout = std::chrono::seconds(20);

constexpr const char* kInsertReturning =
    "INSERT INTO books (title, author_id) VALUES (?, ?) RETURNING id, title";

class MariadbFailedReturningTest : public crucible::testing::MysqlEngineFixture {
 protected:
  void SetUp() override {
    MysqlEngineFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    exec("CREATE TABLE authors (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL) "
         "ENGINE=InnoDB");
    exec("CREATE TABLE books (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(40) NOT NULL, "
         "author_id INT NOT NULL, FOREIGN KEY (author_id) REFERENCES authors (id)) ENGINE=InnoDB");
    exec("INSERT INTO authors (name) VALUES ('Eve')");
    author_id_ = scalar("SELECT id FROM authors").as<std::int64_t>();
    conn_->commit();  // other connections see the author (and wait for no lock on it)
  }

  /// Runs body on a thread of its own and waits up to kTimeout for it; an exception it throws is
  /// a failure. A body still running then is reported and unblocked by killing the server
  /// session connection_id (its blocked read fails), so the test ends instead of hanging.
  void within_timeout(std::int64_t connection_id, const std::function<void()>& body) {
    std::packaged_task<void()> task(body);
    std::future<void> done = task.get_future();
    std::thread worker(std::move(task));
    if (done.wait_for(kTimeout) == std::future_status::timeout) {
      ADD_FAILURE() << "the body did not finish within " << kTimeout.count()
                    << " s: the driver waits for a result the server never sends";
      exec(*admin_, "KILL CONNECTION " + std::to_string(connection_id));
      if (done.wait_for(kTimeout) == std::future_status::timeout) {
        std::fputs("the hung body did not end after its connection was killed\n", stderr);
        std::abort();
      }
    }
    worker.join();
    try {
      done.get();
    } catch (const std::exception& e) {
      if (!HasFailure()) ADD_FAILURE() << "the body threw: " << e.what();
    }
  }

  std::int64_t session_id() { return scalar("SELECT CONNECTION_ID()").as<std::int64_t>(); }

  /// The titles in books, in id order.
  Rows titles() {
    return query(*admin_, "SELECT title FROM `" + database_ + "`.books ORDER BY id");
  }

  std::int64_t author_id_{0};
};

TEST_F(MariadbFailedReturningTest,
       ForeignKeyFailureInSavepoint_SameInsertReturningRunsAfterRollback) {
  within_timeout(session_id(), [&] {
    conn_->set_autocommit(false);
    auto cursor = conn_->cursor();
    cursor->execute(kInsertReturning, std::vector<Value>{"first", author_id_});
    EXPECT_EQ(cursor->fetchall().size(), 1u);
    exec("SAVEPOINT sp1");
    EXPECT_THROW(cursor->execute(kInsertReturning, std::vector<Value>{"bad", 999}), IntegrityError);
    exec("ROLLBACK TO SAVEPOINT sp1");
    cursor->execute(kInsertReturning, std::vector<Value>{"second", author_id_});
    const Rows rows = cursor->fetchall();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_GT(rows[0][0].as<std::int64_t>(), 0);
    EXPECT_EQ(rows[0][1], Value("second"));
    conn_->commit();
  });
  EXPECT_EQ(titles(), (Rows{{Value("first")}, {Value("second")}}));
}

TEST_F(MariadbFailedReturningTest, ForeignKeyFailureOnFirstExecution_SameInsertReturningRunsAgain) {
  within_timeout(session_id(), [&] {
    auto cursor = conn_->cursor();
    EXPECT_THROW(cursor->execute(kInsertReturning, std::vector<Value>{"bad", 999}), IntegrityError);
    EXPECT_THROW(cursor->execute(kInsertReturning, std::vector<Value>{"bad again", 999}),
                 IntegrityError);
    cursor->execute(kInsertReturning, std::vector<Value>{"good", author_id_});
    EXPECT_EQ(cursor->fetchall().size(), 1u);
    // Another cursor gets the same cached statement and the connection runs other statements.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM books").as<std::int64_t>(), 1);
    conn_->commit();
  });
  EXPECT_EQ(titles(), (Rows{{Value("good")}}));
}

TEST_F(MariadbFailedReturningTest,
       ForeignKeyFailureInExecutemanyReturning_SameExecutemanyRunsAgain) {
  within_timeout(session_id(), [&] {
    auto cursor = conn_->cursor();
    const Rows failing{{"a", author_id_}, {"bad", 999}, {"c", author_id_}};
    EXPECT_THROW(cursor->executemany(kInsertReturning, failing), IntegrityError);
    const Rows good{{"d", author_id_}, {"e", author_id_}};
    cursor->executemany(kInsertReturning, good);
    EXPECT_EQ(cursor->rowcount(), 2);
    const Rows rows = cursor->fetchall();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0][1], Value("d"));
    EXPECT_EQ(rows[1][1], Value("e"));
    // The single execute of the same text reuses the statement too.
    cursor->execute(kInsertReturning, std::vector<Value>{"f", author_id_});
    EXPECT_EQ(cursor->fetchall().size(), 1u);
    conn_->commit();
  });
  // InnoDB rolled back the failing statement only: the set before it stays.
  EXPECT_EQ(titles(), (Rows{{Value("a")}, {Value("d")}, {Value("e")}, {Value("f")}}));
}

TEST_F(MariadbFailedReturningTest, CoreBeginNested_FailedInsertReturningThenSameInsertSucceeds) {
  MetaData metadata;
  Table authors{"authors", metadata, Column{"id", Integer{}, primary_key},
                Column{"name", String{40}, nullable(false)}};
  Table books{"books", metadata, Column{"id", Integer{}, primary_key},
              Column{"title", String{40}, nullable(false)},
              Column{"author_id", Integer{}, ForeignKey{"authors.id"}, nullable(false)}};
  const sql::Insert insert_book = insert(books).returning({books.c("id")});
  auto conn = engine().connect();
  const std::int64_t id =
      conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar().as<std::int64_t>();
  conn.rollback();  // ends the transaction that query began
  within_timeout(id, [&] {
    Transaction outer = conn.begin();
    {
      Transaction nested = conn.begin_nested();
      EXPECT_THROW(conn.execute(insert_book, Params{{"title", "bad"}, {"author_id", 999}}),
                   IntegrityError);
      nested.rollback();
    }
    EXPECT_GT(conn.execute(insert_book, Params{{"title", "good"}, {"author_id", author_id_}})
                  .scalar_one()
                  .as<std::int64_t>(),
              0);
    {  // the executemany form (insertmanyvalues: one multi-row INSERT … RETURNING per page)
      Transaction nested = conn.begin_nested();
      const std::vector<Params> failing{{{"title", "m1"}, {"author_id", author_id_}},
                                        {{"title", "bad"}, {"author_id", 999}}};
      EXPECT_THROW(conn.execute(insert_book, failing), IntegrityError);
      nested.rollback();
    }
    const std::vector<Params> good{{{"title", "m2"}, {"author_id", author_id_}},
                                   {{"title", "m3"}, {"author_id", author_id_}}};
    EXPECT_EQ(conn.execute(insert_book, good).all().size(), 2u);
    outer.commit();
  });
  EXPECT_EQ(titles(), (Rows{{Value("good")}, {Value("m2")}, {Value("m3")}}));
}

}  // namespace
