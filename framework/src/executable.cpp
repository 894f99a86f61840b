// Executable's defaults and the display compile (sql/executable.hpp).
#include "crucible/sql/executable.hpp"

#include "crucible/dialect.hpp"

namespace crucible::sql {

Executable::~Executable() = default;

bool Executable::gather(CacheKey& /*key*/, const Params* /*params*/) const { return false; }
std::shared_ptr<const CacheKey> Executable::shared_key() const { return nullptr; }

std::shared_ptr<const Compiled> compile(const Executable& stmt, const Dialect& dialect,
                                        CompileOptions options, ParamStyle style) {
  return stmt.compile(CompileContext{dialect, style, options, nullptr});
}

}  // namespace crucible::sql
