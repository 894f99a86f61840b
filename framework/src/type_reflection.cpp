// Dialect::reflect_type (dialect.hpp): declared type names, as reflection reports them, back to
// generic types (SQLAlchemy's ischema_names tables, merged over the common databases' names).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/types.hpp"

namespace crucible {

namespace {

// A declared type split into its upper-case name words ("CHARACTER VARYING", "TIMESTAMP WITH
// TIME ZONE") and the arguments in its parentheses ("10", "2"; quoted ones, as ENUM('a','b')
// has, unquoted and kept as written).
struct TypeName {
  std::vector<std::string> words;
  std::vector<std::string> args;
  std::vector<bool> quoted;  ///< parallel to args
  bool array{false};         ///< "INTEGER[]": not a generic type
};

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void add_words(std::string_view text, TypeName& out) {
  std::string word;
  for (char c : text) {
    if (is_space(c)) {
      if (!word.empty()) out.words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  if (!word.empty()) out.words.push_back(std::move(word));
}

// Splits "p, s" or "'a', 'it''s'" at the commas outside quotes.
void add_args(std::string_view text, TypeName& out) {
  std::string arg;
  bool quoted = false;
  bool in_quote = false;
  const auto flush = [&] {
    if (!quoted) {
      while (!arg.empty() && is_space(arg.back())) arg.pop_back();
    }
    out.args.push_back(std::move(arg));
    out.quoted.push_back(quoted);
    arg.clear();
    quoted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quote) {
      if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        arg.push_back('\'');
        ++i;
      } else if (c == '\'') {
        in_quote = false;
      } else {
        arg.push_back(c);
      }
    } else if (c == '\'') {
      in_quote = true;
      quoted = true;
    } else if (c == ',') {
      flush();
    } else if (!(is_space(c) && arg.empty()) && !quoted) {
      arg.push_back(c);
    }
  }
  if (!arg.empty() || quoted || !out.args.empty()) flush();
}

TypeName parse_type_name(std::string_view declared) {
  TypeName out;
  out.array = declared.find('[') != std::string_view::npos;
  const std::size_t open = declared.find('(');
  if (open == std::string_view::npos) {
    add_words(declared, out);
    return out;
  }
  // The closing parenthesis outside quotes.
  std::size_t close = std::string_view::npos;
  bool in_quote = false;
  for (std::size_t i = open + 1; i < declared.size(); ++i) {
    if (declared[i] == '\'') in_quote = !in_quote;
    if (!in_quote && declared[i] == ')') {
      close = i;
      break;
    }
  }
  add_words(declared.substr(0, open), out);
  if (close == std::string_view::npos) {
    add_args(declared.substr(open + 1), out);
    return out;
  }
  add_args(declared.substr(open + 1, close - open - 1), out);
  add_words(declared.substr(close + 1), out);
  return out;
}

template <class T>
std::optional<T> number_arg(const TypeName& t, std::size_t i) {
  if (i >= t.args.size() || t.quoted[i]) return std::nullopt;
  const std::string& s = t.args[i];
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

bool one_of(const std::string& word, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), word) != names.end();
}

// "… WITH TIME ZONE" (and not "WITHOUT TIME ZONE").
bool with_time_zone(const TypeName& t) {
  return std::find(t.words.begin(), t.words.end(), "WITH") != t.words.end();
}

}  // namespace

SqlType Dialect::reflect_type(std::string_view declared) const {
  const TypeName t = parse_type_name(declared);
  if (t.words.empty() || t.array) return SqlType();
  const std::string& name = t.words.front();
  if (one_of(name, {"INTEGER", "INT", "INT4", "MEDIUMINT", "SERIAL", "SERIAL4"})) return Integer{};
  if (one_of(name, {"BIGINT", "INT8", "BIGSERIAL", "SERIAL8"})) return BigInteger{};
  if (one_of(name, {"SMALLINT", "INT2", "TINYINT", "SMALLSERIAL", "SERIAL2"}))
    return SmallInteger{};
  if (one_of(name, {"REAL", "FLOAT4"})) return Float{};
  if (name == "FLOAT") {  // FLOAT(p): p is binary digits; above 24 it is double precision
    const auto bits = number_arg<int>(t, 0);
    if (bits && *bits > 24) return Double{};
    return Float{};
  }
  if (one_of(name, {"DOUBLE", "FLOAT8"})) return Double{};
  if (one_of(name, {"NUMERIC", "DECIMAL", "DEC", "NUMBER"}))
    return Numeric(number_arg<int>(t, 0), number_arg<int>(t, 1));
  if (name == "LONG" && t.words.size() > 1 && t.words[1] == "VARCHAR") return Text{};
  if (one_of(name, {"VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "CHARACTER", "VARCHAR2", "NVARCHAR2",
                    "NATIONAL"}))
    return String(number_arg<std::uint32_t>(t, 0));
  if (one_of(name,
             {"TEXT", "CLOB", "NCLOB", "NTEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "CITEXT"}))
    return Text{};
  if (one_of(name, {"BOOLEAN", "BOOL"})) return Boolean{};
  if (name == "DATE") return types::Date{};
  if (name == "TIME") return types::Time(with_time_zone(t));
  if (name == "TIMETZ") return types::Time(true);
  if (one_of(name, {"DATETIME", "DATETIME2", "SMALLDATETIME", "TIMESTAMP"}))
    return types::DateTime(with_time_zone(t));
  if (one_of(name, {"TIMESTAMPTZ", "DATETIMEOFFSET"})) return types::DateTime(true);
  if (one_of(name, {"BLOB", "BYTEA", "BINARY", "VARBINARY", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB",
                    "IMAGE", "RAW"}))
    return LargeBinary{};
  if (one_of(name, {"UUID", "UNIQUEIDENTIFIER"})) return types::Uuid{};
  if (one_of(name, {"JSON", "JSONB"})) return JSON{};
  if (name == "ENUM") return Enum(t.args);
  return SqlType();
}

}  // namespace crucible
