# Warnings, sanitizers and ccache, applied through one interface target so that every
# netlab target opts in the same way and third-party headers stay quiet (-isystem).
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(_ccache_default ON)
else()
  set(_ccache_default OFF)
endif()
option(NETLAB_CCACHE "Compile through ccache (on when ccache is found)" ${_ccache_default})
if(NETLAB_CCACHE AND NOT CCACHE_PROGRAM)
  message(STATUS "ccache: not found, compiling without it")
elseif(NETLAB_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  # ccache keeps its cache under HOME (~/.cache/ccache) unless CCACHE_DIR says otherwise,
  # and fails every compile when it cannot create it there (a build user whose HOME is
  # missing, read-only or /dev/null). Probe the folder it would use; when that cannot be
  # written, keep the cache inside the build tree instead.
  execute_process(COMMAND "${CCACHE_PROGRAM}" --get-config cache_dir
    OUTPUT_VARIABLE _ccache_dir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _ccache_rc ERROR_QUIET)
  string(MAKE_C_IDENTIFIER "${CMAKE_CURRENT_BINARY_DIR}" _ccache_probe_name)
  set(_ccache_probe "${_ccache_dir}/tmp/netlab-probe-${_ccache_probe_name}")
  set(_ccache_writable FALSE)
  if(_ccache_rc EQUAL 0 AND _ccache_dir)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E make_directory "${_ccache_dir}/tmp"
      RESULT_VARIABLE _mkdir_rc OUTPUT_QUIET ERROR_QUIET)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E touch "${_ccache_probe}"
      RESULT_VARIABLE _touch_rc OUTPUT_QUIET ERROR_QUIET)
    file(REMOVE "${_ccache_probe}")
    if(_mkdir_rc EQUAL 0 AND _touch_rc EQUAL 0)
      set(_ccache_writable TRUE)
    endif()
  endif()
  # Paths are hashed relative to the source tree (base_dir, and no hash of the build folder),
  # so a second clone or worktree reuses the first one's objects instead of compiling all
  # again; -ffile-prefix-map below keeps __FILE__ and debug paths the same in every clone.
  set(_ccache_env "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" "CCACHE_NOHASHDIR=true")
  if(NOT _ccache_writable)
    set(_ccache_local "${CMAKE_BINARY_DIR}/ccache")
    message(STATUS "ccache: cannot write its cache in '${_ccache_dir}', keeping it in ${_ccache_local} "
                   "(set CCACHE_DIR, or NETLAB_CCACHE=OFF to compile without ccache)")
    list(APPEND _ccache_env "CCACHE_DIR=${_ccache_local}")
  endif()
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CMAKE_COMMAND}" -E env ${_ccache_env} "${CCACHE_PROGRAM}")
endif()

add_library(netlab_warnings INTERFACE)
if(MSVC)
  target_compile_options(netlab_warnings INTERFACE /W4 /permissive- /utf-8)
  if(NETLAB_WERROR)
    target_compile_options(netlab_warnings INTERFACE /WX)
  endif()
else()
  target_compile_options(netlab_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    "-ffile-prefix-map=${CMAKE_SOURCE_DIR}/=")
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
    if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      # clang 14's function-type check cannot place its prologue data in a coroutine's
      # split frames ("Cannot represent a difference across sections"); GCC's UBSan has no
      # such check, so both compilers check the same set.
      add_compile_options(-fno-sanitize=function)
    endif()
  endif()
  add_link_options(-fsanitize=${_sanitizers})
endif()

if(NETLAB_FUZZ)
  # libFuzzer's coverage in every library; only the fuzz targets link its driver (main).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
