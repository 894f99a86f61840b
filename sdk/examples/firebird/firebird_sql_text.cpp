// SQL text scanners of the firebird compiler (firebird_sql_text.hpp).
#include "firebird_sql_text.hpp"

namespace crucible::firebird {

// text with a-z raised to A-Z.
std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// The offset of the quote closing the '…' literal or "…" name that opens at open (a doubled
// quote inside is part of it), or text.size() when it is not closed.
std::size_t closing_quote(std::string_view text, std::size_t open) {
  const char q = text[open];
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] != q) continue;
    if (i + 1 < text.size() && text[i + 1] == q) {
      ++i;
      continue;
    }
    return i;
  }
  return text.size();
}

// Past a -- or /* */ comment starting at at, or at.
std::size_t skip_comment(std::string_view text, std::size_t at) {
  if (at + 1 >= text.size()) return at;
  if (text[at] == '-' && text[at + 1] == '-') {
    const std::size_t end = text.find('\n', at + 2);
    return end == std::string_view::npos ? text.size() : end + 1;
  }
  if (text[at] == '/' && text[at + 1] == '*') {
    const std::size_t end = text.find("*/", at + 2);
    return end == std::string_view::npos ? text.size() : end + 2;
  }
  return at;
}

// Whether a -- comment is still open at the end of text.
bool ends_in_line_comment(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (const std::size_t past = skip_comment(text, i); past != i) {
      if (c == '-' && past == text.size() && text.back() != '\n') return true;
      i = past;
    } else if (c == '\'' || c == '"') {
      i = closing_quote(text, i) + 1;
    } else {
      ++i;
    }
  }
  return false;
}

// The offset of the ')' closing the '(' at open, skipping literals, quoted names and comments.
std::size_t matching_paren(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (const std::size_t past = skip_comment(text, i); past != i) {
      i = past - 1;
    } else if (c == '\'' || c == '"') {
      i = closing_quote(text, i);
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Splits "a, b, (c, d)" at its top-level commas, each part trimmed.
std::vector<std::string> split_top_level(std::string_view text) {
  std::vector<std::string> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (const std::size_t past = skip_comment(text, i); past != i) {
      i = past - 1;
    } else if (c == '\'' || c == '"') {
      i = closing_quote(text, i);
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.emplace_back(text.substr(start));
  for (std::string& p : parts) {
    const auto b = p.find_first_not_of(" \n");
    const auto e = p.find_last_not_of(" \n");
    p = b == std::string::npos ? std::string() : p.substr(b, e - b + 1);
  }
  return parts;
}

// A column name as the compiler wrote it, unquoted ("\"Display Name\"" → Display Name).
std::string unquote(const std::string& written) {
  if (written.size() < 2 || written.front() != '"') return written;
  std::string out;
  for (std::size_t i = 1; i + 1 < written.size(); ++i) {
    out += written[i];
    if (written[i] == '"') ++i;
  }
  return out;
}

}  // namespace crucible::firebird
