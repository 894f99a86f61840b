// The MariaDB driver's reading of text-protocol result fields (plugins/mysql/mariadb_results.cpp,
// compiled in) on any bytes: the first byte picks the field's MYSQL_FIELD type, the second its
// flags (UNSIGNED, BINARY), the rest is the field as the server would send it. read_text_field
// gives a Value or throws crucible::Error, and never reads past the field (ASan watches).
#include <array>
#include <vector>

#include "crucible/errors.hpp"
#include "fuzz_support.hpp"
#include "mariadb_results.hpp"

namespace my = crucible::mysql;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<enum_field_types, 22> kTypes{
      MYSQL_TYPE_TINY,       MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG,    MYSQL_TYPE_LONGLONG,
      MYSQL_TYPE_INT24,      MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE,  MYSQL_TYPE_DECIMAL,
      MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_DATE,  MYSQL_TYPE_TIME,    MYSQL_TYPE_DATETIME,
      MYSQL_TYPE_TIMESTAMP,  MYSQL_TYPE_YEAR,  MYSQL_TYPE_VARCHAR, MYSQL_TYPE_VAR_STRING,
      MYSQL_TYPE_STRING,     MYSQL_TYPE_BLOB,  MYSQL_TYPE_JSON,    MYSQL_TYPE_BIT,
      MYSQL_TYPE_NULL,       MYSQL_TYPE_ENUM};
  crucible::fuzz::Input in(data, size);
  MYSQL_FIELD field{};
  field.type = kTypes[in.byte() % kTypes.size()];
  const std::uint8_t flags = in.byte();
  if (flags & 1) field.flags |= UNSIGNED_FLAG;
  if (flags & 2) field.flags |= BINARY_FLAG;
  field.charsetnr = (flags & 2) ? 63 : 45;  // binary, or utf8mb4_general_ci
  field.length = flags >> 2;
  field.name = const_cast<char*>("c");
  field.name_length = 1;
  const std::vector<char> bytes(in.rest().begin(), in.rest().end());
  crucible::Value out;
  try {
    (void)my::describe_field(field);
    my::read_text_field(bytes.data(), bytes.size(), field, my::field_kind(field), out);
  } catch (const crucible::Error&) {
    return 0;
  }
  (void)out.to_string();
  return 0;
}
