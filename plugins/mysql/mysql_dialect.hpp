#pragma once
// The "mysql" and "mariadb" dialects: the SQL language of MySQL and MariaDB, independent of the
// driver that talks to them (SQLAlchemy's dialects/mysql/base.py MySQLDialect and
// dialects/mysql/mariadb.py MariaDBDialect). Both default to the "mariadbconnector" driver.
//
// What the server is decides part of the language, so initialize() (run by the Engine once, on
// its first connection, before any statement) reads conn.server_version() and settles:
//  * MariaDB or MySQL: a "mysql" URL against a MariaDB server behaves as "mariadb" (SQLAlchemy
//    does the same); a "mariadb" URL against a server that is not MariaDB is refused with
//    ArgumentError naming the version found.
//  * RETURNING: INSERT … RETURNING on MariaDB >= 10.5, DELETE … RETURNING on MariaDB >= 10.0
//    (https://mariadb.com/kb/en/insertreturning/, /deletereturning/); never UPDATE … RETURNING
//    and never on MySQL. features().supports_returning says INSERT … RETURNING.
//  * The upsert's spelling: ON DUPLICATE KEY UPDATE c = VALUES(c) on MariaDB and on MySQL before
//    8.0.20; INSERT … AS new ON DUPLICATE KEY UPDATE c = new.c on MySQL >= 8.0.20, which
//    deprecates VALUES() there (MySQL 8.0 manual 13.2.7.2 "INSERT … ON DUPLICATE KEY UPDATE").
//  * Uuid's storage: the native UUID type on MariaDB >= 10.7 (https://mariadb.com/kb/en/uuid-
//    data-type/), CHAR(32) of hex digits elsewhere (as SQLite, and SQLAlchemy's generic Uuid).
//  * INTERSECT and EXCEPT: MariaDB >= 10.3 and MySQL >= 8.0.31.
// Before initialize (a dialect used only to compile), "mysql" assumes MySQL 5.7 (the VALUES()
// upsert, no RETURNING, CHAR(32) Uuids) and "mariadb" assumes the newest MariaDB (RETURNING,
// native UUID); SQLAlchemy's dialects likewise compile without a server.
//
// Fixed features (MySQL 8.0 / MariaDB 10.11 manuals): multi-row VALUES (and insertmanyvalues,
// up to 65535 placeholders per statement, the protocol's 16-bit count), no sequences (MariaDB's
// CREATE SEQUENCE is left alone: crucible's Sequence defaults are ignored here as on SQLite),
// SAVEPOINT, no transactional DDL (every DDL statement commits implicitly), identifiers of up
// to 64 characters, no native BOOLEAN (BOOLEAN is TINYINT(1)), upsert_style kOnDuplicateKey.
// Isolation levels: READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ (InnoDB's default),
// SERIALIZABLE, AUTOCOMMIT.
//
// Identifiers are quoted with '`' when they are one of MySQL 8.0's or MariaDB's reserved words,
// not all lower case, or not a plain identifier. The server keeps its default sql_mode (no
// ANSI_QUOTES, so "…" is a string there; strict, so bad values raise) with one addition made
// by on_connect, NO_AUTO_VALUE_ON_ZERO, so that an explicit 0 in an AUTO_INCREMENT column is
// stored as 0 rather than replaced by the next number (mysqldump sets the same); the column
// still numbers itself when the INSERT leaves it out. The character set (utf8mb4) is the
// driver's job.
//
// Thread-safety: const methods are thread-safe; initialize() is not, and runs before them.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/sql/compiler.hpp"
#include "mysql_types.hpp"

namespace crucible::mysql {

/// A server version as conn.server_version() reports it for MySQL and MariaDB: the text of
/// mysql_get_server_info() ("8.0.36", "10.11.6-MariaDB-0+deb12u1", or with the "5.5.5-" prefix
/// MariaDB 10 sends to old clients, "5.5.5-10.11.6-MariaDB").
struct ServerVersion {
  bool mariadb{false};
  int major{0};
  int minor{0};
  int patch{0};
  /// Whether this version is at least major.minor.patch.
  bool at_least(int maj, int min, int pat = 0) const noexcept;
  /// Parses text. Throws ArgumentError when it does not start with a dotted version number.
  static ServerVersion parse(std::string_view text);
};

/// The "mysql" dialect; MariadbDialect is the "mariadb" one. See the file comment.
class MysqlDialect : public Dialect {
 public:
  MysqlDialect();

  std::string_view name() const noexcept override { return name_; }
  std::string_view default_driver() const noexcept override { return "mariadbconnector"; }
  const DialectFeatures& features() const noexcept override { return features_; }
  /// The preparer with MySQL's and MariaDB's reserved words, quoting with '`'.
  const sql::IdentifierPreparer& identifier_preparer() const override { return preparer_; }

  /// Reads conn.server_version() and settles what the file comment lists. Throws ArgumentError
  /// for a "mariadb" dialect on a server that is not MariaDB, and for a version text that is
  /// not one; the dialect is then unchanged.
  void initialize(DbapiConnection& conn) override;

  /// Whether the server is MariaDB (after initialize; before it, whether the URL said so).
  bool is_mariadb() const noexcept { return version_.mariadb; }
  /// The server's version after initialize, the assumed one before it (see the file comment).
  const ServerVersion& server_version() const noexcept { return version_; }
  /// Whether an upsert is spelled with the row alias (MySQL >= 8.0.20), not VALUES().
  bool upsert_row_alias() const noexcept {
    return !version_.mariadb && version_.at_least(8, 0, 20);
  }
  /// Whether DELETE … RETURNING is available (MariaDB >= 10.0).
  bool delete_returning() const noexcept { return version_.mariadb; }
  /// Whether INTERSECT and EXCEPT are (MariaDB >= 10.3, MySQL >= 8.0.31).
  bool supports_intersect_except() const noexcept;

  // SQL language (SQLAlchemy's MySQLCompiler, MySQLDDLCompiler, MySQLTypeCompiler): see
  // mysql_compiler.hpp, mysql_ddl.hpp and mysql_types.hpp.
  std::unique_ptr<sql::SQLCompiler> statement_compiler(ParamStyle style,
                                                       sql::CompileOptions options) const override;
  std::unique_ptr<sql::DDLCompiler> ddl_compiler() const override;
  const sql::TypeCompiler& type_compiler() const override { return type_compiler_; }

  // Values (mysql_types.cpp): Boolean travels as 0/1, Uuid as hex or canonical text, JSON as
  // its text, a zoned DateTime for a DateTime(timezone=true) column at UTC. Results need no
  // processing beyond the base's (0/1 to bool, text to Uuid and Json).
  Value process_bind(const SqlType& type, Value value) const override;
  bool needs_bind_processing(const SqlType& type, ValueKind kind) const override;
  /// MySQL's type names as information_schema.COLUMNS.COLUMN_TYPE prints them: TINYINT(1) is
  /// Boolean, other TINYINT and SMALLINT SmallInteger, MEDIUMINT and INT Integer (an UNSIGNED
  /// INT BigInteger, so that its range fits), BIGINT BigInteger, the TEXT and BLOB families,
  /// DATETIME and TIMESTAMP, YEAR (Integer), BIT(1) (Boolean), ENUM('a', …), SET (String), UUID,
  /// JSON (and MariaDB's LONGTEXT JSON alias only through get_columns, which sees its CHECK).
  SqlType reflect_type(std::string_view declared) const override;

  /// Splits script as the mysql command-line client does (client/mysql.cc add_line): ';' ends a
  /// statement outside '…' and "…" strings (both with backslash escapes and doubled quotes),
  /// `…` identifiers, -- comments (a "--" followed by a blank or the line's end), # comments
  /// and /* */ comments (not nested; MySQL's /*! … */ executable comments are kept as text for
  /// the server). A DELIMITER line where a statement starts changes the terminator, as in the
  /// client (for CREATE PROCEDURE bodies), and is not returned. Drops the terminators, the
  /// blanks and comments before each statement, and the statements holding only blanks and
  /// comments. Throws ArgumentError naming the line where an
  /// unterminated string, identifier or comment starts.
  std::vector<std::string> split_script(std::string_view script) const override;

  /// Adds NO_AUTO_VALUE_ON_ZERO to the session's sql_mode (see the file comment). Throws what
  /// the connection throws.
  void on_connect(DbapiConnection& conn) const override;

  /// READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE and AUTOCOMMIT.
  std::vector<std::string> isolation_levels() const override;

  /// True for the client and server error codes that mean the session is gone, SQLAlchemy's
  /// MySQLDialect.is_disconnect list: 2006 CR_SERVER_GONE_ERROR, 2013 CR_SERVER_LOST, 2014
  /// CR_COMMANDS_OUT_OF_SYNC, 2045 CR_CONN_UNKNOW_PROTOCOL, 2055 CR_SERVER_LOST_EXTENDED, 1927
  /// ER_CONNECTION_KILLED (MariaDB), 4031 ER_CLIENT_INTERACTION_TIMEOUT (MySQL >= 8.0.24); and
  /// 1053 ER_SERVER_SHUTDOWN. By driver_code(), never by the message text.
  bool is_disconnect(const DBAPIError& error) const noexcept override;

  // Reflection (mysql_reflection.cpp) from information_schema, with the connection's
  // paramstyle; schema nullopt means DATABASE(), the connection's current database. MySQL's
  // schemas are its databases.
  std::vector<std::string> get_schema_names(DbapiConnection& conn) const override;
  std::vector<std::string> get_table_names(DbapiConnection& conn,
                                           const std::optional<std::string>& schema) const override;
  std::vector<std::string> get_view_names(DbapiConnection& conn,
                                          const std::optional<std::string>& schema) const override;
  bool has_table(DbapiConnection& conn, std::string_view table,
                 const std::optional<std::string>& schema) const override;
  /// False: the dialect does not use sequences (see the file comment).
  bool has_sequence(DbapiConnection& conn, std::string_view sequence,
                    const std::optional<std::string>& schema) const override;
  std::vector<ReflectedColumn> get_columns(DbapiConnection& conn, std::string_view table,
                                           const std::optional<std::string>& schema) const override;
  ReflectedPrimaryKey get_pk_constraint(DbapiConnection& conn, std::string_view table,
                                        const std::optional<std::string>& schema) const override;
  std::vector<ReflectedForeignKey>
  get_foreign_keys(DbapiConnection& conn, std::string_view table,
                   const std::optional<std::string>& schema) const override;
  /// The table's indexes other than PRIMARY and those backing a UNIQUE constraint (which
  /// get_unique_constraints reports); an index MySQL made for a foreign key is reported, as
  /// SQLAlchemy does.
  std::vector<ReflectedIndex> get_indexes(DbapiConnection& conn, std::string_view table,
                                          const std::optional<std::string>& schema) const override;
  std::vector<ReflectedUniqueConstraint>
  get_unique_constraints(DbapiConnection& conn, std::string_view table,
                         const std::optional<std::string>& schema) const override;
  /// From information_schema.CHECK_CONSTRAINTS, the clause as the server prints it; MariaDB's
  /// implicit json_valid() check of a JSON column is left out.
  std::vector<ReflectedCheckConstraint>
  get_check_constraints(DbapiConnection& conn, std::string_view table,
                        const std::optional<std::string>& schema) const override;

 protected:
  /// For MariadbDialect: the "mariadb" dialect, assuming MariaDB until initialize.
  struct AsMariadb {};
  explicit MysqlDialect(AsMariadb);

 private:
  /// Sets features_ from version_.
  void apply_version();

  std::string_view name_{"mysql"};
  bool mariadb_url_{false};
  ServerVersion version_;
  DialectFeatures features_;
  sql::IdentifierPreparer preparer_;
  MysqlTypeCompiler type_compiler_{*this};
};

/// The "mariadb" dialect: MySQL's language on a server that must be MariaDB (SQLAlchemy's
/// MariaDBDialect, whose is_mariadb is fixed to True).
class MariadbDialect final : public MysqlDialect {
 public:
  MariadbDialect() : MysqlDialect(AsMariadb{}) {}
};

}  // namespace crucible::mysql
