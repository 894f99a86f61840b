#pragma once
// The command line of the `crucible` program: what was asked for, parsed from argv.
//
//   crucible plugins [--format F]
//   crucible sql URL STATEMENT [--param K=V]... [--format F]
//   crucible sql URL --file SCRIPT [--param K=V]... [--format F]
//   crucible inspect URL [TABLE] [--format F]
//   crucible --help | --version
//
// Options may come anywhere after the command, as "--opt value" or "--opt=value"; "--" ends the
// options (so a statement may start with '-'). Everything here throws UsageError, which the
// program reports with exit status 2.
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <crucible/params.hpp>
#include <crucible/value.hpp>

namespace crucible::cli {

/// A mistake on the command line (unknown command or option, missing or extra argument, a
/// malformed --param). Exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How results are printed: aligned columns for people, CSV (RFC 4180) or JSON for programs.
enum class Format { kTable, kCsv, kJson };

/// The sub-commands.
enum class Command { kNone, kPlugins, kSql, kInspect };

/// Everything the command line asked for.
struct Invocation {
  Command command{Command::kNone};
  bool help{false};     ///< --help / -h: print the usage (of the command, when one is given)
  bool version{false};  ///< --version
  /// The arguments after the command that are not options, in order (URL, STATEMENT, TABLE).
  std::vector<std::string> positionals;
  Format format{Format::kTable};
  /// The --param binds, in the order given; each name once.
  Params params;
  /// --file: the script's path ("-" for standard input).
  std::optional<std::string> file;
};

/// Parses args (argv without the program name). Checks the options each command accepts and
/// the number of positional arguments. Throws UsageError naming the offending argument (a
/// password in it masked).
Invocation parse_command_line(std::span<const std::string_view> args);

/// Parses one --param argument: "name=text" binds the string text; "name:int=5" an int64,
/// "name:float=2.5" a double, "name:str=text" a string, "name:null" NULL. The name is what
/// follows ':' in the statement (letters, digits, '_'). Throws UsageError for a missing '=', an
/// empty or malformed name, an unknown type, or a value the type cannot hold.
std::pair<std::string, Value> parse_param(std::string_view arg);

/// Parses "table", "csv" or "json"; throws UsageError naming the accepted ones otherwise.
Format parse_format(std::string_view text);

/// The program's usage text for command (all commands for Command::kNone), ending in '\n'.
std::string usage(Command command);

/// text quoted for a message, with a password in it (a URL's "user:password@") masked.
std::string quote_arg(std::string_view text);

}  // namespace crucible::cli
