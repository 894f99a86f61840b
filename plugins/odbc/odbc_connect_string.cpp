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

bool is_password_key(std::string_view key) noexcept {
  return iequals(key, "PWD") || iequals(key, "Password");
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

std::vector<std::pair<std::string, std::string>> parse_connection_string(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t eq = text.find('=', at);
    const std::size_t semi = text.find(';', at);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      // An item without '=': no attribute; skip it.
      if (semi == std::string_view::npos) break;
      at = semi + 1;
      continue;
    }
    // Blanks around a keyword are not part of it ("UID=u; PWD=x").
    std::string_view name = text.substr(at, eq - at);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) {
      name.remove_prefix(1);
    }
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) {
      name.remove_suffix(1);
    }
    std::string key(name);
    at = eq + 1;
    std::string value;
    if (at < text.size() && text[at] == '{') {
      // A braced value runs to the first '}' not doubled; "}}" inside stands for '}'.
      ++at;
      while (at < text.size()) {
        if (text[at] == '}') {
          if (at + 1 < text.size() && text[at + 1] == '}') {
            value += '}';
            at += 2;
            continue;
          }
          ++at;
          break;
        }
        value += text[at++];
      }
      const std::size_t end = text.find(';', at);
      at = end == std::string_view::npos ? text.size() : end + 1;
    } else {
      const std::size_t end = text.find(';', at);
      value = std::string(text.substr(at, end == std::string_view::npos ? end : end - at));
      at = end == std::string_view::npos ? text.size() : end + 1;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

void ConnectionString::add_secret(std::string_view secret) {
  if (secret.empty()) return;
  // As written inside braces in a connection string too, with each '}' doubled.
  std::string doubled;
  for (const char c : secret) {
    doubled += c;
    if (c == '}') doubled += '}';
  }
  for (std::string form : {std::string(secret), std::move(doubled)}) {
    if (std::find(secrets.begin(), secrets.end(), form) == secrets.end()) {
      secrets.push_back(std::move(form));
    }
  }
  // Longest first, so that a braced form is masked whole before its inner text.
  std::stable_sort(secrets.begin(), secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string ConnectionString::redact(std::string text) const {
  for (const std::string& secret : secrets) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string safe_render(const URL& url) {
  URL::Query query = url.query();
  for (auto& [key, value] : query) {
    if (is_password_key(key) || key == "odbc_connect") value = "***";
  }
  return url.with_query(std::move(query)).render(/*hide_password=*/true);
}

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
  if (url.password()) result.add_secret(*url.password());
  for (const auto& [key, value] : url.query()) {
    if (is_password_key(key) || key == "odbc_connect") result.add_secret(value);
  }

  if (const auto raw = url.query_value("odbc_connect")) {
    if (!url.host().empty() || !url.username().empty() || url.password() || url.port() ||
        !url.database().empty() || url.query().size() > 1 || !options.args.empty()) {
      throw ArgumentError("?odbc_connect= is the whole ODBC connection string and is used as it "
                          "is; found it beside other parts of the URL " +
                          safe_render(url) + " (write them into the connection string instead)");
    }
    result.text = *raw;
    for (const auto& [key, value] : parse_connection_string(*raw)) {
      if (is_password_key(key)) result.add_secret(value);
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
                          safe_render(url));
    }
    if (driver) {
      attributes.set("DRIVER", *driver);
    } else if (dsn) {
      attributes.set("DSN", *dsn);
    } else {
      throw ArgumentError("an sqlite+odbc URL needs ?driver=NAME (the odbcinst.ini section of "
                          "SQLite ODBC, e.g. SQLite3) or ?dsn=NAME; found " +
                          safe_render(url));
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
                          safe_render(url));
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
    if (is_password_key(key)) result.add_secret(value);
  }
  result.text = attributes.render();
  return result;
}

}  // namespace crucible::odbc
