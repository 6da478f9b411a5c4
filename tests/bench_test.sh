#!/usr/bin/env bash
# make bench keeps working: one Bochs boot, two runs of the benchmark
# guest, every row measured, and the two runs' figures identical (Bochs
# with clock sync=none counts instructions). The figures themselves are
# not judged here: make bench prints them beside the target.
set -u
cd "$(dirname "$0")/.."
out=$(timeout 960 scripts/bench.sh build/test/bench 2>&1)
rc=$?
fail=0
if [ "$rc" -eq 0 ]; then
	echo "ok - make bench: both runs completed"
else
	echo "not ok - make bench exited $rc:"
	tail -n 15 <<<"$out" | sed 's/^/    /'
	exit 1
fi
for row in "cpuid (leaf 0)" "vmcall (HV_HC_VERSION)" "out 0x3f9 (UART IER)" \
	"rdmsr IA32_EFER" "mov to cr3" "mov from cr3" "preemption_timer (slice)" \
	"hlt (one way, +1 PRINT)"; do
	n=$(grep -cE "^  $(sed 's/[()+]/\\&/g' <<<"$row") +\| +[1-9][0-9]* \|" <<<"$out")
	if [ "$n" -eq 2 ]; then
		echo "ok - make bench: '$row' measured in both runs"
	else
		echo "not ok - make bench: '$row' measured in $n of 2 runs"
		fail=1
	fi
done
grep -q '^repeatable: yes' <<<"$out" && echo "ok - make bench: the two runs' figures are identical" ||
	{ echo "not ok - make bench: the runs' figures differ:"; grep -A4 '^repeatable' <<<"$out" | sed 's/^/    /'; fail=1; }
grep -qE '^  VMM work per exit \(whole run, host-side counters\): [0-9]+\.[0-9]+ VMREADs' <<<"$out" &&
	echo "ok - make bench: the VMM's own work per exit is reported" ||
	{ echo "not ok - make bench: no VMM work per exit"; fail=1; }
grep -qE '^minimum \(hand-counted\) CPUID round trip: [0-9]+ ticks; measured min [0-9]+ = ' <<<"$out" &&
	echo "ok - make bench: the CPUID figure is printed beside the hand-counted minimum" ||
	{ echo "not ok - make bench: no minimum line"; fail=1; }
# Two ways to one figure: the guest's RDTSC round trip (Bochs ticks) and
# the instruction trace of one exit must agree to a few ticks (the VM exit
# and entry themselves, the fences).
measured=$(sed -n 's/^minimum (hand-counted) CPUID round trip: [0-9]* ticks; measured min \([0-9]*\) .*/\1/p' <<<"$out")
traced=$(sed -n 's/^ *\([0-9]*\)  host instructions in all.*/\1/p' <<<"$out")
if [ -n "$measured" ] && [ -n "$traced" ] && [ $((measured - traced)) -ge 0 ] &&
	[ $((measured - traced)) -le 5 ]; then
	echo "ok - make bench: the traced CPUID exit ($traced host instructions) accounts for the measured $measured ticks"
else
	echo "not ok - make bench: traced ${traced:-?} host instructions vs measured ${measured:-?} ticks"
	fail=1
fi
exit $fail
