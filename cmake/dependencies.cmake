# Every dependency comes from a Debian package; a missing one stops configure with
# the name of the package to install (scripts/setup installs them all).
find_package(PkgConfig QUIET)

function(bt86_missing what package)
  message(FATAL_ERROR "bt86: ${what} not found: install the Debian package '${package}' "
                      "(scripts/setup installs every dependency)")
endfunction()

find_package(SDL2 CONFIG QUIET)
if(NOT SDL2_FOUND)
  bt86_missing("SDL2" "libsdl2-dev")
endif()

find_package(zstd CONFIG QUIET)
if(NOT zstd_FOUND)
  bt86_missing("zstd" "libzstd-dev")
endif()

find_package(zydis 4 CONFIG QUIET)
if(NOT zydis_FOUND)
  bt86_missing("Zydis 4" "libzydis-dev")
endif()

if(NOT PKG_CONFIG_FOUND)
  bt86_missing("pkg-config" "pkg-config")
endif()
pkg_check_modules(CMOCKA QUIET IMPORTED_TARGET cmocka)
if(NOT CMOCKA_FOUND)
  bt86_missing("cmocka" "libcmocka-dev")
endif()
pkg_check_modules(XXHASH QUIET IMPORTED_TARGET libxxhash)
if(NOT XXHASH_FOUND)
  bt86_missing("xxHash" "libxxhash-dev")
endif()

find_program(NASM nasm)
if(NOT NASM)
  bt86_missing("nasm" "nasm")
endif()

# Debian's zstd config exports libzstd_shared; give it one name for the rest.
if(TARGET zstd::libzstd_shared)
  add_library(bt86_zstd ALIAS zstd::libzstd_shared)
else()
  add_library(bt86_zstd ALIAS zstd::libzstd_static)
endif()
