// Command-line parsing of the `crucible` program (see cli_args.hpp for the grammar).
#include "cli_args.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <system_error>

#include <crucible/url.hpp>

namespace crucible::cli {
namespace {

constexpr std::string_view kSeeHelp = "see 'crucible --help'";

/// Which options a command accepts (--format, --help everywhere).
bool accepts_param_and_file(Command command) { return command == Command::kSql; }

std::string_view command_name(Command command) {
  switch (command) {
  case Command::kPlugins: return "plugins";
  case Command::kSql: return "sql";
  case Command::kInspect: return "inspect";
  case Command::kNone: break;
  }
  return "";
}

Command parse_command(std::string_view word) {
  if (word == "plugins") return Command::kPlugins;
  if (word == "sql") return Command::kSql;
  if (word == "inspect") return Command::kInspect;
  throw UsageError("unknown command " + quote_arg(word) +
                   "; the commands are plugins, sql and inspect (" + std::string(kSeeHelp) + ")");
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// Parses all of text as T with std::from_chars; nullopt when text is not entirely a T, or is
/// out of T's range (ec then says which).
template <class T>
std::optional<T> parse_number(std::string_view text, std::errc& ec) {
  T value{};
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (!text.empty() && text.front() == '+') ++begin;  // from_chars refuses a leading '+'
  auto result = std::from_chars(begin, end, value);
  ec = result.ec;
  if (result.ec != std::errc{} || result.ptr != end || begin == end) return std::nullopt;
  return value;
}

/// Checks the positional arguments and options of a parsed command line.
void validate(const Invocation& inv, bool saw_param_or_file) {
  const std::string see_command =
      "see 'crucible " + std::string(command_name(inv.command)) + " --help'";
  if (inv.command == Command::kNone)
    throw UsageError("missing command: plugins, sql or inspect (" + std::string(kSeeHelp) + ")");
  if (saw_param_or_file && !accepts_param_and_file(inv.command))
    throw UsageError("--param and --file belong to the sql command, not to " +
                     std::string(command_name(inv.command)) + " (" + see_command + ")");
  const std::size_t n = inv.positionals.size();
  auto extra = [&](std::size_t first) {
    return UsageError("unexpected argument " + quote_arg(inv.positionals[first]) + " (" +
                      see_command + ")");
  };
  switch (inv.command) {
  case Command::kPlugins:
    if (n > 0) throw extra(0);
    break;
  case Command::kSql:
    if (n == 0)
      throw UsageError("sql needs a database URL and a STATEMENT or --file SCRIPT (" + see_command +
                       ")");
    if (inv.file) {
      if (n > 1)
        throw UsageError("give either a STATEMENT or --file SCRIPT, not both (" + see_command +
                         ")");
    } else {
      if (n == 1)
        throw UsageError("sql needs a STATEMENT after the URL, or --file SCRIPT (" + see_command +
                         ")");
      if (n > 2) throw extra(2);
    }
    break;
  case Command::kInspect:
    if (n == 0) throw UsageError("inspect needs a database URL (" + see_command + ")");
    if (n > 2) throw extra(2);
    break;
  case Command::kNone: break;
  }
}

}  // namespace

std::string quote_arg(std::string_view text) { return "'" + mask_password(text) + "'"; }

Format parse_format(std::string_view text) {
  const std::string word = lower(text);
  if (word == "table") return Format::kTable;
  if (word == "csv") return Format::kCsv;
  if (word == "json") return Format::kJson;
  throw UsageError("unknown format " + quote_arg(text) + "; the formats are table, csv and json");
}

std::pair<std::string, Value> parse_param(std::string_view arg) {
  const std::size_t eq = arg.find('=');
  const std::string_view lhs = arg.substr(0, eq);
  const std::size_t colon = lhs.find(':');
  const std::string_view name = lhs.substr(0, colon);
  const std::string where = "--param " + quote_arg(arg);
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char))
    throw UsageError(where + ": a parameter name is letters, digits and '_' (as in :name), found " +
                     quote_arg(name));
  const std::string type = colon == std::string_view::npos ? "" : lower(lhs.substr(colon + 1));
  const bool has_value = eq != std::string_view::npos;
  const std::string_view value = has_value ? arg.substr(eq + 1) : std::string_view{};

  if (type == "null") {
    if (has_value) throw UsageError(where + ": NAME:null takes no value");
    return {std::string(name), Value()};
  }
  if (!has_value) throw UsageError(where + ": expected NAME=VALUE, NAME:TYPE=VALUE or NAME:null");
  if (colon == std::string_view::npos || type == "str" || type == "string")
    return {std::string(name), Value(std::string(value))};
  std::errc ec{};
  if (type == "int") {
    if (auto n = parse_number<std::int64_t>(value, ec)) return {std::string(name), Value(*n)};
    throw UsageError(where + ": " + quote_arg(value) +
                     (ec == std::errc::result_out_of_range ? " does not fit in a 64-bit integer"
                                                           : " is not an integer"));
  }
  if (type == "float") {
    if (auto x = parse_number<double>(value, ec)) return {std::string(name), Value(*x)};
    throw UsageError(where + ": " + quote_arg(value) +
                     (ec == std::errc::result_out_of_range ? " is out of a double's range"
                                                           : " is not a number"));
  }
  throw UsageError(where + ": unknown type " + quote_arg(type) +
                   "; the types are int, float, str and null");
}

Invocation parse_command_line(std::span<const std::string_view> args) {
  Invocation inv;
  bool options_done = false;
  bool saw_param_or_file = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_done || arg.size() < 2 || arg.front() != '-') {
      // The first word is the command ("crucible --help sql" works too), the rest positional.
      if (inv.command == Command::kNone)
        inv.command = parse_command(arg);
      else
        inv.positionals.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    // "--name=value" or "--name value".
    const std::size_t eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    std::optional<std::string_view> inline_value;
    if (eq != std::string_view::npos) inline_value = arg.substr(eq + 1);
    auto take_value = [&]() -> std::string_view {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size())
        throw UsageError("option " + std::string(name) + " needs a value (" +
                         std::string(kSeeHelp) + ")");
      return args[++i];
    };
    auto no_value = [&] {
      if (inline_value) throw UsageError("option " + std::string(name) + " takes no value");
    };
    if (name == "-h" || name == "--help") {
      no_value();
      inv.help = true;
    } else if (name == "--version") {
      no_value();
      inv.version = true;
    } else if (name == "--format") {
      inv.format = parse_format(take_value());
    } else if (name == "--param") {
      saw_param_or_file = true;
      auto [key, value] = parse_param(take_value());
      if (inv.params.find(key) != nullptr)
        throw UsageError("--param " + quote_arg(key) + " is given twice");
      inv.params.set(std::move(key), std::move(value));
    } else if (name == "--file") {
      saw_param_or_file = true;
      if (inv.file) throw UsageError("--file is given twice; a run takes one script");
      inv.file = std::string(take_value());
    } else {
      throw UsageError("unknown option " + quote_arg(arg) + " (" + std::string(kSeeHelp) + ")");
    }
  }
  if (inv.help || inv.version) return inv;
  validate(inv, saw_param_or_file);
  return inv;
}

std::string usage(Command command) {
  static constexpr std::string_view kOptions =
      "Options:\n"
      "  --format table|csv|json  aligned columns for people (the default), CSV (RFC 4180)\n"
      "                           or JSON for programs\n"
      "  -h, --help               this help; 'crucible COMMAND --help' for one command\n"
      "  --version                the version of crucible and of its plugin ABI\n"
      "\n"
      "URL: dialect[+driver]://[user[:password]@][host][:port][/database][?key=value&...]\n"
      "     e.g. sqlite:///relative.db, sqlite:////absolute/path.db, sqlite:///:memory:\n"
      "\n"
      "Exit status: 0 success, 1 database error, 2 usage, URL or plugin error.\n";
  static constexpr std::string_view kPlugins =
      "  crucible plugins [--format F]\n"
      "      List every plugin on the search path and registered in-process: its name,\n"
      "      version, file, dialects (with their default driver), drivers, and why a file\n"
      "      on the path cannot be used.\n";
  static constexpr std::string_view kSql =
      "  crucible sql URL STATEMENT [--param NAME=VALUE]... [--format F]\n"
      "      Run one statement in a transaction, committed when it succeeds. ':name' in the\n"
      "      statement is a bound parameter, given with --param:\n"
      "        --param name=text     the string 'text'\n"
      "        --param name:int=5    a 64-bit integer      --param name:float=2.5  a double\n"
      "        --param name:str=5    the string '5'        --param name:null       NULL\n"
      "      Prints the rows (table, CSV with a header row, or a JSON array of objects;\n"
      "      a repeated column name gets a suffix _2, _3... in JSON), or the rows affected.\n"
      "  crucible sql URL --file SCRIPT [--param NAME=VALUE]... [--format F]\n"
      "      Run every statement of SCRIPT ('-' for standard input) in ONE transaction: if\n"
      "      one fails, none of them has any effect. Prints the rows of the last statement\n"
      "      that returns rows, or the total rows affected. Commands of the database's own\n"
      "      client (psql's \\c, \\set...) are skipped with a notice on stderr: the script\n"
      "      runs in the URL's database, and statements the database refuses inside a\n"
      "      transaction (CREATE DATABASE...) fail it; see docs/cli.md.\n";
  static constexpr std::string_view kInspect =
      "  crucible inspect URL [--format F]\n"
      "      List the tables and views with their number of columns.\n"
      "  crucible inspect URL TABLE [--format F]\n"
      "      Describe TABLE: its columns (type, nullable, default, position in the primary\n"
      "      key), foreign keys, indexes and unique constraints. CSV prints the columns.\n";
  std::string out = "usage:\n";
  switch (command) {
  case Command::kPlugins: out += kPlugins; break;
  case Command::kSql: out += kSql; break;
  case Command::kInspect: out += kInspect; break;
  case Command::kNone:
    out = "crucible: a database toolkit's command line; it reaches databases through plugins.\n"
          "\nusage:\n";
    out += kPlugins;
    out += kSql;
    out += kInspect;
    out += "  crucible migrate COMMAND ...\n"
           "      Schema migrations: init, revision, merge, upgrade, downgrade, current,\n"
           "      heads, history, stamp (see `crucible migrate help` and docs/migrations.md).\n";
    break;
  }
  out += "\n";
  out += kOptions;
  return out;
}

}  // namespace crucible::cli
