// The "mysql" and "mariadb" dialects (mysql_dialect.hpp): features decided by the server
// version, reserved words, the script splitter, isolation levels and disconnect codes.
// Reflection is in mysql_reflection.cpp, types in mysql_types.cpp.
#include "mysql_dialect.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <unordered_set>

#include "crucible/errors.hpp"

namespace crucible::mysql {

namespace {

// MySQL 8.0's reserved words (manual 9.3 "Keywords and Reserved Words", those marked (R)) and
// MariaDB 10.11's (KB "Reserved Words"), as SQLAlchemy's dialects/mysql/reserved_words.py
// merges them.
std::unordered_set<std::string> reserved_words() {
  // clang-format off
  return {
      "ACCESSIBLE", "ADD", "ALL", "ALTER", "ANALYZE", "AND", "AS", "ASC", "ASENSITIVE", "BEFORE",
      "BETWEEN", "BIGINT", "BINARY", "BLOB", "BOTH", "BY", "CALL", "CASCADE", "CASE", "CHANGE",
      "CHAR", "CHARACTER", "CHECK", "COLLATE", "COLUMN", "CONDITION", "CONSTRAINT", "CONTINUE",
      "CONVERT", "CREATE", "CROSS", "CUBE", "CUME_DIST", "CURRENT_DATE", "CURRENT_ROLE",
      "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASE", "DATABASES",
      "DAY_HOUR", "DAY_MICROSECOND", "DAY_MINUTE", "DAY_SECOND", "DEC", "DECIMAL", "DECLARE",
      "DEFAULT", "DELAYED", "DELETE", "DELETE_DOMAIN_ID", "DENSE_RANK", "DESC", "DESCRIBE",
      "DETERMINISTIC", "DISTINCT", "DISTINCTROW", "DIV", "DO_DOMAIN_IDS", "DOUBLE", "DROP", "DUAL",
      "EACH", "ELSE", "ELSEIF", "EMPTY", "ENCLOSED", "ESCAPED", "EXCEPT", "EXISTS", "EXIT",
      "EXPLAIN", "FALSE", "FETCH", "FIRST_VALUE", "FLOAT", "FLOAT4", "FLOAT8", "FOR", "FORCE",
      "FOREIGN", "FROM", "FULLTEXT", "FUNCTION", "GENERAL", "GENERATED", "GET", "GRANT", "GROUP",
      "GROUPING", "GROUPS", "HAVING", "HIGH_PRIORITY", "HOUR_MICROSECOND", "HOUR_MINUTE",
      "HOUR_SECOND", "IF", "IGNORE", "IGNORE_DOMAIN_IDS", "IGNORE_SERVER_IDS", "IN", "INDEX",
      "INFILE", "INNER", "INOUT", "INSENSITIVE", "INSERT", "INT", "INT1", "INT2", "INT3", "INT4",
      "INT8", "INTEGER", "INTERSECT", "INTERVAL", "INTO", "IO_AFTER_GTIDS", "IO_BEFORE_GTIDS",
      "IS", "ITERATE", "JOIN", "JSON_TABLE", "KEY", "KEYS", "KILL", "LAG", "LAST_VALUE",
      "LATERAL", "LEAD", "LEADING", "LEAVE", "LEFT", "LIKE", "LIMIT", "LINEAR", "LINES", "LOAD",
      "LOCALTIME", "LOCALTIMESTAMP", "LOCK", "LONG", "LONGBLOB", "LONGTEXT", "LOOP",
      "LOW_PRIORITY", "MASTER_BIND", "MASTER_HEARTBEAT_PERIOD", "MASTER_SSL_VERIFY_SERVER_CERT",
      "MATCH", "MAXVALUE", "MEDIUMBLOB", "MEDIUMINT", "MEDIUMTEXT", "MIDDLEINT",
      "MINUTE_MICROSECOND", "MINUTE_SECOND", "MOD", "MODIFIES", "NATURAL", "NOT",
      "NO_WRITE_TO_BINLOG", "NTH_VALUE", "NTILE", "NULL", "NUMERIC", "OF", "OFFSET", "ON",
      "OPTIMIZE", "OPTIMIZER_COSTS", "OPTION", "OPTIONALLY", "OR", "ORDER", "OUT", "OUTER",
      "OUTFILE", "OVER", "PAGE_CHECKSUM", "PARSE_VCOL_EXPR", "PARTITION", "PERCENT_RANK",
      "POSITION", "PRECISION", "PRIMARY", "PROCEDURE", "PURGE", "RANGE", "RANK", "READ", "READS",
      "READ_WRITE", "REAL", "RECURSIVE", "REF_SYSTEM_ID", "REFERENCES", "REGEXP", "RELEASE",
      "RENAME", "REPEAT", "REPLACE", "REQUIRE", "RESIGNAL", "RESTRICT", "RETURN", "RETURNING",
      "REVOKE", "RIGHT", "RLIKE", "ROW", "ROWS", "ROW_NUMBER", "SCHEMA", "SCHEMAS",
      "SECOND_MICROSECOND", "SELECT", "SENSITIVE", "SEPARATOR", "SET", "SHOW", "SIGNAL", "SLOW",
      "SMALLINT", "SPATIAL", "SPECIFIC", "SQL", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING",
      "SQL_BIG_RESULT", "SQL_CALC_FOUND_ROWS", "SQL_SMALL_RESULT", "SSL", "STARTING",
      "STATS_AUTO_RECALC", "STATS_PERSISTENT", "STATS_SAMPLE_PAGES", "STORED", "STRAIGHT_JOIN",
      "SYSTEM", "TABLE", "TERMINATED", "THEN", "TINYBLOB", "TINYINT", "TINYTEXT", "TO",
      "TRAILING", "TRIGGER", "TRUE", "UNDO", "UNION", "UNIQUE", "UNLOCK", "UNSIGNED", "UPDATE",
      "USAGE", "USE", "USING", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "VALUES", "VARBINARY",
      "VARCHAR", "VARCHARACTER", "VARYING", "VIRTUAL", "WHEN", "WHERE", "WHILE", "WINDOW", "WITH",
      "WRITE", "XOR", "YEAR_MONTH", "ZEROFILL"};
  // clang-format on
}

bool is_blank(char c) noexcept { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool iequals_prefix(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return true;
}

// The mysql client's statement splitter (client/mysql.cc add_line), reduced to what decides
// where a statement ends.
class ScriptSplitter {
 public:
  explicit ScriptSplitter(std::string_view script) : s_(script) {}

  std::vector<std::string> split() {
    while (i_ < s_.size()) step();
    finish_statement(s_.size());
    return std::move(out_);
  }

 private:
  std::string_view s_;
  std::size_t i_{0};
  std::size_t start_{0};  // where the current statement begins
  bool has_code_{false};  // the current statement holds more than blanks and comments
  std::string delimiter_{";"};
  std::vector<std::string> out_;

  std::size_t line_of(std::size_t pos) const {
    return 1 + static_cast<std::size_t>(std::count(s_.begin(), s_.begin() + pos, '\n'));
  }

  [[noreturn]] void unterminated(std::string_view what, std::size_t at) const {
    throw ArgumentError("the SQL script ends inside " + std::string(what) +
                        " that starts on line " + std::to_string(line_of(at)) + ": '" +
                        std::string(s_.substr(at, std::min<std::size_t>(40, s_.size() - at))) +
                        "…'");
  }

  void finish_statement(std::size_t end) {
    std::string_view text = s_.substr(start_, end - start_);
    while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    if (has_code_ && !text.empty()) out_.emplace_back(text);
    has_code_ = false;
  }

  std::size_t line_end(std::size_t from) const {
    const std::size_t end = s_.find('\n', from);
    return end == std::string_view::npos ? s_.size() : end;
  }

  // A quoted run from i_ (at the opening quote) to after its closing quote: a doubled quote is
  // one character, and in strings (not `identifiers`) a backslash escapes the next character.
  void quoted(char quote, bool backslashes, std::string_view what) {
    const std::size_t open = i_++;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (backslashes && c == '\\') {
        i_ += 2;
      } else if (c == quote) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == quote) {
          i_ += 2;
        } else {
          ++i_;
          return;
        }
      } else {
        ++i_;
      }
    }
    unterminated(what, open);
  }

  // "DELIMITER x" where a statement starts: the rest of the line (trimmed) ends statements from
  // now on. Returns false when the text at i_ is not such a line.
  bool delimiter_command() {
    constexpr std::string_view kWord = "DELIMITER";
    if (has_code_ || !iequals_prefix(s_.substr(i_), kWord)) return false;
    const std::size_t after = i_ + kWord.size();
    if (after >= s_.size() || (s_[after] != ' ' && s_[after] != '\t')) return false;
    const std::size_t end = line_end(after);
    std::string_view value = s_.substr(after, end - after);
    while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
    if (value.empty())
      throw ArgumentError("wanted a delimiter after DELIMITER on line " +
                          std::to_string(line_of(i_)) + ", found none");
    delimiter_ = std::string(value);
    i_ = end;
    start_ = end;
    return true;
  }

  void step() {
    step_once();
    if (!has_code_) start_ = i_;  // blanks and comments before a statement are not part of it
  }

  void step_once() {
    const char c = s_[i_];
    if (is_blank(c)) {
      ++i_;
    } else if (s_.substr(i_, delimiter_.size()) == delimiter_) {
      finish_statement(i_);
      i_ += delimiter_.size();
      start_ = i_;
    } else if (c == '#' ||
               (s_.substr(i_, 2) == "--" && (i_ + 2 >= s_.size() || is_blank(s_[i_ + 2])))) {
      // "--" starts a comment only when a blank follows (MySQL manual 11.7 "Comments").
      i_ = std::min(line_end(i_) + 1, s_.size());
    } else if (s_.substr(i_, 2) == "/*") {
      // /*! … */ and /*M! … */ are executable comments, /*+ … */ optimizer hints: the server
      // reads them, so they count as code. Block comments do not nest.
      const bool executable =
          s_.substr(i_, 3) == "/*!" || s_.substr(i_, 4) == "/*M!" || s_.substr(i_, 3) == "/*+";
      const std::size_t close = s_.find("*/", i_ + 2);
      if (close == std::string_view::npos) unterminated("a /* comment", i_);
      if (executable) has_code_ = true;
      i_ = close + 2;
    } else if (delimiter_command()) {
    } else {
      has_code_ = true;
      if (c == '\'') {
        quoted('\'', true, "a string literal");
      } else if (c == '"') {
        quoted('"', true, "a \"…\" string literal");
      } else if (c == '`') {
        quoted('`', false, "a `quoted` identifier");
      } else {
        ++i_;
      }
    }
  }
};

// Leading decimal number of text at i, or -1; i moves past it.
int number_at(std::string_view text, std::size_t& i) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
  if (ec != std::errc{}) return -1;
  i = static_cast<std::size_t>(end - text.data());
  return value;
}

}  // namespace

// ---- server versions --------------------------------------------------------------------------

bool ServerVersion::at_least(int maj, int min, int pat) const noexcept {
  return std::array{major, minor, patch} >= std::array{maj, min, pat};
}

ServerVersion ServerVersion::parse(std::string_view text) {
  ServerVersion v;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  v.mariadb = lower.find("mariadb") != std::string::npos;
  std::string_view rest = text;
  // MariaDB 10+ announces itself as "5.5.5-10.x.y-MariaDB" to clients that expect 5.x.
  if (v.mariadb && rest.starts_with("5.5.5-")) rest.remove_prefix(6);
  std::size_t i = 0;
  v.major = number_at(rest, i);
  if (v.major < 0)
    throw ArgumentError("wanted a MySQL or MariaDB server version such as \"8.0.36\" or "
                        "\"10.11.6-MariaDB\", found \"" +
                        std::string(text) + "\"");
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    v.minor = std::max(0, number_at(rest, i));
    if (i < rest.size() && rest[i] == '.') {
      ++i;
      v.patch = std::max(0, number_at(rest, i));
    }
  }
  return v;
}

// ---- the dialect ------------------------------------------------------------------------------

MysqlDialect::MysqlDialect() : preparer_(reserved_words(), '`') {
  version_ = ServerVersion{false, 5, 7, 0};
  apply_version();
}

MysqlDialect::MysqlDialect(AsMariadb)
    : name_("mariadb"), mariadb_url_(true), preparer_(reserved_words(), '`') {
  version_ = ServerVersion{true, 11, 4, 0};
  apply_version();
}

void MysqlDialect::apply_version() {
  const bool maria = version_.mariadb;
  features_ = DialectFeatures{};
  // INSERT … RETURNING: MariaDB 10.5 (https://mariadb.com/kb/en/insertreturning/).
  features_.supports_returning = maria && version_.at_least(10, 5);
  features_.supports_multivalues_insert = true;
  features_.supports_native_boolean = false;  // BOOL is TINYINT(1)
  // The UUID data type: MariaDB 10.7 (https://mariadb.com/kb/en/uuid-data-type/).
  features_.supports_native_uuid = maria && version_.at_least(10, 7);
  features_.supports_savepoints = true;
  features_.supports_sequences = false;
  // Every DDL statement commits the transaction (MySQL 8.0 manual 13.3.3 "Statements That
  // Cause an Implicit Commit").
  features_.supports_transactional_ddl = false;
  features_.max_identifier_length = 64;  // manual 9.2.1 "Identifier Length Limits"
  features_.upsert_style = UpsertStyle::kOnDuplicateKey;
  // Bulk INSERTs as multi-row VALUES: the client/server protocol counts a prepared statement's
  // placeholders in 16 bits (COM_STMT_PREPARE_OK num_params), so at most 65535 of them.
  features_.use_insertmanyvalues = true;
  features_.insertmanyvalues_page_size = 1000;
  features_.insertmanyvalues_max_parameters = 65535;
}

void MysqlDialect::initialize(DbapiConnection& conn) {
  const std::string text = conn.server_version();
  const ServerVersion found = ServerVersion::parse(text);
  if (mariadb_url_ && !found.mariadb)
    throw ArgumentError("the \"mariadb\" dialect wants a MariaDB server, but the server's "
                        "version is \"" +
                        text +
                        "\", which is not MariaDB: use a mysql:// URL (the \"mysql\" "
                        "dialect) for MySQL");
  version_ = found;
  // A "mysql" URL against MariaDB behaves as MariaDB (SQLAlchemy's MySQLDialect.initialize sets
  // is_mariadb from the version); the dialect keeps its own name.
  apply_version();
}

bool MysqlDialect::supports_intersect_except() const noexcept {
  return version_.mariadb ? version_.at_least(10, 3) : version_.at_least(8, 0, 31);
}

std::vector<std::string> MysqlDialect::split_script(std::string_view script) const {
  return ScriptSplitter(script).split();
}

void MysqlDialect::on_connect(DbapiConnection& conn) const {
  conn.cursor()->execute("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), "
                         "'NO_AUTO_VALUE_ON_ZERO')",
                         {});
}

std::vector<std::string> MysqlDialect::isolation_levels() const {
  return {"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE", "AUTOCOMMIT"};
}

bool MysqlDialect::is_disconnect(const DBAPIError& error) const noexcept {
  switch (error.driver_code()) {
  case 1053:  // ER_SERVER_SHUTDOWN
  case 1927:  // ER_CONNECTION_KILLED (MariaDB)
  case 2006:  // CR_SERVER_GONE_ERROR
  case 2013:  // CR_SERVER_LOST
  case 2014:  // CR_COMMANDS_OUT_OF_SYNC
  case 2045:  // CR_CONN_UNKNOW_PROTOCOL
  case 2055:  // CR_SERVER_LOST_EXTENDED
  case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
    return true;
  default: return false;
  }
}

}  // namespace crucible::mysql
