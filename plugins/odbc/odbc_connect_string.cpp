// The ODBC connection string of a URL (odbc_connect_string.hpp).
#include "odbc_connect_string.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "crucible/errors.hpp"

namespace crucible::odbc {

namespace {

// How one ODBC driver spells the URL's parts, and the settings the dialect relies on.
struct Spelling {
  std::string_view server;  // "" when the driver has no server (SQLite)
  std::string_view port;
  std::string_view database;
  std::string_view user;
  std::string_view password;
  std::vector<std::pair<std::string, std::string>> settings;
};

Spelling spelling_for(std::string_view backend) {
  if (backend == "postgresql") {
    return {"SERVER", "PORT", "DATABASE",
            "UID",    "PWD",  {{"BoolsAsChar", "0"}, {"Protocol", "7.4-0"}}};
  }
  if (backend == "mysql" || backend == "mariadb") {
    return {"SERVER", "PORT", "DATABASE", "UID", "PWD", {{"CHARSET", "utf8mb4"}}};
  }
  if (backend == "sqlite") return {"", "", "Database", "", "", {}};
  return {"SERVER", "PORT", "DATABASE", "UID", "PWD", {}};
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

void check_key(std::string_view key, std::string_view where) {
  constexpr std::string_view kForbidden = "[]{}(),;?*=!@";
  if (key.empty() || key.find_first_of(kForbidden) != std::string_view::npos) {
    throw ArgumentError("the odbc driver cannot pass '" + std::string(key) + "' (from " +
                        std::string(where) +
                        ") as an ODBC keyword: a keyword is not empty and holds none of " +
                        std::string(kForbidden));
  }
}

// Attributes in order; set() replaces a key already there (case-insensitive).
class Attributes {
 public:
  void set(std::string key, std::string value) {
    const auto it = std::find_if(items_.begin(), items_.end(),
                                 [&](const auto& item) { return iequals(item.first, key); });
    if (it != items_.end()) {
      it->second = std::move(value);
    } else {
      items_.emplace_back(std::move(key), std::move(value));
    }
  }
  std::string render() const {
    std::string out;
    for (const auto& [key, value] : items_) {
      if (!out.empty()) out += ';';
      out += key + '=' +
             (iequals(key, "DRIVER") ? "{" + escape_braces(value) + "}" : quote_value(value));
    }
    return out;
  }

 private:
  static std::string escape_braces(std::string_view value) {
    std::string out;
    for (const char c : value) {
      out += c;
      if (c == '}') out += '}';
    }
    return out;
  }
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace

std::string quote_value(std::string_view value) {
  const bool needs = value.find_first_of(";{}") != std::string_view::npos ||
                     (!value.empty() && (std::isspace(static_cast<unsigned char>(value.front())) ||
                                         std::isspace(static_cast<unsigned char>(value.back()))));
  if (!needs) return std::string(value);
  std::string out = "{";
  for (const char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

ConnectionString build_connection_string(const URL& url, const ConnectOptions& options) {
  const std::string backend = url.get_backend_name();
  ConnectionString result;
  result.password = url.password().value_or("");

  if (const auto raw = url.query_value("odbc_connect")) {
    if (!url.host().empty() || !url.username().empty() || url.password() || url.port() ||
        !url.database().empty() || url.query().size() > 1 || !options.args.empty()) {
      throw ArgumentError("?odbc_connect= is the whole ODBC connection string and is used as it "
                          "is; found it beside other parts of the URL " +
                          url.render(/*hide_password=*/true) +
                          " (write them into the connection string instead)");
    }
    result.text = *raw;
    // The raw string's PWD is what to hide in messages.
    for (std::size_t at = 0; at < raw->size();) {
      const std::size_t end = raw->find(';', at);
      const std::string_view item = std::string_view(*raw).substr(
          at, end == std::string::npos ? std::string::npos : end - at);
      const std::size_t eq = item.find('=');
      if (eq != std::string_view::npos && iequals(item.substr(0, eq), "PWD")) {
        result.password = std::string(item.substr(eq + 1));
      }
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return result;
  }

  const Spelling spelling = spelling_for(backend);
  const auto driver = url.query_value("driver");
  const auto dsn = url.query_value("dsn");
  Attributes attributes;
  if (backend == "sqlite") {
    if (!url.host().empty() || url.port() || !url.username().empty() || url.password()) {
      throw ArgumentError("an sqlite+odbc URL names a file, not a server: wanted "
                          "sqlite+odbc:///file.db?driver=NAME, found " +
                          url.render(/*hide_password=*/true));
    }
    if (driver) {
      attributes.set("DRIVER", *driver);
    } else if (dsn) {
      attributes.set("DSN", *dsn);
    } else {
      throw ArgumentError("an sqlite+odbc URL needs ?driver=NAME (the odbcinst.ini section of "
                          "SQLite ODBC, e.g. SQLite3) or ?dsn=NAME; found " +
                          url.render(/*hide_password=*/true));
    }
    attributes.set(std::string(spelling.database),
                   url.database().empty() ? std::string(":memory:") : url.database());
  } else {
    // pyodbc's rule: a host without database or port (and no driver) is a data source name.
    const bool dsn_form =
        dsn || (!url.host().empty() && url.database().empty() && !url.port() && !driver);
    if (dsn_form) {
      attributes.set("DSN", dsn ? *dsn : url.host());
      if (dsn && !url.host().empty()) attributes.set(std::string(spelling.server), url.host());
    } else if (driver) {
      attributes.set("DRIVER", *driver);
      if (!url.host().empty()) attributes.set(std::string(spelling.server), url.host());
    } else {
      throw ArgumentError("the odbc driver needs ?driver=NAME (an odbcinst.ini section, e.g. "
                          "\"PostgreSQL Unicode\"), a data source name as the host "
                          "(dialect+odbc://user@DSN) or ?odbc_connect=…; found " +
                          url.render(/*hide_password=*/true));
    }
    if (url.port()) attributes.set(std::string(spelling.port), std::to_string(*url.port()));
    if (!url.database().empty()) attributes.set(std::string(spelling.database), url.database());
    if (!url.username().empty()) attributes.set(std::string(spelling.user), url.username());
    if (url.password()) attributes.set(std::string(spelling.password), *url.password());
  }
  for (const auto& [key, value] : spelling.settings) attributes.set(key, value);
  for (const auto& [key, value] : url.query()) {
    if (key == "driver" || key == "dsn") continue;
    check_key(key, "the URL query");
    attributes.set(key, value);
  }
  for (const auto& [key, value] : options.args) {
    check_key(key, "connect_args");
    attributes.set(key, value);
    if (iequals(key, "PWD") || iequals(key, "Password")) result.password = value;
  }
  result.text = attributes.render();
  return result;
}

}  // namespace crucible::odbc
