// Compliance: error mapping (PEP 249 "Exceptions"; SQLAlchemy's suite/test_dialect.py
// ExceptionTest and test/engine/test_reconnect.py). A refusal of the database arrives as the
// PEP 249 class its cause names, carrying the driver's message and the failed SQL; a dropped
// connection is an OperationalError the dialect recognises as a disconnect, after which the pool
// hands out a working connection.
#include <string>
#include <vector>

#include "crucible/sdk/testing/compliance.hpp"

namespace crucible::sdk::testing {
namespace {

class ComplianceErrors : public ComplianceTablesTest {
 protected:
  void insert_data() override { conn().execute(insert(t_).values({{"id", 1}, {"code", "a"}})); }

  Table t_{name("errs"), metadata_, Column{"id", Integer{}, primary_key},
           Column{"code", String{10}, unique, nullable(false)}};
  Table child_{name("errs_child"), metadata_, Column{"id", Integer{}, primary_key},
               Column{"parent", Integer{}, ForeignKey{name("errs") + ".id"}}};
};

TEST_F(ComplianceErrors, UniqueViolation_IsIntegrityErrorWithTheDriversMessageAndSql) {
  try {
    conn().execute(insert(t_).values({{"id", 2}, {"code", "a"}}));
    FAIL() << "a duplicate was accepted";
  } catch (const IntegrityError& e) {
    EXPECT_FALSE(e.driver_message().empty());
    EXPECT_NE(e.sql().find(name("errs")), std::string::npos) << e.sql();
    EXPECT_NE(std::string(e.what()).find(e.driver_message()), std::string::npos);
  }
}

TEST_F(ComplianceErrors, UniqueViolation_CarriesSqlstate23505) {
  CRUCIBLE_REQUIRE(sqlstate);
  try {
    conn().execute(insert(t_).values({{"id", 1}, {"code", "b"}}));
    FAIL() << "a duplicate key was accepted";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
}

TEST_F(ComplianceErrors, NotNullViolation_IsIntegrityError) {
  EXPECT_THROW(conn().execute(insert(t_).values({{"id", 2}, {"code", null()}})), IntegrityError);
}

TEST_F(ComplianceErrors, ForeignKeyViolation_IsIntegrityError) {
  EXPECT_THROW(conn().execute(insert(child_).values({{"id", 1}, {"parent", 99}})), IntegrityError);
}

TEST_F(ComplianceErrors, DeletingAReferencedRow_IsIntegrityError) {
  conn().execute(insert(child_).values({{"id", 1}, {"parent", 1}}));
  EXPECT_THROW(conn().execute(delete_(t_)), IntegrityError);
}

TEST_F(ComplianceErrors, SyntaxError_IsProgrammingError) {
  try {
    conn().execute(text("SELEC 1"));
    FAIL() << "bad SQL was accepted";
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sql(), "SELEC 1");
  }
}

TEST_F(ComplianceErrors, UnknownTable_IsProgrammingError) {
  EXPECT_THROW(conn().execute(text("SELECT * FROM " + quoted("no_such_table"))), ProgrammingError);
}

TEST_F(ComplianceErrors, UnknownColumn_IsProgrammingError) {
  EXPECT_THROW(conn().execute(text("SELECT no_such_column FROM " + quoted("errs"))),
               ProgrammingError);
}

TEST_F(ComplianceErrors, StatementRunAgainAfterItsTableWasDropped_IsProgrammingError) {
  Table gone{name("gone"), metadata_, Column{"id", Integer{}, primary_key}};
  create_tables();
  conn().execute(select(gone.c("id"))).all();  // prepared (and cached, where drivers cache)
  conn().commit();
  gone.drop(engine());
  EXPECT_THROW(conn().execute(select(gone.c("id"))), ProgrammingError);
}

TEST_F(ComplianceErrors, ConnectionAfterAFailedStatement_WorksOnceRolledBack) {
  EXPECT_THROW(conn().execute(insert(t_).values({{"id", 1}, {"code", "z"}})), IntegrityError);
  conn().rollback();
  conn().execute(insert(t_).values({{"id", 2}, {"code", "b"}}));
  conn().commit();
  EXPECT_EQ(count_rows(t_), 2);
}

TEST_F(ComplianceErrors, MissingBindParameter_IsArgumentErrorNamingIt) {
  try {
    conn().execute(select(t_.c("id")).where(t_.c("id") == bindparam("wanted_id")));
    FAIL() << "a statement ran without a value for its parameter";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("wanted_id"), std::string::npos) << e.what();
  }
}

TEST_F(ComplianceErrors, DroppedConnection_IsOperationalErrorThatIsADisconnect) {
  CRUCIBLE_REQUIRE(provoke_disconnect);
  conn().execute(select(func::count()).select_from(t_)).scalar_one();
  requirements().provoke_disconnect(conn(), engine());
  try {
    conn().execute(select(func::count()).select_from(t_)).scalar_one();
    FAIL() << "a statement succeeded on a connection the server dropped";
  } catch (const OperationalError& e) {
    EXPECT_TRUE(engine().dialect().is_disconnect(e)) << e.what();
  }
}

TEST_F(ComplianceErrors, AfterADisconnect_ThePoolHandsOutAWorkingConnection) {
  CRUCIBLE_REQUIRE(provoke_disconnect);
  {
    Connection victim = engine().connect();
    victim.execute(select(func::count()).select_from(t_)).scalar_one();
    requirements().provoke_disconnect(victim, engine());
    EXPECT_THROW(victim.execute(select(func::count()).select_from(t_)), OperationalError);
  }
  for (int i = 0; i < 3; ++i) {
    Connection c = engine().connect();
    EXPECT_EQ(count_rows(t_, &c), 1);
  }
}

TEST_F(ComplianceErrors, PrePing_ReplacesAConnectionDroppedWhileInThePool) {
  CRUCIBLE_REQUIRE(provoke_disconnect);
  Engine pinged =
      create_engine(engine().url(), {.pool_size = 1, .max_overflow = 0, .pool_pre_ping = true});
  {
    Connection c = pinged.connect();
    c.execute(select(func::count()).select_from(t_)).scalar_one();
    requirements().provoke_disconnect(c, engine());
  }  // back to the pool, dead
  Connection again = pinged.connect();
  EXPECT_EQ(count_rows(t_, &again), 1);
}

}  // namespace
}  // namespace crucible::sdk::testing
