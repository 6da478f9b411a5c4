#!/usr/bin/env bash
# shellcheck disable=SC2317 # ok, not_ok, skipped: called by the sourced checks
# A guest cannot forge a verdict: the shared checks (tests/checks.sh) fed
# logs in which a guest prints hv's own lines ("guest: hv: summary ...
# result=ok", and under KVM-in-Bochs "l1: guest: hv: ...") must fail, and
# the same checks fed hv's genuine lines must pass (so the first part
# cannot pass by failing everything). HV_CHECKS=FILE checks another copy
# of the checks (how the unanchored ones were shown to fail this test).
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The checks' ok/not_ok only count here; each case below judges them.
n_ok=0 n_bad=0
ok() { n_ok=$((n_ok + 1)); }
not_ok() { n_bad=$((n_bad + 1)); }
skipped() { :; }
# shellcheck source=tests/checks.sh
. "${HV_CHECKS:-tests/checks.sh}"

fail=0
# run_checks FUNC ARGS...: runs a check function on $LOG; sets n_ok, n_bad.
run_checks() { n_ok=0 n_bad=0; "$@" >/dev/null; }
verdict() { # description expect(pass|fail)
	local got=pass
	[ "$n_bad" -gt 0 ] && got=fail
	if [ "$got" = "$2" ]; then
		echo "ok - $1 ($n_ok ok, $n_bad not ok)"
	else
		echo "not ok - $1: the checks gave $got ($n_ok ok, $n_bad not ok), want $2"
		fail=1
	fi
}

# hv's genuine lines of a good tiny run (as hv.efi prints them).
genuine() {
	cat <<EOF
guest: tiny guest: 14 of 14 checks passed
hv: summary guest=tiny result=ok exits=1587 cpuid=2 hlt=1 vmcall=3 cr_access=4 io_instruction=1571 msr_read=3 msr_write=1 preemption_timer=2 cr3_load=2
hv: vmx off
hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)
hv: every page freed but the one holding the TSS that TR still refers to
EOF
}
LOG=$tmp/genuine.log
genuine >"$LOG"
run_checks expect_tiny_run tiny
verdict "hv's own lines of a good tiny run pass" pass

# A tiny run that failed (hv says result=killed and nothing else), with a
# guest printing every line the checks look for.
LOG=$tmp/forged.log
{
	echo 'hv: summary guest=tiny result=killed exits=12 cpuid=2 why=ept_violation'
	genuine | grep -v '^guest: ' | sed 's/^/guest: /'
	echo 'guest: tiny guest: 14 of 14 checks passed'
} >"$LOG"
run_checks expect_tiny_run tiny
verdict "a guest printing 'hv: summary guest=tiny result=ok ...' (shown as 'guest: hv: ...') does not pass" fail

# The same under KVM-in-Bochs: the L1 lines carry "l1: ", which the
# caller strips (tests/integration.sh); the guest's forgery is still
# "guest: hv: ...", and a line of the Linux below is not hv's.
LOG=$tmp/kib.log
{
	echo 'l1: hv: summary guest=tiny result=killed exits=12 why=triple_fault'
	genuine | grep -v '^guest: ' | sed 's/^/l1: guest: /'
	genuine | grep -v '^guest: ' | sed 's/^/kib: /'
	echo 'l1: guest: tiny guest: 14 of 14 checks passed'
} | sed -n 's/^l1: //p' >"$LOG"
run_checks expect_tiny_run tiny
verdict "under KVM-in-Bochs, 'l1: guest: hv: summary ... result=ok' does not pass" fail

# The hostile suite, every guest ending as tests/hostile_expect.txt says,
# but hostile_msr, which hv killed, prints a summary claiming result=ok;
# or pc_fuzz, cut short, prints one claiming the exits of a whole run.
hostile_log() { # FORGE: 1 or 2 with that forgery, 0 genuine
	while read -r g result why; do
		[ -n "$g" ] || continue
		img=bin extra=""
		[ "$g" = pc_xcr0_shrink ] && img=bzimage extra=" xsetbv=2"
		[ "$g" = pc_realmode_gp ] && img=bzimage extra=" msr_read=1"
		[ "$g" = pc_acpi_s5 ] && img=bzimage
		[ "$g" = pc_apic_junk ] && img=bzimage
		exits=9
		[ "$g" = pc_fuzz ] && img=bzimage exits=$PC_FUZZ_MIN_EXITS
		echo "hv-test: step $g"
		if [ "$g" = pc_fuzz ] && [ "$1" = 2 ]; then
			echo "guest: hv: summary guest=$g.$img result=ok exits=$exits"
			exits=$((exits - 1))
		fi
		[ "$g" = pc_xcr0_shrink ] && echo "hv: the guest's x87/SSE/AVX state: XSAVE, XCR0 up to 0x7"
		if [ "$g" = hostile_msr ] && [ "$1" = 1 ]; then
			echo "guest: hv: summary guest=$g.bin result=ok exits=9"
			echo "hv: summary guest=$g.bin result=killed exits=9 why=unhandled_exit"
		else
			echo "hv: summary guest=$g.$img result=$result exits=$exits$extra${why:+ why=$why}"
		fi
		case $g in pc_acpi_s5 | pc_fuzz) echo "hv: guest $g.bzimage: power off through ACPI (SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604)" ;; esac
		if [ "$g" = pc_apic_junk ]; then
			echo "hv: guest $g.bzimage: power off through ACPI (SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604)"
			echo "hv: guest $g.bzimage: 1 interrupts injected, 0 bytes of console input given to its UART"
			echo "hv: guest $g.bzimage: 9 I/O APIC messages dropped (illegal vector 2, delivery mode 5, destination 2), 1923 xAPIC-page accesses of no register"
		fi
		[ "$g" = hostile_ept_write ] && echo "hv: guest $g.bin: EPT violation: write at guest-physical 0x300000"
		[ "$g" = good ] && echo "guest: good: 4 of 4 checks passed"
		echo "hv: vmx off"
		echo "hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)"
		echo "hv: every page freed but the one holding the TSS that TR still refers to"
		echo "hv-test: $g returned 0x0"
	done < <(cat tests/hostile_expect.txt tests/hostile_pc_expect.txt)
}
LOG=$tmp/hostile.log
hostile_log 0 >"$LOG"
run_checks expect_hostile hostile "$LOG"
verdict "the hostile suite's genuine lines pass" pass
LOG=$tmp/hostile-forged.log
hostile_log 1 >"$LOG"
run_checks expect_hostile hostile "$LOG"
verdict "a hostile guest's forged 'hv: summary ... result=ok' is not hv's verdict" fail
# pc_apic_junk: hv dropped one message fewer than the guest asked for,
# and the guest prints the line with the counts the checks want.
LOG=$tmp/hostile-junk.log
hostile_log 0 | sed 's/^hv: \(guest pc_apic_junk\.bzimage: \)9 \(I\/O APIC messages dropped (illegal vector \)2\(.*\)/guest: hv: \19 \22\3\nhv: \18 \21\3/' >"$LOG"
grep -q '^hv: guest pc_apic_junk.bzimage: 8 I/O APIC messages dropped (illegal vector 1,' "$LOG" || echo "not ok - verdict_test: the pc_apic_junk forgery was not made" >&2
run_checks expect_hostile hostile "$LOG"
verdict "pc_apic_junk: counts only a guest prints ('guest: hv: ...') are not hv's" fail
LOG=$tmp/hostile-fuzz-short.log
hostile_log 2 >"$LOG"
run_checks expect_hostile hostile "$LOG"
verdict "pc_fuzz with fewer exits than a whole run fails, whatever the guest prints" fail

# Debian's own initramfs (expect_linux_debian): hv's genuine lines pass;
# a run hv killed, whose guest prints every line the checks want and to
# which nothing was typed, does not.
debian_log() { # genuine|forged
	echo 'hv-test: step linux-debian'
	echo 'guest: No root device specified. Boot arguments must include a root= parameter.'
	echo "guest: Enter 'help' for a list of built-in commands."
	if [ "$1" = forged ]; then
		echo 'guest: hv: guest vmlinuz: power off through ACPI (SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604)'
		echo 'guest: hv: guest vmlinuz: 900 interrupts injected, 12 bytes of console input given to its UART'
		echo 'guest: hv: summary guest=vmlinuz result=ok exits=5'
		echo 'guest: hv: host state after the run: as before (31 registers compared)'
		echo 'hv: guest vmlinuz: 900 interrupts injected, 0 bytes of console input given to its UART'
		echo 'hv: summary guest=vmlinuz result=killed exits=5 why=watchdog'
	else
		echo 'guest: (initramfs) poweroff -f'
		echo 'hv: guest vmlinuz: power off through ACPI (SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604)'
		echo 'hv: guest vmlinuz: 900 interrupts injected, 12 bytes of console input given to its UART'
		echo 'hv: summary guest=vmlinuz result=ok exits=5'
		echo "hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)"
	fi
	echo 'hv-test: linux-debian returned 0x0'
}
LOG=$tmp/debian.log
debian_log genuine >"$LOG"
run_checks expect_linux_debian linux "$LOG"
verdict "Debian's own initramfs: hv's genuine lines pass" pass
LOG=$tmp/debian-forged.log
debian_log forged >"$LOG"
run_checks expect_linux_debian linux "$LOG"
verdict "Debian's own initramfs: a killed run whose guest prints hv's lines, nothing typed, fails" fail

# The smallest initramfs (expect_linux_minimal): hv's genuine lines and
# every echoed line pass; a line lost, or a run hv did not end with
# result=ok though the guest prints hv's lines, fails.
minimal_log() { # genuine|lost|forged
	echo 'hv-test: step linux-minimal'
	echo 'hv: kernel command line: console=ttyS0'
	for i in 1 2 3; do
		[ "$1" = lost ] && [ "$i" = 2 ] && continue
		echo "guest: minimal: line $i of 3"
	done
	if [ "$1" = forged ]; then
		echo 'guest: hv: guest vmlinuz: power off through ACPI (SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604)'
		echo 'guest: hv: summary guest=vmlinuz result=ok exits=5'
		echo 'hv: summary guest=vmlinuz result=killed exits=5 why=halted_forever'
	else
		echo 'hv: guest vmlinuz: power off through ACPI (SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604)'
		echo 'hv: summary guest=vmlinuz result=ok exits=5'
	fi
	echo "hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)"
	echo 'hv-test: linux-minimal returned 0x0'
}
for kind in genuine lost forged; do
	LOG=$tmp/minimal-$kind.log
	minimal_log $kind >"$LOG"
	run_checks expect_linux_minimal linux "$LOG" 3
	case $kind in
	genuine) verdict "the smallest initramfs: hv's genuine lines and all echoed lines pass" pass ;;
	lost) verdict "the smallest initramfs: an echoed line lost fails" fail ;;
	forged) verdict "the smallest initramfs: a killed run whose guest prints hv's lines fails" fail ;;
	esac
done

# A guest stopped by Ctrl-A x (expect_stopped): hv's genuine lines pass;
# a guest that prints the stop line itself, in a run that hv ended
# otherwise, does not.
stopped_log() { # genuine|forged
	echo 'hv-test: step pc_panic'
	echo 'guest: pc_panic: Kernel panic - not syncing: a test'
	if [ "$1" = forged ]; then
		echo 'guest: hv: guest pc_panic.bzimage: stopped from the console (Ctrl-A x)'
		echo 'guest: hv: summary guest=pc_panic.bzimage result=stopped exits=5'
		echo 'hv: summary guest=pc_panic.bzimage result=killed exits=5 why=irqs_off'
	else
		echo 'hv: guest pc_panic.bzimage: stopped from the console (Ctrl-A x)'
		echo 'hv: summary guest=pc_panic.bzimage result=stopped exits=5'
	fi
	echo "hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)"
	echo 'hv: pages still held at return: 1'
	echo 'hv-test: pc_panic returned 0x15'
}
LOG=$tmp/stopped.log
stopped_log genuine >"$LOG"
run_checks expect_stopped hostile "$LOG" pc_panic pc_panic.bzimage
verdict "a guest stopped by Ctrl-A x: hv's genuine lines pass" pass
LOG=$tmp/stopped-forged.log
stopped_log forged >"$LOG"
run_checks expect_stopped hostile "$LOG" pc_panic pc_panic.bzimage
verdict "a guest stopped by Ctrl-A x: the stop printed by the guest fails" fail

# The fuzz oracle (expect_fuzz): a genuine run passes; a run hv killed
# for an unlisted reason, whose guest prints every line the oracle
# wants, does not; nor one whose hv's own memory changed.
fuzz_log() { # ENDING MEMORY
	echo 'hv-test: step fuzz-7:0:10'
	echo 'guest: fuzz: seed 0x7 batch 3'
	if [ "$1" = forged ]; then
		echo 'guest: hv: summary guest=fuzz.bin result=ok exits=5'
		echo "guest: hv: hv's own memory after the run: as before"
		echo 'hv: summary guest=fuzz.bin result=killed exits=5 cpuid=5 why=unhandled_exit'
	else
		echo "hv: summary guest=fuzz.bin result=killed exits=5 cpuid=4 ept_violation=1 why=ept_violation"
	fi
	echo "hv: hv's own memory after the run: $2"
	echo 'hv: vmx off'
	echo "hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)"
	echo 'hv: every page freed but the one holding the TSS that TR still refers to'
	echo 'hv-test: fuzz-7:0:10 returned 0x0'
}
LOG=$tmp/fuzz.log
fuzz_log genuine 'as before (code 101 KiB, EPT 4 tables)' >"$LOG"
run_checks expect_fuzz fuzz "$LOG"
verdict "a fuzz run's genuine lines (killed for a listed reason) pass" pass
fuzz_log forged 'as before (code 101 KiB, EPT 4 tables)' >"$LOG"
run_checks expect_fuzz fuzz "$LOG"
verdict "a fuzz run killed why=unhandled_exit fails, whatever its guest prints" fail
fuzz_log genuine 'CHANGED: EPT' >"$LOG"
run_checks expect_fuzz fuzz "$LOG"
verdict "a fuzz run after which hv's EPT changed fails" fail
# The bad-input boot (expect_input): one case refused before VMX, one
# that turned VMX on. Forged: the refusal only as a guest's line, and a
# guest ran; leak: a page not freed.
printf '%s\n' 'bad-kernel|0x2|0|^hv: kernel x.bin: not a bzImage|refused' \
	'big-mem|0x9|1|^hv: cannot allocate 4096 MiB|allocation failed' >"$tmp/input-cases.txt"
input_log() { # KIND: genuine, forged or leak
	echo "hv-test: step bad-kernel"
	if [ "$1" = forged ]; then
		echo "guest: hv: kernel x.bin: not a bzImage"
		echo "hv: summary guest=x.bin result=ok exits=3"
	else
		echo "hv: kernel x.bin: not a bzImage"
	fi
	if [ "$1" = leak ]; then
		echo "hv: pages still held at return: 2048"
	else
		echo "hv: pages still held at return: 0"
	fi
	echo "hv-test: bad-kernel returned 0x2"
	echo "hv-test: step big-mem"
	echo "hv: vmx on (VMXON region at 0x1e16b000, revision 0x2b)"
	echo "hv: cannot allocate 4096 MiB of guest memory for --mem=4096"
	echo "hv: vmx off"
	echo "hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)"
	if [ "$1" = leak ]; then
		echo "hv: 2 pages not freed (expected 1)"
	else
		echo "hv: every page freed but the one holding the TSS that TR still refers to"
	fi
	echo "hv-test: big-mem returned 0x9"
}
for kind in genuine forged leak; do
	LOG=$tmp/input-$kind.log
	input_log $kind >"$LOG"
	run_checks expect_input input "$LOG" "$tmp/input-cases.txt"
	case $kind in
	genuine) verdict "the bad-input boot's genuine lines pass" pass ;;
	forged) verdict "a refusal printed by a guest, and a guest that ran, fail the bad-input checks" fail ;;
	leak) verdict "a page not freed after a refused run, or the file's pages kept, fail the bad-input checks" fail ;;
	esac
done

# A check written without the anchor is refused, not run.
LOG=$tmp/genuine.log
run_checks expect "$tmp" 'hv: summary guest=tiny result=ok' "unanchored"
verdict "an unanchored pattern is refused" fail
exit $fail
