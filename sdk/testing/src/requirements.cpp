// Requirements::from_dialect (requirements.hpp): the suite's defaults from DialectFeatures.
#include "crucible/sdk/testing/requirements.hpp"

namespace crucible::sdk::testing {

Requirements Requirements::from_dialect(const Dialect& dialect) {
  const DialectFeatures& f = dialect.features();
  Requirements r;
  r.returning = f.supports_returning;
  r.update_returning = f.supports_returning;
  r.delete_returning = f.supports_returning;
  r.savepoints = f.supports_savepoints;
  r.native_uuid = f.supports_native_uuid;
  r.native_boolean = f.supports_native_boolean;
  r.sequences = f.supports_sequences;
  r.ddl_in_transactions = f.supports_transactional_ddl;
  r.upsert = f.upsert_style != UpsertStyle::kNone;
  return r;
}

}  // namespace crucible::sdk::testing
