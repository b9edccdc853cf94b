# The man page and the packages: `cmake --install` puts everything where a system looks;
# `cpack` (or the package presets: cmake --workflow --preset package / package-mingw)
# makes a .deb and a .tar.gz on Linux, a .zip on Windows.

# share/man/man1/netlab.1, generated with help2man from the real --help of netlab and of
# every subcommand, so it cannot drift. Needs the binary to run here: not when cross
# compiling.
find_program(HELP2MAN_PROGRAM help2man)
if(HELP2MAN_PROGRAM AND NOT CMAKE_CROSSCOMPILING)
  set(NETLAB_MAN_PAGE "${PROJECT_BINARY_DIR}/share/man/man1/netlab.1")
  add_custom_command(OUTPUT "${NETLAB_MAN_PAGE}"
    COMMAND "${CMAKE_COMMAND}" -DNETLAB=$<TARGET_FILE:netlab> -DHELP2MAN=${HELP2MAN_PROGRAM}
            -DVERSION=${PROJECT_VERSION} -DOUTPUT=${NETLAB_MAN_PAGE} -P ${PROJECT_SOURCE_DIR}/cmake/NetlabManPage.cmake
    DEPENDS netlab "${PROJECT_SOURCE_DIR}/cmake/NetlabManPage.cmake"
    COMMENT "Generating the man page netlab.1 (help2man)"
    VERBATIM)
  add_custom_target(netlab_man_page ALL DEPENDS "${NETLAB_MAN_PAGE}")
  install(FILES "${NETLAB_MAN_PAGE}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
elseif(NOT CMAKE_CROSSCOMPILING)
  message(STATUS "help2man not found: no man page (Debian/Ubuntu: apt-get install help2man)")
endif()

# CPack. The version is project(VERSION)'s (CPACK_PACKAGE_VERSION defaults to it).
set(NETLAB_PACKAGE_MAINTAINER "netlab maintainers <maintainers@netlab.invalid>"
  CACHE STRING "Maintainer named in the .deb (Name <email>)")
set(CPACK_PACKAGE_NAME netlab)
set(CPACK_PACKAGE_VENDOR "the netlab contributors")
set(CPACK_PACKAGE_CONTACT "${NETLAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "netlab is one program for everyday network diagnostics, built on the
socket API: serve-http serves a folder over HTTP/1.1 and shows each request;
get fetches URLs with curl's everyday options; portscan is a TCP connect
scanner that can wait for a service in CI; udp-send and udp-listen send,
receive and measure UDP datagrams; demux-demo shows how the transport layer
hands data to sockets. Every subcommand prints JSON lines on request and can
trace its socket calls.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)
string(TOLOWER "${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}" _platform)
set(CPACK_PACKAGE_FILE_NAME "netlab-${PROJECT_VERSION}-${_platform}")
if(WIN32)
  set(CPACK_GENERATOR ZIP)
elseif(APPLE)
  set(CPACK_GENERATOR TGZ)
else()
  set(CPACK_GENERATOR DEB TGZ)
endif()
# .deb: Depends from dpkg-shlibdeps (the libraries the binary really links).
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git" "/build/")
include(CPack)
