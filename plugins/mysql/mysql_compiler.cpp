// MySQL's statement compiler (mysql_compiler.hpp).
#include "mysql_compiler.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "crucible/errors.hpp"
#include "mysql_dialect.hpp"
#include "mysql_types.hpp"

namespace crucible::mysql {

namespace {

[[noreturn]] void not_supported(const MysqlDialect& dialect, std::string message) {
  throw NotSupportedError(ErrorInfo{
      .driver_message = "the dialect '" + std::string(dialect.name()) + "' " + std::move(message)});
}

std::string server_label(const MysqlDialect& dialect) {
  const ServerVersion& v = dialect.server_version();
  return std::string(v.mariadb ? "MariaDB " : "MySQL ") + std::to_string(v.major) + "." +
         std::to_string(v.minor) + "." + std::to_string(v.patch);
}

// Whether e is an operand that must be grouped next to a comparison operator such as <=>.
bool compound_operand(const sql::Element& e) {
  switch (e.kind) {
  case sql::ElementKind::kBinary:
  case sql::ElementKind::kUnary:
  case sql::ElementKind::kClauseList:
  case sql::ElementKind::kBetween:
  case sql::ElementKind::kInSelect: return true;
  case sql::ElementKind::kLabel: return !e.children.empty() && compound_operand(*e.children[0]);
  default: return false;
  }
}

// The names of the columns e refers to (column references of any table: the upsert's WHERE
// can only name the target table's, or the proposed row's through excluded()).
void columns_read(const sql::Element& e, std::vector<std::string>& out) {
  if (e.kind == sql::ElementKind::kColumn) out.push_back(e.text);
  for (const sql::ElementPtr& child : e.children) columns_read(*child, out);
}

// Whether e has an integer type (Integer, SmallInteger, BigInteger).
bool is_integer(const sql::Element& e) noexcept {
  const TypeKind kind = e.type.kind();
  return kind == TypeKind::kInteger || kind == TypeKind::kSmallInteger ||
         kind == TypeKind::kBigInteger;
}

// The operands of a chain of ||, left to right.
void concat_operands(const sql::Element& e, std::vector<const sql::Element*>& out) {
  for (const sql::ElementPtr& child : e.children) {
    if (child->kind == sql::ElementKind::kBinary && child->text == "||")
      concat_operands(*child, out);
    else
      out.push_back(child.get());
  }
}

}  // namespace

std::string string_literal(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

MysqlCompiler::MysqlCompiler(const MysqlDialect& dialect, ParamStyle style,
                             sql::CompileOptions options)
    : SQLCompiler(dialect, style, options), mysql_(dialect) {}

// ---- expressions ------------------------------------------------------------------------------

void MysqlCompiler::visit_binary(const sql::Element& e) {
  if (e.text == "/" && is_integer(*e.children.at(0)) && is_integer(*e.children.at(1)))
    return binary_operator(e, "DIV");
  if (e.text != "||") return SQLCompiler::visit_binary(e);
  std::vector<const sql::Element*> operands;
  concat_operands(e, operands);
  out_ += "concat(";
  for (std::size_t i = 0; i < operands.size(); ++i) {
    if (i != 0) out_ += ", ";
    visit(*operands[i]);
  }
  out_ += ')';
}

void MysqlCompiler::visit_is_distinct_from(const sql::Element& e, bool negate) {
  const auto operand = [&](const sql::Element& child) {
    const bool group = compound_operand(child);
    if (group) out_ += '(';
    visit(child);
    if (group) out_ += ')';
  };
  if (!negate) out_ += "NOT (";
  operand(*e.children.at(0));
  out_ += " <=> ";
  operand(*e.children.at(1));
  if (!negate) out_ += ')';
}

void MysqlCompiler::visit_true(const sql::Element& /*e*/) { out_ += "true"; }
void MysqlCompiler::visit_false(const sql::Element& /*e*/) { out_ += "false"; }

void MysqlCompiler::visit_cast(const sql::Element& e) {
  out_ += "CAST(";
  visit(*e.children.at(0));
  out_ += " AS ";
  out_ += cast_type_name(mysql_, e.type);
  out_ += ')';
}

void MysqlCompiler::visit_order_by(const sql::Element& e) {
  const bool nulls_first = (e.flags & sql::kNullsFirst) != 0;
  const bool nulls_last = (e.flags & sql::kNullsLast) != 0;
  if (!nulls_first && !nulls_last) return SQLCompiler::visit_order_by(e);
  // "x IS NULL DESC" puts the NULLs (1) first, "x IS NULL ASC" last; then x in its direction.
  const sql::Element& key = *e.children.at(0);
  const bool group = compound_operand(key);
  if (group) out_ += '(';
  visit(key);
  if (group) out_ += ')';
  out_ += nulls_first ? " IS NULL DESC, " : " IS NULL ASC, ";
  sql::Element plain = e;
  plain.flags = static_cast<std::uint16_t>(plain.flags & ~(sql::kNullsFirst | sql::kNullsLast));
  SQLCompiler::visit_order_by(plain);
}

void MysqlCompiler::render_literal_value(const Value& value, const SqlType& type) {
  const Value v = type.kind() == TypeKind::kNull ? value : dialect_.process_bind(type, value);
  switch (v.kind()) {
  case ValueKind::kString: out_ += string_literal(v.as<std::string>()); return;
  case ValueKind::kJson: out_ += string_literal(v.as<Json>().text); return;
  case ValueKind::kDateTime: {
    DateTime dt = v.as<DateTime>();
    dt.utc_offset_seconds.reset();  // DATETIME literals take no offset on MariaDB
    out_ += string_literal(Value(dt).to_string());
    return;
  }
  default: SQLCompiler::render_literal_value(v, type); return;
  }
}

// ---- FROM and SELECT --------------------------------------------------------------------------

void MysqlCompiler::visit_from(const sql::FromNode& from, bool as_from_item) {
  if (as_from_item && from.kind == sql::FromKind::kJoin && from.full)
    not_supported(mysql_, "has no FULL OUTER JOIN (MySQL and MariaDB join only INNER, LEFT and "
                          "RIGHT): write it as a LEFT OUTER JOIN UNION a RIGHT OUTER JOIN");
  SQLCompiler::visit_from(from, as_from_item);
}

void MysqlCompiler::visit_select(const sql::SelectNode& select, bool nested) {
  if ((select.compound.starts_with("INTERSECT") || select.compound.starts_with("EXCEPT")) &&
      !mysql_.supports_intersect_except())
    not_supported(mysql_, "has no " + select.compound + " on " + server_label(mysql_) +
                              " (MariaDB has it from 10.3, MySQL from 8.0.31)");
  SQLCompiler::visit_select(select, nested);
}

void MysqlCompiler::limit_offset(const sql::SelectNode& select) {
  if (select.limit) {
    out_ += "\n LIMIT ";
    visit(*select.limit);
  } else if (select.offset) {
    out_ += "\n LIMIT 18446744073709551615";  // 2^64 - 1: "all rows" (manual 13.2.13)
  }
  if (select.offset) {
    out_ += " OFFSET ";
    visit(*select.offset);
  }
}

// ---- DML --------------------------------------------------------------------------------------

void MysqlCompiler::visit_insert(const sql::InsertNode& insert, const Params* params) {
  const std::size_t begin = out_.size();
  SQLCompiler::visit_insert(insert, params);
  std::string head = "INSERT INTO ";
  if (insert.table->schema) head += quote(*insert.table->schema) + ".";
  head += quote(insert.table->name);
  constexpr std::string_view kDefaultValues = " DEFAULT VALUES";
  if (out_.compare(begin + head.size(), kDefaultValues.size(), kDefaultValues) == 0)
    out_.replace(begin + head.size(), kDefaultValues.size(), " () VALUES ()");
}

void MysqlCompiler::visit_update(const sql::UpdateNode& update, const Params* params) {
  if (!update.returning.empty())
    not_supported(mysql_, "has no UPDATE … RETURNING (" + server_label(mysql_) +
                              "): run a SELECT after the UPDATE of '" + update.table->name +
                              "' instead");
  SQLCompiler::visit_update(update, params);
}

void MysqlCompiler::visit_delete(const sql::DeleteNode& del) {
  in_delete_ = true;
  SQLCompiler::visit_delete(del);
  in_delete_ = false;
}

void MysqlCompiler::returning_clause(const std::vector<sql::ElementPtr>& columns) {
  const bool available =
      in_delete_ ? mysql_.delete_returning() : mysql_.features().supports_returning;
  if (!available)
    not_supported(mysql_, std::string("has no ") + (in_delete_ ? "DELETE" : "INSERT") +
                              " … RETURNING on " + server_label(mysql_) +
                              " (MariaDB has DELETE … RETURNING from 10.0 and INSERT … "
                              "RETURNING from 10.5; MySQL has neither): run a SELECT instead, or "
                              "use Result::lastrowid() for a generated key");
  out_ += " RETURNING ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) out_ += ", ";
    visit(*columns[i]);
  }
}

void MysqlCompiler::visit_upsert(const sql::InsertNode& insert) {
  row_alias_ = mysql_.upsert_row_alias() && !insert.from_select &&
               insert.upsert == sql::UpsertAction::kDoUpdate;
  if (row_alias_) out_ += " AS new";
  if (insert.upsert == sql::UpsertAction::kDoUpdate && insert.upsert_where) {
    conditional_update(insert);
  } else {
    SQLCompiler::visit_upsert(insert);
  }
  row_alias_ = false;
}

// ON DUPLICATE KEY UPDATE has no WHERE: each assignment becomes c = IF(where, value, c), which
// leaves the row as it was where the condition fails. MySQL runs the assignments left to right
// and each sees the columns the earlier ones set (manual 13.2.7.2), so the condition must not
// read a column an earlier assignment changes: the assignments to columns the condition reads
// go last, and at most one may do so.
void MysqlCompiler::conditional_update(const sql::InsertNode& insert) {
  if (insert.conflict_where || !insert.conflict_constraint.empty())
    return SQLCompiler::visit_upsert(insert);  // the base refuses these targets
  std::vector<std::string> read;
  columns_read(*insert.upsert_where, read);
  std::vector<const std::pair<std::string, sql::ElementPtr>*> order;
  for (const auto& assignment : insert.upsert_set)
    if (std::find(read.begin(), read.end(), assignment.first) == read.end())
      order.push_back(&assignment);
  const std::size_t unread = order.size();
  for (const auto& assignment : insert.upsert_set)
    if (std::find(read.begin(), read.end(), assignment.first) != read.end())
      order.push_back(&assignment);
  if (order.size() - unread > 1)
    not_supported(mysql_, "cannot apply the where criterion of on_conflict_do_update() on '" +
                              insert.table->name +
                              "': it reads more than one of the columns the update sets, and "
                              "ON DUPLICATE KEY UPDATE sets them one after the other, so the "
                              "criterion would see some of them already changed");
  out_ += " ON DUPLICATE KEY UPDATE ";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::string column = quote(order[i]->first);
    if (i != 0) out_ += ", ";
    out_ += column + " = IF(";
    visit(*insert.upsert_where);
    out_ += ", ";
    visit(*order[i]->second);
    out_ += ", " + column + ")";
  }
}

void MysqlCompiler::visit_excluded(const sql::Element& e) {
  if (row_alias_) {
    out_ += "new." + quote(e.text);
    return;
  }
  SQLCompiler::visit_excluded(e);
}

std::unique_ptr<sql::SQLCompiler>
MysqlDialect::statement_compiler(ParamStyle style, sql::CompileOptions options) const {
  return std::make_unique<MysqlCompiler>(*this, style, options);
}

}  // namespace crucible::mysql
