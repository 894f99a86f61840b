// URL parsing and rendering (url.hpp).
//
// The grammar is SQLAlchemy's make_url (sqlalchemy/engine/url.py, _parse_url), written out by
// hand instead of as a regular expression so that each failure can say exactly what is wrong:
//
//   dialect[+driver]://[user[:password]@][host][:port][/database][?key=value&...]
//
// The text after "://" is cut into the authority (up to the first '/' or '?'), the database (after
// that '/', up to the first '?') and the query. Inside the authority the userinfo ends at the LAST
// '@', so a raw '@' in a password survives; the username ends at the userinfo's first ':'.
// Percent-decoding (RFC 3986 §2.1) is Poco::URI::decode's; query values also read '+' as a space
// (application/x-www-form-urlencoded, as Python's parse_qsl).
#include "crucible/url.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

#include "crucible/errors.hpp"

namespace crucible {

namespace {

constexpr std::string_view kSchemeSeparator = "://";
constexpr std::string_view kGrammar =
    "dialect[+driver]://[user[:password]@][host][:port][/database][?key=value&...]";

// Characters percent-encoded by render() on top of those Poco::URI::encode always encodes
// (controls, space, non-ASCII, and "%<>{}|\\\"^`!*'()$,[]"). Each set holds what would end or
// split the part when parsed back.
constexpr const char* kUserinfoReserved = "/?#@:&=+;";
constexpr const char* kHostReserved = "/?#@:&=+;";
constexpr const char* kIpv6HostReserved = "/?#@&=+;";  // ':' stays: the brackets protect it
constexpr const char* kDatabaseReserved = "?#";        // '/' and ':' stay readable
constexpr const char* kQueryReserved = "/?#@:&=+;";

// Throws the ArgumentError every parse failure uses: the URL quoted with its password masked,
// then what is wrong and what was expected.
[[noreturn]] void fail(std::string_view text, const std::string& what) {
  throw ArgumentError("Could not parse URL '" + mask_password(text) + "': " + what);
}

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Percent-decodes one part of the URL. part names it in messages ("the database"); a secret part
// (the password, or text that mask_password hides because it may be part of one) is never
// quoted. With plus_as_space a raw '+' reads as a space (query values). Every escape is checked
// here first, so Poco never throws for a bad one; its exceptions are still caught, so none leaks
// out of make_url().
std::string decode(std::string_view url_text, std::string_view raw, std::string_view part,
                   bool secret, bool plus_as_space = false) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') continue;
    if (i + 2 < raw.size() && is_hex(raw[i + 1]) && is_hex(raw[i + 2])) {
      i += 2;
      continue;
    }
    std::string what(part);
    if (secret || mask_password(url_text).find(raw) == std::string::npos) {
      what += " has a bad percent-escape";
    } else {
      what += " '" + std::string(raw) + "' has a bad percent-escape '" +
              std::string(raw.substr(i, 3)) + "'";
    }
    fail(url_text, what + "; expected '%' followed by two hex digits (write '%25' for a '%')");
  }
  std::string in(raw);
  if (plus_as_space) std::replace(in.begin(), in.end(), '+', ' ');
  std::string out;
  try {
    // Poco 1.11 reads '+' as a space only after a '?' in its input, hence the replace above.
    Poco::URI::decode(in, out);
  } catch (const Poco::Exception& e) {
    fail(url_text, std::string(part) + " could not be percent-decoded: " +
                       (secret ? std::string("bad escape") : e.message()));
  }
  return out;
}

std::string encode(const std::string& part, const char* reserved) {
  std::string out;
  Poco::URI::encode(part, reserved, out);
  return out;
}

// Checks "dialect" or "dialect+driver": letters, digits and '_', at most one '+', both sides
// non-empty (SQLAlchemy's [\w+]+, made strict about the '+').
void check_drivername(std::string_view text, std::string_view name) {
  const bool quotable = name.find('@') == std::string_view::npos;
  const std::string quoted = quotable ? " '" + std::string(name) + "'" : std::string();
  if (name.empty()) {
    fail(text, "the dialect name before '://' is empty; expected " + std::string(kGrammar));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+';
    if (!ok) {
      fail(text, "the name" + quoted + " before '://' contains '" + std::string(1, c) +
                     "'; expected letters, digits and '_' in dialect[+driver]");
    }
  }
  const std::size_t plus = name.find('+');
  if (plus == std::string_view::npos) return;
  if (name.find('+', plus + 1) != std::string_view::npos) {
    fail(text, "the name" + quoted +
                   " before '://' has more than one '+'; expected dialect or dialect+driver");
  }
  if (plus == 0) {
    fail(text, "the name" + quoted +
                   " has no dialect before '+'; expected dialect+driver, the dialect first");
  }
  if (plus + 1 == name.size()) {
    fail(text, "the name" + quoted +
                   " has no driver after '+'; expected dialect+driver, or the dialect alone for "
                   "its default driver");
  }
}

// Parses the port: decimal digits, 0-65535. When mask_password hid the text after ':' (it may be
// part of a password holding a raw '/'), the message does not repeat it.
std::uint16_t parse_port(std::string_view text, std::string_view raw) {
  const bool quotable = mask_password(text).find(raw) != std::string::npos;
  if (raw.empty()) {
    fail(text, "the port after ':' is empty; expected a number from 0 to 65535");
  }
  unsigned long value = 0;
  bool digits = true;
  for (char c : raw) {
    if (c < '0' || c > '9') {
      digits = false;
      break;
    }
    value = std::min(value * 10 + static_cast<unsigned long>(c - '0'), 1000000UL);
  }
  if (!digits || value > 65535) {
    if (!quotable) {
      fail(text, "the text after ':' in the host part is not a port number from 0 to 65535 (if "
                 "it is part of a password, percent-encode the '/', '?' or '@' in it)");
    }
    fail(text, "the port '" + std::string(raw) + "' is not a number from 0 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

// The authority's host and port: "host", "host:port", "[v6]", "[v6]:port", ":port" or "".
void parse_host_port(std::string_view text, std::string_view raw, std::string& host,
                     std::optional<std::uint16_t>& port) {
  std::string_view port_text;
  bool has_port = false;
  if (!raw.empty() && raw.front() == '[') {
    const std::size_t close = raw.find(']');
    if (close == std::string_view::npos) {
      fail(text, "the IPv6 host '" + std::string(raw) +
                     "' has no closing ']'; expected [address] or [address]:port");
    }
    if (close == 1) fail(text, "the IPv6 host between '[' and ']' is empty");
    host = decode(text, raw.substr(1, close - 1), "the IPv6 host", false);
    const std::string_view after = raw.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        fail(text, "unexpected '" + std::string(after) +
                       "' after the IPv6 host's ']'; expected ':port', '/database' or '?query'");
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = raw.find(':');
    host = decode(text, raw.substr(0, colon), "the host", false);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = raw.substr(colon + 1);
    }
  }
  if (has_port) port = parse_port(text, port_text);
}

// "k=v&k2=v2": keys percent-decoded, values percent-decoded with '+' as a space, empty pairs
// ("a=1&&b=2", a trailing '&') skipped, a pair without '=' an empty value, keys kept in order.
URL::Query parse_query(std::string_view text, std::string_view raw) {
  URL::Query query;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view pair = raw.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key.empty()) {
      fail(text, "a query parameter has no name before its '='; expected key=value pairs joined "
                 "by '&'");
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = decode(text, pair.substr(eq + 1), "the query value", false, true);
    }
    query.emplace_back(decode(text, key, "the query key", false), std::move(value));
  }
  return query;
}

}  // namespace

std::string URL::get_backend_name() const { return drivername_.substr(0, drivername_.find('+')); }

std::string URL::get_driver_name() const {
  const std::size_t plus = drivername_.find('+');
  return plus == std::string::npos ? std::string() : drivername_.substr(plus + 1);
}

std::optional<std::string> URL::query_value(std::string_view key) const {
  std::optional<std::string> found;
  for (const auto& [k, v] : query_) {
    if (k == key) found = v;
  }
  return found;
}

std::vector<std::string> URL::query_values(std::string_view key) const {
  std::vector<std::string> found;
  for (const auto& [k, v] : query_) {
    if (k == key) found.push_back(v);
  }
  return found;
}

URL URL::with_drivername(std::string drivername) const {
  URL copy = *this;
  copy.drivername_ = std::move(drivername);
  return copy;
}

URL URL::with_username(std::string username) const {
  URL copy = *this;
  copy.username_ = std::move(username);
  return copy;
}

URL URL::with_password(std::optional<std::string> password) const {
  URL copy = *this;
  copy.password_ = std::move(password);
  return copy;
}

URL URL::with_host(std::string host) const {
  URL copy = *this;
  copy.host_ = std::move(host);
  return copy;
}

URL URL::with_port(std::optional<std::uint16_t> port) const {
  URL copy = *this;
  copy.port_ = port;
  return copy;
}

URL URL::with_database(std::string database) const {
  URL copy = *this;
  copy.database_ = std::move(database);
  return copy;
}

URL URL::with_query(Query query) const {
  URL copy = *this;
  copy.query_ = std::move(query);
  return copy;
}

// Renders in the grammar above, percent-encoding every character that would end or split its
// part when parsed back, so that make_url(render(false)) == *this. A host holding ':' (IPv6)
// goes in brackets. Spaces in query values print as "%20", never '+'.
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

// The rule of url.hpp's is_secret_query_param: a key naming a password (password, passwd, pwd,
// key — SQLCipher's passphrase, as PRAGMA key —, or any key containing "password", "passphrase"
// or "secret"), or a value that is itself a connection string holding one ("…;PWD=…").
bool is_secret_query_param(std::string_view key, std::string_view value) {
  const std::string k = lower(key);
  if (k == "pwd" || k == "passwd" || k == "key" || k.find("password") != std::string::npos ||
      k.find("passphrase") != std::string::npos || k.find("secret") != std::string::npos)
    return true;
  const std::string v = lower(value);
  for (std::string_view marker : {"pwd=", "password=", "passwd="}) {
    for (std::size_t at = v.find(marker); at != std::string::npos; at = v.find(marker, at + 1)) {
      if (at == 0 || !std::isalnum(static_cast<unsigned char>(v[at - 1]))) return true;
    }
  }
  return false;
}

std::string URL::render(bool hide_password) const {
  std::string out = drivername_;
  out += kSchemeSeparator;
  if (!username_.empty() || password_) {
    out += encode(username_, kUserinfoReserved);
    if (password_) {
      out += ':';
      out += hide_password ? std::string("***") : encode(*password_, kUserinfoReserved);
    }
    out += '@';
  }
  if (host_.find(':') != std::string::npos) {
    out += '[' + encode(host_, kIpv6HostReserved) + ']';
  } else {
    out += encode(host_, kHostReserved);
  }
  if (port_) out += ':' + std::to_string(*port_);
  if (!database_.empty()) out += '/' + encode(database_, kDatabaseReserved);
  for (std::size_t i = 0; i < query_.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += encode(query_[i].first, kQueryReserved);
    out += '=';
    out += hide_password && is_secret_query_param(query_[i].first, query_[i].second)
               ? std::string("***")
               : encode(query_[i].second, kQueryReserved);
  }
  return out;
}

URL make_url(std::string_view text) {
  const std::size_t separator = text.find(kSchemeSeparator);
  if (separator == std::string_view::npos) {
    fail(text, "there is no '://' after the dialect name; expected " + std::string(kGrammar));
  }
  const std::string_view name = text.substr(0, separator);
  check_drivername(text, name);

  URL url;
  url.drivername_ = std::string(name);
  std::string_view rest = text.substr(separator + kSchemeSeparator.size());

  // The authority runs to the first '/' or '?'; in it, the userinfo to the last '@'.
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end);
  std::string_view host_port = authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    url.username_ = decode(text, userinfo.substr(0, colon), "the username", false);
    if (colon != std::string_view::npos) {
      url.password_ = decode(text, userinfo.substr(colon + 1), "the password", true);
    }
  }
  parse_host_port(text, host_port, url.host_, url.port_);

  // "/database" up to the first '?'; a second '/' belongs to the database (an absolute path).
  if (!rest.empty() && rest.front() == '/') {
    const std::size_t query_start = std::min(rest.find('?'), rest.size());
    url.database_ = decode(text, rest.substr(1, query_start - 1), "the database", false);
    rest.remove_prefix(query_start);
  }
  if (!rest.empty()) url.query_ = parse_query(text, rest.substr(1));  // rest starts with '?'
  return url;
}

// Masks the userinfo's password: from the first ':' after "://" to the last '@' of the
// authority. When the authority has no '@' but a ':' and an '@' follows later, the password may
// hold a raw '/' or '?' that ended the authority early ("u:pa/ss@h"), so everything from that
// ':' to the last '@' is masked: a message may over-mask, never leak. An empty password stays
// as written (nothing to hide). Text without "://" is read as if all of it came after one.
std::string mask_password(std::string_view text) {
  constexpr auto npos = std::string_view::npos;
  const std::size_t separator = text.find(kSchemeSeparator);
  const std::size_t start = separator == npos ? 0 : separator + kSchemeSeparator.size();
  const std::string_view rest = text.substr(start);
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  std::size_t at = authority.rfind('@');
  std::size_t colon = npos;
  if (at != npos) {
    colon = authority.substr(0, at).find(':');
  } else {
    colon = authority.find(':');
    at = rest.rfind('@');
    if (at != npos && at < authority_end) at = npos;
  }
  std::string out;
  if (colon == npos || at == npos || at == colon + 1) {
    out = std::string(text);
  } else {
    out = std::string(text.substr(0, start + colon + 1));
    out += "***";
    out += text.substr(start + at);
  }
  // The query's secret values too (as render() hides them), read raw: the text may not parse.
  const std::size_t query = out.find('?', start);  // out and text agree up to the userinfo
  if (query == npos) return out;
  std::string masked = out.substr(0, query + 1);
  std::string_view params = std::string_view(out).substr(query + 1);
  while (true) {
    const std::size_t amp = params.find('&');
    const std::string_view param = params.substr(0, amp);
    const std::size_t eq = param.find('=');
    if (eq != npos && is_secret_query_param(param.substr(0, eq), param.substr(eq + 1))) {
      masked += std::string(param.substr(0, eq + 1)) + "***";
    } else {
      masked += param;
    }
    if (amp == npos) break;
    masked += '&';
    params.remove_prefix(amp + 1);
  }
  return masked;
}

}  // namespace crucible
