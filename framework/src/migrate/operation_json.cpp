// Operations to and from a revision file's JSON (operation_json.hpp), through Poco::JSON.
// Every read checks the value's JSON type and says, on a mismatch, the file, the path in the
// document and what was wanted and found.
#include "operation_json.hpp"

#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/JSONException.h>

#include "crucible/errors.hpp"
#include "crucible/migrate/command_error.hpp"
#include "crucible/migrate/revision.hpp"

namespace crucible::migrate::detail {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

void JsonPlace::fail(const std::string& wanted, const std::string& found) const {
  throw CommandError(file + ": " + (path.empty() ? std::string("the document") : path) +
                     ": wanted " + wanted + ", found " + found);
}

std::string describe_json(const Var& value) {
  if (value.isEmpty()) return "null";
  if (value.type() == typeid(Object::Ptr)) return "an object";
  if (value.type() == typeid(Array::Ptr)) return "an array";
  if (value.isBoolean())
    return std::string("the boolean ") + (value.extract<bool>() ? "true" : "false");
  if (value.isString()) return "the string \"" + value.convert<std::string>() + "\"";
  if (value.isNumeric()) return "the number " + value.convert<std::string>();
  return "a " + std::string(value.type().name());
}

Object::Ptr as_object(const Var& value, const JsonPlace& place) {
  if (value.type() != typeid(Object::Ptr)) place.fail("an object", describe_json(value));
  return value.extract<Object::Ptr>();
}

Array::Ptr as_array(const Var& value, const JsonPlace& place) {
  if (value.type() != typeid(Array::Ptr)) place.fail("an array", describe_json(value));
  return value.extract<Array::Ptr>();
}

namespace {

// ---- reading ---------------------------------------------------------------------------------

std::optional<std::string> optional_string(const Object::Ptr& object, const std::string& key,
                                           const JsonPlace& place) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  const Var value = object->get(key);
  if (!value.isString()) place.member(key).fail("a string", describe_json(value));
  return value.convert<std::string>();
}

std::optional<bool> optional_bool(const Object::Ptr& object, const std::string& key,
                                  const JsonPlace& place) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  const Var value = object->get(key);
  if (!value.isBoolean()) place.member(key).fail("true or false", describe_json(value));
  return value.extract<bool>();
}

std::vector<std::string> string_list(const Object::Ptr& object, const std::string& key,
                                     const JsonPlace& place, bool required = true) {
  if (!object->has(key) || object->isNull(key)) {
    if (required) place.member(key).fail("a list of names", "nothing");
    return {};
  }
  const JsonPlace here = place.member(key);
  const Array::Ptr array = as_array(object->get(key), here);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Var item = array->get(static_cast<unsigned>(i));
    if (!item.isString()) here.element(i).fail("a name", describe_json(item));
    out.push_back(item.convert<std::string>());
  }
  if (required && out.empty()) here.fail("at least one name", "an empty list");
  return out;
}

// A list member: each element an object, given to read(element, place).
template <class F>
void for_each_object(const Object::Ptr& object, const std::string& key, const JsonPlace& place,
                     F&& read) {
  if (!object->has(key) || object->isNull(key)) return;
  const JsonPlace here = place.member(key);
  const Array::Ptr array = as_array(object->get(key), here);
  for (std::size_t i = 0; i < array->size(); ++i)
    read(as_object(array->get(static_cast<unsigned>(i)), here.element(i)), here.element(i));
}

SqlType read_type(const Object::Ptr& object, const std::string& key, const JsonPlace& place) {
  const JsonPlace here = place.member(key);
  if (!object->has(key) || object->isNull(key)) here.fail("a type such as \"Integer\"", "nothing");
  const Var value = object->get(key);
  if (value.type() == typeid(Object::Ptr)) {  // {"enum": [...], "name": "..."}
    const Object::Ptr e = value.extract<Object::Ptr>();
    std::vector<std::string> values = string_list(e, "enum", here);
    return Enum(std::move(values), optional_string(e, "name", here).value_or(""));
  }
  if (!value.isString()) here.fail("a type such as \"String(50)\"", describe_json(value));
  try {
    return parse_type(value.convert<std::string>());
  } catch (const ArgumentError& e) {
    here.fail("a type such as \"String(50)\"", e.what());
  }
}

std::optional<SqlType> optional_type(const Object::Ptr& object, const std::string& key,
                                     const JsonPlace& place) {
  if (!object->has(key) || object->isNull(key)) return std::nullopt;
  return read_type(object, key, place);
}

sql::ForeignKeyOptions read_fk_options(const Object::Ptr& o, const JsonPlace& place) {
  return sql::ForeignKeyOptions{optional_string(o, "name", place),
                                optional_string(o, "ondelete", place),
                                optional_string(o, "onupdate", place)};
}

sql::ColumnData read_column(const Object::Ptr& o, const JsonPlace& place) {
  sql::ColumnData c;
  c.name = required_string(o, "name", place);
  c.type = read_type(o, "type", place);
  c.primary_key = optional_bool(o, "primary_key", place).value_or(false);
  c.nullable = optional_bool(o, "nullable", place);
  c.unique = optional_bool(o, "unique", place).value_or(false);
  c.index = optional_bool(o, "index", place).value_or(false);
  c.server_default = optional_string(o, "server_default", place);
  c.autoincrement = optional_bool(o, "autoincrement", place);
  c.comment = optional_string(o, "comment", place);
  if (o->has("foreign_key") && !o->isNull("foreign_key")) {
    const JsonPlace here = place.member("foreign_key");
    const Object::Ptr fk = as_object(o->get("foreign_key"), here);
    c.foreign_key = sql::ForeignKey{required_string(fk, "target", here), read_fk_options(fk, here)};
  }
  return c;
}

sql::ForeignKeyData read_foreign_key(const Object::Ptr& o, const JsonPlace& place) {
  sql::ForeignKeyData fk;
  fk.columns = string_list(o, "columns", place);
  fk.referred_schema = optional_string(o, "referred_schema", place);
  fk.referred_table = required_string(o, "referred_table", place);
  fk.referred_columns = string_list(o, "referred_columns", place);
  if (fk.columns.size() != fk.referred_columns.size())
    place.member("referred_columns")
        .fail(std::to_string(fk.columns.size()) + " names (as many as columns)",
              std::to_string(fk.referred_columns.size()));
  fk.options = read_fk_options(o, place);
  return fk;
}

sql::Index read_index(const Object::Ptr& o, const JsonPlace& place) {
  return sql::Index{required_string(o, "name", place), string_list(o, "columns", place),
                    optional_bool(o, "unique", place).value_or(false)};
}

sql::TableData read_table(const Object::Ptr& o, const JsonPlace& place) {
  sql::TableData t;
  t.name = required_string(o, "table", place);
  t.schema = optional_string(o, "schema", place);
  for_each_object(o, "columns", place, [&](const Object::Ptr& c, const JsonPlace& at) {
    t.columns.push_back(read_column(c, at));
  });
  if (t.columns.empty()) place.member("columns").fail("at least one column", "none");
  if (o->has("primary_key") && !o->isNull("primary_key")) {
    const JsonPlace here = place.member("primary_key");
    const Object::Ptr pk = as_object(o->get("primary_key"), here);
    t.primary_key = string_list(pk, "columns", here);
    t.primary_key_name = optional_string(pk, "name", here);
  }
  for_each_object(o, "unique_constraints", place, [&](const Object::Ptr& u, const JsonPlace& at) {
    t.uniques.push_back(
        sql::UniqueConstraint{string_list(u, "columns", at), optional_string(u, "name", at)});
  });
  for_each_object(o, "check_constraints", place, [&](const Object::Ptr& c, const JsonPlace& at) {
    t.checks.push_back(
        sql::CheckConstraint{required_string(c, "sql", at), optional_string(c, "name", at)});
  });
  for_each_object(o, "foreign_keys", place, [&](const Object::Ptr& f, const JsonPlace& at) {
    t.foreign_keys.push_back(read_foreign_key(f, at));
  });
  for_each_object(o, "indexes", place, [&](const Object::Ptr& i, const JsonPlace& at) {
    t.indexes.push_back(read_index(i, at));
  });
  // Through a Table, which checks the definition and turns the columns' primary_key and
  // foreign_key options into the table's constraints, as a declared Table has them.
  sql::MetaData scratch;
  try {
    return sql::Table(scratch, std::move(t)).data();
  } catch (const ArgumentError& e) {
    place.fail("a valid table definition", e.what());
  }
}

sql::ConstraintKind read_constraint_kind(const Object::Ptr& o, const JsonPlace& place) {
  const std::string kind = optional_string(o, "type", place).value_or("unique");
  if (kind == "unique") return sql::ConstraintKind::kUnique;
  if (kind == "foreignkey") return sql::ConstraintKind::kForeignKey;
  if (kind == "check") return sql::ConstraintKind::kCheck;
  if (kind == "primary") return sql::ConstraintKind::kPrimaryKey;
  place.member("type").fail("\"unique\", \"foreignkey\", \"check\" or \"primary\"",
                            "\"" + kind + "\"");
}

// ---- writing ---------------------------------------------------------------------------------

Object::Ptr new_object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Array::Ptr names(const std::vector<std::string>& list) {
  Array::Ptr out = new Array;
  for (const std::string& n : list) out->add(n);
  return out;
}

Var type_json(const SqlType& type) {
  if (type.kind() != TypeKind::kEnum) return type.repr();
  Object::Ptr e = new_object();
  e->set("enum", names(type.enum_values()));
  if (!type.enum_name().empty()) e->set("name", type.enum_name());
  return e;
}

void set_if(Object::Ptr o, const std::string& key, const std::optional<std::string>& v) {
  if (v) o->set(key, *v);
}

void set_fk_options(Object::Ptr o, const sql::ForeignKeyOptions& options) {
  set_if(o, "name", options.name);
  set_if(o, "ondelete", options.ondelete);
  set_if(o, "onupdate", options.onupdate);
}

Object::Ptr column_json(const sql::ColumnData& c, bool with_foreign_key) {
  Object::Ptr o = new_object();
  o->set("name", c.name);
  o->set("type", type_json(c.type));
  if (c.primary_key) o->set("primary_key", true);
  if (c.nullable && *c.nullable != !c.primary_key) o->set("nullable", *c.nullable);
  if (c.unique) o->set("unique", true);
  if (c.index) o->set("index", true);
  set_if(o, "server_default", c.server_default);
  if (c.autoincrement) o->set("autoincrement", *c.autoincrement);
  set_if(o, "comment", c.comment);
  if (with_foreign_key && c.foreign_key) {
    Object::Ptr fk = new_object();
    fk->set("target", c.foreign_key->target);
    set_fk_options(fk, c.foreign_key->options);
    o->set("foreign_key", fk);
  }
  return o;
}

Object::Ptr foreign_key_json(const sql::ForeignKeyData& fk) {
  Object::Ptr o = new_object();
  if (fk.options.name) o->set("name", *fk.options.name);
  o->set("columns", names(fk.columns));
  set_if(o, "referred_schema", fk.referred_schema);
  o->set("referred_table", fk.referred_table);
  o->set("referred_columns", names(fk.referred_columns));
  set_if(o, "ondelete", fk.options.ondelete);
  set_if(o, "onupdate", fk.options.onupdate);
  return o;
}

Object::Ptr index_json(const sql::Index& index) {
  Object::Ptr o = new_object();
  o->set("name", index.name);
  o->set("columns", names(index.columns));
  if (index.unique) o->set("unique", true);
  return o;
}

void table_json(Object::Ptr o, const sql::TableData& t) {
  Array::Ptr columns = new Array;
  bool column_keys = true;  // the key is written as the columns' primary_key flags when it can
  for (const sql::ColumnData& c : t.columns) {
    sql::ColumnData plain = c;  // foreign keys are written once, in "foreign_keys"
    plain.foreign_key.reset();
    columns->add(column_json(plain, false));
  }
  std::vector<std::string> flagged;
  for (const sql::ColumnData& c : t.columns)
    if (c.primary_key) flagged.push_back(c.name);
  column_keys = flagged == t.primary_key && !t.primary_key_name;
  o->set("columns", columns);
  if (!column_keys && !t.primary_key.empty()) {
    Object::Ptr pk = new_object();
    if (t.primary_key_name) pk->set("name", *t.primary_key_name);
    pk->set("columns", names(t.primary_key));
    o->set("primary_key", pk);
  }
  if (!t.uniques.empty()) {
    Array::Ptr list = new Array;
    for (const sql::UniqueConstraint& u : t.uniques) {
      Object::Ptr item = new_object();
      if (u.name) item->set("name", *u.name);
      item->set("columns", names(u.columns));
      list->add(item);
    }
    o->set("unique_constraints", list);
  }
  if (!t.checks.empty()) {
    Array::Ptr list = new Array;
    for (const sql::CheckConstraint& c : t.checks) {
      Object::Ptr item = new_object();
      if (c.name) item->set("name", *c.name);
      item->set("sql", c.sql);
      list->add(item);
    }
    o->set("check_constraints", list);
  }
  if (!t.foreign_keys.empty()) {
    Array::Ptr list = new Array;
    for (const sql::ForeignKeyData& fk : t.foreign_keys) list->add(foreign_key_json(fk));
    o->set("foreign_keys", list);
  }
  if (!t.indexes.empty()) {
    Array::Ptr list = new Array;
    for (const sql::Index& i : t.indexes) list->add(index_json(i));
    o->set("indexes", list);
  }
}

const char* constraint_kind_name(sql::ConstraintKind kind) {
  switch (kind) {
  case sql::ConstraintKind::kUnique: return "unique";
  case sql::ConstraintKind::kForeignKey: return "foreignkey";
  case sql::ConstraintKind::kCheck: return "check";
  case sql::ConstraintKind::kPrimaryKey: return "primary";
  }
  return "unique";
}

template <class Op>
Object::Ptr table_op(const Op& op) {
  Object::Ptr o = new_object();
  o->set("op", operation_name(Operation{op}));
  o->set("table", op.table);
  set_if(o, "schema", op.schema);
  return o;
}

}  // namespace

std::string required_string(const Object::Ptr& object, const std::string& key,
                            const JsonPlace& place) {
  std::optional<std::string> value = optional_string(object, key, place);
  if (!value || value->empty())
    place.member(key).fail("a non-empty string", value ? "\"\"" : "nothing");
  return *value;
}

Operation operation_from_json(const Object::Ptr& o, const JsonPlace& place) {
  const std::string op = required_string(o, "op", place);
  if (op == "create_table") return CreateTable{read_table(o, place)};
  if (op == "execute") return ExecuteSql{required_string(o, "sql", place)};
  const std::string table = required_string(o, "table", place);
  const std::optional<std::string> schema = optional_string(o, "schema", place);
  if (op == "drop_table") return DropTable{table, schema};
  if (op == "add_column") {
    const JsonPlace here = place.member("column");
    if (!o->has("column")) here.fail("the column's definition", "nothing");
    return AddColumn{table, schema, read_column(as_object(o->get("column"), here), here)};
  }
  if (op == "drop_column") return DropColumn{table, schema, required_string(o, "column", place)};
  if (op == "alter_column") {
    AlterColumn a{table, schema, required_string(o, "column", place)};
    a.type = optional_type(o, "type", place);
    a.nullable = optional_bool(o, "nullable", place);
    if (o->has("server_default")) a.server_default = optional_string(o, "server_default", place);
    a.new_name = optional_string(o, "new_column_name", place);
    a.existing_type = optional_type(o, "existing_type", place);
    a.existing_nullable = optional_bool(o, "existing_nullable", place);
    a.existing_server_default = optional_string(o, "existing_server_default", place);
    a.existing_autoincrement = optional_bool(o, "existing_autoincrement", place);
    a.existing_comment = optional_string(o, "existing_comment", place);
    if (!a.type && !a.nullable && !a.server_default && !a.new_name)
      place.fail("a change (type, nullable, server_default or new_column_name)", "none");
    return a;
  }
  if (op == "rename_table")
    return RenameTable{table, schema, required_string(o, "new_name", place)};
  if (op == "create_index") return CreateIndex{table, schema, read_index(o, place)};
  if (op == "drop_index") return DropIndex{table, schema, required_string(o, "name", place)};
  if (op == "create_unique_constraint")
    return CreateUniqueConstraint{
        table, schema,
        sql::UniqueConstraint{string_list(o, "columns", place), required_string(o, "name", place)}};
  if (op == "create_foreign_key") {
    CreateForeignKey f{table, schema, read_foreign_key(o, place)};
    if (!f.foreign_key.options.name) place.member("name").fail("the constraint's name", "nothing");
    return f;
  }
  if (op == "drop_constraint")
    return DropConstraint{table, schema, required_string(o, "name", place),
                          read_constraint_kind(o, place)};
  place.member("op").fail(
      "one of create_table, drop_table, add_column, drop_column, alter_column, rename_table, "
      "create_index, drop_index, create_unique_constraint, create_foreign_key, drop_constraint, "
      "execute",
      "\"" + op + "\"");
}

Object::Ptr operation_to_json(const Operation& op) {
  if (const auto* o = std::get_if<CreateTable>(&op)) {
    Object::Ptr out = new_object();
    out->set("op", "create_table");
    out->set("table", o->table.name);
    set_if(out, "schema", o->table.schema);
    table_json(out, o->table);
    return out;
  }
  if (const auto* o = std::get_if<ExecuteSql>(&op)) {
    Object::Ptr out = new_object();
    out->set("op", "execute");
    out->set("sql", o->sql);
    return out;
  }
  if (const auto* o = std::get_if<DropTable>(&op)) return table_op(*o);
  if (const auto* o = std::get_if<AddColumn>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("column", column_json(o->column, true));
    return out;
  }
  if (const auto* o = std::get_if<DropColumn>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("column", o->column);
    return out;
  }
  if (const auto* o = std::get_if<AlterColumn>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("column", o->column);
    if (o->type) out->set("type", type_json(*o->type));
    if (o->nullable) out->set("nullable", *o->nullable);
    if (o->server_default) {
      if (*o->server_default)
        out->set("server_default", **o->server_default);
      else
        out->set("server_default", Var());
    }
    set_if(out, "new_column_name", o->new_name);
    if (o->existing_type) out->set("existing_type", type_json(*o->existing_type));
    if (o->existing_nullable) out->set("existing_nullable", *o->existing_nullable);
    set_if(out, "existing_server_default", o->existing_server_default);
    if (o->existing_autoincrement) out->set("existing_autoincrement", *o->existing_autoincrement);
    set_if(out, "existing_comment", o->existing_comment);
    return out;
  }
  if (const auto* o = std::get_if<RenameTable>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("new_name", o->new_name);
    return out;
  }
  if (const auto* o = std::get_if<CreateIndex>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("name", o->index.name);
    out->set("columns", names(o->index.columns));
    if (o->index.unique) out->set("unique", true);
    return out;
  }
  if (const auto* o = std::get_if<DropIndex>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("name", o->name);
    return out;
  }
  if (const auto* o = std::get_if<CreateUniqueConstraint>(&op)) {
    Object::Ptr out = table_op(*o);
    out->set("name", o->constraint.name.value_or(""));
    out->set("columns", names(o->constraint.columns));
    return out;
  }
  if (const auto* o = std::get_if<CreateForeignKey>(&op)) {
    Object::Ptr out = table_op(*o);
    const Object::Ptr fk = foreign_key_json(o->foreign_key);
    for (const std::string& key : fk->getNames()) out->set(key, fk->get(key));
    return out;
  }
  const auto& o = std::get<DropConstraint>(op);
  Object::Ptr out = table_op(o);
  out->set("name", o.name);
  out->set("type", constraint_kind_name(o.kind));
  return out;
}

}  // namespace crucible::migrate::detail
