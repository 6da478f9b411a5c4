#!/usr/bin/env python3
"""Tabulates one traced VM exit: make bench's "where one CPUID round trip
goes". Reads a Bochs debugger trace ("trace on") that starts at HOST_RIP,
keeps the host's instructions up to the first one in the guest (below
hv.efi's image base), names each one's function with addr2line (inlined
helpers counted in the function they were inlined into) and prints the
count per function in the order the exit runs through them.

    exit_trace.py TRACE IMAGE_BASE HV_SO
Exit: 0 printed, 1 nothing of the host in the trace."""
import re
import subprocess
import sys

LINE = re.compile(r"^\(0\)\.\[\d+\] \[0x[0-9a-f]+\] [0-9a-f]+:([0-9a-f]+) "
                  r"\([^)]*\): (\S+)")


def host_instructions(trace, base):
    out = []
    for line in open(trace, errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        linear = int(m.group(1), 16)
        if linear < base:
            break  # back in the guest: the round trip is over
        out.append((linear - base, m.group(2)))
    return out


def function_names(so, offsets):
    """offset -> outermost function (addr2line -i lists inlines first)."""
    text = subprocess.run(["addr2line", "-f", "-i", "-a", "-e", so] +
                          [hex(o) for o in offsets],
                          capture_output=True, text=True, check=True).stdout
    names, addr, n = {}, None, 0
    for line in text.splitlines():
        if line.startswith("0x"):
            addr, n = int(line, 16), 0
            continue
        if n % 2 == 0:
            names[addr] = line
        n += 1
    return names


def main():
    trace, base, so = sys.argv[1], int(sys.argv[2], 16), sys.argv[3]
    insns = host_instructions(trace, base)
    if not insns:
        print("  no host instructions in the trace")
        return 1
    names = function_names(so, sorted({o for o, _ in insns}))
    counts = {}
    for offset, _ in insns:
        f = names.get(offset, "?")
        counts[f] = counts.get(f, 0) + 1
    for f, n in counts.items():
        print(f"  {n:5d}  {f}")
    mnemonics = [m for _, m in insns]
    print(f"  {len(insns):5d}  host instructions in all, HOST_RIP to "
          f"VMRESUME ({mnemonics.count('vmread')} VMREAD, "
          f"{mnemonics.count('vmwrite')} VMWRITE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
