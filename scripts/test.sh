#!/usr/bin/env bash
# make test's driver: unit tests, lint, the vmcs tool, then boots on every
# usable platform, each bounded, each checked against its serial log.
# Ends with one line "N passed, N failed, N skipped"; exits non-zero on any
# failure.
#   test.sh                      everything (make test)
#   test.sh --boots              only the emulator boots (tests/integration.sh)
#   test.sh --boots --only P     only platform P's boots: bochs, qemu-tcg or
#                                kvm (nested KVM: qemu-kvm or kvm-in-bochs,
#                                whichever this host uses), or linux
#                                (one Bochs boot: Debian's kernel as
#                                hv.efi's guest; HV_LINUX=0 skips it), or
#                                input (one Bochs boot: bad files and
#                                options, each refused; --only bochs
#                                includes it), or resident (one Bochs
#                                boot with 2 CPUs: hv.efi --resident,
#                                docs/resident.md; then Debian's kernel
#                                on top of resident hv, 1 CPU)
#   test.sh --bench              only make bench's check (tests/bench_test.sh)
# The KVM-in-Bochs boot (15 to 20 minutes) runs in the background from the
# start, beside the rest; HV_KIB_PARALLEL=0 runs it in its turn instead.
# HV_KIB_SMP="4" (a list of CPU counts) adds, after it, one more such
# boot for each: the resident steps and Linux on that many CPUs
# (scripts/kvm-in-bochs/boot.sh --smp=N), about 11 minutes each.
set -uo pipefail
only_boots=0 only="" only_bench=0
while [ $# -gt 0 ]; do
	case $1 in
	--boots) only_boots=1 ;;
	--only) only=$2; shift ;;
	--bench) only_bench=1 ;;
	*) echo "test.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$only" ] && only_boots=1
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.." || exit 2
. scripts/platform.sh
. tests/checks.sh
t0=$SECONDS

# want PLATFORM: whether this run includes PLATFORM's boots ("kvm": nested
# KVM, whichever platform gives it; --only kvm-in-bochs asks for that one).
want() {
	[ "$only_bench" = 0 ] || return 1
	[ -z "$only" ] && return 0
	case $1:$only in kvm:kvm | kvm:kvm-in-bochs | kvm:qemu-kvm) return 0 ;; esac
	[ "$only" = "$1" ]
}

pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
skipped() { skip=$((skip + 1)); echo "skip - $*"; }

clean_log() { clean_serial "$1"; }

section() { echo; echo "## $*"; }

# Nested KVM: QEMU/KVM directly where the host can (an Intel host with
# kvm_intel nested=1), else KVM inside Bochs (Bochs emulates VMX on any
# x86-64 host; its Linux runs kvm_intel), else a skip with the reason.
KVM_PLATFORM=none
kvm=$(kvm_nested_status)
if [ "$kvm" = yes ] && [ "$only" != kvm-in-bochs ]; then
	KVM_PLATFORM=qemu-kvm KVM_WHY="nested KVM is usable on this host"
elif why=$(kib_usable); then
	KVM_PLATFORM=kvm-in-bochs KVM_WHY="nested KVM unusable here ($kvm), so KVM runs inside Bochs"
else
	KVM_WHY="nested KVM unusable ($kvm) and KVM inside Bochs too ($why)"
fi
want kvm || KVM_PLATFORM=none KVM_WHY="not asked for (--only $only)"
echo "nested KVM platform: $KVM_PLATFORM ($KVM_WHY)"

# The KVM-in-Bochs boot in the background: two cores, one Bochs each.
KIB_PID="" KIB_RC=1 kib_s=""
kib_start() {
	mkdir -p build/test/kvm-in-bochs
	kib_t0=$SECONDS
	# Its own process group, so an interrupted make test stops its Bochs
	# too (run.sh stops the emulator on TERM).
	setsid -w scripts/kvm-in-bochs/boot.sh >build/test/kvm-in-bochs/boot.out 2>&1 &
	KIB_PID=$!
}
trap '[ -n "$KIB_PID" ] && kill -- -"$KIB_PID" 2>/dev/null; exit 130' INT TERM
kib_wait() {
	[ -n "$KIB_PID" ] || kib_start
	wait "$KIB_PID"
	KIB_RC=$?
	kib_s=$((SECONDS - kib_t0))
	# HV_KIB_FRESH=1 asked for one fresh boot, and this was it: make
	# bench, below, reads its result rather than booting again.
	export HV_KIB_FRESH=0
}
[ "$KVM_PLATFORM" = kvm-in-bochs ] && [ "${HV_KIB_PARALLEL:-1}" = 1 ] && kib_start

run_unit_and_lint() {
# --- host unit tests (cmocka) -------------------------------------------
section "unit tests"
for t in build/host/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	# A binary may run several cmocka groups: add up every group's line.
	p=$(awk '/^\[  PASSED  \] [0-9]+ test/ { n += $4 } END { print n + 0 }' <<<"$out")
	f=$(awk '/^\[  FAILED  \] [0-9]+ test/ { n += $4 } END { print n + 0 }' <<<"$out")
	pass=$((pass + p)) fail=$((fail + f))
	if [ "$f" -gt 0 ] || [ "$p" -eq 0 ] || [ "$rc" -ne 0 ]; then
		echo "not ok - $(basename "$t") (exit $rc):"
		sed 's/^/    /' <<<"$out" | grep -vE '^\s*\[ +(RUN|OK) +\]' | tail -n 30
		[ "$f" -eq 0 ] && fail=$((fail + 1))
	else
		echo "ok - $(basename "$t"): $p tests"
	fi
done

# --- shell-level tests ----------------------------------------------------
section "tools and scripts"
for s in tests/*_test.sh; do
	[ -f "$s" ] || continue
	# make bench's check runs last: it shares the KVM-in-Bochs boot.
	[ "$s" = tests/bench_test.sh ] && continue
	# Each script gets the vmcs host tool; the ones that need no tool ignore it.
	out=$(bash "$s" build/host/vmcs 2>&1)
	rc=$?
	p=$(grep -c '^ok - ' <<<"$out")
	f=$(grep -c '^not ok - ' <<<"$out")
	pass=$((pass + p)) fail=$((fail + f))
	grep '^not ok - ' <<<"$out"
	if [ "$p" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		not_ok "$(basename "$s") exited $rc after $p checks:"
		tail -n 10 <<<"$out" | sed 's/^/    /'
	else
		echo "$(basename "$s"): $p ok, $f not ok"
	fi
done

section "lint"
if out=$(make -s lint 2>&1); then ok "lint (clang-format, cppcheck, shellcheck)"; else not_ok "lint:"; echo "$out" | tail -n 30; fi
}
[ "$only_boots" = 1 ] || [ "$only_bench" = 1 ] || run_unit_and_lint

# --- integration: boots ----------------------------------------------------
# boot NAME EMU IMAGE TIMEOUT [run.sh flags]: boots and keeps the log in
# build/test/NAME; sets LOG. A hang or a timeout is one failure, with the
# log's tail.
boot() {
	local name=$1 emu=$2 image=$3 timeout=$4
	shift 4
	local dir=build/test/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	LOG=$dir/serial.clean
	if scripts/run.sh --emu "$emu" --image "$image" --out "$dir" --timeout "$timeout" --quiet "$@" >"$dir/run.out" 2>&1; then
		clean_log "$dir/serial.log" >"$LOG"
		ok "$name: $emu booted and ended by itself ($(tail -n1 "$dir/run.out" | sed 's/.*(\(.*\))/\1/'))"
		return 0
	fi
	clean_log "$dir/serial.log" >"$LOG"
	not_ok "$name: $emu run did not end cleanly:"
	sed 's/^/    /' "$dir/run.out" | tail -n 40
	return 1
}

bochs_s="" tcg_s="" kvm_s="" resident_s=""
[ "$only_bench" = 1 ] || . tests/integration.sh

bench_s=""
if [ "$only_boots" = 0 ]; then
	section "make bench (hv under Bochs, KVM inside Bochs, hv under nested KVM)"
	bench_t0=$SECONDS
	# The Linux rows' boots, on both cores beside the nested-KVM boot
	# (integration.sh).
	if [ -n "${BENCH_LINUX_PID:-}" ]; then
		wait "$BENCH_LINUX_PID"
		export HV_BENCH_LINUX_DIR=$BENCH_LINUX
	fi
	out=$(bash tests/bench_test.sh 2>&1)
	rc=$?
	p=$(grep -c '^ok - ' <<<"$out")
	f=$(grep -c '^not ok - ' <<<"$out")
	pass=$((pass + p)) fail=$((fail + f))
	grep -E '^(not )?ok - ' <<<"$out"
	if [ "$p" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		not_ok "bench_test.sh exited $rc after $p checks:"
		tail -n 10 <<<"$out" | sed 's/^/    /'
	fi
	bench_s=$((SECONDS - bench_t0))
fi
[ -n "$KIB_PID" ] && [ -z "$kib_s" ] && kib_wait

echo
# The KVM-in-Bochs boot's own line: "booted in N s" or "result reused".
kib_note=""
if [ -n "$kib_s" ]; then
	kib_note=" (the KVM-in-Bochs boot: $(tail -n1 build/test/kvm-in-bochs/boot.out | sed 's/^kvm-in-bochs: //; s/ (inputs.*//'), $([ "${HV_KIB_PARALLEL:-1}" = 1 ] && echo "in the background from the start" || echo "in its turn"))"
fi
echo "time: bochs ${bochs_s:--} s, resident (Bochs, 2 CPUs) ${resident_s:--} s, qemu-tcg ${tcg_s:--} s, nested KVM ($KVM_PLATFORM) ${kvm_s:--} s$kib_note, make bench ${bench_s:--} s; total $((SECONDS - t0)) s"
echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
