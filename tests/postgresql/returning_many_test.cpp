// An executemany of INSERT … RETURNING on PostgreSQL 15: the cases of ../returning_many_cases.hpp,
// which SQLite runs too, and the page events of an insertmanyvalues executemany without
// RETURNING (this dialect has use_insertmanyvalues on).
#include <gtest/gtest.h>

#include "../returning_many_cases.hpp"
#include "pg_fixture.hpp"

using namespace crucible;
namespace cases = crucible::testing::returning_many;

namespace {
using PostgresqlReturningManyTest = crucible::testing::PgEngineFixture;
}  // namespace

TEST_F(PostgresqlReturningManyTest, ExecutemanyReturning_RowsComeBackOnePerSetInSetOrder) {
  cases::check_rows_come_back_in_set_order(engine());
}

TEST_F(PostgresqlReturningManyTest,
       ExecutemanyReturning_FailingRowInPageTwoRaisesIntegrityErrorAndRollbackLeavesNothing) {
  cases::check_failing_row_in_page_two_leaves_nothing(engine());
}

TEST_F(PostgresqlReturningManyTest,
       ExecutemanyReturning_BufferedResultStreamsAndClosesWithItsConnection) {
  cases::check_buffered_result_streams_and_closes(engine());
}

TEST_F(PostgresqlReturningManyTest, InsertmanyvaluesWithoutReturning_FiresOneEventPerDriverCall) {
  cases::check_plain_pages_fire_once_per_driver_call(engine());
}

TEST_F(PostgresqlReturningManyTest, ExecutemanyReturningTheKeyAlone_SentAsReturningPages) {
  cases::check_key_only_sent_as_returning_pages(engine());
}
