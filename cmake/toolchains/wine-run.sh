#!/bin/sh
# Runs a Windows program under wine with the address space laid out without randomisation.
#
# Why: Debian's wine 8 has no preloader, so nothing reserves Windows' fixed addresses
# before the Linux loader runs. The kernel then puts the wine loader's heap (brk) anywhere
# in the gigabyte above 0x7d000000, and when it lands on 0x7ffe0000 wine cannot map the
# shared user data there: the process ends at once with exit 1 and, with WINEDEBUG=-all,
# no word ("err:virtual:virtual_alloc_first_teb wine: failed to map the shared user data:
# c0000018"); about one start in a few thousand. Without randomisation the heap follows the
# loader at 0x7d005000, far from it. Where the personality cannot be changed (a seccomp
# profile that forbids it), wine runs as it is.
if setarch -R true 2>/dev/null; then
    exec setarch -R wine "$@"
fi
exec wine "$@"
