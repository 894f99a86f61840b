// What the odbc driver takes away from the MySQL dialect's requirements
// (plugins/mysql/tests/compliance_requirements.cpp) for the mysql+odbc pair, over MariaDB
// Connector/ODBC. The driver covers what that ODBC driver does differently from Connector/C:
// times go as SQL_VARCHAR (it refuses fractional seconds for SQL_TYPE_TIME), lastrowid comes
// from SELECT LAST_INSERT_ID(), and the server's version string from SELECT VERSION(); so
// nothing is taken away.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_driver_requirements(Requirements& /*r*/,
                                                           const Dialect& /*dialect*/) {}
