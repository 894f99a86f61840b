# Finds libpq, PostgreSQL's C client, for the PostgreSQL plugin: CMake's FindPostgreSQL first,
# then pkg-config's libpq. Sets CRUCIBLE_LIBPQ_FOUND and, when found, the INTERFACE target
# crucible_libpq. Included by the top-level CMakeLists.txt, whose CRUCIBLE_WITH_POSTGRESQL
# option defaults to CRUCIBLE_LIBPQ_FOUND (Debian: libpq-dev).
set(CRUCIBLE_LIBPQ_FOUND FALSE)
find_package(PostgreSQL QUIET)
if(PostgreSQL_FOUND)
  add_library(crucible_libpq INTERFACE)
  target_link_libraries(crucible_libpq INTERFACE PostgreSQL::PostgreSQL)
  set(CRUCIBLE_LIBPQ_FOUND TRUE)
else()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(CRUCIBLE_PC_LIBPQ QUIET IMPORTED_TARGET libpq)
    if(CRUCIBLE_PC_LIBPQ_FOUND)
      add_library(crucible_libpq INTERFACE)
      target_link_libraries(crucible_libpq INTERFACE PkgConfig::CRUCIBLE_PC_LIBPQ)
      set(CRUCIBLE_LIBPQ_FOUND TRUE)
    endif()
  endif()
endif()
