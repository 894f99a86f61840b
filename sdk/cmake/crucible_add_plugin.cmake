# crucible_add_plugin(<name> [OUTPUT_DIRECTORY dir] SOURCES ...)
#
# Builds libcrucible-<name>.so, the file the registry looks for, with hidden visibility so the
# only exported symbol is the entry point written by CRUCIBLE_PLUGIN (see plugin.hpp), linked
# against libcrucible so exceptions and interfaces share one typeinfo. The target is named
# crucible-<name>.
function(crucible_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${CRUCIBLE_BUILD_PLUGIN_DIR})
  endif()
  set(target crucible-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE crucible::sdk crucible_warnings)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME crucible-${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
endfunction()
