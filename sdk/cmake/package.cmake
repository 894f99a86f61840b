# What `cmake --install` and `cpack` make of the build, besides the targets' own install() rules
# (libcrucible.so, the headers, the plugins, the `crucible` program, the compliance suite):
#  - the CMake package <libdir>/cmake/crucible: crucibleConfig.cmake (from
#    crucibleConfig.cmake.in), crucibleConfigVersion.cmake and crucibleTargets.cmake exporting
#    crucible::crucible, crucible::sdk and crucible::dialect_suite, with the SDK's functions
#    crucible_add_plugin() and crucible_add_compliance_suite();
#  - the pkg-config file <libdir>/pkgconfig/crucible.pc (prefix relative to the file itself);
#  - CPack's Debian package (`cpack -G DEB` in the build directory).
# Included from the top-level CMakeLists.txt after every target is defined.
include(CMakePackageConfigHelpers)

install(EXPORT crucibleTargets NAMESPACE crucible:: DESTINATION ${CRUCIBLE_INSTALL_CMAKE_DIR}
        COMPONENT Development)
if(TARGET crucible_compliance)
  set(CRUCIBLE_PACKAGE_HAS_SUITE TRUE)
else()
  set(CRUCIBLE_PACKAGE_HAS_SUITE FALSE)
endif()
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/crucibleConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/crucibleConfig.cmake
  INSTALL_DESTINATION ${CRUCIBLE_INSTALL_CMAKE_DIR}
  PATH_VARS CRUCIBLE_INSTALL_PLUGIN_DIR CRUCIBLE_INSTALL_COMPLIANCE_DIR)
# Until 1.0 a minor release may break the API (docs/abi.md): 0.1.x is compatible with 0.1.0 only.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(crucible_compatibility SameMinorVersion)
else()
  set(crucible_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/crucibleConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${crucible_compatibility})
install(FILES ${PROJECT_BINARY_DIR}/package/crucibleConfig.cmake
              ${PROJECT_BINARY_DIR}/package/crucibleConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/crucible_add_plugin.cmake
              ${CMAKE_CURRENT_LIST_DIR}/crucible_add_compliance_suite.cmake
        DESTINATION ${CRUCIBLE_INSTALL_CMAKE_DIR} COMPONENT Development)

# pkg-config: prefix is found from the .pc file's own place, so a moved prefix still works.
file(RELATIVE_PATH crucible_pc_to_prefix /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" crucible_pc_to_prefix "${crucible_pc_to_prefix}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/crucible.pc.in ${PROJECT_BINARY_DIR}/package/crucible.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/package/crucible.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT Development)

# The .deb: one package with everything (library, plugins, program, SDK). Its Depends come from
# dpkg-shlibdeps over the installed ELF files (libpq5, libsqlite3-0, libmariadb3, …); the SDK's
# own build needs are stated (the headers include no third-party header but GoogleTest's).
set(CPACK_PACKAGE_NAME crucible)
set(CPACK_PACKAGE_VENDOR "the crucible project")
set(CPACK_PACKAGE_CONTACT "crucible maintainers <crucible@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "C++20 database toolkit (SQLAlchemy-like Core and ORM) with dialect plugins and their SDK")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libgtest-dev, cmake (>= 3.25), g++ (>= 12)")
set(CPACK_STRIP_FILES OFF)  # the registry reads a plugin's .symtab (docs/abi.md)
include(CPack)
