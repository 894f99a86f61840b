// An executemany of INSERT … RETURNING on MariaDB (10.5+ has INSERT … RETURNING): the cases of
// ../returning_many_cases.hpp, which SQLite runs too, and the page events of an insertmanyvalues
// executemany without RETURNING (this dialect has use_insertmanyvalues on).
#include <gtest/gtest.h>

#include "../returning_many_cases.hpp"
#include "mysql_fixture.hpp"

using namespace crucible;
namespace cases = crucible::testing::returning_many;

namespace {
using MariadbReturningManyTest = crucible::testing::MysqlEngineFixture;
}  // namespace

TEST_F(MariadbReturningManyTest, ExecutemanyReturning_RowsComeBackOnePerSetInSetOrder) {
  cases::check_rows_come_back_in_set_order(engine());
}

TEST_F(MariadbReturningManyTest,
       ExecutemanyReturning_FailingRowInPageTwoRaisesIntegrityErrorAndRollbackLeavesNothing) {
  cases::check_failing_row_in_page_two_leaves_nothing(engine());
}

TEST_F(MariadbReturningManyTest,
       ExecutemanyReturning_BufferedResultStreamsAndClosesWithItsConnection) {
  cases::check_buffered_result_streams_and_closes(engine());
}

TEST_F(MariadbReturningManyTest, InsertmanyvaluesWithoutReturning_FiresOneEventPerDriverCall) {
  cases::check_plain_pages_fire_once_per_driver_call(engine());
}

TEST_F(MariadbReturningManyTest, ExecutemanyReturningTheKeyAlone_SentAsReturningPages) {
  cases::check_key_only_sent_as_returning_pages(engine());
}
