#pragma once
// Internal to libcrucible: operations to and from the JSON of a revision file (revision.cpp
// reads and writes the file around them). Not a public header.
#include <string>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "crucible/migrate/operations.hpp"

namespace crucible::migrate::detail {

/// A place in a JSON document being read: the file and the path to the value
/// ("upgrade[2].columns[0]"), for errors that say where the bad value is.
struct JsonPlace {
  std::string file;
  std::string path;

  /// The place of a member / an element under this one.
  JsonPlace member(const std::string& key) const {
    return {file, path.empty() ? key : path + "." + key};
  }
  JsonPlace element(std::size_t index) const {
    return {file, path + "[" + std::to_string(index) + "]"};
  }
  /// Throws CommandError "<file>: <path>: wanted <wanted>, found <found>".
  [[noreturn]] void fail(const std::string& wanted, const std::string& found) const;
};

/// How a JSON value reads in an error ("the number 3", "null", "an object").
std::string describe_json(const Poco::Dynamic::Var& value);

/// The object at place (value must be one), else CommandError.
Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var& value, const JsonPlace& place);
/// The array at place (value must be one), else CommandError.
Poco::JSON::Array::Ptr as_array(const Poco::Dynamic::Var& value, const JsonPlace& place);
/// The string member key of object (required), else CommandError.
std::string required_string(const Poco::JSON::Object::Ptr& object, const std::string& key,
                            const JsonPlace& place);

/// The operation an upgrade/downgrade element describes. Throws CommandError naming place.
Operation operation_from_json(const Poco::JSON::Object::Ptr& object, const JsonPlace& place);
/// The JSON object of op (what operation_from_json reads back to the same operation).
Poco::JSON::Object::Ptr operation_to_json(const Operation& op);

}  // namespace crucible::migrate::detail
