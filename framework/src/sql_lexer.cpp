// The minimal SQL lexer (sql_lexer.hpp).
#include "sql_lexer.hpp"

#include <string>

#include "crucible/errors.hpp"

namespace crucible::detail {

namespace {
[[noreturn]] void unterminated(std::string_view what, std::string_view text, std::size_t at) {
  std::string excerpt(text.substr(at, 40));
  throw ArgumentError("unterminated " + std::string(what) + " in SQL starting at offset " +
                      std::to_string(at) + ": '" + excerpt + (text.size() - at > 40 ? "…'" : "'"));
}
}  // namespace

std::vector<SqlSpan> lex_sql(std::string_view text) {
  std::vector<SqlSpan> spans;
  std::size_t code_start = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto flush_code = [&](std::size_t end) {
    if (end > code_start) spans.push_back({SqlSpanKind::kCode, code_start, end});
  };
  while (i < n) {
    const char c = text[i];
    if (c == '\'' || c == '"' || c == '`') {
      // A quoted run ends at the next unpaired quote; a doubled quote is an escaped one.
      flush_code(i);
      std::size_t j = i + 1;
      for (;;) {
        if (j >= n) unterminated(c == '\'' ? "string literal" : "quoted identifier", text, i);
        if (text[j] == c) {
          if (j + 1 < n && text[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      spans.push_back({SqlSpanKind::kLiteral, i, j + 1});
      i = code_start = j + 1;
    } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      flush_code(i);
      std::size_t j = text.find('\n', i);
      j = (j == std::string_view::npos) ? n : j + 1;
      spans.push_back({SqlSpanKind::kComment, i, j});
      i = code_start = j;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      flush_code(i);
      std::size_t j = text.find("*/", i + 2);
      if (j == std::string_view::npos) unterminated("block comment", text, i);
      spans.push_back({SqlSpanKind::kComment, i, j + 2});
      i = code_start = j + 2;
    } else {
      ++i;
    }
  }
  flush_code(n);
  return spans;
}

}  // namespace crucible::detail
