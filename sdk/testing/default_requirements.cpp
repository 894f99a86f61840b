// The requirements of a suite run whose crucible_add_compliance_suite() names no REQUIREMENTS
// file: the dialect's DialectFeatures and the defaults of requirements.hpp, unchanged.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_requirements(Requirements& /*requirements*/,
                                                    const Dialect& /*dialect*/) {}
