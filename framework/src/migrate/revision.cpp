// Revision files (migrate/revision.hpp): JSON through Poco::JSON, types in SqlType::repr()'s
// spelling.
#include "crucible/migrate/revision.hpp"

#include <cctype>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

#include "crucible/errors.hpp"
#include "crucible/migrate/command_error.hpp"
#include "operation_json.hpp"

namespace crucible::migrate {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

// "add books table" -> "add_books_table" (Alembic's file name slug), at most 40 characters.
std::string slug(const std::string& message) {
  std::string out;
  for (const char ch : message) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_')
      out += '_';
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::vector<Operation> read_operations(const Object::Ptr& root, const std::string& key,
                                       const detail::JsonPlace& place) {
  std::vector<Operation> out;
  if (!root->has(key) || root->isNull(key)) return out;
  const detail::JsonPlace here = place.member(key);
  const Array::Ptr list = detail::as_array(root->get(key), here);
  for (std::size_t i = 0; i < list->size(); ++i)
    out.push_back(detail::operation_from_json(
        detail::as_object(list->get(static_cast<unsigned>(i)), here.element(i)), here.element(i)));
  return out;
}

Array::Ptr operations_json(const std::vector<Operation>& ops) {
  Array::Ptr out = new Array;
  for (const Operation& op : ops) out->add(detail::operation_to_json(op));
  return out;
}

}  // namespace

Revision read_revision(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CommandError("cannot read the revision file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  const detail::JsonPlace place{file.string(), ""};
  Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(text.str());
  } catch (const Poco::Exception& e) {
    place.fail("a JSON revision", "text that is not JSON (" + e.displayText() + ")");
  }
  const Object::Ptr root = detail::as_object(parsed, place);
  Revision r;
  r.path = file;
  r.id = detail::required_string(root, "id", place);
  for (const char c : r.id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      place.member("id").fail("letters, digits and _", "\"" + r.id + "\"");
  if (root->has("down_revision") && !root->isNull("down_revision")) {
    const Var down = root->get("down_revision");
    const detail::JsonPlace here = place.member("down_revision");
    if (down.isString()) {
      r.down_revisions.push_back(down.convert<std::string>());
    } else if (down.type() == typeid(Array::Ptr)) {
      const Array::Ptr list = down.extract<Array::Ptr>();
      for (std::size_t i = 0; i < list->size(); ++i) {
        const Var item = list->get(static_cast<unsigned>(i));
        if (!item.isString()) here.element(i).fail("a revision id", detail::describe_json(item));
        r.down_revisions.push_back(item.convert<std::string>());
      }
    } else {
      here.fail("null, a revision id or a list of ids", detail::describe_json(down));
    }
  }
  if (root->has("message") && !root->isNull("message"))
    r.message = root->get("message").convert<std::string>();
  if (root->has("created") && !root->isNull("created"))
    r.created = root->get("created").convert<std::string>();
  r.upgrade = read_operations(root, "upgrade", place);
  r.downgrade = read_operations(root, "downgrade", place);
  if (root->has("comments") && !root->isNull("comments")) {
    const detail::JsonPlace here = place.member("comments");
    const Array::Ptr list = detail::as_array(root->get("comments"), here);
    for (std::size_t i = 0; i < list->size(); ++i)
      r.comments.push_back(list->get(static_cast<unsigned>(i)).convert<std::string>());
  }
  return r;
}

std::string revision_json(const Revision& revision) {
  Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  root->set("id", revision.id);
  if (revision.down_revisions.empty())
    root->set("down_revision", Var());
  else if (revision.down_revisions.size() == 1)
    root->set("down_revision", revision.down_revisions[0]);
  else {
    Array::Ptr list = new Array;
    for (const std::string& id : revision.down_revisions) list->add(id);
    root->set("down_revision", list);
  }
  root->set("message", revision.message);
  root->set("created", revision.created);
  root->set("upgrade", operations_json(revision.upgrade));
  root->set("downgrade", operations_json(revision.downgrade));
  Array::Ptr comments = new Array;
  for (const std::string& c : revision.comments) comments->add(c);
  root->set("comments", comments);
  std::ostringstream out;
  root->stringify(out, 2);
  // Poco writes an empty array as "[", a blank line and "]"; a reader expects "[]".
  std::string text = out.str();
  for (std::size_t at = text.find("[\n\n"); at != std::string::npos;
       at = text.find("[\n\n", at + 1)) {
    const std::size_t close = text.find_first_not_of(" \n", at + 1);
    if (close != std::string::npos && text[close] == ']') text.replace(at, close - at + 1, "[]");
  }
  return text + "\n";
}

std::filesystem::path write_revision(const Revision& revision,
                                     const std::filesystem::path& directory) {
  const std::string name = slug(revision.message);
  const std::filesystem::path file =
      directory / (revision.id + (name.empty() ? "" : "_" + name) + ".json");
  if (std::filesystem::exists(file))
    throw CommandError("wanted a new revision file, found " + file.string() + " already there");
  std::ofstream out(file, std::ios::binary);
  out << revision_json(revision);
  out.close();
  if (!out) throw CommandError("cannot write the revision file " + file.string());
  return file;
}

std::string new_revision_id() {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string out;
  for (int i = 0; i < 12; ++i) out += "0123456789abcdef"[digit(device)];
  return out;
}

std::string utc_timestamp() {
  return Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y-%m-%dT%H:%M:%SZ");
}

SqlType parse_type(const std::string& text) {
  // Name or Name(arg, arg): what SqlType::repr() writes for every type but Enum.
  const std::size_t open = text.find('(');
  std::string name = text.substr(0, open);
  std::vector<std::string> args;
  if (open != std::string::npos) {
    if (text.back() != ')')
      throw ArgumentError("wanted a type such as String(50), found \"" + text + "\"");
    std::string inner = text.substr(open + 1, text.size() - open - 2);
    std::string arg;
    for (const char c : inner + ",") {
      if (c == ',') {
        args.push_back(arg);
        arg.clear();
      } else if (c != ' ') {
        arg += c;
      }
    }
  }
  const auto number = [&](std::size_t i) -> int {
    try {
      std::size_t used = 0;
      const int n = std::stoi(args.at(i), &used);
      if (used == args[i].size() && n >= 0) return n;
    } catch (const std::exception&) {
    }
    throw ArgumentError("wanted a number as parameter " + std::to_string(i + 1) + " of \"" + text +
                        "\", found \"" + (i < args.size() ? args[i] : std::string()) + "\"");
  };
  const auto flag = [&]() {
    if (args.empty()) return false;
    if (args.size() == 1 && (args[0] == "true" || args[0] == "false")) return args[0] == "true";
    throw ArgumentError("wanted (true) or (false) after " + name + ", found \"" + text + "\"");
  };
  const auto no_args = [&](SqlType type) {
    if (!args.empty())
      throw ArgumentError("wanted " + name + " without parameters, found \"" + text + "\"");
    return type;
  };
  if (name == "Integer") return no_args(Integer{});
  if (name == "SmallInteger") return no_args(SmallInteger{});
  if (name == "BigInteger") return no_args(BigInteger{});
  if (name == "Float") return no_args(Float{});
  if (name == "Double") return no_args(Double{});
  if (name == "Text") return no_args(Text{});
  if (name == "Boolean") return no_args(Boolean{});
  if (name == "Date") return no_args(types::Date{});
  if (name == "LargeBinary") return no_args(LargeBinary{});
  if (name == "Uuid") return no_args(types::Uuid{});
  if (name == "JSON") return no_args(JSON{});
  if (name == "Time") return types::Time(flag());
  if (name == "DateTime") return types::DateTime(flag());
  if (name == "String") {
    if (args.size() > 1) throw ArgumentError("wanted String or String(n), found \"" + text + "\"");
    return args.empty() ? String{} : String{static_cast<std::uint32_t>(number(0))};
  }
  if (name == "Numeric") {
    if (args.empty()) return Numeric{};
    if (args.size() > 2)
      throw ArgumentError("wanted Numeric(precision[, scale]), found \"" + text + "\"");
    return args.size() == 1 ? Numeric{number(0)} : Numeric{number(0), number(1)};
  }
  throw ArgumentError("wanted a type name (Integer, SmallInteger, BigInteger, Float, Double, "
                      "Numeric, String, Text, Boolean, Date, Time, DateTime, LargeBinary, Uuid, "
                      "JSON, or {\"enum\": […]}), found \"" +
                      text + "\"");
}

}  // namespace crucible::migrate
