# The layers ui -> dev -> jit -> cpu -> mem are static libraries. Code includes a
# layer's headers as "layer/file.h", and that path resolves only through a layer's
# own include root: build/layers/<name>/<name> is a link to src/<name>, and a target
# sees it only if it links that layer. So src/mem including "cpu/cpu.h" fails to
# compile: the build itself refuses an upward include. Relative includes that climb
# out of a folder ("../cpu/cpu.h") would dodge this, so configure rejects them.

function(bt86_layer name)
  cmake_parse_arguments(L "" "" "DEPS;LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c
       ${CMAKE_CURRENT_SOURCE_DIR}/*/*.c)
  file(GLOB headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.h
       ${CMAKE_CURRENT_SOURCE_DIR}/*/*.h)
  foreach(file IN LISTS sources headers)
    file(STRINGS ${file} climbing REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]\\.\\./")
    if(climbing)
      message(FATAL_ERROR "bt86: ${file} includes a header by a path that climbs out of "
                          "its folder; include it as \"layer/file.h\" instead")
    endif()
  endforeach()

  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${name} SYMBOLIC)

  add_library(bt86_${name} STATIC ${sources})
  target_include_directories(bt86_${name} PUBLIC ${root})
  foreach(dep IN LISTS L_DEPS)
    target_link_libraries(bt86_${name} PUBLIC bt86_${dep})
  endforeach()
  if(L_LIBS)
    target_link_libraries(bt86_${name} PUBLIC ${L_LIBS})
  endif()
endfunction()
