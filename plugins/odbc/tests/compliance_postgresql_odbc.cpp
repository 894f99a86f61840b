// What the odbc driver takes away from PostgreSQL's requirements
// (plugins/postgresql/tests/compliance_requirements.cpp) for the postgresql+odbc pair.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_driver_requirements(Requirements& r,
                                                           const Dialect& /*dialect*/) {
  // psqlODBC describes TIMESTAMP WITH TIME ZONE as SQL_TYPE_TIMESTAMP and hands it over
  // converted to the session's time zone without the offset (ODBC has no zoned timestamp
  // type), so the instant of an aware DateTime comes back as a naive local time.
  r.timezone_aware_datetimes = false;
}
