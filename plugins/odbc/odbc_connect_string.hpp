#pragma once
// The ODBC connection string a URL stands for (ODBC 3.8 reference, SQLDriverConnect, "Comments":
// attribute=value pairs separated by ';', a value in braces when it holds ';', '{' or '}'), after
// SQLAlchemy's pyodbc connector (connectors/pyodbc.py, PyODBCConnector.create_connect_args):
//
//   dialect+odbc://user:pw@host:port/db?driver=NAME   DRIVER={NAME};SERVER=host;PORT=port;
//                                                     DATABASE=db;UID=user;PWD=pw
//   dialect+odbc://user:pw@DSN                         DSN=DSN;UID=user;PWD=pw  (a host and no
//                                                     database, port or driver: a data source
//                                                     name of odbc.ini)
//   sqlite+odbc:///file.db?driver=NAME                 DRIVER={NAME};Database=file.db
//   dialect+odbc:///?odbc_connect=<percent-encoded>    the decoded string, as it is
//
// The keywords for the server, port and database differ between ODBC drivers; which driver the
// URL means is known from its dialect name (url.get_backend_name()), so the spelling and the
// driver settings the dialects rely on are chosen by it:
//   postgresql  psqlODBC: SERVER, PORT, DATABASE, UID, PWD (its aliases of Servername, Port,
//               Database, Username, Password); BoolsAsChar=0 so that boolean columns come back
//               as SQL_BIT, not as the text '1'/'0'; Protocol=7.4-0 so that a failed statement
//               leaves the transaction to PostgreSQL (aborted until ROLLBACK, as with libpq)
//               instead of psqlODBC's default of a SAVEPOINT before every statement.
//   mysql, mariadb  MariaDB Connector/ODBC: SERVER, PORT, DATABASE, UID, PWD; CHARSET=utf8mb4.
//   sqlite      SQLite ODBC (Christian Werner's sqliteodbc): Database=<file> (":memory:" when
//               the URL has none), no server, user or password.
//   any other   the ODBC standard's SERVER, PORT, DATABASE, UID, PWD.
// Every other query key, then every ConnectOptions argument, is added as KEY=value (a key given
// again there replaces the built-in one, compared case-insensitively as ODBC does), so any
// driver setting can be passed: `?driver=…&sslmode=require`.
#include <string>
#include <string_view>

#include "crucible/dbapi.hpp"
#include "crucible/url.hpp"

namespace crucible::odbc {

/// A connection string and the password in it (to keep it out of messages).
struct ConnectionString {
  std::string text;
  std::string password;
};

/// The connection string for url and options (file comment). Throws ArgumentError naming what
/// is wrong: neither ?driver= nor a DSN nor ?odbc_connect=, odbc_connect beside other parts of
/// the URL, a host in an sqlite URL, or a key holding a character ODBC forbids in keywords
/// ([]{}(),;?*=!@).
ConnectionString build_connection_string(const URL& url, const ConnectOptions& options);

/// value as an ODBC attribute value: as it is, or in braces with each '}' doubled when it holds
/// ';', '{', '}' or leading/trailing blanks (SQLDriverConnect, "Comments").
std::string quote_value(std::string_view value);

}  // namespace crucible::odbc
