// IdentifierPreparer (sql/compiler.hpp): when and how identifiers are quoted, with SQL:2016's
// reserved words (ISO/IEC 9075-2:2016 §5.2 <reserved word>) as the default list.
//
// The rule is SQLAlchemy's IdentifierPreparer._requires_quotes: a name is written as is only
// when it is all lower case, made of [a-z0-9_$], does not start with a digit or '$' and is not
// a reserved word; otherwise it is delimited, with the delimiter doubled inside (§5.2
// <delimited identifier>). Quoting a lower-case name is harmless, so the list errs on the side
// of the standard's full list.
#include <cctype>
#include <string>
#include <string_view>
#include <unordered_set>

#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"

namespace crucible::sql {

IdentifierPreparer::IdentifierPreparer(std::unordered_set<std::string> reserved, char quote)
    : reserved_(std::move(reserved)), quote_(quote) {}

IdentifierPreparer::~IdentifierPreparer() = default;

bool IdentifierPreparer::requires_quotes(std::string_view name) const {
  if (name.empty()) return true;
  const unsigned char first = static_cast<unsigned char>(name.front());
  if (std::isdigit(first) != 0 || first == '$') return true;
  std::string upper;
  upper.reserve(name.size());
  for (char ch : name) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool legal = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!legal) return true;
    upper += static_cast<char>(std::toupper(c));
  }
  return reserved_.count(upper) != 0;
}

std::string IdentifierPreparer::quote(std::string_view name) const {
  return requires_quotes(name) ? quote_always(name) : std::string(name);
}

std::string IdentifierPreparer::quote_always(std::string_view name) const {
  // No database allows NUL in a name, and the C client libraries take the statement as a
  // C string: a NUL would end it there, sending a statement other than the one compiled.
  if (name.find('\0') != std::string_view::npos)
    throw ArgumentError("the identifier '" + std::string(name.substr(0, name.find('\0'))) +
                        "\\0…' holds a NUL byte, which no database allows in a name");
  std::string out(1, quote_);
  for (char c : name) {
    if (c == quote_) out += quote_;
    out += c;
  }
  out += quote_;
  return out;
}

std::unordered_set<std::string> IdentifierPreparer::standard_reserved_words() {
  // SQL:2016 Part 2, §5.2 <reserved word>.
  // clang-format off
  static const char* const kWords[] = {
      "ABS", "ACOS", "ALL", "ALLOCATE", "ALTER", "AND", "ANY", "ARE", "ARRAY", "ARRAY_AGG",
      "ARRAY_MAX_CARDINALITY", "AS", "ASENSITIVE", "ASIN", "ASYMMETRIC", "AT", "ATAN", "ATOMIC",
      "AUTHORIZATION", "AVG", "BEGIN", "BEGIN_FRAME", "BEGIN_PARTITION", "BETWEEN", "BIGINT",
      "BINARY", "BLOB", "BOOLEAN", "BOTH", "BY", "CALL", "CALLED", "CARDINALITY", "CASCADED",
      "CASE", "CAST", "CEIL", "CEILING", "CHAR", "CHAR_LENGTH", "CHARACTER", "CHARACTER_LENGTH",
      "CHECK", "CLASSIFIER", "CLOB", "CLOSE", "COALESCE", "COLLATE", "COLLECT", "COLUMN", "COMMIT",
      "CONDITION", "CONNECT", "CONSTRAINT", "CONTAINS", "CONVERT", "COPY", "CORR", "CORRESPONDING",
      "COS", "COSH", "COUNT", "COVAR_POP", "COVAR_SAMP", "CREATE", "CROSS", "CUBE", "CUME_DIST",
      "CURRENT", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_DEFAULT_TRANSFORM_GROUP",
      "CURRENT_PATH", "CURRENT_ROLE", "CURRENT_ROW", "CURRENT_SCHEMA", "CURRENT_TIME",
      "CURRENT_TIMESTAMP", "CURRENT_TRANSFORM_GROUP_FOR_TYPE", "CURRENT_USER", "CURSOR", "CYCLE",
      "DATE", "DAY", "DEALLOCATE", "DEC", "DECFLOAT", "DECIMAL", "DECLARE", "DEFAULT", "DEFINE",
      "DELETE", "DENSE_RANK", "DEREF", "DESCRIBE", "DETERMINISTIC", "DISCONNECT", "DISTINCT",
      "DOUBLE", "DROP", "DYNAMIC", "EACH", "ELEMENT", "ELSE", "EMPTY", "END", "END_FRAME",
      "END_PARTITION", "END-EXEC", "EQUALS", "ESCAPE", "EVERY", "EXCEPT", "EXEC", "EXECUTE",
      "EXISTS", "EXP", "EXTERNAL", "EXTRACT", "FALSE", "FETCH", "FILTER", "FIRST_VALUE", "FLOAT",
      "FLOOR", "FOR", "FOREIGN", "FRAME_ROW", "FREE", "FROM", "FULL", "FUNCTION", "FUSION", "GET",
      "GLOBAL", "GRANT", "GROUP", "GROUPING", "GROUPS", "HAVING", "HOLD", "HOUR", "IDENTITY", "IN",
      "INDICATOR", "INITIAL", "INNER", "INOUT", "INSENSITIVE", "INSERT", "INT", "INTEGER",
      "INTERSECT", "INTERSECTION", "INTERVAL", "INTO", "IS", "JOIN", "JSON_ARRAY", "JSON_ARRAYAGG",
      "JSON_EXISTS", "JSON_OBJECT", "JSON_OBJECTAGG", "JSON_QUERY", "JSON_TABLE",
      "JSON_TABLE_PRIMITIVE", "JSON_VALUE", "LAG", "LANGUAGE", "LARGE", "LAST_VALUE", "LATERAL",
      "LEAD", "LEADING", "LEFT", "LIKE", "LIKE_REGEX", "LISTAGG", "LN", "LOCAL", "LOCALTIME",
      "LOCALTIMESTAMP", "LOG", "LOG10", "LOWER", "MATCH", "MATCH_NUMBER", "MATCH_RECOGNIZE",
      "MATCHES", "MAX", "MEASURES", "MEMBER", "MERGE", "METHOD", "MIN", "MINUTE", "MOD",
      "MODIFIES", "MODULE", "MONTH", "MULTISET", "NATIONAL", "NATURAL", "NCHAR", "NCLOB", "NEW",
      "NO", "NONE", "NORMALIZE", "NOT", "NTH_VALUE", "NTILE", "NULL", "NULLIF", "NUMERIC",
      "OCCURRENCES_REGEX", "OCTET_LENGTH", "OF", "OFFSET", "OLD", "OMIT", "ON", "ONE", "ONLY",
      "OPEN", "OR", "ORDER", "OUT", "OUTER", "OVER", "OVERLAPS", "OVERLAY", "PARAMETER",
      "PARTITION", "PATTERN", "PER", "PERCENT", "PERCENT_RANK", "PERCENTILE_CONT",
      "PERCENTILE_DISC", "PERIOD", "PORTION", "POSITION", "POSITION_REGEX", "POWER", "PRECEDES",
      "PRECISION", "PREPARE", "PRIMARY", "PROCEDURE", "PTF", "RANGE", "RANK", "READS", "REAL",
      "RECURSIVE", "REF", "REFERENCES", "REFERENCING", "REGR_AVGX", "REGR_AVGY", "REGR_COUNT",
      "REGR_INTERCEPT", "REGR_R2", "REGR_SLOPE", "REGR_SXX", "REGR_SXY", "REGR_SYY", "RELEASE",
      "RESULT", "RETURN", "RETURNS", "REVOKE", "RIGHT", "ROLLBACK", "ROLLUP", "ROW", "ROW_NUMBER",
      "ROWS", "RUNNING", "SAVEPOINT", "SCOPE", "SCROLL", "SEARCH", "SECOND", "SEEK", "SELECT",
      "SENSITIVE", "SESSION_USER", "SET", "SHOW", "SIMILAR", "SIN", "SINH", "SKIP", "SMALLINT",
      "SOME", "SPECIFIC", "SPECIFICTYPE", "SQL", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "SQRT",
      "START", "STATIC", "STDDEV_POP", "STDDEV_SAMP", "SUBMULTISET", "SUBSET", "SUBSTRING",
      "SUBSTRING_REGEX", "SUCCEEDS", "SUM", "SYMMETRIC", "SYSTEM", "SYSTEM_TIME", "SYSTEM_USER",
      "TABLE", "TABLESAMPLE", "TAN", "TANH", "THEN", "TIME", "TIMESTAMP", "TIMEZONE_HOUR",
      "TIMEZONE_MINUTE", "TO", "TRAILING", "TRANSLATE", "TRANSLATE_REGEX", "TRANSLATION", "TREAT",
      "TRIGGER", "TRIM", "TRIM_ARRAY", "TRUE", "TRUNCATE", "UESCAPE", "UNION", "UNIQUE", "UNKNOWN",
      "UNNEST", "UPDATE", "UPPER", "USER", "USING", "VALUE", "VALUES", "VALUE_OF", "VAR_POP",
      "VAR_SAMP", "VARBINARY", "VARCHAR", "VARYING", "VERSIONING", "WHEN", "WHENEVER", "WHERE",
      "WIDTH_BUCKET", "WINDOW", "WITH", "WITHIN", "WITHOUT", "YEAR",
  };
  // clang-format on
  return std::unordered_set<std::string>(std::begin(kWords), std::end(kWords));
}

std::string string_literal(std::string_view text) {
  std::string out = "'";
  out.reserve(text.size() + 2);
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace crucible::sql
