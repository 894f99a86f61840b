#pragma once
// Reading back SQL text the firebird compiler wrote (firebird_compiler.hpp): Firebird needs a
// FROM where the framework writes none, and its upserts are the framework's INSERT rearranged
// into UPDATE OR INSERT or MERGE. The scanners skip '…' literals and "…" names (a doubled quote
// inside is part of them) and track parentheses; they read only what the compiler wrote.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crucible::firebird {

/// The offset of the quote closing the '…' literal or "…" name that opens at open, or
/// text.size() when it is not closed.
std::size_t closing_quote(std::string_view text, std::size_t open);

/// The offset of the ')' closing the '(' at open, or npos.
std::size_t matching_paren(std::string_view text, std::size_t open);

/// "a, b, (c, d)" split at its top-level commas, each part trimmed of blanks and newlines.
std::vector<std::string> split_top_level(std::string_view text);

/// A name as the compiler wrote it, unquoted ("\"Display Name\"" gives Display Name).
std::string unquote(const std::string& written);

/// Walks text at parenthesis depth 0, skipping '…'
/// literals and "…" identifiers, and calls on_word(word_upper, offset) for each bare word.
template <class F>
void top_level_words(std::string_view text, F on_word) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
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
