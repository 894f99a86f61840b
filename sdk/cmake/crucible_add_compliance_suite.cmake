# crucible_add_compliance_suite(NAME <name>
#                               URL <url> | URL_FROM_ENV <variable>
#                               [REQUIREMENTS <file.cpp>]
#                               [DRIVER_REQUIREMENTS <file.cpp>]
#                               [DEPENDS <targets>...]
#                               [PLUGIN_DIRS <dirs>...]
#                               [RESOURCE_LOCK <lock>])
#
# Runs the dialect compliance suite (sdk/testing) for one plugin x driver pair: builds the test
# binary crucible_compliance_<name> from the suite library and the plugin's REQUIREMENTS file
# (the one definition of crucible::sdk::testing::configure_requirements; the dialect's
# DialectFeatures unchanged when omitted) and registers every case with ctest as
# compliance.<name>.<Suite>.<Case> under the label `compliance`.
#
# DRIVER_REQUIREMENTS: for a driver that serves another plugin's dialect (the odbc driver under
# postgresql): a file defining crucible::sdk::testing::configure_driver_requirements, which the
# suite runs after the dialect's configure_requirements (REQUIREMENTS, the dialect's own file
# given as it is) to turn off what the driver cannot do. Nothing is taken away when omitted.
#
# The database: URL is written into the tests' environment as CRUCIBLE_COMPLIANCE_URL
# ("sqlite:////abs/path.db"); URL_FROM_ENV names a variable read when the tests run (e.g.
# CRUCIBLE_POSTGRESQL_URL, which scripts/with-pg exports), for servers started per test run.
# With no URL at run time every case fails saying what to set; nothing is skipped for it.
#
# DEPENDS: targets to build first (the plugin). PLUGIN_DIRS: put on CRUCIBLE_PLUGIN_PATH for the
# tests (an out-of-tree plugin's output directory). RESOURCE_LOCK: run the cases one at a time
# (ctest RESOURCE_LOCK), for a database that allows one writer, such as an SQLite file.
include(GoogleTest)
function(crucible_add_compliance_suite)
  cmake_parse_arguments(ARG "" "NAME;URL;URL_FROM_ENV;REQUIREMENTS;DRIVER_REQUIREMENTS;RESOURCE_LOCK"
                        "DEPENDS;PLUGIN_DIRS" ${ARGN})
  if(NOT ARG_NAME)
    message(FATAL_ERROR "crucible_add_compliance_suite: NAME is required")
  endif()
  if((ARG_URL AND ARG_URL_FROM_ENV) OR (NOT ARG_URL AND NOT ARG_URL_FROM_ENV))
    message(FATAL_ERROR "crucible_add_compliance_suite(${ARG_NAME}): give exactly one of URL "
                        "<url> and URL_FROM_ENV <variable>")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "crucible_add_compliance_suite(${ARG_NAME}): unknown arguments "
                        "${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_REQUIREMENTS)
    set(ARG_REQUIREMENTS ${CRUCIBLE_COMPLIANCE_DEFAULT_REQUIREMENTS})
  endif()
  if(NOT ARG_DRIVER_REQUIREMENTS)
    set(ARG_DRIVER_REQUIREMENTS ${CRUCIBLE_COMPLIANCE_DEFAULT_DRIVER_REQUIREMENTS})
  endif()

  # GoogleTest's imported targets are seen only in the directory that found them.
  find_package(GTest REQUIRED)
  set(target crucible_compliance_${ARG_NAME})
  add_executable(${target} ${ARG_REQUIREMENTS} ${ARG_DRIVER_REQUIREMENTS})
  target_link_libraries(${target} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,crucible::dialect_suite>"
                        GTest::gtest_main)
  if(TARGET crucible_warnings)
    target_link_libraries(${target} PRIVATE crucible_warnings)
  endif()
  if(ARG_DEPENDS)
    add_dependencies(${target} ${ARG_DEPENDS})
  endif()

  set(environment "")
  set(modification "")
  if(ARG_URL)
    list(APPEND environment "CRUCIBLE_COMPLIANCE_URL=${ARG_URL}")
  else()
    # The suite then reads only that variable: a CRUCIBLE_COMPLIANCE_URL left in the shell does
    # not send this suite to another database.
    list(APPEND environment "CRUCIBLE_COMPLIANCE_URL_FROM=${ARG_URL_FROM_ENV}")
  endif()
  if(ARG_PLUGIN_DIRS)
    string(REPLACE ";" ":" plugin_path "${ARG_PLUGIN_DIRS}")
    list(APPEND modification "CRUCIBLE_PLUGIN_PATH=path_list_prepend:${plugin_path}")
  endif()
  set(properties LABELS compliance ENVIRONMENT "${environment}")
  if(modification)
    list(APPEND properties ENVIRONMENT_MODIFICATION "${modification}")
  endif()
  if(ARG_RESOURCE_LOCK)
    list(APPEND properties RESOURCE_LOCK ${ARG_RESOURCE_LOCK})
  endif()
  gtest_discover_tests(${target} TEST_PREFIX "compliance.${ARG_NAME}." DISCOVERY_MODE PRE_TEST
                       WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} PROPERTIES ${properties})
endfunction()
