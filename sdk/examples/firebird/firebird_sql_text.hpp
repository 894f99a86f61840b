#pragma once
// Reading back SQL text the firebird compiler wrote (firebird_compiler.hpp): Firebird needs a
// FROM where the framework writes none, and its upserts are the framework's INSERT rearranged
// into UPDATE OR INSERT or MERGE. The scanners skip '…' literals and "…" names (a doubled quote
// inside is part of them), -- line comments (to the end of the line) and /* block */ comments
// (Firebird 3.0 Language Reference 2.5 "Comments"), and track parentheses; they read only what
// the compiler wrote (which may hold text() and literal_column() fragments with comments).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crucible::firebird {

/// text in ASCII upper case (Firebird folds unquoted names and keywords so).
std::string upper(std::string_view text);

/// The offset of the quote closing the '…' literal or "…" name that opens at open, or
/// text.size() when it is not closed.
std::size_t closing_quote(std::string_view text, std::size_t open);

/// The offset just past the comment that starts at at (`--` to the end of the line, its newline
/// included, or a `/* … */`), or at itself when none starts there. An unclosed comment runs to
/// text.size().
std::size_t skip_comment(std::string_view text, std::size_t at);

/// Whether text ends inside a -- line comment (so that what is appended must start on a new
/// line).
bool ends_in_line_comment(std::string_view text);

/// The offset of the ')' closing the '(' at open, or npos.
std::size_t matching_paren(std::string_view text, std::size_t open);

/// "a, b, (c, d)" split at its top-level commas, each part trimmed of blanks and newlines.
std::vector<std::string> split_top_level(std::string_view text);

/// A name as the compiler wrote it, unquoted ("\"Display Name\"" gives Display Name).
std::string unquote(const std::string& written);

/// Walks text at parenthesis depth 0, skipping '…' literals, "…" identifiers and comments, and
/// calls on_word(word_upper, offset) for each bare word until on_word returns false.
template <class F>
void top_level_words(std::string_view text, F on_word) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (const std::size_t past = skip_comment(text, i); past != i) {
      i = past;
    } else if (c == '\'' || c == '"') {
      i = closing_quote(text, i) + 1;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      --depth;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      const std::size_t start = i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '_' || text[i] == '$'))
        ++i;
      if (depth == 0) {
        std::string word(text.substr(start, i - start));
        std::transform(word.begin(), word.end(), word.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        if (!on_word(word, start)) return;
      }
    } else {
      ++i;
    }
  }
}

}  // namespace crucible::firebird
