#pragma once
// docs/upsert.md as data, for the tests that run it (tests/postgresql/upsert_docs_test.cpp on
// SQLite and PostgreSQL, tests/mysql/upsert_docs_test.cpp on MariaDB). The page marks each
// example with <!-- example: NAME -->, followed by its C++ and, per dialect, a ```sql block
// whose first line is "-- sqlite", "-- postgresql" or "-- mysql". The C++ of every example is
// held here (example() below, verbatim: the page's C++ block, blanks aside, must occur in this
// file, so the two cannot drift apart).
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "crucible/crucible.hpp"

namespace crucible::testing::upsert_docs {

// ---- the page -----------------------------------------------------------------------------

struct DocExample {
  std::string cpp;                         ///< the C++ block
  std::map<std::string, std::string> sql;  ///< dialect name -> SQL block (without its label)
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string trim(std::string s) {
  const auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && blank(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && blank(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

inline std::string without_blanks(const std::string& s) {
  std::string out;
  for (const char c : s)
    if (std::isspace(static_cast<unsigned char>(c)) == 0) out += c;
  return out;
}

// The examples of the page by name.
inline std::map<std::string, DocExample> parse_examples(const std::string& markdown) {
  std::map<std::string, DocExample> out;
  std::istringstream in(markdown);
  std::string line;
  std::string current;
  const std::string marker = "<!-- example: ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) == 0) {
      current = trim(line.substr(marker.size(), line.find("-->") - marker.size()));
      out[current];
      continue;
    }
    if (line.rfind("```", 0) != 0 || line.size() == 3) continue;
    const std::string lang = line.substr(3);
    std::string body;
    while (std::getline(in, line) && line.rfind("```", 0) != 0) body += line + "\n";
    if (current.empty()) continue;
    if (lang == "cpp") {
      out[current].cpp = body;
    } else if (lang == "sql") {
      const auto eol = body.find('\n');
      const std::string label = trim(body.substr(0, eol));
      if (label.rfind("-- ", 0) == 0) out[current].sql[label.substr(3)] = trim(body.substr(eol));
    }
  }
  return out;
}

// ---- the same C++ as the page -------------------------------------------------------------

/// The table of the examples (the page's "schema" example).

struct Inventory {
  MetaData metadata;
  Table items{"items",
              metadata,
              Column{"id", Integer{}, primary_key},
              Column{"sku", String{20}, nullable(false)},
              Column{"name", String{80}},
              Column{"qty", Integer{}, nullable(false)},
              UniqueConstraint{{"sku"}, "uq_items_sku"}};
};

// The statement of the example called name.
inline sql::Insert example(const std::string& name, const Table& items) {
  if (name == "update") {
    auto stmt =
        insert(items)
            .values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 5}})
            .on_conflict_do_update({"sku"}, {{"name", excluded(items, "name")},
                                             {"qty", items.c("qty") + excluded(items, "qty")}});
    return stmt;
  }
  if (name == "nothing") {
    auto stmt = insert(items)
                    .values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 1}})
                    .on_conflict_do_nothing({"sku"});
    return stmt;
  }
  if (name == "where") {
    auto stmt = insert(items)
                    .values({{"sku", "A-1"}, {"name", "Anvil"}, {"qty", 9}})
                    .on_conflict_do_update({"sku"}, {{"qty", excluded(items, "qty")}},
                                           excluded(items, "qty") > items.c("qty"));
    return stmt;
  }
  if (name == "constraint") {
    auto stmt = insert(items)
                    .values({{"sku", "A-1"}, {"name", "Anvil Mk II"}, {"qty", 1}})
                    .on_conflict_do_update(ConflictTarget::constraint("uq_items_sku"),
                                           {{"name", excluded(items, "name")}});
    return stmt;
  }
  throw std::runtime_error("docs/upsert.md has an example '" + name + "' this test does not hold");
}

/// This file's path, for the check that the page's C++ occurs in it.
inline std::string source_path() {
  return std::string(CRUCIBLE_DOCS_DIR) + "/../tests/upsert_docs.hpp";
}

}  // namespace crucible::testing::upsert_docs
