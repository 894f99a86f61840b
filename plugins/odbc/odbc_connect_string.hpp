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
#include <utility>
#include <vector>

#include "crucible/dbapi.hpp"
#include "crucible/url.hpp"

namespace crucible::odbc {

/// A connection string and the secrets in it, to keep out of messages: the URL's password, the
/// values of PWD and Password (case-insensitive) from the URL query, from connect_args and from
/// inside ?odbc_connect=, and the whole odbc_connect text.
struct ConnectionString {
  std::string text;
  /// Each secret as given and as written in braces ('}' doubled), longest first; never empty
  /// strings.
  std::vector<std::string> secrets;

  /// Adds secret (nothing when empty).
  void add_secret(std::string_view secret);
  /// text with every occurrence of every secret replaced by "***".
  std::string redact(std::string text) const;
};

/// The attributes of an ODBC connection string in order, keys as written less surrounding
/// blanks, values with their
/// braces taken off and "}}" read as '}' (SQLDriverConnect, "Comments": a value in braces may
/// hold ';'). An item without '=' is skipped; an unclosed brace runs to the end of text.
std::vector<std::pair<std::string, std::string>> parse_connection_string(std::string_view text);

/// url.render() fit for a message: the password, and the values of the query keys odbc_connect,
/// PWD and Password (case-insensitive), print as "***".
std::string safe_render(const URL& url);

/// The connection string for url and options (file comment). Throws ArgumentError naming what
/// is wrong: neither ?driver= nor a DSN nor ?odbc_connect=, odbc_connect beside other parts of
/// the URL, a host in an sqlite URL, or a key holding a character ODBC forbids in keywords
/// ([]{}(),;?*=!@).
ConnectionString build_connection_string(const URL& url, const ConnectOptions& options);

/// value as an ODBC attribute value: as it is, or in braces with each '}' doubled when it holds
/// ';', '{', '}' or leading/trailing blanks (SQLDriverConnect, "Comments").
std::string quote_value(std::string_view value);

}  // namespace crucible::odbc
