#!/usr/bin/env bash
# Checks the host tool built from scripts/vmcs_tool.c.
# usage: tests/vmcs_tool_test.sh path/to/vmcs
# Prints "ok - ..." / "not ok - ..." per check; exits 1 if any failed.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 VMCS_TOOL_BINARY" >&2
	exit 2
fi
tool=$1
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() {
	# check DESCRIPTION COMMAND...: passes when the command succeeds.
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# --- list --csv --------------------------------------------------------
"$tool" list --csv >"$tmp/csv" 2>"$tmp/err"
check "list --csv exits 0" test $? -eq 0
check "list --csv header" \
	test "$(head -n 1 "$tmp/csv")" = "encoding,name,width,type"

rows=$(($(wc -l <"$tmp/csv") - 1))
check "list --csv has >= 150 data rows ($rows)" test "$rows" -ge 150

# SDM 3C 25.11.2: width is bits 14:13 (0=16 1=64 2=32 3=natural), type is
# bits 11:10 (0=control 1=exit-info 2=guest 3=host).  Recomputed here.
widths=(16 64 32 natural)
types=(control exit-info guest host)
bad_rows=0
bad_enc=0
seen_dup=0
declare -A seen
while IFS=, read -r enc name width type; do
	if ! [[ $enc =~ ^0x[0-9a-f]{4}$ ]] || [ -z "$name" ]; then
		bad_rows=$((bad_rows + 1))
		continue
	fi
	e=$((enc))
	if [ "$width" != "${widths[(e >> 13) & 3]}" ] ||
	   [ "$type" != "${types[(e >> 10) & 3]}" ]; then
		echo "# $enc $name: width=$width type=$type disagree with bits"
		bad_rows=$((bad_rows + 1))
	fi
	# Full encodings only, reserved bits 31:15 and 12 clear.
	if [ $((e & 1)) -ne 0 ] || [ $((e & 0xffff9000)) -ne 0 ]; then
		bad_enc=$((bad_enc + 1))
	fi
	if [ -n "${seen[$enc]:-}" ]; then
		seen_dup=$((seen_dup + 1))
	fi
	seen[$enc]=1
done < <(tail -n +2 "$tmp/csv")
check "every row's width/type column matches its encoding bits" \
	test "$bad_rows" -eq 0
check "every row is a full encoding with reserved bits clear" \
	test "$bad_enc" -eq 0
check "encodings are unique" test "$seen_dup" -eq 0
check "list --csv names GUEST_CS_SELECTOR as 0x0802,16,guest" \
	grep -qx '0x0802,GUEST_CS_SELECTOR,16,guest' "$tmp/csv"
check "list --csv names PREEMPTION_TIMER_VALUE as 0x482e,32,guest" \
	grep -qx '0x482e,PREEMPTION_TIMER_VALUE,32,guest' "$tmp/csv"

# --- list ----------------------------------------------------------------
"$tool" list >"$tmp/list" 2>&1
check "list exits 0" test $? -eq 0
check "list shows the VMCS link pointer note" \
	grep -q 'must be ~0' "$tmp/list"

# --- decode --------------------------------------------------------------
"$tool" decode 0x482E >"$tmp/out" 2>&1
check "decode 0x482E exits 0" test $? -eq 0
check "decode 0x482E names PREEMPTION_TIMER_VALUE" \
	grep -q 'PREEMPTION_TIMER_VALUE' "$tmp/out"
check "decode 0x482E prints its note" \
	grep -q '^note: .*VMM countdown timer' "$tmp/out"
check "decode 0x482E shows index 23, type guest, width 32" \
	bash -c "grep -q 'index  *23' '$tmp/out' &&
		 grep -q 'type  *2 (guest)' '$tmp/out' &&
		 grep -q 'width  *2 (32)' '$tmp/out'"

"$tool" decode 0x2801 >"$tmp/out" 2>&1
check "decode 0x2801 exits 0" test $? -eq 0
check "decode 0x2801 says high half of VMCS_LINK_POINTER" \
	grep -q 'high half of VMCS_LINK_POINTER' "$tmp/out"

"$tool" decode 0x482c >"$tmp/out" 2>&1
check "decode 0x482c (unused index) exits 1" test $? -eq 1
check "decode 0x482c says no such field" grep -q 'no such field' "$tmp/out"

"$tool" decode 0x9000 >"$tmp/out" 2>&1
check "decode 0x9000 flags reserved bits" grep -q 'reserved bits' "$tmp/out"

"$tool" decode 0xzz >"$tmp/out" 2>"$tmp/err"
check "decode of bad input exits 2" test $? -eq 2
check "decode of bad input complains on stderr" test -s "$tmp/err"
check "decode of bad input prints nothing on stdout" test ! -s "$tmp/out"

"$tool" decode 0x100000000 >/dev/null 2>&1
check "decode of a value over 32 bits exits 2" test $? -eq 2

"$tool" decode >/dev/null 2>&1
check "decode without argument exits 2" test $? -eq 2

# --- exit-reason / vm-error ----------------------------------------------
"$tool" exit-reason 0x80000021 >"$tmp/out" 2>&1
check "exit-reason 0x80000021 exits 0" test $? -eq 0
check "exit-reason 0x80000021 names invalid_guest_state" \
	grep -q 'invalid_guest_state' "$tmp/out"
check "exit-reason 0x80000021 names the VM-entry failure bit" \
	bash -c "grep -q 'entry_failure' '$tmp/out' &&
		 grep -q 'bit 31' '$tmp/out'"

"$tool" exit-reason 10 >"$tmp/out" 2>&1
check "exit-reason 10 is cpuid" grep -q 'cpuid' "$tmp/out"

"$tool" exit-reason -3 >/dev/null 2>"$tmp/err"
check "exit-reason of bad input exits 2" test $? -eq 2

"$tool" vm-error 7 >"$tmp/out" 2>&1
check "vm-error 7 names entry_invalid_control" \
	grep -q 'entry_invalid_control' "$tmp/out"

"$tool" vm-error 14 >/dev/null 2>&1
check "vm-error 14 (reserved) exits 1" test $? -eq 1

# --- usage ---------------------------------------------------------------
"$tool" --help >"$tmp/out" 2>&1
check "--help exits 0" test $? -eq 0
check "--help prints usage" grep -q '^usage:' "$tmp/out"

"$tool" frobnicate >"$tmp/out" 2>"$tmp/err"
check "unknown command exits 2" test $? -eq 2
check "unknown command prints usage on stderr" grep -q '^usage:' "$tmp/err"

"$tool" >/dev/null 2>&1
check "no command exits 2" test $? -eq 2

exit $failed
