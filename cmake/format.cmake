# `ninja format` rewrites the sources with the project's .clang-format;
# `ninja check-format` fails on any file that is not formatted.
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
if(CLANG_FORMAT)
  file(GLOB_RECURSE format_sources CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/src/*.[ch] ${CMAKE_SOURCE_DIR}/tests/*.[ch]
       ${CMAKE_SOURCE_DIR}/bench/*.[ch])
  add_custom_target(format COMMAND ${CLANG_FORMAT} -i ${format_sources}
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} VERBATIM)
  add_custom_target(check-format
                    COMMAND ${CLANG_FORMAT} --dry-run --Werror ${format_sources}
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} VERBATIM)
else()
  add_custom_target(check-format COMMAND ${CMAKE_COMMAND} -E echo
                    "bt86: clang-format not found: install the Debian package 'clang-format'"
                    COMMAND ${CMAKE_COMMAND} -E false)
endif()
