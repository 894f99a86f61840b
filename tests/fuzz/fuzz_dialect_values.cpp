// Each plugin dialect's result processing and type parsing on any bytes: the first byte picks
// the dialect (sqlite, postgresql, mysql, loaded from their plugins as an Engine would), the
// second the column's generic type, the rest is the value read from the database, as text and
// as bytes (and as the text the ODBC plugin parses into decimals, dates, times and UUIDs).
// process_result, reflect_type, quote_identifier and the Value conversions either work or throw
// crucible::Error; a value process_result cannot convert is returned unchanged.
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "crucible/dialect.hpp"
#include "crucible/errors.hpp"
#include "crucible/registry.hpp"
#include "crucible/types.hpp"
#include "crucible/value.hpp"
#include "fuzz_support.hpp"

namespace {

std::vector<crucible::registry::DialectPtr>& dialects() {
  static std::vector<crucible::registry::DialectPtr> loaded;
  return loaded;
}

const std::array<crucible::SqlType, 16>& types() {
  namespace t = crucible::types;
  static const std::array<crucible::SqlType, 16> all{
      t::Integer{}, t::SmallInteger{}, t::BigInteger{}, t::Float{},
      t::Double{},  t::Numeric{10, 2}, t::String{20},   t::Text{},
      t::Boolean{}, t::Date{},         t::Time{},       t::DateTime{},
      t::Uuid{},    t::LargeBinary{},  t::JSON{},       t::DateTime{true}};
  return all;
}

// Runs step, which may refuse its input with crucible::Error (what bad input should get); any
// other exception or a crash is a finding.
template <class Step>
void may_refuse(Step&& step) {
  try {
    step();
  } catch (const crucible::Error&) {
  }
}

// Reads value every way a program may.
void read_every_way(const crucible::Value& value) {
  (void)value.to_string();
  may_refuse([&] { (void)value.as<std::int64_t>(); });
  may_refuse([&] { (void)value.as<double>(); });
  may_refuse([&] { (void)value.as<bool>(); });
  may_refuse([&] { (void)value.as<std::string>(); });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (const char* name : {"sqlite", "postgresql", "mysql"}) {
    try {
      dialects().push_back(crucible::registry::load_dialect(name));
    } catch (const crucible::PluginError& e) {  // a build without that plugin
      std::fprintf(stderr, "fuzz_dialect_values: no %s dialect (%s)\n", name, e.what());
    }
  }
  if (dialects().empty()) crucible::fuzz::fail("no dialect plugin could be loaded");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crucible::fuzz::Input in(data, size);
  const crucible::Dialect& dialect = *dialects()[in.byte() % dialects().size()];
  const crucible::SqlType& type = types()[in.byte() % types().size()];
  const std::string_view text = in.rest();

  crucible::Bytes bytes(text.size());
  if (!text.empty()) std::memcpy(bytes.data(), text.data(), text.size());
  for (crucible::Value value : {crucible::Value(std::string(text)), crucible::Value(bytes)}) {
    crucible::Value processed;
    try {
      processed = dialect.process_result(type, std::move(value));
    } catch (const crucible::Error&) {
      continue;
    }
    read_every_way(processed);
    if (processed.is_null()) crucible::fuzz::fail("process_result turned a value into null");
  }
  // The ODBC plugin reads DECIMAL, DATE, TIME, TIMESTAMP and GUID columns as SQL_C_CHAR text
  // through these parsers (plugins/odbc/odbc_results.cpp), whatever the dialect.
  const std::string owned(text);
  may_refuse([&] { (void)crucible::Decimal::parse(owned); });
  may_refuse([&] { (void)crucible::Date::parse(owned).to_string(); });
  may_refuse([&] { (void)crucible::Time::parse(owned).to_string(); });
  may_refuse([&] { (void)crucible::DateTime::parse(owned).to_string(); });
  may_refuse([&] { (void)crucible::Uuid::parse(owned).to_string(); });
  may_refuse([&] { (void)dialect.reflect_type(text); });
  may_refuse([&] {
    if (dialect.quote_identifier(text).size() < text.size())
      crucible::fuzz::fail("quote_identifier lost characters");
  });
  return 0;
}
