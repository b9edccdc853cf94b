#!/usr/bin/env python3
"""completions/_netlab in a real interactive zsh on a pseudo-terminal: compinit loads it
from $fpath, a line is typed with a Tab, and the line zsh completes to (or the list it
shows) must hold the expected words. Usage: test_zsh.py SOURCE_DIR"""
import os
import pty
import re
import select
import shutil
import signal
import sys
import tempfile
import time

src = sys.argv[1]
if not shutil.which("zsh"):
    sys.exit("zsh is not installed")
home = tempfile.mkdtemp()
site = os.path.join(home, "site")
os.mkdir(site)
open(os.path.join(home, "site.txt"), "w").close()
with open(os.path.join(home, ".zshrc"), "w") as rc:
    rc.write(f"fpath=({os.path.abspath(os.path.join(src, 'completions'))} $fpath)\n"
             "autoload -U compinit && compinit -u -d $HOME/.zcompdump\n"
             "zstyle ':completion:*' list-prompt ''\n"
             "PS1='READY> '\n")


MARKER = "ZZDONE7731"


def plain(raw):
    """What a person would read: no colour or cursor sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\x08", "", raw.decode(errors="replace"))


def run(line, timeout=20.0):
    """Types `line` and a Tab in a fresh zsh; returns what the terminal showed after it.
    zsh handles keys in order, so a marker typed after the Tab is echoed only once the
    completion is done: its echo is the end of what the Tab showed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(HOME=home, ZDOTDIR=home, TERM="xterm", PATH=os.environ["PATH"])
        os.execvp("zsh", ["zsh", "-i"])
    out = b""

    def read_until(marker, deadline):
        nonlocal out
        while time.monotonic() < deadline and marker not in plain(out):
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break

    deadline = time.monotonic() + timeout
    read_until("READY> ", deadline)
    start = len(out)
    os.write(fd, line.encode() + b"\t" + MARKER.encode())
    read_until(MARKER, deadline)
    shown = plain(out[start:])
    if MARKER not in shown:
        shown += f" [no echo of the marker typed after the Tab within {timeout:g} s]"
    os.kill(pid, signal.SIGKILL)  # the shell we started, by its PID
    os.waitpid(pid, 0)
    os.close(fd)
    return shown


failures = 0
for line, wanted in [
    ("netlab serve-h", ["serve-http"]),
    ("netlab --color ", ["always", "auto", "never"]),
    ("netlab get --outp", ["--output"]),
    ("netlab completions ", ["bash", "fish", "powershell", "zsh"]),
    ("netlab portscan -p ss", ["ssh"]),
    (f"netlab serve-http {home}/si", [f"{home}/site/"]),
    ("netlab udp-", ["udp-listen", "udp-send"]),
]:
    shown = run(line)
    missing = [w for w in wanted if w not in shown]
    if missing:
        failures += 1
        print(f"FAIL: {line!r} did not show {missing}; the terminal showed {shown!r}")
    else:
        print(f"ok: {line!r} shows {wanted}")
shutil.rmtree(home, ignore_errors=True)
sys.exit(1 if failures else 0)
