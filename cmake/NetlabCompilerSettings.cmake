# Warnings, sanitizers and ccache, applied through one interface target so that every
# netlab target opts in the same way and third-party headers stay quiet (-isystem).
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

add_library(netlab_warnings INTERFACE)
if(MSVC)
  target_compile_options(netlab_warnings INTERFACE /W4 /permissive- /utf-8)
  if(NETLAB_WERROR)
    target_compile_options(netlab_warnings INTERFACE /WX)
  endif()
else()
  target_compile_options(netlab_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports std::string appends as overlapping memcpy at -O2 (GCC bug 105651).
    target_compile_options(netlab_warnings INTERFACE -Wno-restrict)
  endif()
  if(NETLAB_WERROR)
    target_compile_options(netlab_warnings INTERFACE -Werror)
  endif()
endif()

if(NETLAB_SANITIZE)
  set(_sanitizers "${NETLAB_SANITIZE}")
  if(_sanitizers STREQUAL "ON")
    set(_sanitizers address,undefined)
  endif()
  add_compile_options(-fsanitize=${_sanitizers} -fno-omit-frame-pointer)
  if(_sanitizers MATCHES "undefined")
    # A report is a failure, not a line scrolled past.
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_link_options(-fsanitize=${_sanitizers})
endif()

if(NETLAB_FUZZ)
  # libFuzzer's coverage in every library; only the fuzz targets link its driver (main).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
