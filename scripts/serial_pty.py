#!/usr/bin/env python3
"""Runs an emulator whose serial port is a pseudo-terminal: logs what the
machine writes to it, types into it, or hands it to the user's terminal.

    serial_pty.py --link PATH --log FILE [--type-after REGEX TEXT]...
                  [--interactive] -- COMMAND ...

Bochs writes COM1 to a plain file ("com1: mode=file") but cannot read one;
"com1: mode=term, dev=PATH" opens PATH, a terminal, for both directions
(raw, non-blocking). This opens a pseudo-terminal, makes PATH a symbolic
link to its slave side, runs COMMAND (Bochs, with PATH in its bochsrc) and
works the master side:

  - every byte the machine writes is appended to FILE at once, so
    scripts/run.sh follows FILE exactly as it follows "mode=file";
  - --type-after REGEX TEXT: once a line written by the machine matches
    REGEX (a Python regular expression, searched in the line with the
    firmware's escapes and carriage returns removed), TEXT and a carriage
    return (the Enter key of a serial terminal) are typed, once; a TEXT
    that ends in the two characters \\c is typed without them and
    without the carriage return (echo's "no newline"), for a key
    sequence such as hv's Ctrl-A x. Under
    OVMF they reach the firmware's console input (its terminal driver
    reads COM1), where hv.efi reads them for its guest. Given more than
    once, the pairs are worked in order: the second REGEX is looked for
    only after the first TEXT was typed (one boot, several guests);
  - --interactive: what the machine writes also goes to this process's
    standard output, and what the user types (standard input, put in raw
    mode when it is a terminal) is typed into the machine; Ctrl-] ends the
    session (stops COMMAND), as in telnet;
  - --output FILE: COMMAND's own standard output and error are appended
    to FILE (the emulator's log), not mixed into the console;
  - --times FILE: each line the machine writes, cleaned, after the wall
    seconds since COMMAND started (where a Bochs boot spends its time).

Exits with COMMAND's status (128+N when a signal N ended it).
"""
import argparse
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time
import tty

ESCAPES = re.compile(rb"\x1b\[[0-9;=?]*[A-Za-z]")
CTRL_RIGHT_BRACKET = b"\x1d"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--link", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--type-after", nargs=2, metavar=("REGEX", "TEXT"),
                    action="append", default=[])
    ap.add_argument("--interactive", action="store_true")
    ap.add_argument("--times")
    ap.add_argument("--output")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("no command")

    master, slave = pty.openpty()
    # Raw from the start: no echo of typed bytes, no CR/LF translation
    # (Bochs sets raw mode too once it has opened the slave).
    tty.setraw(slave)
    try:
        os.unlink(a.link)
    except FileNotFoundError:
        pass
    os.symlink(os.ttyname(slave), a.link)

    # (regex, text) pairs still to come, the first one being looked for.
    pending = [(re.compile(r.encode()),
                t[:-2].encode() if t.endswith("\\c") else t.encode() + b"\r")
               for r, t in a.type_after]

    output = open(a.output, "ab") if a.output else None
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=output,
                             stderr=subprocess.STDOUT if output else None)
    # The slave stays open here too: when COMMAND closes it the master
    # would otherwise read EIO and lose what is still buffered.

    def stop(signum, _frame):
        child.terminate()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    stdin_fd = sys.stdin.fileno() if a.interactive else None
    saved = None
    if stdin_fd is not None and os.isatty(stdin_fd):
        saved = termios.tcgetattr(stdin_fd)
        tty.setraw(stdin_fd)
    log = open(a.log, "ab", buffering=0)
    times = open(a.times, "w", buffering=1) if a.times else None
    t0 = time.monotonic()
    line = b""
    tline = b""
    try:
        while True:
            fds = [master] + ([stdin_fd] if stdin_fd is not None else [])
            ready, _, _ = select.select(fds, [], [], 0.2)
            if master in ready:
                data = os.read(master, 65536)
                log.write(data)
                if a.interactive:
                    os.write(sys.stdout.fileno(), data)
                if times is not None:
                    tline += data
                    *done, tline = tline.split(b"\n")
                    for d in done:
                        d = ESCAPES.sub(b"", d).replace(b"\r", b"").strip()
                        if d:
                            times.write("%8.1f %s\n" % (time.monotonic() - t0,
                                                         d.decode(errors="replace")))
                if pending:
                    line += data
                    *done, line = line.split(b"\n")
                    for d in done:
                        if pending and pending[0][0].search(
                                ESCAPES.sub(b"", d).replace(b"\r", b"")):
                            # The guest prints its prompt, then reads: a
                            # moment for it to get there.
                            time.sleep(0.5)
                            os.write(master, pending.pop(0)[1])
            if stdin_fd is not None and stdin_fd in ready:
                data = os.read(stdin_fd, 1024)
                if not data or CTRL_RIGHT_BRACKET in data:
                    data = data.split(CTRL_RIGHT_BRACKET)[0]
                    if data:
                        os.write(master, data)
                    child.terminate()
                    stdin_fd = None
                else:
                    os.write(master, data)
            if child.poll() is not None and master not in ready:
                break
    finally:
        if saved is not None:
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
        log.close()
        try:
            os.unlink(a.link)
        except FileNotFoundError:
            pass
    rc = child.wait()
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    sys.exit(main())
