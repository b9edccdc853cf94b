# The four dependencies, found and never downloaded. System packages on Debian, the
# vcpkg manifest on Windows and macOS, or header-only from an isolated folder for MinGW.
if(NETLAB_HEADER_ONLY_DEPS)
  include(HeaderOnlyDeps)
  return()
endif()

find_package(asio MODULE REQUIRED)        # cmake/Findasio.cmake tries asio's CONFIG first
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
if(BUILD_TESTING)
  find_package(doctest REQUIRED)
  include(doctest)
endif()
