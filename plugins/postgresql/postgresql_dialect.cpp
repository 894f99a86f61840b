// The "postgresql" dialect (postgresql_dialect.hpp); reflection is in postgresql_reflection.cpp.
#include "postgresql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "crucible/errors.hpp"
#include "postgresql_errors.hpp"

namespace crucible::postgresql {

namespace {

// PostgreSQL 15's reserved key words: pg_get_keywords() categories R (reserved) and T
// (reserved, can be function or type name).
std::unordered_set<std::string> reserved_words() {
  // clang-format off
  return {
      "ALL", "ANALYSE", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC",
      "AUTHORIZATION", "BINARY", "BOTH", "CASE", "CAST", "CHECK", "COLLATE", "COLLATION",
      "COLUMN", "CONCURRENTLY", "CONSTRAINT", "CREATE", "CROSS", "CURRENT_CATALOG",
      "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP",
      "CURRENT_USER", "DEFAULT", "DEFERRABLE", "DESC", "DISTINCT", "DO", "ELSE", "END",
      "EXCEPT", "FALSE", "FETCH", "FOR", "FOREIGN", "FREEZE", "FROM", "FULL", "GRANT",
      "GROUP", "HAVING", "ILIKE", "IN", "INITIALLY", "INNER", "INTERSECT", "INTO", "IS",
      "ISNULL", "JOIN", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT", "LOCALTIME",
      "LOCALTIMESTAMP", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "ONLY", "OR",
      "ORDER", "OUTER", "OVERLAPS", "PLACING", "PRIMARY", "REFERENCES", "RETURNING", "RIGHT",
      "SELECT", "SESSION_USER", "SIMILAR", "SOME", "SYMMETRIC", "TABLE", "TABLESAMPLE",
      "THEN", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE", "USER", "USING", "VARIADIC",
      "VERBOSE", "WHEN", "WHERE", "WINDOW", "WITH"};
  // clang-format on
}

bool is_ident_start(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) != 0 || c == '_' || u >= 0x80;
}
bool is_ident_char(char c) noexcept {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '$';
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The statement splitter of split_script: psql's lexer (psqlscan.l) reduced to what decides
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
  int paren_depth_{0};
  int begin_depth_{0};
  std::string keywords_;  // first letters of CREATE / OR / REPLACE / FUNCTION / PROCEDURE seen
  int identifier_count_{0};
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
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
      text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
      text.remove_suffix(1);
    }
    if (has_code_ && !text.empty()) out_.emplace_back(text);
    has_code_ = false;
    paren_depth_ = 0;
    begin_depth_ = 0;
    keywords_.clear();
    identifier_count_ = 0;
  }

  // A quoted run from i_ (at the opening quote) to after its closing quote; a doubled quote is
  // one character, and with backslashes a backslash escapes the next character.
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

  // A dollar-quote opener at i_ ("$$" or "$tag$"), or 0 when the '$' starts none.
  std::size_t dollar_tag_length() const {
    std::size_t j = i_ + 1;
    if (j < s_.size() && is_ident_start(s_[j])) {
      while (j < s_.size() && is_ident_char(s_[j]) && s_[j] != '$') ++j;
    }
    return j < s_.size() && s_[j] == '$' ? j + 1 - i_ : 0;
  }

  void identifier() {
    const std::size_t begin = i_;
    while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
    const std::string word = lower(s_.substr(begin, i_ - begin));
    // psqlscan.l's heuristic for SQL-standard function bodies: inside CREATE [OR REPLACE]
    // FUNCTION|PROCEDURE, BEGIN … END (and CASE … END within it) nest, so ';' there goes on.
    if (identifier_count_ < 4 && (word == "create" || word == "or" || word == "replace" ||
                                  word == "function" || word == "procedure")) {
      keywords_.resize(static_cast<std::size_t>(identifier_count_), ' ');
      keywords_.push_back(word[0]);
    }
    ++identifier_count_;
    const bool in_routine = keywords_.size() >= 2 && keywords_[0] == 'c' &&
                            (keywords_[1] == 'f' || keywords_[1] == 'p' ||
                             (keywords_.size() >= 4 && keywords_[1] == 'o' && keywords_[2] == 'r' &&
                              (keywords_[3] == 'f' || keywords_[3] == 'p')));
    if (in_routine && paren_depth_ == 0) {
      if (word == "begin") {
        ++begin_depth_;
      } else if (word == "case" && begin_depth_ > 0) {
        ++begin_depth_;
      } else if (word == "end" && begin_depth_ > 0) {
        --begin_depth_;
      }
    }
  }

  void step() {
    const char c = s_[i_];
    const bool after_ident = i_ > 0 && is_ident_char(s_[i_ - 1]);
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i_;
    } else if (s_.substr(i_, 2) == "--") {
      const std::size_t end = s_.find('\n', i_);
      i_ = end == std::string_view::npos ? s_.size() : end + 1;
    } else if (s_.substr(i_, 2) == "/*") {
      const std::size_t open = i_;
      int depth = 0;
      while (i_ < s_.size()) {  // PostgreSQL's block comments nest
        if (s_.substr(i_, 2) == "/*") {
          ++depth;
          i_ += 2;
        } else if (s_.substr(i_, 2) == "*/") {
          i_ += 2;
          if (--depth == 0) break;
        } else {
          ++i_;
        }
      }
      if (depth != 0) unterminated("a /* comment", open);
    } else if (c == '\\' && !has_code_) {
      // A psql meta-command where a statement starts (psqlscan.l hands a backslash outside
      // quotes to psqlscanslash.l, which reads the command and its arguments to the end of the
      // line): returned as its own element, without the blanks and comments before it.
      const std::size_t end = std::min(s_.find('\n', i_), s_.size());
      std::string_view command = s_.substr(i_, end - i_);
      while (!command.empty() && std::isspace(static_cast<unsigned char>(command.back())) != 0) {
        command.remove_suffix(1);
      }
      out_.emplace_back(command);
      i_ = end;
      start_ = end;
    } else if (c == ';' && paren_depth_ == 0 && begin_depth_ == 0) {
      finish_statement(i_);
      start_ = ++i_;
    } else {
      has_code_ = true;
      if (c == '\'') {
        quoted('\'', false, "a string literal");
      } else if ((c == 'E' || c == 'e') && !after_ident && i_ + 1 < s_.size() &&
                 s_[i_ + 1] == '\'') {
        ++i_;
        quoted('\'', true, "an E'…' string literal");
      } else if (c == '"') {
        quoted('"', false, "a quoted identifier");
      } else if (c == '$' && !after_ident && dollar_tag_length() > 0) {
        const std::size_t open = i_;
        const std::string_view tag = s_.substr(i_, dollar_tag_length());
        const std::size_t close = s_.find(tag, i_ + tag.size());
        if (close == std::string_view::npos) unterminated("a dollar-quoted string", open);
        i_ = close + tag.size();
      } else if (is_ident_start(c)) {
        identifier();
      } else {
        if (c == '(') ++paren_depth_;
        if (c == ')' && paren_depth_ > 0) --paren_depth_;
        ++i_;
      }
    }
  }
};

}  // namespace

PostgresqlDialect::PostgresqlDialect() : preparer_(reserved_words(), '"') {
  features_.supports_returning = true;
  features_.supports_multivalues_insert = true;
  features_.supports_native_boolean = true;
  features_.supports_native_uuid = true;
  features_.supports_savepoints = true;
  features_.supports_sequences = true;
  features_.supports_transactional_ddl = true;
  features_.max_identifier_length = 63;  // NAMEDATALEN - 1
  features_.upsert_style = UpsertStyle::kOnConflict;
  // Bulk INSERTs as multi-row VALUES of up to 1000 rows; 32767 parameters is SQLAlchemy's
  // bound for psycopg (the protocol's own limit is 65535, a 16-bit count).
  features_.use_insertmanyvalues = true;
  features_.insertmanyvalues_page_size = 1000;
  features_.insertmanyvalues_max_parameters = 32767;
}

std::vector<std::string> PostgresqlDialect::split_script(std::string_view script) const {
  return ScriptSplitter(script).split();
}

bool PostgresqlDialect::is_client_command(std::string_view statement) const {
  return statement.starts_with('\\');
}

std::vector<std::string> PostgresqlDialect::isolation_levels() const {
  return {"SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED", "AUTOCOMMIT"};
}

bool PostgresqlDialect::is_disconnect(const DBAPIError& error) const noexcept {
  const std::string& state = error.sqlstate();
  // The libpq driver's code for CONNECTION_BAD; another driver's code 1 means something else
  // (psqlODBC gives every server error the native code 1), and those drivers report a lost
  // connection by SQLSTATE class 08, so the code counts only beside a connection-class state.
  if (error.driver_code() == kConnectionBadCode &&
      (state.empty() || state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0)) {
    return true;
  }
  if (state.size() != 5) return false;
  if (state.rfind("08", 0) == 0) return state != "08P01";
  return state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace crucible::postgresql
