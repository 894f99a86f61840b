// text() (sql/text.hpp): finds ':name' binds once, then renders them in any paramstyle.
#include "crucible/sql/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include "sql_lexer.hpp"

namespace crucible::sql {

namespace {
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
}  // namespace

/// The parsed statement: fragments[i] precedes the bind occurrences[i]; the last fragment ends
/// the text. Compiled forms are made once per paramstyle.
struct TextClause::Parsed {
  std::string text;
  std::vector<std::string> fragments;
  std::vector<std::string> occurrences;  ///< bind name at each placeholder, in order
  std::vector<std::string> names;        ///< distinct names, in order of first use
  std::array<std::once_flag, 5> once;
  std::array<std::shared_ptr<const Compiled>, 5> compiled;
};

TextClause::TextClause(std::string_view sql) : parsed_(std::make_shared<Parsed>()) {
  Parsed& p = *parsed_;
  p.text = std::string(sql);
  std::string fragment;
  for (const detail::SqlSpan& span : detail::lex_sql(sql)) {
    std::string_view piece = sql.substr(span.begin, span.end - span.begin);
    if (span.kind != detail::SqlSpanKind::kCode) {
      fragment += piece;
      continue;
    }
    // SQLAlchemy's rule: (?<![:\w\\]):(\w+)(?!:) is a bind; "\:" is a literal colon.
    for (std::size_t i = 0; i < piece.size(); ++i) {
      const char c = piece[i];
      if (c == '\\' && i + 1 < piece.size() && piece[i + 1] == ':') {
        fragment += ':';
        ++i;
        continue;
      }
      const bool starts_bind = c == ':' && i + 1 < piece.size() && word_char(piece[i + 1]) &&
                               (i == 0 ? (span.begin == 0 || sql[span.begin - 1] != ':')
                                       : (piece[i - 1] != ':' && !word_char(piece[i - 1])));
      if (!starts_bind) {
        fragment += c;
        continue;
      }
      std::size_t j = i + 1;
      while (j < piece.size() && word_char(piece[j])) ++j;
      if (j < piece.size() && piece[j] == ':') {  // "x:y:" is not a bind (SQLAlchemy's (?!:))
        fragment.append(piece.substr(i, j - i));
        i = j - 1;
        continue;
      }
      std::string name(piece.substr(i + 1, j - i - 1));
      p.fragments.push_back(std::move(fragment));
      fragment.clear();
      if (std::find(p.names.begin(), p.names.end(), name) == p.names.end()) p.names.push_back(name);
      p.occurrences.push_back(std::move(name));
      i = j - 1;
    }
  }
  p.fragments.push_back(std::move(fragment));
}

TextClause::~TextClause() = default;

const std::vector<std::string>& TextClause::bind_names() const noexcept { return parsed_->names; }
const std::string& TextClause::text() const noexcept { return parsed_->text; }

std::shared_ptr<const Compiled> TextClause::compile(const CompileContext& ctx) const {
  Parsed& p = *parsed_;
  const ParamStyle style = ctx.style;
  const auto slot = static_cast<std::size_t>(style);
  std::call_once(p.once[slot], [&] {
    auto out = std::make_shared<Compiled>();
    out->paramstyle = style;
    const bool positional_per_use = style == ParamStyle::kQmark || style == ParamStyle::kFormat;
    out->bind_names = positional_per_use ? p.occurrences : p.names;
    for (std::size_t i = 0; i < p.fragments.size(); ++i) {
      if (style == ParamStyle::kFormat) {  // a literal % must be doubled in format style
        for (char c : p.fragments[i]) {
          out->sql += c;
          if (c == '%') out->sql += '%';
        }
      } else {
        out->sql += p.fragments[i];
      }
      if (i == p.occurrences.size()) break;
      const std::string& name = p.occurrences[i];
      const auto position = std::find(p.names.begin(), p.names.end(), name) - p.names.begin() + 1;
      switch (style) {
      case ParamStyle::kQmark: out->sql += '?'; break;
      case ParamStyle::kFormat: out->sql += "%s"; break;
      case ParamStyle::kNumeric: out->sql += ':' + std::to_string(position); break;
      case ParamStyle::kNumericDollar: out->sql += '$' + std::to_string(position); break;
      case ParamStyle::kNamed: out->sql += ':' + name; break;
      }
    }
    p.compiled[slot] = std::move(out);
  });
  return p.compiled[slot];
}

}  // namespace crucible::sql

namespace crucible {
sql::TextClause text(std::string_view sql) { return sql::TextClause(sql); }
}  // namespace crucible
