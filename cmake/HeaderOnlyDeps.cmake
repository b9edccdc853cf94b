# Cross builds (MinGW) and the clang + libc++ build: Debian's libfmt is built for
# libstdc++ on Linux and /usr/include holds Linux system headers, so the header-only
# libraries are exposed through a folder that holds nothing else, and fmt is used
# header-only. The headers are found where the system or Homebrew put them, or in
# NETLAB_SYSTEM_INCLUDE_DIR.
find_path(NETLAB_SYSTEM_INCLUDE_DIR asio.hpp
  PATHS /usr/include /opt/homebrew/include /usr/local/include NO_CMAKE_FIND_ROOT_PATH)
set(_hdr_root "${NETLAB_SYSTEM_INCLUDE_DIR}")
set(_isolated "${CMAKE_BINARY_DIR}/isolated-include")
file(MAKE_DIRECTORY "${_isolated}")
foreach(_entry asio asio.hpp CLI fmt doctest)
  if(NOT EXISTS "${_hdr_root}/${_entry}")
    message(FATAL_ERROR "Header-only dependency ${_hdr_root}/${_entry} not found")
  endif()
  file(CREATE_LINK "${_hdr_root}/${_entry}" "${_isolated}/${_entry}" SYMBOLIC)
endforeach()

find_package(Threads REQUIRED)
add_library(asio::asio INTERFACE IMPORTED)
target_include_directories(asio::asio SYSTEM INTERFACE "${_isolated}")
# ASIO_DISABLE_STD_ALIGNED_ALLOC: see Findasio.cmake.
target_compile_definitions(asio::asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(asio::asio INTERFACE Threads::Threads)
if(WIN32)
  target_compile_definitions(asio::asio INTERFACE _WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX)
  target_link_libraries(asio::asio INTERFACE ws2_32 mswsock bcrypt)
endif()

add_library(fmt::fmt INTERFACE IMPORTED)
target_include_directories(fmt::fmt SYSTEM INTERFACE "${_isolated}")
target_compile_definitions(fmt::fmt INTERFACE FMT_HEADER_ONLY)

add_library(CLI11::CLI11 INTERFACE IMPORTED)
target_include_directories(CLI11::CLI11 SYSTEM INTERFACE "${_isolated}")

if(BUILD_TESTING)
  add_library(doctest::doctest INTERFACE IMPORTED)
  target_include_directories(doctest::doctest SYSTEM INTERFACE "${_isolated}")
  find_file(NETLAB_DOCTEST_CMAKE doctest.cmake
    PATHS /usr/lib/cmake/doctest /usr/share/doctest/cmake "${_hdr_root}/../lib/cmake/doctest" NO_CMAKE_FIND_ROOT_PATH)
  if(NETLAB_DOCTEST_CMAKE)
    include("${NETLAB_DOCTEST_CMAKE}")
  endif()
endif()
