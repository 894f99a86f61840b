// `crucible sql`: one statement, or a script of statements, in one transaction.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>
#include <Poco/SharedPtr.h>

#include <crucible/crucible.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace crucible::cli {
namespace {

/// What one statement gave: its rows, or the number of rows it changed.
struct Outcome {
  bool has_rows{false};
  Grid grid;
  std::int64_t rowcount{-1};  ///< PEP 249: -1 when the database does not say
};

/// Reads all of result (rows are kept: the transaction commits before anything is printed).
Outcome collect(Result& result) {
  Outcome outcome;
  if (result.returns_rows()) {
    outcome.has_rows = true;
    outcome.grid.columns = result.keys();
    for (Row& row : result.all()) outcome.grid.rows.push_back(std::move(row.mutable_values()));
  } else {
    outcome.rowcount = result.rowcount();
  }
  return outcome;
}

/// ":a, :b" for messages.
std::string bind_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? ":" : ", :") + name;
  return out;
}

/// The values of given that clause binds. Throws UsageError when clause binds a name that
/// given lacks (what names the statement for the message).
Params binds_for(const sql::TextClause& clause, const Params& given, const std::string& what) {
  Params out;
  for (const std::string& name : clause.bind_names()) {
    const Value* value = given.find(name);
    if (value == nullptr)
      throw UsageError(what + " binds :" + name + " but no --param gives it; add --param " + name +
                       "=VALUE (or " + name + ":int=N, " + name + ":float=X, " + name + ":null)");
    out.set(name, *value);
  }
  return out;
}

/// Throws UsageError for a --param that no statement binds (a typo would otherwise be silent).
void check_all_used(const Params& given, const std::set<std::string>& bound) {
  for (const auto& [name, value] : given) {
    if (bound.count(name) > 0) continue;
    std::vector<std::string> names(bound.begin(), bound.end());
    throw UsageError("--param " + quote_arg(name) + " is not used: the SQL binds " +
                     (names.empty() ? std::string("no parameters") : bind_list(names)));
  }
}

/// The script at path, or standard input for "-". Throws UsageError when it cannot be read.
std::string read_script(const std::string& path) {
  if (path == "-") return {std::istreambuf_iterator<char>(std::cin), {}};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError("cannot read the script " + quote_arg(path) + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// "N rows affected" for the table format.
std::string rows_affected_text(std::int64_t n) {
  if (n < 0) return "done";  // DDL and the like: PEP 249 rowcount -1
  return std::to_string(n) + (n == 1 ? " row affected" : " rows affected");
}

void print_outcome(std::ostream& out, const Outcome& outcome, Format format) {
  if (outcome.has_rows) {
    write_grid(out, outcome.grid, format);
    return;
  }
  switch (format) {
  case Format::kTable: out << rows_affected_text(outcome.rowcount) << '\n'; break;
  case Format::kCsv: break;  // no rows, no header: nothing to read
  case Format::kJson: {
    auto object = Poco::makeShared<Poco::JSON::Object>(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("rowcount", static_cast<Poco::Int64>(outcome.rowcount));
    write_json(out, object);
    break;
  }
  }
}

Outcome run_statement(const Engine& engine, const std::string& statement, const Params& given) {
  // The dialect's own splitter tells one statement from several (and from none but comments);
  // the text itself goes to the database as written.
  const std::size_t count = engine.dialect().split_script(statement).size();
  if (count == 0) throw UsageError("the STATEMENT is empty");
  if (count > 1)
    throw UsageError("the STATEMENT holds " + std::to_string(count) +
                     " statements; run several as a script with --file (one transaction)");
  if (engine.dialect().is_client_command(engine.dialect().split_script(statement).front()))
    throw UsageError("the STATEMENT is a command of the " + std::string(engine.dialect().name()) +
                     " command-line client, not SQL; crucible runs SQL only");
  const sql::TextClause clause = text(statement);
  const std::set<std::string> bound(clause.bind_names().begin(), clause.bind_names().end());
  check_all_used(given, bound);
  const Params params = binds_for(clause, given, "the statement");
  return engine.begin([&](Connection& conn) {
    Result result = conn.execute(clause, params);
    return collect(result);
  });
}

/// The 1-based line of script where statement begins, searching from offset (advanced past it);
/// 0 when the split statement's text cannot be found verbatim.
std::size_t line_of(std::string_view script, std::string_view statement, std::size_t& offset) {
  const std::size_t at = script.find(statement, offset);
  if (at == std::string_view::npos) return 0;
  offset = at + statement.size();
  return static_cast<std::size_t>(
             std::count(script.begin(), script.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
         1;
}

/// " (line N)", or "" when the line is unknown (0).
std::string line_text(std::size_t line) {
  return line > 0 ? " (line " + std::to_string(line) + ")" : "";
}

Outcome run_script(const Engine& engine, const std::string& script, const Params& given,
                   std::ostream& notices) {
  const Dialect& dialect = engine.dialect();
  const std::vector<std::string> parts = dialect.split_script(script);
  if (parts.empty()) throw UsageError("the script holds no statement");

  // Commands of the database's own command-line client (psql's \c, \set…) are not SQL: each
  // is skipped with a notice, and the script runs on in the URL's database.
  std::vector<std::string> statements;
  std::vector<std::size_t> lines;
  std::size_t offset = 0;
  for (const std::string& part : parts) {
    const std::size_t line = line_of(script, part, offset);
    if (dialect.is_client_command(part)) {
      notices << "crucible: notice: skipped " << quote_arg(part) << line_text(line) << ": a "
              << dialect.name()
              << " client command, not SQL; the script runs on in the URL's database\n";
      continue;
    }
    statements.push_back(part);
    lines.push_back(line);
  }
  if (statements.empty()) throw UsageError("the script holds no SQL statement");
  const std::size_t n = statements.size();

  // Parse and check every statement before anything runs.
  std::vector<sql::TextClause> clauses;
  std::vector<Params> params;
  std::vector<std::string> labels;
  std::set<std::string> bound;
  for (std::size_t i = 0; i < n; ++i) {
    labels.push_back("statement " + std::to_string(i + 1) + " of " + std::to_string(n) +
                     line_text(lines[i]));
    clauses.push_back(text(statements[i]));
    bound.insert(clauses.back().bind_names().begin(), clauses.back().bind_names().end());
  }
  check_all_used(given, bound);
  for (std::size_t i = 0; i < n; ++i) params.push_back(binds_for(clauses[i], given, labels[i]));

  // All in one transaction: the first failure rolls back every statement before it.
  return engine.begin([&](Connection& conn) {
    Outcome last_rows;
    std::int64_t affected = 0;
    for (std::size_t i = 0; i < n; ++i) {
      try {
        Result result = conn.execute(clauses[i], params[i]);
        Outcome outcome = collect(result);
        if (outcome.has_rows)
          last_rows = std::move(outcome);
        else if (outcome.rowcount > 0)
          affected += outcome.rowcount;
      } catch (...) {
        std::throw_with_nested(StatementFailed(labels[i] + " failed, nothing was changed"));
      }
    }
    if (last_rows.has_rows) return last_rows;
    Outcome total;
    total.rowcount = affected;
    return total;
  });
}

}  // namespace

int run_sql(const Invocation& inv, std::ostream& out) {
  const URL url = make_url(inv.positionals.at(0));
  const std::string script = inv.file ? read_script(*inv.file) : std::string();
  const Engine engine = create_engine(url);
  const Outcome outcome = inv.file ? run_script(engine, script, inv.params, std::cerr)
                                   : run_statement(engine, inv.positionals.at(1), inv.params);
  print_outcome(out, outcome, inv.format);
  return 0;
}

}  // namespace crucible::cli
