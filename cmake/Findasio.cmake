# Standalone asio. vcpkg ships a CMake config (asio::asio); Debian's libasio-dev ships
# only headers, so fall back to finding asio.hpp and wrapping it in the same target.
find_package(asio CONFIG QUIET)
if(NOT TARGET asio::asio)
  find_path(ASIO_INCLUDE_DIR NAMES asio.hpp)
  if(ASIO_INCLUDE_DIR AND EXISTS "${ASIO_INCLUDE_DIR}/asio/version.hpp")
    file(STRINGS "${ASIO_INCLUDE_DIR}/asio/version.hpp" _asio_ver REGEX "#define ASIO_VERSION ")
    string(REGEX MATCH "[0-9]+" _asio_num "${_asio_ver}")
    math(EXPR _maj "${_asio_num} / 100000")
    math(EXPR _min "${_asio_num} / 100 % 1000")
    math(EXPR _pat "${_asio_num} % 100")
    set(asio_VERSION "${_maj}.${_min}.${_pat}")
  endif()
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(asio REQUIRED_VARS ASIO_INCLUDE_DIR VERSION_VAR asio_VERSION)
  if(asio_FOUND)
    find_package(Threads REQUIRED)
    add_library(asio::asio INTERFACE IMPORTED)
    set_target_properties(asio::asio PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${ASIO_INCLUDE_DIR}")
    target_link_libraries(asio::asio INTERFACE Threads::Threads)
  endif()
else()
  set(asio_FOUND TRUE)
endif()
if(TARGET asio::asio)
  # Applied to both the system and the vcpkg target: standalone, no deprecated API, and
  # ASIO_DISABLE_STD_ALIGNED_ALLOC. asio decides whether to use aligned_alloc from
  # _GLIBCXX_HAVE_ALIGNED_ALLOC, which exists only once a standard header was included:
  # translation units that include asio first and those that do not then disagree, and
  # memory from aligned_alloc is freed with operator delete (ASan: alloc-dealloc-mismatch).
  set_property(TARGET asio::asio APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
    ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_DISABLE_STD_ALIGNED_ALLOC)
  if(WIN32)
    set_property(TARGET asio::asio APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS _WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX)
    set_property(TARGET asio::asio APPEND PROPERTY INTERFACE_LINK_LIBRARIES ws2_32 mswsock bcrypt)
  endif()
endif()
