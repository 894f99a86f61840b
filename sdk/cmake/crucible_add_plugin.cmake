# crucible_add_plugin(<name> SOURCES <files>...
#                     [OUTPUT_DIRECTORY <dir>] [INSTALL_DESTINATION <dir>] [NO_INSTALL])
#
# Builds the plugin library libcrucible-<name>.so, the file name the registry looks for
# (plugin_abi.hpp: kPluginFilePrefix + name + kPluginFileSuffix), as target crucible-<name>:
#  - a MODULE library linked to crucible::sdk (so to libcrucible.so: exceptions and interfaces
#    share one typeinfo) and with -Wl,--no-undefined (a missing symbol fails the link, not the
#    dlopen at a user's site);
#  - hidden visibility (-fvisibility=hidden, inlines hidden), so the only exported symbol is the
#    entry point crucible_plugin_v<ABI> written by CRUCIBLE_PLUGIN (sdk/plugin.hpp), and two
#    plugins loaded in one process cannot bind to each other's classes;
#  - built into OUTPUT_DIRECTORY: by default ${CRUCIBLE_BUILD_PLUGIN_DIR} (in crucible's own tree
#    lib/crucible/plugins; in a project using the installed package <build>/plugins, which is
#    what its tests put on CRUCIBLE_PLUGIN_PATH);
#  - installed (unless NO_INSTALL) into INSTALL_DESTINATION, by default
#    ${CMAKE_INSTALL_LIBDIR}/crucible/plugins under the project's install prefix: the directory an
#    installed crucible of the same prefix searches without any environment variable. Its
#    RUNPATH there is $ORIGIN-relative to <libdir>, where libcrucible.so is installed.
# Never strip an installed plugin: the registry finds the entry point in .symtab (docs/abi.md).
# The one definition for in-tree plugins and, through the installed crucibleConfig.cmake,
# for out-of-tree ones.
function(crucible_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES" ${ARGN})
  if(NOT name OR name MATCHES "[/ ]")
    message(FATAL_ERROR "crucible_add_plugin: wanted a plugin name (no '/' or space) first, "
                        "found '${name}'")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "crucible_add_plugin(${name}): SOURCES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "crucible_add_plugin(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${CRUCIBLE_BUILD_PLUGIN_DIR})
  endif()
  if(NOT ARG_INSTALL_DESTINATION)
    include(GNUInstallDirs)
    set(ARG_INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/crucible/plugins)
  endif()
  # RUNPATH from the install place to <libdir>, where libcrucible.so is installed.
  set(runpath "")
  if(NOT IS_ABSOLUTE "${ARG_INSTALL_DESTINATION}")
    file(RELATIVE_PATH to_libdir /${ARG_INSTALL_DESTINATION} /${CMAKE_INSTALL_LIBDIR})
    set(runpath "$ORIGIN/${to_libdir}")
  endif()
  set(target crucible-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE crucible::sdk)
  if(TARGET crucible_warnings)
    target_link_libraries(${target} PRIVATE crucible_warnings)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME crucible-${name}
    SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
    INSTALL_RPATH "${runpath}")
  # Not under clang's sanitizers, whose runtime is linked into the program, not the plugin.
  if(NOT (CRUCIBLE_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang") AND NOT CRUCIBLE_FUZZ)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${ARG_INSTALL_DESTINATION})
  endif()
endfunction()
