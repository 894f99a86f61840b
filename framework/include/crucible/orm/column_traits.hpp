#pragma once
// How a member of a mapped struct holds a column's value: conversion to and from Value, the
// SQL types it can hold, the type it implies when none is given, and the comparison the flush
// uses for dirty checking (SQLAlchemy's Mapped[int] → Integer annotation rules, in C++).
//
//   member type                   implied type        also holds
//   bool                          Boolean             Integer family
//   integers (int, int64_t, …)    Integer             SmallInteger, BigInteger, Boolean
//   double, float                 Double / Float      Float, Double
//   std::string                   String              Text, Enum, String(n)
//   Bytes                         LargeBinary
//   Date, Time, DateTime          types::Date, …      (the same)
//   Decimal                       Numeric             Numeric(p, s)
//   Uuid                          types::Uuid
//   Json                          JSON
//   Value                         (must be given)     any type
//   std::optional<X>              as X, nullable      as X
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "crucible/errors.hpp"
#include "crucible/types.hpp"
#include "crucible/value.hpp"

namespace crucible::orm::detail {

/// Throws DataError("wanted an integer in [lo, hi], found …"); out of line.
[[noreturn]] void throw_integer_range(std::int64_t found, std::int64_t lo, std::int64_t hi);

template <class M>
struct ColumnTraits {
  static_assert(sizeof(M) == 0,
                "this member type cannot be mapped to a column; use bool, an integer, double, "
                "float, std::string, Bytes, Date, Time, DateTime, Decimal, Uuid, Json, Value or "
                "std::optional of one of them");
};

template <class M>
  requires(std::is_integral_v<M> && !std::is_same_v<M, bool>)
struct ColumnTraits<M> {
  static constexpr bool kNullable = false;
  static Value to(const M& m) { return Value(static_cast<std::int64_t>(m)); }
  static void from(M& m, const Value& v) {
    const std::int64_t i = v.as<std::int64_t>();
    if constexpr (sizeof(M) < sizeof(std::int64_t) || std::is_unsigned_v<M>) {
      constexpr auto lo = static_cast<std::int64_t>(std::numeric_limits<M>::min());
      constexpr auto hi = static_cast<std::int64_t>(
          std::min<std::uint64_t>(std::numeric_limits<M>::max(), INT64_MAX));
      if (i < lo || i > hi) throw_integer_range(i, lo, hi);
    }
    m = static_cast<M>(i);
  }
  static bool same(const M& m, const Value& v) noexcept {
    const auto* p = std::get_if<std::int64_t>(&v.storage());
    return p != nullptr && *p == static_cast<std::int64_t>(m);
  }
  static bool canonical(const Value& v) noexcept { return v.kind() == ValueKind::kInt; }
  static bool holds(TypeKind k) noexcept {
    return k == TypeKind::kInteger || k == TypeKind::kSmallInteger ||
           k == TypeKind::kBigInteger || k == TypeKind::kBoolean;
  }
  static SqlType implied() { return types::Integer{}; }
  /// An integer 0 in a database-numbered key column means "not assigned yet".
  static bool unset(const M& m) noexcept { return m == 0; }
};

template <>
struct ColumnTraits<bool> {
  static constexpr bool kNullable = false;
  static Value to(bool m) { return Value(m); }
  static void from(bool& m, const Value& v) { m = v.as<bool>(); }
  static bool same(bool m, const Value& v) noexcept {
    const auto* p = std::get_if<bool>(&v.storage());
    return p != nullptr && *p == m;
  }
  static bool canonical(const Value& v) noexcept { return v.kind() == ValueKind::kBool; }
  static bool holds(TypeKind k) noexcept {
    return k == TypeKind::kBoolean || k == TypeKind::kInteger || k == TypeKind::kSmallInteger;
  }
  static SqlType implied() { return types::Boolean{}; }
  static bool unset(bool) noexcept { return false; }
};

template <class M>
  requires std::is_floating_point_v<M>
struct ColumnTraits<M> {
  static constexpr bool kNullable = false;
  static Value to(M m) { return Value(static_cast<double>(m)); }
  static void from(M& m, const Value& v) { m = static_cast<M>(v.as<double>()); }
  static bool same(M m, const Value& v) noexcept {
    const auto* p = std::get_if<double>(&v.storage());
    return p != nullptr && *p == static_cast<double>(m);
  }
  static bool canonical(const Value& v) noexcept { return v.kind() == ValueKind::kDouble; }
  static bool holds(TypeKind k) noexcept { return k == TypeKind::kFloat || k == TypeKind::kDouble; }
  static SqlType implied() {
    if constexpr (std::is_same_v<M, float>) return types::Float{};
    else return types::Double{};
  }
  static bool unset(M) noexcept { return false; }
};

template <>
struct ColumnTraits<std::string> {
  static constexpr bool kNullable = false;
  static Value to(const std::string& m) { return Value(m); }
  static void from(std::string& m, const Value& v) {
    if (const auto* p = std::get_if<std::string>(&v.storage())) m.assign(*p);
    else m = v.as<std::string>();
  }
  static bool same(const std::string& m, const Value& v) noexcept {
    const auto* p = std::get_if<std::string>(&v.storage());
    return p != nullptr && *p == m;
  }
  static bool canonical(const Value& v) noexcept { return v.kind() == ValueKind::kString; }
  static bool holds(TypeKind k) noexcept {
    return k == TypeKind::kString || k == TypeKind::kText || k == TypeKind::kEnum;
  }
  static SqlType implied() { return types::String{}; }
  static bool unset(const std::string&) noexcept { return false; }
};

/// The value types that are their own Value kind (Bytes, Date, Time, DateTime, Decimal, Uuid,
/// Json), each with the one generic type family that holds it.
template <class M, ValueKind K, TypeKind T, class Implied>
struct SameKindTraits {
  static constexpr bool kNullable = false;
  static Value to(const M& m) { return Value(m); }
  static void from(M& m, const Value& v) {
    if (const auto* p = std::get_if<M>(&v.storage())) m = *p;
    else m = v.as<M>();
  }
  static bool same(const M& m, const Value& v) noexcept {
    const auto* p = std::get_if<M>(&v.storage());
    return p != nullptr && *p == m;
  }
  static bool canonical(const Value& v) noexcept { return v.kind() == K; }
  static bool holds(TypeKind k) noexcept { return k == T; }
  static SqlType implied() { return Implied{}; }
  static bool unset(const M&) noexcept { return false; }
};

template <>
struct ColumnTraits<Bytes>
    : SameKindTraits<Bytes, ValueKind::kBytes, TypeKind::kLargeBinary, types::LargeBinary> {};
template <>
struct ColumnTraits<Date> : SameKindTraits<Date, ValueKind::kDate, TypeKind::kDate, types::Date> {};
template <>
struct ColumnTraits<Time> : SameKindTraits<Time, ValueKind::kTime, TypeKind::kTime, types::Time> {};
template <>
struct ColumnTraits<DateTime>
    : SameKindTraits<DateTime, ValueKind::kDateTime, TypeKind::kDateTime, types::DateTime> {};
template <>
struct ColumnTraits<Decimal>
    : SameKindTraits<Decimal, ValueKind::kDecimal, TypeKind::kNumeric, types::Numeric> {};
template <>
struct ColumnTraits<Uuid> : SameKindTraits<Uuid, ValueKind::kUuid, TypeKind::kUuid, types::Uuid> {};
template <>
struct ColumnTraits<Json> : SameKindTraits<Json, ValueKind::kJson, TypeKind::kJson, types::JSON> {};

template <>
struct ColumnTraits<Value> {
  static constexpr bool kNullable = true;
  static Value to(const Value& m) { return m; }
  static void from(Value& m, const Value& v) { m = v; }
  static bool same(const Value& m, const Value& v) noexcept { return m == v; }
  static bool canonical(const Value&) noexcept { return true; }
  static bool holds(TypeKind) noexcept { return true; }
  static SqlType implied() { return SqlType{}; }
  static bool unset(const Value& m) noexcept { return m.is_null(); }
};

template <class X>
struct ColumnTraits<std::optional<X>> {
  using Inner = ColumnTraits<X>;
  static constexpr bool kNullable = true;
  static Value to(const std::optional<X>& m) { return m ? Inner::to(*m) : Value(); }
  static void from(std::optional<X>& m, const Value& v) {
    if (v.is_null()) {
      m.reset();
      return;
    }
    if (!m) m.emplace();
    Inner::from(*m, v);
  }
  static bool same(const std::optional<X>& m, const Value& v) noexcept {
    return m ? !v.is_null() && Inner::same(*m, v) : v.is_null();
  }
  static bool canonical(const Value& v) noexcept { return v.is_null() || Inner::canonical(v); }
  static bool holds(TypeKind k) noexcept { return Inner::holds(k); }
  static SqlType implied() { return Inner::implied(); }
  static bool unset(const std::optional<X>& m) noexcept { return !m.has_value(); }
};

}  // namespace crucible::orm::detail
