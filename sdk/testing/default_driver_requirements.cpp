// The driver requirements of a suite run whose crucible_add_compliance_suite() names no
// DRIVER_REQUIREMENTS file: the driver takes nothing away from the dialect's requirements.
#include "crucible/sdk/testing/requirements.hpp"

void crucible::sdk::testing::configure_driver_requirements(Requirements& /*requirements*/,
                                                           const Dialect& /*dialect*/) {}
