// The libpq driver's reading of text-format result fields (plugins/postgresql/libpq_values.cpp,
// compiled in) on any bytes: the first byte picks the column's type OID, the rest is the field
// as the server would send it. read_field returns a Value or throws crucible::Error; it never
// reads past the field's length (ASan watches), and read_field_into agrees with it.
#include <array>
#include <cmath>
#include <vector>

#include "crucible/errors.hpp"
#include "fuzz_support.hpp"
#include "libpq_values.hpp"

namespace pg = crucible::postgresql;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<pg::TypeOid, 24> kTypes{
      pg::oid::kUnknown, pg::oid::kBool,      pg::oid::kBytea,       pg::oid::kChar,
      pg::oid::kName,    pg::oid::kInt8,      pg::oid::kInt2,        pg::oid::kInt4,
      pg::oid::kText,    pg::oid::kOid,       pg::oid::kJson,        pg::oid::kFloat4,
      pg::oid::kFloat8,  pg::oid::kBpchar,    pg::oid::kVarchar,     pg::oid::kDate,
      pg::oid::kTime,    pg::oid::kTimestamp, pg::oid::kTimestamptz, pg::oid::kInterval,
      pg::oid::kTimetz,  pg::oid::kNumeric,   pg::oid::kUuid,        pg::oid::kJsonb};
  crucible::fuzz::Input in(data, size);
  const pg::TypeOid type = kTypes[in.byte() % kTypes.size()];
  // A copy of exactly the field's bytes and the NUL that PQgetvalue puts after every field,
  // so that ASan sees any read past it.
  std::vector<char> field(in.rest().begin(), in.rest().end());
  const int length = static_cast<int>(field.size());
  field.push_back('\0');
  crucible::Value first;
  try {
    first = pg::read_field(field.data(), length, type);
  } catch (const crucible::Error&) {
    return 0;
  }
  crucible::Value again("a string whose storage read_field_into may reuse");
  pg::read_field_into(field.data(), length, type, again);
  const auto is_nan = [](const crucible::Value& v) {
    return v.kind() == crucible::ValueKind::kDouble && std::isnan(v.as<double>());
  };
  if (!(again == first) && !(is_nan(again) && is_nan(first)))  // NaN equals nothing
    crucible::fuzz::fail("read_field and read_field_into disagree for type " +
                         std::to_string(type));
  (void)first.to_string();
  return 0;
}
