#pragma once
// Values at the libpq boundary: crucible::Value parameters to what PQexecParams /
// PQexecPrepared take, and result fields (text format) back to Values by the column's type OID.
//
// Parameters (https://www.postgresql.org/docs/15/libpq-exec.html): each Value kind is sent with
// an explicit type OID so that `SELECT $1` and function arguments resolve as the program meant:
//   null -> OID 0 (unknown: the server infers it)     bool -> bool 16 ("t"/"f")
//   int64 -> int4 23 when it fits in 32 bits, else int8 20 (psycopg 3 picks the smallest
//            integer type, because PostgreSQL widens an integer argument implicitly but never
//            narrows one: substr(text, $1) has no bigint form; we stop at int4, not int2, so
//            that $1 + $2 does not overflow at 32767)
//   double -> float8 701 (shortest round-trip text; NaN, Infinity, -Infinity)
//   string -> OID 0, unknown, as psycopg does: the server takes the text as whatever type the
//            context wants ('2024-01-02' into a date column, 'a' into an enum)
//   Bytes -> bytea 17, sent in binary format     Date -> date 1082      Time -> time 1083
//   DateTime -> timestamp 1114, or timestamptz 1184 when it has a UTC offset
//   Decimal -> numeric 1700    Uuid -> uuid 2950
//   Json -> jsonb 3802 (so jsonb operators take it: doc @> $1). A json column takes it by the
//            assignment cast and stores jsonb's normalized text (keys sorted, duplicates
//            dropped); send the document as a string to keep a json column's text verbatim.
// Text cannot hold a NUL character in PostgreSQL (and libpq sends text parameters as C
// strings), so a string or JSON parameter with one is refused with DataError.
//
// Results are read in text format by the column's type OID: bool; int2, int4, int8, oid ->
// int64; float4, float8 -> double; numeric -> Decimal (its "NaN" and ±"Infinity" -> double);
// text, varchar, bpchar, name, "char" -> string; bytea -> Bytes (hex or escape output, via
// PQunescapeBytea); date -> Date; time -> Time; timestamp -> DateTime; timestamptz -> DateTime
// with its offset (the session's TimeZone decides which); uuid -> Uuid; json, jsonb -> Json.
// Anything else, and a date or time the Value kinds cannot hold (infinity, BC years, 24:00:00),
// comes back as the server's text: nothing is lost and nothing is thrown for it.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crucible/param_sets.hpp"
#include "crucible/value.hpp"

namespace crucible::postgresql {

/// A PostgreSQL type OID (pg_type.oid).
using TypeOid = unsigned int;

/// The built-in type OIDs the driver sends or reads (src/include/catalog/pg_type.dat).
namespace oid {
inline constexpr TypeOid kUnknown = 0;
inline constexpr TypeOid kBool = 16;
inline constexpr TypeOid kBytea = 17;
inline constexpr TypeOid kChar = 18;
inline constexpr TypeOid kName = 19;
inline constexpr TypeOid kInt8 = 20;
inline constexpr TypeOid kInt2 = 21;
inline constexpr TypeOid kInt4 = 23;
inline constexpr TypeOid kText = 25;
inline constexpr TypeOid kOid = 26;
inline constexpr TypeOid kJson = 114;
inline constexpr TypeOid kFloat4 = 700;
inline constexpr TypeOid kFloat8 = 701;
inline constexpr TypeOid kBpchar = 1042;
inline constexpr TypeOid kVarchar = 1043;
inline constexpr TypeOid kDate = 1082;
inline constexpr TypeOid kTime = 1083;
inline constexpr TypeOid kTimestamp = 1114;
inline constexpr TypeOid kTimestamptz = 1184;
inline constexpr TypeOid kInterval = 1186;
inline constexpr TypeOid kTimetz = 1266;
inline constexpr TypeOid kNumeric = 1700;
inline constexpr TypeOid kUuid = 2950;
inline constexpr TypeOid kJsonb = 3802;
}  // namespace oid

/// The OID a parameter of value's kind is sent as (table above).
TypeOid parameter_type(const Value& value) noexcept;

/// One OID per position for several parameter sets sent to one prepared statement: the kind's
/// OID where every non-null value at that position agrees (int4 widened to int8 when some value
/// needs it), else unknown (0), under which every kind is sent as text.
std::vector<TypeOid> unify_parameter_types(const ParamSets& sets);

/// Parameters in the arrays PQexecParams takes. The pointers point into this object (and into
/// the Values' Bytes), so it must outlive the call and the Values must not change meanwhile.
struct EncodedParams {
  std::vector<TypeOid> types;
  std::vector<const char*> values;  ///< nullptr for NULL
  std::vector<int> lengths;         ///< bytes of a binary value, else 0
  std::vector<int> formats;         ///< 1 binary, 0 text
  int count() const noexcept { return static_cast<int>(values.size()); }

  /// Encodes params as param_types says (0 sends any kind as text), or each by its own kind's
  /// type (parameter_type) when param_types is empty. Throws DataError for a
  /// string or JSON parameter holding a NUL character; sql is quoted in that error.
  void encode(std::span<const Value> params, std::span<const TypeOid> param_types,
              std::string_view sql);
  /// The same for one set of an executemany (ParamSets), read in place.
  void encode(std::span<const Value* const> params, std::span<const TypeOid> param_types,
              std::string_view sql);

 private:
  // Both encode()s: n parameters, the i-th being at(i).
  template <class At>
  void encode_each(std::size_t n, At at, std::span<const TypeOid> param_types,
                   std::string_view sql);

  std::vector<std::string> text_;  // the text forms the value pointers point into
};

/// The Value of a non-null field of type `type` whose text-format value is text[0, length),
/// followed by a NUL at text[length], as PQgetvalue gives every field (bytea is decoded by
/// PQunescapeBytea, which reads up to that NUL).
Value read_field(const char* text, int length, TypeOid type);
/// read_field into out, reusing out's string storage for a text field (what fetch_into wants:
/// a row refilled in place allocates nothing for text that fits).
void read_field_into(const char* text, int length, TypeOid type, Value& out);

/// format_type()-style name of a result column ("integer", "numeric(10,2)", "character
/// varying(40)"), "" for a type the driver does not know; typmod is PQfmod's value.
std::string type_name(TypeOid type, int typmod);

/// Precision and scale of a numeric(p,s) result column from its typmod, else nullopt.
std::optional<std::int32_t> numeric_precision(TypeOid type, int typmod) noexcept;
std::optional<std::int32_t> numeric_scale(TypeOid type, int typmod) noexcept;

}  // namespace crucible::postgresql
