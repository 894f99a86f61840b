#pragma once
// URL: where a database is and which dialect and driver reach it.
//
// Grammar (SQLAlchemy's, sqlalchemy.engine.url.make_url):
//   dialect[+driver]://[user[:password]@][host][:port][/database][?key=value&...]
// Every part is percent-decoded (RFC 3986 §2.1); query values also read '+' as a space
// (application/x-www-form-urlencoded, as Python's parse_qsl). The host may be an IPv6 literal in
// brackets ("[::1]"). A key may repeat. The userinfo ends at the last '@' of the authority, so a
// raw '@' in a password survives. The grammar is generic: "sqlite:///rel.db" is an empty host and
// the database "rel.db", "sqlite:////abs.db" the database "/abs.db"; what a database name means
// is the dialect's business.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crucible {

/// A parsed database URL. Immutable value type; the with_* methods return modified copies.
class URL {
 public:
  using Query = std::vector<std::pair<std::string, std::string>>;  ///< in order, keys may repeat

  URL() = default;

  /// "dialect" or "dialect+driver", exactly as written.
  const std::string& drivername() const noexcept { return drivername_; }
  /// The dialect's name: the part of drivername before '+'.
  std::string get_backend_name() const;
  /// The driver's name after '+', or "" when the URL names none (the dialect's default applies).
  std::string get_driver_name() const;
  const std::string& username() const noexcept { return username_; }
  /// The password, decoded; nullopt when the URL has none (":" without text is an empty one).
  const std::optional<std::string>& password() const noexcept { return password_; }
  /// The host, decoded, without IPv6 brackets; "" when absent.
  const std::string& host() const noexcept { return host_; }
  std::optional<std::uint16_t> port() const noexcept { return port_; }
  /// The database, decoded; "" when absent.
  const std::string& database() const noexcept { return database_; }
  const Query& query() const noexcept { return query_; }
  /// The last value given for key, or nullopt.
  std::optional<std::string> query_value(std::string_view key) const;
  /// Every value given for key, in order.
  std::vector<std::string> query_values(std::string_view key) const;

  URL with_drivername(std::string drivername) const;
  URL with_username(std::string username) const;
  URL with_password(std::optional<std::string> password) const;
  URL with_host(std::string host) const;
  URL with_port(std::optional<std::uint16_t> port) const;
  URL with_database(std::string database) const;
  URL with_query(Query query) const;

  /// The URL as text, each part percent-encoded where needed so that make_url(render(false))
  /// gives back an equal URL. With hide_password (the default) the password prints as "***", and
  /// so does the value of every query parameter that may carry one: a key naming a password
  /// (password, passwd, pwd, key, or containing "password", "passphrase" or "secret", any case)
  /// or a value that is a
  /// connection string holding one ("DRIVER=…;PWD=…"), such as a driver's raw connection string.
  std::string render(bool hide_password = true) const;

  friend bool operator==(const URL&, const URL&) = default;

 private:
  friend URL make_url(std::string_view);
  std::string drivername_;
  std::string username_;
  std::optional<std::string> password_;
  std::string host_;
  std::optional<std::uint16_t> port_;
  std::string database_;
  Query query_;
};

/// Parses text by the grammar above. Throws ArgumentError that quotes the text with its
/// password masked and says what is wrong: no "://", an empty or malformed dialect name, more
/// than one '+', a port that is not a number in 0-65535, an unclosed '[' of an IPv6 host, a bad
/// percent-escape.
URL make_url(std::string_view text);

/// Whether a URL query parameter may carry a password, so that render() and mask_password()
/// print its value as "***": a key naming one (password, passwd, pwd, key, or containing
/// "password", "passphrase" or "secret", any case) or a value that is a connection string holding
/// one ("DRIVER=…;PWD=…"). For programs that must scrub other text of such values too.
bool is_secret_query_param(std::string_view key, std::string_view value);

/// text with the password of its userinfo, and the values of the query parameters render()
/// hides, replaced by "***", for messages about a URL that may not parse. Never throws.
std::string mask_password(std::string_view text);

}  // namespace crucible
