// The migration commands (migrate/commands.hpp), after Alembic's alembic.command.
#include "crucible/migrate/commands.hpp"

#include <cctype>
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "crucible/engine.hpp"
#include "crucible/errors.hpp"
#include "crucible/migrate/autogenerate.hpp"
#include "crucible/migrate/command_error.hpp"
#include "crucible/migrate/revision.hpp"
#include "crucible/migrate/runner.hpp"
#include "crucible/migrate/script_directory.hpp"
#include "crucible/url.hpp"
#include "join.hpp"

namespace crucible::migrate {

namespace {

constexpr const char* kConfigFile = "crucible-migrate.json";

// The parsed command line.
struct Args {
  std::string command;
  std::vector<std::string> positionals;
  std::optional<std::string> config, directory, url, message;
  bool autogenerate{false}, sql{false}, verbose{false};
};

Args parse(const std::vector<std::string>& args) {
  Args a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto value = [&](std::optional<std::string>& into) {
      if (i + 1 >= args.size()) throw ArgumentError("wanted a value after " + arg + ", found none");
      into = args[++i];
    };
    if (arg == "-c" || arg == "--config")
      value(a.config);
    else if (arg == "-d" || arg == "--directory")
      value(a.directory);
    else if (arg == "--url")
      value(a.url);
    else if (arg == "-m" || arg == "--message")
      value(a.message);
    else if (arg == "--autogenerate")
      a.autogenerate = true;
    else if (arg == "--sql")
      a.sql = true;
    else if (arg == "-v" || arg == "--verbose")
      a.verbose = true;
    else if (arg == "-h" || arg == "--help")
      a.command = "help";
    else if (arg.size() > 1 && arg[0] == '-' && arg[1] != '1' &&
             !std::isdigit(static_cast<unsigned char>(arg[1])))
      throw ArgumentError("unknown option " + arg + "; see --help");
    else if (a.command.empty())
      a.command = arg;
    else
      a.positionals.push_back(arg);
  }
  return a;
}

// Directory and URL from the flags, else from the config file.
struct Settings {
  std::filesystem::path directory;
  std::string url;
};

Settings settings(const Args& a) {
  Settings s;
  const std::filesystem::path file = a.config ? *a.config : kConfigFile;
  if (std::filesystem::exists(file)) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    try {
      Poco::JSON::Parser parser;
      const auto root = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
      if (root->has("directory"))
        s.directory = file.parent_path() / root->getValue<std::string>("directory");
      if (root->has("url")) s.url = root->getValue<std::string>("url");
    } catch (const Poco::Exception& e) {
      throw CommandError(file.string() + ": wanted {\"directory\": …, \"url\": …}, found " +
                         e.displayText());
    }
  } else if (a.config) {
    throw CommandError("the config file " + file.string() + " does not exist");
  }
  if (a.directory) s.directory = *a.directory;
  if (a.url) s.url = *a.url;
  if (s.directory.empty()) s.directory = "migrations";
  return s;
}

Engine engine_for(const Settings& s) {
  if (s.url.empty())
    throw CommandError("no database URL: give --url URL, or put \"url\" in " +
                       std::string(kConfigFile) + " (written by init)");
  return create_engine(s.url);
}

void need_positionals(const Args& a, std::size_t min, std::size_t max, const char* what) {
  if (a.positionals.size() < min || a.positionals.size() > max)
    throw ArgumentError(a.command + " wants " + what + ", found " +
                        std::to_string(a.positionals.size()) + " argument(s)");
}

int init(const Args& a, std::ostream& out) {
  need_positionals(a, 1, 1, "the directory to create");
  const std::filesystem::path dir = a.positionals[0];
  if (std::filesystem::exists(dir / "versions"))
    throw CommandError("the directory " + dir.string() + " already holds versions/");
  std::filesystem::create_directories(dir / "versions");
  out << "Creating directory " << std::filesystem::absolute(dir).string() << " ... done\n";
  out << "Creating directory " << std::filesystem::absolute(dir / "versions").string()
      << " ... done\n";
  const std::filesystem::path config = a.config ? *a.config : kConfigFile;
  if (!std::filesystem::exists(config)) {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("directory",
              std::filesystem::relative(std::filesystem::absolute(dir),
                                        std::filesystem::absolute(config).parent_path())
                  .string());
    root->set("url", a.url.value_or(""));
    std::ofstream file(config);
    root->stringify(file, 2);
    file << "\n";
    if (!file) throw CommandError("cannot write " + config.string());
    out << "Generating " << std::filesystem::absolute(config).string() << " ... done\n";
  }
  return 0;
}

int revision(const Args& a, const sql::MetaData* metadata, std::ostream& out, bool merge) {
  if (!a.message) throw ArgumentError(a.command + " wants -m MESSAGE");
  const Settings s = settings(a);
  const ScriptDirectory scripts(s.directory);
  Revision r;
  r.id = new_revision_id();
  r.message = *a.message;
  r.created = utc_timestamp();
  if (merge) {
    if (a.positionals.empty() || (a.positionals.size() == 1 && a.positionals[0] == "heads"))
      r.down_revisions = scripts.heads();
    else
      for (const std::string& id : a.positionals) r.down_revisions.push_back(scripts.get(id).id);
    if (r.down_revisions.size() < 2)
      throw CommandError(
          "merge wants two or more revisions to merge, found " +
          (r.down_revisions.empty() ? std::string("none") : detail::join(r.down_revisions)));
  } else {
    need_positionals(a, 0, 0, "no arguments besides -m");
    if (!scripts.heads().empty()) r.down_revisions = {scripts.single_head()};
  }
  if (a.autogenerate) {
    if (metadata == nullptr)
      throw CommandError("--autogenerate needs the application's MetaData, which the crucible "
                         "program does not have: build a program that calls "
                         "crucible::migrate::main(argc, argv, metadata) (see docs/migrations.md)");
    Engine engine = engine_for(s);
    {
      const std::vector<std::string> current = MigrationContext(engine, scripts).current_heads();
      std::vector<std::string> heads = scripts.heads();
      if (current != heads)
        throw CommandError("the database is not up to date (at " +
                           (current.empty() ? std::string("base") : detail::join(current)) +
                           ", head " + detail::join(heads) + "); upgrade it before autogenerating");
    }
    Connection conn = engine.connect();
    Comparison diff = compare_metadata(conn, *metadata);
    conn.rollback();
    for (const std::string& line : diff.detected)
      out << "INFO  [crucible.migrate] Detected " << line << "\n";
    if (diff.empty()) out << "INFO  [crucible.migrate] No changes in schema detected.\n";
    r.upgrade = std::move(diff.upgrade);
    r.downgrade = std::move(diff.downgrade);
    r.comments = std::move(diff.comments);
  }
  const std::filesystem::path file = write_revision(r, scripts.versions_directory());
  out << "Generating " << std::filesystem::absolute(file).string() << " ... done\n";
  return 0;
}

int upgrade_or_downgrade(const Args& a, std::ostream& out, bool upgrading) {
  need_positionals(a, upgrading ? 0 : 1, 1, "one target");
  const std::string target = a.positionals.empty() ? "head" : a.positionals[0];
  const Settings s = settings(a);
  const ScriptDirectory scripts(s.directory);
  if (a.sql) {
    out << offline_sql(engine_for(s).dialect(), scripts, target, upgrading);
    return 0;
  }
  MigrationContext context(engine_for(s), scripts, [&](const std::string& line) {
    out << "INFO  [crucible.migrate] " << line << "\n";
  });
  if (upgrading)
    context.upgrade(target);
  else
    context.downgrade(target);
  return 0;
}

int current(const Args& a, std::ostream& out) {
  const Settings s = settings(a);
  const ScriptDirectory scripts(s.directory);
  const std::vector<std::string> heads = scripts.heads();
  for (const std::string& id : MigrationContext(engine_for(s), scripts).current_heads()) {
    const bool head = std::find(heads.begin(), heads.end(), id) != heads.end();
    out << id << (head ? " (head)" : "") << "\n";
  }
  return 0;
}

int history(const Args& a, std::ostream& out) {
  const Settings s = settings(a);
  const ScriptDirectory scripts(s.directory);
  const std::vector<std::string> heads = scripts.heads();
  std::vector<const Revision*> all = scripts.walk();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const Revision& r = **it;
    const bool head = std::find(heads.begin(), heads.end(), r.id) != heads.end();
    const std::string parents =
        r.down_revisions.empty() ? "<base>" : detail::join(r.down_revisions);
    if (a.verbose) {
      out << "Rev: " << r.id << (head ? " (head)" : "")
          << (r.down_revisions.size() > 1 ? " (mergepoint)" : "") << "\n"
          << (r.down_revisions.size() > 1 ? "Merges: " : "Parent: ") << parents << "\n"
          << "Path: " << r.path.string() << "\n\n    " << r.message << "\n\n"
          << "    Create Date: " << r.created << "\n\n";
    } else {
      out << parents << " -> " << r.id << (head ? " (head)" : "") << ", " << r.message << "\n";
    }
  }
  return 0;
}

}  // namespace

std::string usage(const std::string& program) {
  return "usage: " + program +
         " [-c CONFIG] [-d DIR] [--url URL] COMMAND ...\n"
         "  init DIR [--url URL]            create DIR/versions and ./crucible-migrate.json\n"
         "  revision -m MSG [--autogenerate]  a new revision on top of the head\n"
         "  merge -m MSG [REV...]           a revision merging REV... (default: every head)\n"
         "  upgrade [TARGET] [--sql]        head (default), heads, +N or a revision\n"
         "  downgrade TARGET [--sql]        -N, base or a revision (FROM:TO with --sql)\n"
         "  current                         the database's revision(s)\n"
         "  heads                           the head revision(s)\n"
         "  history [--verbose]             every revision, newest first\n"
         "  stamp TARGET                    set the database's revision without running any\n";
}

int run_command(const std::vector<std::string>& args, const sql::MetaData* metadata,
                std::ostream& out) {
  const Args a = parse(args);
  if (a.command.empty() || a.command == "help" || a.command == "--help") {
    out << usage("crucible migrate");
    return 0;
  }
  if (a.command == "init") return init(a, out);
  if (a.command == "revision") return revision(a, metadata, out, false);
  if (a.command == "merge") return revision(a, metadata, out, true);
  if (a.command == "upgrade") return upgrade_or_downgrade(a, out, true);
  if (a.command == "downgrade") return upgrade_or_downgrade(a, out, false);
  if (a.command == "current") return current(a, out);
  if (a.command == "history") return history(a, out);
  if (a.command == "heads") {
    const ScriptDirectory scripts(settings(a).directory);
    for (const std::string& id : scripts.heads()) out << id << " (head)\n";
    return 0;
  }
  if (a.command == "stamp") {
    need_positionals(a, 1, 1, "one target");
    const Settings s = settings(a);
    const ScriptDirectory scripts(s.directory);
    MigrationContext(engine_for(s), scripts).stamp(a.positionals[0]);
    return 0;
  }
  throw ArgumentError("unknown migrate command '" + a.command +
                      "'; the commands are init, revision, merge, upgrade, downgrade, current, "
                      "heads, history and stamp");
}

int main(int argc, char** argv, const sql::MetaData& metadata) {
  const std::string program =
      argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "migrate";
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  std::vector<std::string> secrets;
  for (const std::string& arg : args) {
    if (arg.find("://") == std::string::npos) continue;
    try {
      if (const auto password = make_url(arg).password(); password && !password->empty())
        secrets.push_back(*password);
    } catch (const std::exception&) {  // not a URL: nothing to hide
    }
  }
  const auto scrub = [&](std::string text) {
    for (const std::string& secret : secrets)
      for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), "***");
    for (char& c : text)
      if (c == '\n') c = ' ';
    return text;
  };
  try {
    std::ostringstream out;
    const int status = run_command(args, &metadata, out);
    std::cout << out.str() << std::flush;
    return status;
  } catch (const std::exception& e) {
    std::string message = e.what();
    try {
      std::rethrow_if_nested(e);
    } catch (const std::exception& inner) {
      message += " [" + std::string(inner.what()) + "]";
    } catch (...) {
    }
    std::cerr << program << ": error: " << scrub(message) << std::endl;
    return dynamic_cast<const ArgumentError*>(&e) != nullptr ? 2 : 1;
  }
}

}  // namespace crucible::migrate
