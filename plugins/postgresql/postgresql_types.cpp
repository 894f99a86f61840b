// PostgreSQL's type compiler (postgresql_types.hpp).
#include "postgresql_types.hpp"

namespace crucible::postgresql {

bool is_native_enum(const SqlType& type) noexcept {
  return type.kind() == TypeKind::kEnum && !type.enum_name().empty();
}

std::string PostgresqlTypeCompiler::process(const SqlType& type) const {
  switch (type.kind()) {
  case TypeKind::kLargeBinary: return "BYTEA";
  case TypeKind::kUuid: return "UUID";
  case TypeKind::kJson: return "JSONB";
  case TypeKind::kEnum:
    if (is_native_enum(type)) return preparer_.quote(type.enum_name());
    return TypeCompiler::process(type);
  default: return TypeCompiler::process(type);
  }
}

}  // namespace crucible::postgresql
