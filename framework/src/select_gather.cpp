// The cache key of a SELECT (Select::gather, sql/executable.hpp) and Select::compile.
//
// One traversal writes everything that shapes the SQL into key.key — element kinds, flags,
// operators, names, types, FROM objects — and pushes each own bound value with its node, in
// traversal order (SQLAlchemy's _generate_cache_key). Two details make equal keys compile to
// equal SQL:
//  * identity: the first time a FROM object is met it is written in full and numbered; later
//    references write only its number, so "users twice" and "two aliases of users" differ.
//    A bind node met a second time writes the index of its value instead of pushing it again,
//    so a shared bind and two separate ones differ too.
//  * values never enter the key, only a token for their place; bindparam("x") writes its name
//    and pushes nothing (its value comes from the execution's parameters).
#include <charconv>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/sql/compiler.hpp"
#include "crucible/sql/selectable.hpp"

namespace crucible::sql {

namespace {

// Appends n in decimal (no temporary string).
template <class Int>
void append_number(std::string& out, Int n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

// Node -> number, for the nodes met so far: a short list searched in order while it is short (a
// statement has a few FROM objects and binds), a hash map once it grows (a long IN list).
template <class Node, class Number>
class NodeNumbers {
 public:
  /// The number of node, and true, if it was new (then it gets `number`).
  std::pair<Number, bool> emplace(const Node* node, Number number) {
    if (map_.empty()) {
      for (const auto& [n, i] : list_)
        if (n == node) return {i, false};
      list_.emplace_back(node, number);
      if (list_.size() > kShort) map_.insert(list_.begin(), list_.end());
      return {number, true};
    }
    auto [it, fresh] = map_.emplace(node, number);
    return {it->second, fresh};
  }
  std::size_t size() const noexcept { return map_.empty() ? list_.size() : map_.size(); }

 private:
  static constexpr std::size_t kShort = 16;
  std::vector<std::pair<const Node*, Number>> list_;
  std::unordered_map<const Node*, Number> map_;
};

class Gatherer {
 public:
  explicit Gatherer(CacheKey& key) : key_(key), k_(key.key) { k_.reserve(k_.size() + 256); }

  void select(const SelectNode& s) {
    k_ += "S{";
    if (s.distinct) k_ += 'D';
    if (!s.compound.empty()) {
      name(s.compound);
      for (const SelectPtr& p : s.parts) select(*p);
    }
    list('c', s.columns);
    k_ += 'f';
    for (const FromPtr& f : s.froms) from(*f);
    k_ += 'w';
    element(s.where);
    list('g', s.group_by);
    k_ += 'h';
    element(s.having);
    list('o', s.order_by);
    k_ += 'l';
    element(s.limit);
    element(s.offset);
    k_ += '}';
  }

 private:
  void name(std::string_view n) {
    append_number(k_, n.size());
    k_ += ':';
    k_ += n;
  }

  void type(const SqlType& t) {
    k_ += 't';
    append_number(k_, static_cast<int>(t.kind()));
    if (t.length()) {
      k_ += 'l';
      append_number(k_, *t.length());
    }
    if (t.precision()) {
      k_ += 'p';
      append_number(k_, *t.precision());
    }
    if (t.scale()) {
      k_ += 's';
      append_number(k_, *t.scale());
    }
    if (t.timezone()) k_ += 'z';
    for (const std::string& v : t.enum_values()) name(v);
    if (!t.enum_name().empty()) name(t.enum_name());
  }

  void list(char tag, const std::vector<ElementPtr>& items) {
    k_ += tag;
    k_ += '[';
    for (const ElementPtr& e : items) element(e);
    k_ += ']';
  }

  // A bind's own value: pushed the first time its node is met, referred to after that.
  void bind_value(const Element& e) {
    if (!binds_loaded_) {
      for (std::size_t i = 0; i < key_.bind_nodes.size(); ++i)
        binds_.emplace(key_.bind_nodes[i], i);
      binds_loaded_ = true;
    }
    const auto [index, fresh] = binds_.emplace(&e, key_.values.size());
    if (!fresh) {
      k_ += '@';
      append_number(k_, index);
      return;
    }
    k_ += '?';
    value_shape(e.value);
    key_.values.push_back(e.value);
    key_.bind_nodes.push_back(&e);
  }

  // The kind of a bound value, and a decimal's scale, enter the key: a dialect may type the
  // placeholder from them (a CAST of a bare parameter to its value's type, NUMERIC(p, scale)
  // for a decimal), so values of other kinds must not share its SQL. SQLAlchemy's key holds a
  // literal's type, inferred from its Python value, likewise.
  void value_shape(const Value& v) {
    k_ += static_cast<char>('a' + static_cast<int>(v.kind()));
    if (const auto* d = std::get_if<Decimal>(&v.storage())) {
      k_ += 's';
      append_number(k_, d->scale());
    }
  }

  void element(const ElementPtr& p) {
    if (!p) {
      k_ += '~';
      return;
    }
    const Element& e = *p;
    k_ += 'E';
    append_number(k_, static_cast<int>(e.kind));
    k_ += '.';
    append_number(k_, e.flags);
    type(e.type);
    name(e.text);
    switch (e.kind) {
    case ElementKind::kBind:
      if ((e.flags & kFromParams) == 0) bind_value(e);
      break;
    case ElementKind::kLiteral: bind_value(e); break;
    case ElementKind::kNextValue:  // the sequence's schema is structure, not a bound value
      if (e.value.is_null())
        k_ += '~';
      else
        name(e.value.to_string());
      break;
    case ElementKind::kColumn:
    case ElementKind::kStar:
      if (e.from) {
        from(*e.from);
        // A star's result columns are its object's: their types shape the result processing.
        if (e.kind == ElementKind::kStar)
          for (const ColumnDesc& c : e.from->columns) type(c.type);
      } else {
        k_ += '~';
      }
      break;
    default: break;
    }
    if (e.select) select(*e.select);
    if (!e.children.empty()) {
      k_ += '(';
      for (const ElementPtr& c : e.children) element(c);
      k_ += ')';
    }
  }

  void from(const FromNode& f) {
    const auto [number, fresh] = froms_.emplace(&f, static_cast<int>(froms_.size()));
    k_ += '#';
    append_number(k_, number);
    if (!fresh) return;
    k_ += 'F';
    append_number(k_, static_cast<int>(f.kind));
    name(f.name);
    if (f.schema) name(*f.schema);
    switch (f.kind) {
    case FromKind::kTable: break;
    case FromKind::kAlias: from(*f.left); break;
    case FromKind::kJoin:
      k_ += f.full ? 'F' : f.outer ? 'O' : 'I';
      from(*f.left);
      from(*f.right);
      element(f.on);
      break;
    case FromKind::kSubquery: select(*f.select); break;
    case FromKind::kCte:
      if (f.recursive) k_ += 'R';
      select(*f.select);
      if (f.replaces)
        from(*f.replaces);
      else
        k_ += '~';
      break;
    }
  }

  CacheKey& key_;
  std::string& k_;
  NodeNumbers<FromNode, int> froms_;
  NodeNumbers<Element, std::size_t> binds_;
  bool binds_loaded_{false};
};

}  // namespace

bool Select::gather(CacheKey& key, const Params* /*params*/) const {
  if (!node_) throw ArgumentError("wanted a select() to execute, found an empty Select");
  Gatherer(key).select(*node_);
  return true;
}

std::shared_ptr<const CacheKey> Select::shared_key() const {
  if (!node_) throw ArgumentError("wanted a select() to execute, found an empty Select");
  if (auto kept = node_->key_memo.get()) return kept;
  auto key = std::make_shared<CacheKey>();
  Gatherer(*key).select(*node_);
  node_->key_memo.set(key);
  return key;
}

std::shared_ptr<const Compiled> Select::compile(const CompileContext& ctx) const {
  const auto key = shared_key();
  return ctx.dialect.statement_compiler(ctx.style, ctx.options)->compile_select(*node_, *key);
}

}  // namespace crucible::sql
