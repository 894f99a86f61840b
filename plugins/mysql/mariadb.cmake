# Finds MariaDB Connector/C (libmariadb), the C client of the MySQL/MariaDB plugin's
# "mariadbconnector" driver, through pkg-config's libmariadb (Debian: libmariadb-dev). Sets
# CRUCIBLE_LIBMARIADB_FOUND and, when found, the INTERFACE target crucible_libmariadb. Included
# by the top-level CMakeLists.txt, whose CRUCIBLE_WITH_MYSQL option defaults to
# CRUCIBLE_LIBMARIADB_FOUND.
set(CRUCIBLE_LIBMARIADB_FOUND FALSE)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(CRUCIBLE_PC_LIBMARIADB QUIET IMPORTED_TARGET libmariadb)
  if(CRUCIBLE_PC_LIBMARIADB_FOUND)
    add_library(crucible_libmariadb INTERFACE)
    target_link_libraries(crucible_libmariadb INTERFACE PkgConfig::CRUCIBLE_PC_LIBMARIADB)
    set(CRUCIBLE_LIBMARIADB_FOUND TRUE)
  endif()
endif()
