#!/usr/bin/env bash
# shellcheck disable=SC2317 # ok, not_ok: called by expect_fuzz (tests/checks.sh)
# make fuzz (issue 22, part 1): one Bochs boot whose startup.nsh runs
# hv.efi on the fuzz guest (guest/fuzz.c) once per seed, then a report:
# exits per reason summed over the runs (hv's summary lines), the exit
# reasons hv handles (vmm/exit/exit.c's table) that no run reached, runs
# and exits per second, and the findings (tests/checks.sh expect_fuzz:
# hv's own lines only). Exits 1 when there is a finding.
#
#   fuzz.sh                         FUZZ_RUNS seeds from SEED
#   SEED=S                          the first seed (default 1); run i gets S+i
#   FUZZ_RUNS=N                     how many seeds (default 20)
#   FUZZ_EXITS=N                    instead: enough seeds for about N exits
#                                   (FUZZ_EXITS_PER_RUN each, an estimate;
#                                   the report counts the real ones)
#   FUZZ_BATCHES=N                  batches of 1000 operations a run (10)
#   BATCH=B                         replay batch B of SEED alone (one run)
#   FUZZ_VERBOSE=1 or =N            the guest prints each operation first
#                                   (=N: from the N-th of a batch on)
#   FUZZ_SEEDS_FILE="F ..."         the seeds of F (and more files), a line each: SEED or
#                                   FIRST-LAST, then :BATCHES for other
#                                   than FUZZ_BATCHES; # comments
#                                   (tests/fuzz_seeds.txt)
#   FUZZ_OUT=DIR                    logs (default build/fuzz)
#   FUZZ_TIMEOUT=S                  the boot's bound (default: 60 s + 30 s a run)
#   FUZZ_RANGE=A-B                  with BATCH: run only operations A to B-1
#   FUZZ_MACHINE=pc                 fuzz the PC instead (guest/pc/pc_fuzz.S,
#                                   hv.efi --kernel=pc_fuzz.bzimage
#                                   --append="fuzz=SEED:FIRST:COUNT": its
#                                   ports, MSRs, local APIC in every mode,
#                                   I/O APIC); SEED, FUZZ_RUNS, FUZZ_BATCHES,
#                                   BATCH, FUZZ_SEEDS_FILE and FUZZ_COVERAGE
#                                   as for the flat machine (default)
#   FUZZ_COVERAGE=1                 boot the coverage build (make coverage:
#                                   build/cov/hv.efi, -fsanitize-coverage=
#                                   trace-pc), then report which of hv's exit
#                                   handlers and exit-layer functions ran,
#                                   and which runs reached code that no run
#                                   before them had (scripts/fuzz_coverage.py)
#   FUZZ_CORPUS=F                   with FUZZ_COVERAGE=1: append those runs to
#                                   F as seeds lines (tests/fuzz_corpus.txt:
#                                   make test replays it), but for the seeds
#                                   F or FUZZ_CORPUS_HAVE (default
#                                   tests/fuzz_seeds.txt) lists already
#   FUZZ_SHRINK=1                   with SEED and BATCH: two more boots narrow
#                                   the batch to the shortest window of
#                                   operations [A, B) that ends the run the
#                                   way the whole batch does (result, why,
#                                   status), and print it
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.." || exit 2
# shellcheck source=scripts/platform.sh
. scripts/platform.sh
# shellcheck source=tests/checks.sh
. tests/checks.sh

seed=${SEED:-1}
batches=${FUZZ_BATCHES:-10}
per_run=${FUZZ_EXITS_PER_RUN:-8000}
out=${FUZZ_OUT:-build/fuzz}
runs=${FUZZ_RUNS:-20}
[ -n "${FUZZ_EXITS:-}" ] && runs=$(((FUZZ_EXITS + per_run - 1) / per_run))
verbose=""
[ -n "${FUZZ_VERBOSE:-}" ] && [ "$FUZZ_VERBOSE" != 0 ] && verbose=":v$([ "$FUZZ_VERBOSE" = 1 ] || echo "$FUZZ_VERBOSE")"

# The guest arguments, one a run: SEED:FIRST:COUNT.
args=()
if [ -n "${BATCH:-}" ]; then
	args=("$seed:$BATCH:1$verbose${FUZZ_RANGE:+:r$FUZZ_RANGE}")
elif [ -n "${FUZZ_SEEDS_FILE:-}" ]; then
	# One seed a line, or a range FIRST-LAST, either with :BATCHES (its
	# own batch count); "#" starts a comment.
	while read -r s _; do
		case $s in '' | '#'*) continue ;; esac
		[[ $s =~ ^([0-9]+)(-([0-9]+))?(:([0-9]+))?$ ]] ||
			{ echo "fuzz: $FUZZ_SEEDS_FILE: not SEED[-LAST][:BATCHES]: $s" >&2; exit 2; }
		n=${BASH_REMATCH[5]:-$batches}
		for ((i = 10#${BASH_REMATCH[1]}; i <= 10#${BASH_REMATCH[3]:-${BASH_REMATCH[1]}}; i++)); do
			args+=("$i:0:$n$verbose")
		done
	done < <(read -ra files <<<"$FUZZ_SEEDS_FILE" && cat "${files[@]}")
else
	for ((i = 0; i < runs; i++)); do
		args+=("$((seed + i)):0:$batches$verbose")
	done
fi
timeout=${FUZZ_TIMEOUT:-$((60 + 30 * ${#args[@]}))}

hv=build/hv.efi
[ "${FUZZ_COVERAGE:-0}" = 1 ] && hv=build/cov/hv.efi
# The machine: its guest image, and how hv's summary line names it.
case ${FUZZ_MACHINE:-flat} in
flat) image=build/guest/fuzz.bin guest_re='fuzz\.bin' cov_dirs="vmm/exit/ vmm/flat/" ;;
pc)
	image=build/guest/pc/pc_fuzz.bzimage guest_re='pc_fuzz\.bzimage' cov_dirs="vmm/exit/ vmm/pc/ vmm/dev/"
	if [ -n "$verbose" ] || [ -n "${FUZZ_RANGE:-}" ] || [ "${FUZZ_SHRINK:-0}" != 0 ]; then
		echo "fuzz: FUZZ_VERBOSE, FUZZ_RANGE and FUZZ_SHRINK are the flat machine's" >&2
		exit 2
	fi
	;;
*) echo "fuzz: FUZZ_MACHINE=${FUZZ_MACHINE}: flat or pc" >&2; exit 2 ;;
esac
export FUZZ_GUEST_RE=$guest_re # expect_fuzz (tests/checks.sh)
for f in "$hv" "$image"; do
	[ -f "$f" ] || { echo "fuzz: $f missing (make all)" >&2; exit 2; }
done
mkdir -p "$out"

# boot_runs ARG...: one Bochs boot running hv.efi fuzz.bin --guest-arg=ARG
# for each ARG; sets rc, wall and LOG (the cleaned serial log).
boot_runs() {
rm -f "$out"/step-*.log
{
	echo '@echo -off'
	echo 'fs0:'
	for a in "$@"; do
		if [ "${FUZZ_MACHINE:-flat}" = pc ]; then
			hv_step "fuzz-$a" "--kernel=$(basename "$image") --mem=64 --append=\"fuzz=$a\""
		else
			hv_step "fuzz-${a%%:v*}" "fuzz.bin --guest-arg=$a"
		fi
	done
	echo 'reset -s'
} >"$out/startup.nsh"
rm -f "$out/fuzz.img"
scripts/mkimage.sh "$out/fuzz.img" hv.efi="$hv" startup.nsh="$out/startup.nsh" \
	"$(basename "$image")=$image" >/dev/null || { echo "fuzz: could not build $out/fuzz.img" >&2; exit 2; }

echo "fuzz: $# runs ($1${2:+ ... ${*: -1}}), one Bochs boot bounded at $timeout s, logs in $out/"
t0=$SECONDS
scripts/run.sh --emu bochs --image "$out/fuzz.img" --out "$out/boot" --timeout "$timeout" --quiet >"$out/run.out" 2>&1
rc=$?
wall=$((SECONDS - t0))
LOG=$out/serial.clean
clean_serial "$out/boot/serial.log" >"$LOG"
}

# ending STEP: how hv ended run STEP of $LOG: result, why or status.
ending() {
	step_log "$LOG" "$1" "$out/step-$1.log"
	grep -E "^hv: summary guest=$guest_re " "$out/step-$1.log" | tail -n 1 |
		sed -E 's/^.* (result=[a-z]+).*( (why|status)=[0-9a-z_]+)$/\1\2/; s/^.* (result=[a-z]+)( .*)?$/\1/'
}

if [ "${FUZZ_SHRINK:-0}" = 1 ]; then
	[ -n "${BATCH:-}" ] || { echo "fuzz: FUZZ_SHRINK=1 needs SEED= and BATCH=" >&2; exit 2; }
	base="$seed:$BATCH:1"
	# The shortest prefix [0, E) that ends as the whole batch does.
	pre=("$base")
	for ((e = 25; e <= 1000; e += 25)); do pre+=("$base:r0-$e"); done
	timeout=${FUZZ_TIMEOUT:-$((60 + 10 * ${#pre[@]}))}
	boot_runs "${pre[@]}"
	want=$(ending "fuzz-$base")
	[ -n "$want" ] || { echo "fuzz: the whole batch gave no summary line (a hang? make fuzz SEED=$seed BATCH=$BATCH)"; exit 1; }
	end=1000
	for ((e = 25; e <= 1000; e += 25)); do
		[ "$(ending "fuzz-$base:r0-$e")" = "$want" ] && { end=$e; break; }
	done
	# Then to the operation, and the latest start S with [S, E) the same.
	win=()
	for ((e = end - 24; e <= end; e++)); do [ "$e" -ge 1 ] && win+=("$base:r0-$e"); done
	boot_runs "${win[@]}"
	for ((e = end - 24; e <= end; e++)); do
		[ "$e" -ge 1 ] && [ "$(ending "fuzz-$base:r0-$e")" = "$want" ] && { end=$e; break; }
	done
	starts=()
	for ((d = 1; d <= end; d = d < 8 ? d + 1 : d * 2)); do starts+=("$base:r$((end - d))-$end"); done
	starts+=("$base:r0-$end")
	boot_runs "${starts[@]}"
	from=0
	for a in "${starts[@]}"; do
		[ "$(ending "fuzz-$a")" = "$want" ] && { from=${a##*:r}; from=${from%-*}; break; }
	done
	ops="operations $from to $((end - 1))"
	[ $((end - from)) = 1 ] && ops="operation $from"
	echo "fuzz: seed $seed batch $BATCH ends with $want; so does $ops alone ($((end - from)) of 1000)"
	echo "fuzz: replay: make fuzz SEED=$seed BATCH=$BATCH FUZZ_RANGE=$from-$end FUZZ_VERBOSE=$from"
	exit 0
fi

boot_runs "${args[@]}"

findings=() passed=0
: >"$out/runs.txt"
ok() { passed=$((passed + 1)); echo "${*#fuzz: }" >>"$out/runs.txt"; }
not_ok() { findings+=("$*"); }
expect_fuzz fuzz "$LOG"
if [ "$rc" != 0 ]; then
	# A hang (or a boot that never ended): the step that started last
	# and never returned is where it hung.
	last=$(sed -n 's/^hv-test: step \(fuzz-[0-9a-fx:r-]*\)$/\1/p' "$LOG" | tail -n 1)
	step_log "$LOG" "$last" "$out/step-hang.log" 2>/dev/null
	findings+=("fuzz: the boot did not end by itself (run.sh exit $rc, $(tail -n 1 "$out/run.out")): the last run started was ${last:-none}, batch $(fuzz_batch "$out/step-hang.log"); its last lines: $(tail -n 3 "$out/step-hang.log" | tr '\n' '|')")
fi

# Exits per reason, summed over every run's summary line.
sums=$(grep -E "^hv: summary guest=$guest_re " "$LOG" | tr ' ' '\n' | grep -E '^[a-z_0-9]+=[0-9]+$' |
	grep -vE '^(exits|status)=' | awk -F= '{ n[$1] += $2 } END { for (k in n) print k, n[k] }' | sort -k2 -nr)
total=$(grep -E "^hv: summary guest=$guest_re " "$LOG" | sed -n 's/.* exits=\([0-9]*\) .*/\1/p' | awk '{ t += $1 } END { print t + 0 }')
nruns=$(grep -cE "^hv: summary guest=$guest_re " "$LOG")
ends=$(grep -E "^hv: summary guest=$guest_re " "$LOG" | sed -E 's/.* result=([a-z]+).*/\1/' | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
whys=$(grep -E "^hv: summary guest=$guest_re .*why=" "$LOG" | sed -E 's/.*why=([a-z_]+).*/\1/' | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
# The reasons hv handles: the indexed table in vmm/exit/exit.c.
handled=$(sed -n 's/^\s*\[EXIT_REASON_\([A-Z0-9_]*\)\] = .*/\1/p' vmm/exit/exit.c | tr '[:upper:]' '[:lower:]')
never=$(for r in $handled; do grep -q "^$r " <<<"$sums" || echo "$r"; done | tr '\n' ' ')

echo
echo "fuzz report"
echo "  runs: $nruns of ${#args[@]} ended with a summary line ($ends${whys:+; killed: $whys})"
echo "  exits: $total in $wall s of Bochs (the firmware's boot and shell included): $((total / (wall > 0 ? wall : 1))) exits/s, $(awk -v r="$nruns" -v w="$wall" 'BEGIN { printf "%.2f", r / (w > 0 ? w : 1) }') runs/s"
echo "  exits per reason:"
# shellcheck disable=SC2086 # word lists
printf '    %-22s %s\n' $sums
echo "  handled exit reasons never reached: ${never:-none}"
echo "  oracle: $passed runs clean (each run's ending: $out/runs.txt); ${#findings[@]} findings"
for f in "${findings[@]}"; do
	echo "  finding: $f"
done
if [ "${FUZZ_COVERAGE:-0}" = 1 ]; then
	logs=()
	for a in "${args[@]}"; do
		step_log "$LOG" "fuzz-${a%%:v*}" "$out/step-fuzz-${a%%:v*}.log"
		logs+=("$out/step-fuzz-${a%%:v*}.log")
	done
	FUZZ_CORPUS_HAVE=${FUZZ_CORPUS_HAVE:-tests/fuzz_seeds.txt} FUZZ_COVERAGE_DIRS=$cov_dirs \
		python3 scripts/fuzz_coverage.py build/cov/hv.so vmm/exit/exit.c "${logs[@]}" ||
		findings+=("fuzz: no coverage from build/cov/hv.efi's runs")
fi
if [ "${#findings[@]}" -gt 0 ]; then
	echo "  replay one batch: make fuzz SEED=<seed> BATCH=<batch> (FUZZ_VERBOSE=1 names each operation); logs: $out/step-*.log"
	exit 1
fi
exit 0
