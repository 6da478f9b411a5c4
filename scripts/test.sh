#!/usr/bin/env bash
# make test's driver: unit tests, lint, the vmcs tool, then boots on every
# usable platform, each bounded, each checked against its serial log.
# Ends with one line "N passed, N failed, N skipped"; exits non-zero on any
# failure.
#   test.sh           everything (make test)
#   test.sh --boots   only the emulator boots (tests/integration.sh)
set -uo pipefail
only_boots=0
[ "${1:-}" = --boots ] && only_boots=1
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
. scripts/platform.sh

pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
skipped() { skip=$((skip + 1)); echo "skip - $*"; }

clean_log() { clean_serial "$1"; }

section() { echo; echo "## $*"; }

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
if out=$(make -s lint 2>&1); then ok "lint (clang-format, cppcheck)"; else not_ok "lint:"; echo "$out" | tail -n 30; fi
}
[ "$only_boots" = 1 ] || run_unit_and_lint

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

# expect NAME REGEX WHAT: the cleaned serial log of the last boot has a line
# matching REGEX.
expect() {
	if grep -qE -- "$2" "$LOG"; then
		ok "$1: $3"
	else
		not_ok "$1: $3 (no line matching /$2/ in $LOG); last lines:"
		tail -n 15 "$LOG" | sed 's/^/    /'
	fi
}

. tests/integration.sh

echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
