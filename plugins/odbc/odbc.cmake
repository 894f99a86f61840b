# Finds unixODBC, the ODBC driver manager, for the ODBC plugin: pkg-config's odbc (Debian:
# unixodbc-dev). Sets CRUCIBLE_ODBC_FOUND and, when found, the INTERFACE target crucible_unixodbc.
# Included by the top-level CMakeLists.txt, whose CRUCIBLE_WITH_ODBC option defaults to
# CRUCIBLE_ODBC_FOUND.
set(CRUCIBLE_ODBC_FOUND FALSE)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(CRUCIBLE_PC_ODBC QUIET IMPORTED_TARGET odbc)
  if(CRUCIBLE_PC_ODBC_FOUND)
    add_library(crucible_unixodbc INTERFACE)
    target_link_libraries(crucible_unixodbc INTERFACE PkgConfig::CRUCIBLE_PC_ODBC)
    set(CRUCIBLE_ODBC_FOUND TRUE)
  endif()
endif()
