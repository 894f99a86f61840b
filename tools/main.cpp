// The `crucible` program: plugins, sql, inspect and migrate from the shell (see `crucible --help`).
//
// Output goes to stdout only when the command succeeded (it is buffered until then); an error
// is ONE line on stderr, "crucible: error: <reason>", with the exit status
//   1  a database error: crucible::DBAPIError and the other errors the database's answers cause
//   2  a usage error, crucible::ArgumentError (bad URL or parameter), crucible::PluginError.
// A password given in a URL never appears: URLs print through URL::render(), user text through
// mask_password(), and every error line is scrubbed of the passwords of the arguments.
#include <cctype>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <crucible/crucible.hpp>
#include <crucible/migrate/commands.hpp>

#include "cli_args.hpp"
#include "commands.hpp"

#ifndef CRUCIBLE_VERSION
#define CRUCIBLE_VERSION "unknown"
#endif

namespace crucible::cli {
namespace {

/// The passwords the arguments' URLs carry (userinfo, and query values url.hpp counts as
/// secrets), decoded and as typed, for scrubbing messages.
std::vector<std::string> passwords_in(const std::vector<std::string_view>& args) {
  std::vector<std::string> out;
  for (std::string_view arg : args) {
    const std::size_t scheme_end = arg.find("://");
    if (scheme_end == std::string_view::npos) continue;
    try {
      const URL url = make_url(arg);
      if (url.password() && !url.password()->empty()) out.push_back(*url.password());
      // Query values that are secrets (?key=… of sqlcipher, ?password=…), decoded.
      for (const auto& [key, value] : url.query()) {
        if (!value.empty() && is_secret_query_param(key, value)) out.push_back(value);
      }
    } catch (...) {  // not a URL after all, or a broken one: the raw form below still applies
    }
    // As typed: "scheme://user:password@…", the userinfo ending at the last '@'.
    const std::string_view rest = arg.substr(scheme_end + 3);
    const std::size_t at = rest.rfind('@');
    if (at == std::string_view::npos) continue;
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos && userinfo.find('/') == std::string_view::npos &&
        colon + 1 < userinfo.size())
      out.emplace_back(userinfo.substr(colon + 1));
  }
  return out;
}

/// message with every occurrence of each secret replaced by "***".
std::string scrub(std::string message, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    for (std::size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 3))
      message.replace(at, secret.size(), "***");
  }
  return message;
}

/// message on one line: each line break (and the blanks around it) becomes "; ".
std::string one_line(const std::string& message) {
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    if (message[i] == '\n' || message[i] == '\r') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      while (i < message.size() && std::isspace(static_cast<unsigned char>(message[i]))) ++i;
      if (!out.empty() && i < message.size()) out += "; ";
      continue;
    }
    out += message[i++];
  }
  return out;
}

/// e's message followed by those of the exceptions nested in it (std::throw_with_nested).
std::string describe(const std::exception& e) {
  std::string message = e.what();
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& inner) {
    message += ": " + describe(inner);
  } catch (...) {
    message += ": unknown error";
  }
  return message;
}

/// The exit status for e, decided by the innermost nested exception.
int exit_status(const std::exception& e) {
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& inner) {
    return exit_status(inner);
  } catch (...) {
    return 1;
  }
  if (dynamic_cast<const UsageError*>(&e) != nullptr ||
      dynamic_cast<const ArgumentError*>(&e) != nullptr ||
      dynamic_cast<const PluginError*>(&e) != nullptr)
    return 2;
  return 1;
}

int run(const std::vector<std::string_view>& args, std::ostream& out) {
  // `crucible migrate …`: the migration commands of the library, without a MetaData (so no
  // --autogenerate; an application links crucible::migrate::main with its own).
  if (!args.empty() && args.front() == "migrate")
    return migrate::run_command(std::vector<std::string>(args.begin() + 1, args.end()), nullptr,
                                out);
  const Invocation inv = parse_command_line(args);
  if (inv.help) {
    out << usage(inv.command);
    return 0;
  }
  if (inv.version) {
    out << "crucible " << CRUCIBLE_VERSION << " (plugin ABI " << kPluginAbiVersion << ")\n";
    return 0;
  }
  switch (inv.command) {
  case Command::kPlugins: return run_plugins(inv, out);
  case Command::kSql: return run_sql(inv, out);
  case Command::kInspect: return run_inspect(inv, out);
  case Command::kNone: break;
  }
  throw UsageError("missing command: plugins, sql or inspect (see 'crucible --help')");
}

}  // namespace
}  // namespace crucible::cli

int main(int argc, char** argv) {
  using namespace crucible::cli;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  const std::vector<std::string> secrets = passwords_in(args);
  auto fail = [&](const std::string& reason, int status) {
    std::cerr << "crucible: error: " << scrub(one_line(reason), secrets) << std::endl;
    return status;
  };
  try {
    std::ostringstream out;
    const int status = run(args, out);
    std::cout << out.str() << std::flush;
    if (!std::cout) return fail("cannot write the output", 1);
    return status;
  } catch (const std::exception& e) {
    return fail(describe(e), exit_status(e));
  } catch (...) {
    return fail("unknown error", 1);
  }
}
