#!/usr/bin/env python3
"""make fuzz's coverage (FUZZ_COVERAGE=1, issue 22): which of hv's
functions the fuzz runs reached. The coverage build of hv.efi (make
coverage: -fsanitize-coverage=trace-pc, vmm/coverage.c) prints, after
each run's summary, the distinct basic blocks that ran ("hv: cov X X
..." lines, offsets in build/cov/hv.so). Each block is named with
addr2line, its whole inline chain counted (hv's handlers are largely
inlined into the dispatcher), so a function ran when any block of its
code did.

    fuzz_coverage.py HV_SO EXIT_C STEP_LOG...

One STEP_LOG a run, in the boot's order (scripts/fuzz.sh's
step-fuzz-SEED:FIRST:COUNT.log). Prints the report. With FUZZ_CORPUS=FILE
set, appends to FILE, as seeds-file lines (SEED:BATCHES), each run that
reached a function of vmm/exit/ or vmm/flat/ (FUZZ_COVERAGE_DIRS: other
folders) that no run before it in
this boot had, unless FILE or FUZZ_CORPUS_HAVE (another seeds file)
already lists it.
Exit: 0 report printed, 1 no coverage lines in the logs."""
import os
import re
import subprocess
import sys

# The exit handlers: vmm/exit/exit.c's table, "[EXIT_REASON_X] = handle_y,".
TABLE = re.compile(r"^\s*\[EXIT_REASON_([A-Z0-9_]+)\] = (\w+),", re.M)
# Where the fuzz guest can reach: the exit layer and its machine's folders
# (FUZZ_COVERAGE_DIRS, space-separated; the flat machine's by default).
REACHABLE = tuple(os.environ.get("FUZZ_COVERAGE_DIRS",
                                 "vmm/exit/ vmm/flat/").split())
STEP = re.compile(r"step-fuzz-(\d+):0:(\d+)")


def blocks(log):
    s = set()
    for line in open(log, errors="replace"):
        if line.startswith("hv: cov "):
            s.update(int(x, 16) for x in line.split()[2:])
    return s


def seeds_of(path):
    if not path or not os.path.exists(path):
        return set()
    return {ln.split()[0] for ln in open(path)
            if ln.strip() and not ln.lstrip().startswith("#")}


def inline_chains(so, offsets):
    """offset -> set of (function, file) of its whole inline chain."""
    out = {}
    offsets = sorted(offsets)
    for i in range(0, len(offsets), 4000):
        part = offsets[i:i + 4000]
        text = subprocess.run(["addr2line", "-f", "-i", "-a", "-e", so] +
                              [hex(o) for o in part], capture_output=True,
                              text=True, check=True).stdout
        addr, fn = None, None
        for ln in text.splitlines():
            if ln.startswith("0x") and fn is None:
                addr = int(ln, 16)
                out.setdefault(addr, set())
                continue
            if fn is None:
                fn = ln
            else:
                out[addr].add((fn, ln.split(":")[0]))
                fn = None
    return out


def defined_functions(so):
    """(function, file) of every function nm lists, .cold/.isra merged."""
    text = subprocess.run(["nm", "-l", "--defined-only", so],
                          capture_output=True, text=True, check=True).stdout
    funcs = set()
    for ln in text.splitlines():
        parts = ln.split()
        if len(parts) < 4 or parts[1] not in "tT":
            continue
        funcs.add((parts[2].split(".")[0], parts[3].split(":")[0]))
    return funcs


def rel(path):
    i = path.find("vmm/")
    return path[i:] if i >= 0 else path


def main():
    so, exit_c, logs = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs = [(log, blocks(log)) for log in logs]
    runs = [(log, b) for log, b in runs if b]
    if not runs:
        print("  coverage: no 'hv: cov' lines (was build/cov/hv.efi booted?)")
        return 1
    every = set().union(*(b for _, b in runs))
    chains = inline_chains(so, every)

    def funcs_of(offsets):
        s = set()
        for o in offsets:
            s |= {(f.split(".")[0], rel(p)) for f, p in chains.get(o, ())}
        return s

    ran = funcs_of(every)
    ran_names = {f for f, _ in ran}
    handlers = sorted({h for _, h in TABLE.findall(open(exit_c).read())})
    never_h = [h for h in handlers if h not in ran_names]
    universe = {(f, rel(p)) for f, p in defined_functions(so)
                if rel(p).startswith(REACHABLE)}
    universe |= {fp for fp in ran if fp[1].startswith(REACHABLE)}
    print(f"  coverage ({len(runs)} runs of build/cov/hv.efi, "
          f"{len(every)} distinct basic blocks of hv in all):")
    print(f"    exit handlers (vmm/exit/exit.c's table) that ran: "
          f"{len(handlers) - len(never_h)} of {len(handlers)}; never: "
          f"{' '.join(never_h) or 'none'}")
    by_file = {}
    for f, p in universe:
        e = by_file.setdefault(p, [0, 0, []])
        e[1] += 1
        if (f, p) in ran:
            e[0] += 1
        else:
            e[2].append(f)
    print(f"    functions of {' and '.join(REACHABLE)} that ran (inlined ones "
          f"counted where their code ran): "
          f"{sum(e[0] for e in by_file.values())} of {len(universe)}")
    for p in sorted(by_file):
        n, t, miss = by_file[p]
        print(f"      {p:32s} {n:3d} of {t:3d}"
              f"{'; never: ' + ' '.join(sorted(miss)) if miss else ''}")
    # Each run's reachable functions that no earlier run of the boot had.
    seen, new_runs = set(), []
    for log, b in runs:
        fs = {fp for fp in funcs_of(b) if fp[1].startswith(REACHABLE)}
        new = fs - seen
        m = STEP.search(log)
        if new and m:
            new_runs.append((f"{m.group(1)}:{m.group(2)}",
                             sorted(f for f, _ in new)))
        seen |= fs
    print(f"    runs that reached functions no earlier run had: "
          f"{len(new_runs)}")
    for name, new in new_runs:
        print(f"      {name}: {' '.join(new[:8])}"
              f"{' ...' if len(new) > 8 else ''}")
    corpus = os.environ.get("FUZZ_CORPUS")
    if corpus:
        have = seeds_of(corpus) | seeds_of(os.environ.get("FUZZ_CORPUS_HAVE"))
        add = [(n, new) for n, new in new_runs if n not in have]
        with open(corpus, "a") as fh:
            for n, new in add:
                fh.write(f"{n}  # new: {' '.join(new[:6])}\n")
        print(f"    corpus {corpus}: {len(add)} runs added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
