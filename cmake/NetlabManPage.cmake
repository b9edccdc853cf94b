# Writes netlab.1 with help2man from the real binary: `netlab --help` for the NAME,
# SYNOPSIS, DESCRIPTION and OPTIONS, and, in an include file made here, `netlab SUB --help`
# of every subcommand that `netlab --help` lists, so the page cannot drift from the binary.
# Usage: cmake -DNETLAB=BIN -DHELP2MAN=PROG -DVERSION=X.Y.Z -DOUTPUT=FILE -P NetlabManPage.cmake
set(ENV{NO_COLOR} 1)
set(ENV{COLUMNS} 80)

function(netlab_help out)
  execute_process(COMMAND "${NETLAB}" ${ARGN} --help OUTPUT_VARIABLE _text RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "'netlab ${ARGN} --help' failed (${_rc})")
  endif()
  set(${out} "${_text}" PARENT_SCOPE)
endfunction()

# roff_block TEXT: TEXT as a no-fill block, safe for roff: backslashes and hyphens escaped
# (\- prints an ASCII hyphen, so options stay searchable), no line read as a request.
function(roff_block out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} ".nf\n${text}.fi\n" PARENT_SCOPE)
endfunction()

netlab_help(_top)
# The "Subcommands:" block: two spaces, the name, its one-line summary.
string(REGEX MATCH "\nSubcommands:\n(  [^\n]*\n)+" _block "${_top}")
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" _names "${_block}")
if(NOT _names)
  message(FATAL_ERROR "no subcommands found in 'netlab --help':\n${_top}")
endif()

set(_include "[NAME]\nnetlab \\- network diagnostics from the socket API up\n\n[SUBCOMMANDS]\n")
string(APPEND _include "Each subcommand's own \\fB\\-\\-help\\fR, as \\fBnetlab\\fR prints it.\n")
foreach(_name IN LISTS _names)
  string(STRIP "${_name}" _name)
  netlab_help(_sub ${_name})
  roff_block(_text "${_sub}")
  string(APPEND _include ".SS \"netlab ${_name}\"\n${_text}")
endforeach()
string(APPEND _include "\n[SEE ALSO]\nThe README.md and docs/ folder of netlab's source; \\fBcurl\\fR(1), \\fBnmap\\fR(1), \\fBnc\\fR(1).\n")

get_filename_component(_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
file(WRITE "${OUTPUT}.include" "${_include}")
execute_process(COMMAND "${HELP2MAN}" --no-info --section=1 --version-string=${VERSION}
    --source=netlab "--manual=User Commands" --include=${OUTPUT}.include --output=${OUTPUT}.tmp "${NETLAB}"
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "help2man failed (${_rc})")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${OUTPUT}.include")
