#pragma once
// A minimal SQL lexer shared by text() and the default script splitter: it only tells code from
// literals and comments, which is all either needs to find ':name' binds and ';' separators
// without being fooled by a colon or semicolon inside a string. Standard SQL lexing (SQL:2016
// Part 2 §5.3): '…' character literals with '' escapes, "…" delimited identifiers with ""
// escapes, -- line comments, /* */ block comments; `…` identifiers are treated likewise.
// Database-specific forms (PostgreSQL's $$ quoting, SQLite's trigger bodies) belong to the
// dialect that overrides split_script.
#include <cstddef>
#include <string_view>
#include <vector>

namespace crucible::detail {

enum class SqlSpanKind { kCode, kLiteral, kComment };

/// A run of text of one kind: [begin, end) offsets into the lexed text.
struct SqlSpan {
  SqlSpanKind kind;
  std::size_t begin;
  std::size_t end;
};

/// Splits text into consecutive spans covering all of it. Throws ArgumentError for a literal,
/// identifier or block comment left open at the end, quoting where it began.
std::vector<SqlSpan> lex_sql(std::string_view text);

}  // namespace crucible::detail
