#!/usr/bin/env bash
# make fuzz's coverage report (scripts/fuzz_coverage.py) names what ran:
# fake runs' "hv: cov" lines holding offsets inside two of hv's handlers
# (in build/hv.so, the ordinary build: the script names any image) must
# show those two as run and the others as never; a guest's forged line
# ("guest: hv: cov ...") adds nothing; and with FUZZ_CORPUS the second
# run, which reached a function the first had not, joins the corpus once.
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
so=build/hv.so
[ -f "$so" ] || { echo "not ok - fuzz_coverage: $so missing (make all)"; exit 1; }
fail=0
check() { # description command...
	local d=$1
	shift
	if "$@"; then echo "ok - fuzz_coverage: $d"; else echo "not ok - fuzz_coverage: $d"; fail=1; fi
}
# An offset inside FUNCTION: its symbol's address plus 4.
inside() { printf '%x' $((0x$(nm "$so" | awk -v f="$1" '$3 == f { print $1; exit }') + 4)); }
cpuid=$(inside handle_cpuid) hlt=$(inside handle_hlt) ept=$(inside handle_ept_violation)
printf 'hv: summary guest=fuzz.bin result=ok\nhv: cov %s\nguest: hv: cov %s\n' "$cpuid" "$ept" >"$tmp/step-fuzz-7:0:5.log"
printf 'hv: cov %s %s\n' "$cpuid" "$hlt" >"$tmp/step-fuzz-8:0:5.log"
out=$(FUZZ_CORPUS=$tmp/corpus.txt FUZZ_CORPUS_HAVE=/dev/null python3 scripts/fuzz_coverage.py \
	"$so" vmm/exit/exit.c "$tmp/step-fuzz-7:0:5.log" "$tmp/step-fuzz-8:0:5.log")
handlers=$(grep -c '^\s*\[EXIT_REASON_' vmm/exit/exit.c)
[ "$handlers" -gt 2 ] || { echo "not ok - fuzz_coverage: no exit table in vmm/exit/exit.c"; exit 1; }
line=$(grep 'exit handlers (vmm/exit/exit.c.s table) that ran:' <<<"$out")
check "two handlers ran ($(sed 's/.*ran: \([0-9]* of [0-9]*\).*/\1/' <<<"$line"))" grep -q 'that ran: 2 of ' <<<"$line"
check "handle_cpuid and handle_hlt are not among the never-run" bash -c "! grep -qE ' (handle_cpuid|handle_hlt)( |$)' <<<\"\${1#*never: }\"" _ "$line"
check "a guest's forged 'hv: cov' line counts for nothing (handle_ept_violation never ran)" grep -q ' handle_ept_violation' <<<"${line#*never: }"
check "the second run reached handle_hlt first" grep -qE '^      8:5: .*handle_hlt' <<<"$out"
check "it joined the corpus, the first run too (it reached everything first)" \
	test "$(cut -d' ' -f1 "$tmp/corpus.txt" | tr '\n' ' ')" = "7:5 8:5 "
FUZZ_CORPUS=$tmp/corpus.txt python3 scripts/fuzz_coverage.py "$so" vmm/exit/exit.c \
	"$tmp/step-fuzz-7:0:5.log" "$tmp/step-fuzz-8:0:5.log" >/dev/null
check "a run already in the corpus is not added again" test "$(wc -l <"$tmp/corpus.txt")" = 2
printf 'guest: hv: cov %s\n' "$cpuid" >"$tmp/step-fuzz-9:0:5.log"
check "no coverage lines: exit 1" bash -c "! python3 scripts/fuzz_coverage.py $so vmm/exit/exit.c $tmp/step-fuzz-9:0:5.log >/dev/null"
exit $fail
