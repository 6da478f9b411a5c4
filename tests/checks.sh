# shellcheck shell=bash
# The checks on hv.efi's serial output, shared by every platform (source
# it; scripts/test.sh and tests/integration.sh do, and so does
# tests/verdict_test.sh, which feeds them forged logs). The caller defines
# ok, not_ok and skipped, and sets LOG to a cleaned serial log.
#
#   expect NAME REGEX WHAT           a line of $LOG matches REGEX
#   expect_none NAME REGEX WHAT      no line of $LOG matches REGEX
#   step_log ALL STEP OUT            the lines of step STEP of ALL in OUT
#   expect_tiny_run NAME [external]  the tiny guest's run (exact counts)
#   expect_break_entry NAME ALL      both --break-entry steps of ALL
#   expect_hostile NAME ALL          the hostile suite's steps of ALL
#   expect_linux NAME ALL [STEP [GUEST]]  the Linux guest's step of ALL
#   expect_linux_debian NAME ALL     its step with Debian's own initramfs
#   expect_linux_minimal NAME ALL N  its step with a busybox init's rc
#   expect_stopped NAME ALL STEP GUEST  a step ended by Ctrl-A x
#   expect_resident_next NAME ALL    --chain=next from a boot entry
#   expect_input NAME ALL CASES      the bad-input boot's steps of ALL
#
# Verdicts come from hv.efi's own lines only. hv prints every line of its
# own starting "hv: ", and everything a guest prints as "guest: ..." with
# control characters turned into dots (vmm/console.c), so a guest cannot
# start a line. Every REGEX must therefore be anchored at the start of the
# line ("^hv: ...", "^hv-test: ..." for the shell's echo lines); expect
# refuses one that is not, since an unanchored pattern would also match
# "guest: hv: summary ... result=ok" printed by a hostile guest. Under
# KVM-in-Bochs the L1 lines arrive as "l1: ..."; the caller strips that
# prefix first (tests/integration.sh: l1_log).

# expect NAME REGEX WHAT
expect() {
	case $2 in
	^*) ;;
	*) not_ok "$1: $3 (the check's pattern /$2/ is not anchored to the start of a line)"; return ;;
	esac
	if grep -qE -- "$2" "$LOG"; then
		ok "$1: $3"
	else
		not_ok "$1: $3 (no line matching /$2/ in $LOG); last lines:"
		tail -n 15 "$LOG" | sed 's/^/    /'
	fi
}

# expect_none NAME REGEX WHAT
expect_none() {
	if grep -qE -- "$2" "$LOG"; then
		not_ok "$1: $3; found:"
		grep -E -- "$2" "$LOG" | head -n 3 | sed 's/^/    /'
	else
		ok "$1: $3"
	fi
}

# step_log ALL STEP OUT: from the line "hv-test: step STEP" (the L1 or
# shell script's echo before each hv.efi run, hv_step below) to its
# "hv-test: STEP returned ..." line, included.
step_log() {
	awk -v s="hv-test: step $2" -v e="hv-test: $2 returned " '
		$0 == s { on = 1; next }
		on && index($0, e) == 1 { print; on = 0 }
		/^hv-test: step / { on = 0 }
		on' "$1" >"$3"
}

# The tiny guest's exact trapped-exit counts (guest/tiny.c): the free MSRs
# (TSC, FS_BASE) and port 0x80 must NOT appear in them — that is the
# bitmaps working. External interrupts (the firmware's timer) come first
# when there are any: Bochs never takes one, KVM does.
# How many host registers hv compares before and after every run
# (vmm/x86/host_state.c): all of them, or the line does not match.
HOST_REGS_COMPARED=31

TINY_COUNTS='cpuid=2 hlt=1 vmcall=3 cr_access=4 .*msr_read=3 msr_write=1 .*cr3_load=2'

# expect_tiny_run NAME [external]: with "external", at least one
# external-interrupt exit must have been taken (and is counted).
expect_tiny_run() {
	local name=$1 n
	expect "$name" '^guest: tiny guest: 14 of 14 checks passed' "the tiny guest passed all 14 of its own checks"
	expect "$name" "^hv: summary guest=tiny result=ok exits=[0-9]+ (external_interrupt=[0-9]+ )?$TINY_COUNTS" "summary: result=ok, exact cpuid/hlt/vmcall/cr/msr/cr3_load counts"
	expect "$name" '^hv: summary guest=tiny .*io_instruction=[1-9][0-9]* .*preemption_timer=[1-9]' "summary: I/O and preemption-timer exits counted"
	if [ "${2:-}" = external ]; then
		n=$(sed -n 's/^hv: summary guest=tiny result=ok .*external_interrupt=\([0-9]*\).*/\1/p' "$LOG" | head -n1)
		[ "${n:-0}" -gt 0 ] && ok "$name: $n external-interrupt exits taken and counted (the firmware's timer)" ||
			not_ok "$name: no external-interrupt exit counted"
	fi
	expect "$name" '^hv: vmx off' "VMX turned off"
	expect "$name" '^hv: every page freed but the one holding the TSS' "every page freed"
	expect "$name" "^hv: host state after the run: as before \\($HOST_REGS_COMPARED registers compared\\)" "host registers as before the run"
	# guest/tiny.c writes POST codes to port 0x80, which the I/O bitmap
	# passes through: no exit, so no denial and no UART byte.
	expect_none "$name" '^hv: guest tiny: .*port 0x80 ' "port 0x80 passed through the I/O bitmap without an exit"
}

# expect_break_entry NAME ALL: the steps break-host-tr and
# break-guest-rflags of ALL. Each time the checker names the broken rule
# before the entry, and the processor's own verdict (Bochs's, or KVM's
# nested VM-entry checks) is the one that rule predicts. The two verdict
# lines are printed side by side.
expect_break_entry() {
	local name=$1 all=$2 dir save=$LOG
	dir=$(dirname "$all")
	step_log "$all" break-host-tr "$dir/step-break-host-tr.log"
	LOG=$dir/step-break-host-tr.log
	expect "$name" '^hv: entry check: .*\[host\.tr' "--break-entry=host-tr: the checker names the host TR rule"
	expect "$name" '^hv: VMLAUNCH failed: VM-instruction error 8: VM entry with invalid host-state field' "--break-entry=host-tr: the CPU's verdict (error 8) reported beside it"
	expect "$name" '^hv: summary guest=tiny result=error .*why=vmlaunch_failed' "--break-entry=host-tr: result=error why=vmlaunch_failed"
	grep -E '^hv: (entry check: |VMLAUNCH failed)' "$LOG" | head -n 2 | sed "s/^/    $name host-tr: /"
	step_log "$all" break-guest-rflags "$dir/step-break-guest-rflags.log"
	LOG=$dir/step-break-guest-rflags.log
	expect "$name" '^hv: entry check: .*RFLAGS' "--break-entry=guest-rflags: the checker names the RFLAGS rule"
	expect "$name" '^hv: guest tiny: VM entry failed: exit reason 0x80000021 \(invalid_guest_state\)' "--break-entry=guest-rflags: the CPU's verdict (exit reason 33) reported beside it"
	grep -E '^hv: (entry check: |guest tiny: VM entry failed)' "$LOG" | head -n 2 | sed "s/^/    $name guest-rflags: /"
	LOG=$save
}

# The fewest exits hv counts for guest/pc/pc_fuzz.S's whole run: without
# a fuzz= argument it runs seed 1's batches 0 to 19 (20000 iterations),
# 23,838 exits under Bochs (I/O, RDMSR, WRMSR, MMIO); a run cut short, or a
# guest that skipped the fuzz, has far fewer.
PC_FUZZ_MIN_EXITS=20000

# expect_hostile NAME ALL: each line of tests/hostile_expect.txt (GUEST
# RESULT [WHY]) is a step of ALL, one run of hv.efi each; after all of
# them the good guest must pass, proof that no hostile guest left a mark.
# Every run turns VMX off, frees every page, and leaves the host's
# registers as they were.
expect_hostile() {
	local name=$1 all=$2 dir save=$LOG runs=0 off=0 freed=0 same=0 g result why want
	dir=$(dirname "$all")
	# Flat guests (GUEST.bin), then the PC's (--kernel=GUEST.bzimage).
	while read -r g result why; do
		[ -n "$g" ] || continue
		step_log "$all" "$g" "$dir/step-$g.log"
		LOG=$dir/step-$g.log
		want="^hv: summary guest=$g.[a-z]+ result=$result"
		[ -n "$why" ] && want="$want .*why=$why"
		expect "$name" "$want( |\$)" "$g: result=$result${why:+ why=$why}"
		runs=$((runs + 1))
		grep -q '^hv: vmx off' "$LOG" && off=$((off + 1))
		grep -q '^hv: every page freed but the one holding the TSS' "$LOG" && freed=$((freed + 1))
		grep -q '^hv: host state after the run: as before' "$LOG" && same=$((same + 1))
	done < <(cat tests/hostile_expect.txt tests/hostile_pc_expect.txt)
	LOG=$dir/step-pc_realmode_gp.log
	expect "$name" '^hv: summary guest=pc_realmode_gp.bzimage result=reboot .*msr_read=1( |$)' "pc_realmode_gp: the #GP for RDMSR in real mode was injected without an error code, so its VM entry worked (review G2): the guest's empty IDT then reset it"
	expect_none "$name" '^hv: VMRESUME failed' "pc_realmode_gp: no VM-entry failure"
	LOG=$dir/step-pc_acpi_s5.log
	expect "$name" '^hv: guest pc_acpi_s5.bzimage: power off through ACPI \(SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604\)' "pc_acpi_s5: SLP_TYP 5 | SLP_EN to PM1a_CNT powered the PC off"
	# Issue 17's junk in the interrupt controllers (guest/pc/pc_apic_junk.S
	# says where each count comes from): every message of the I/O APIC's
	# junk dropped and counted by reason, every access of the APIC page
	# that is no register counted, the 8259's IRQ 4 at the exception
	# vector 4 it was told injected once, and the run ending in S5.
	LOG=$dir/step-pc_apic_junk.log
	# With the CPU's APIC virtualization (hv says so), the CPU itself
	# takes the three accesses of a register that are not 32 bits.
	local odd=1923 how="hv's emulation"
	grep -q '^hv: guest pc_apic_junk.bzimage: APIC virtualization: ' "$LOG" &&
		odd=1920 how="the CPU's APIC virtualization took the 3 accesses of a register that are not 32 bits"
	expect "$name" "^hv: guest pc_apic_junk.bzimage: 9 I/O APIC messages dropped \\(illegal vector 2, delivery mode 5, destination 2\\), $odd xAPIC-page accesses of no register\$" "pc_apic_junk: the I/O APIC's junk entries dropped (2 illegal vectors, 5 delivery modes, 2 destinations), $odd accesses of no APIC register counted ($how)"
	expect "$name" '^hv: guest pc_apic_junk.bzimage: 1 interrupts injected,' "pc_apic_junk: one interrupt injected, the 8259's IRQ 4 through LINT0 at vector 4"
	expect "$name" '^hv: guest pc_apic_junk.bzimage: power off through ACPI \(SLP_TYP 5' "pc_apic_junk: the guest lived through its junk to power off through ACPI"
	# Issue 22: the fuzz of the PC's ports, MSRs and MMIO ran to its
	# end (its exits counted by hv, not claimed by the guest) and
	# powered off through ACPI S5, nothing of it ending the run early.
	LOG=$dir/step-pc_fuzz.log
	expect "$name" '^hv: guest pc_fuzz.bzimage: power off through ACPI \(SLP_TYP 5 and SLP_EN to PM1a_CNT, port 0x604\)' "pc_fuzz: after the fuzz, S5 powered the PC off"
	local fuzz_exits
	fuzz_exits=$(sed -n 's/^hv: summary guest=pc_fuzz\.bzimage result=[a-z_]* exits=\([0-9]*\).*/\1/p' "$LOG" | head -n 1)
	if [ "${fuzz_exits:-0}" -ge "$PC_FUZZ_MIN_EXITS" ]; then
		ok "$name: pc_fuzz: $fuzz_exits exits, at least $PC_FUZZ_MIN_EXITS: the fuzz ran to its end"
	else
		not_ok "$name: pc_fuzz: ${fuzz_exits:-no} exits in hv's summary, fewer than $PC_FUZZ_MIN_EXITS"
	fi
	# Review G1 needs XSAVE; hv says whether the PC offers it (KVM's L1
	# under Bochs may not).
	LOG=$dir/step-pc_xcr0_shrink.log
	if grep -q '^hv: the guest.s x87/SSE/AVX state: XSAVE' "$LOG"; then
		expect "$name" '^hv: summary guest=pc_xcr0_shrink.bzimage result=error .*xsetbv=2 .*why=halted_at_boot$' "pc_xcr0_shrink: both XSETBVs emulated, the second shrinking XCR0 under live SSE state (review G1), and the host lived to end the run"
	else
		expect "$name" '^hv: the guest.s x87/SSE state: FXSAVE \(no XSAVE offered' "pc_xcr0_shrink: hv offers no XSAVE on this CPU, so review G1's XCR0 shrink cannot be tried here"
	fi
	LOG=$dir/step-hostile_ept_write.log
	expect "$name" '^hv: guest hostile_ept_write.bin: EPT violation: .*guest-physical 0x300000' "hostile_ept_write: the guest-physical address is reported"
	LOG=$dir/step-good.log
	expect "$name" '^guest: good: 4 of 4 checks passed' "after the hostile suite, the good guest passes its own checks"
	expect "$name" '^hv-test: good returned 0x0' "the good guest's run returned EFI_SUCCESS to the shell"
	[ "$off" -eq "$runs" ] && ok "$name: VMX turned off after each of the $runs runs" ||
		not_ok "$name: 'hv: vmx off' in $off runs of $runs"
	[ "$freed" -eq "$runs" ] && ok "$name: every page freed after each of the $runs runs" ||
		not_ok "$name: every page freed in $freed runs of $runs"
	[ "$same" -eq "$runs" ] && ok "$name: host registers as before after each of the $runs runs" ||
		not_ok "$name: host registers as before in $same runs of $runs (see 'CHANGED' in $dir/step-*.log)"
	LOG=$save
}

# The Linux guest's checks (guest/linux/init), each a line
# "linux-check: NAME ok ..." that must be there; then the typed line
# echoed back ("input got"), and the closing count with no FAIL and no
# skip.
LINUX_CHECKS="serial-irq uname cpu-sse2 cpu-no-vmx pci clock rtc-irq avx sha256 awk-float sleep fork-exec hv-exits"
LINUX_INPUT=hv-input-test

# expect_linux NAME ALL [STEP [GUEST]]: the step STEP (default "linux") of
# ALL, one run of hv.efi --kernel=GUEST (default vmlinuz) with the
# project's initramfs and hv.test=1: hv's own verdict, every check of
# /init, and the host as before. "linux-cloud" is the same with Debian's
# cloud kernel.
expect_linux() {
	local name=$1 all=$2 step=${3:-linux} guest=${4:-vmlinuz} dir save=$LOG c
	dir=$(dirname "$all")
	step_log "$all" "$step" "$dir/step-$step.log"
	LOG=$dir/step-$step.log
	expect "$name" "^hv: summary guest=$guest result=ok" "$step: hv's verdict on Debian's kernel ($guest): result=ok (it powered off)"
	expect "$name" "^hv: guest $guest: power off through ACPI " "$step: /init's poweroff (no -f) ended in ACPI's S5: SLP_TYP and SLP_EN to PM1a_CNT"
	if ! grep -q '^guest: linux-check: ' "$LOG"; then
		# One failure, not one per check, when /init never spoke.
		not_ok "$name: $step: no line from /init (its $(wc -w <<<"$LINUX_CHECKS") checks and the input check did not run)"
	else
		for c in $LINUX_CHECKS; do
			expect "$name" "^guest: linux-check: $c ok" "$step: /init's check $c"
		done
		expect "$name" "^guest: linux-check: input got $LINUX_INPUT\$" "$step: a line typed on the firmware's console reached the guest's shell"
		expect_none "$name" '^guest: linux-check: [a-z0-9-]+ FAIL' "$step: no check of /init failed"
		expect "$name" '^guest: linux-check: done [0-9]+ ok, 0 FAIL, 0 skip' "$step: /init finished its checks"
	fi
	expect_none "$name" '^guest: .*Bad FPU state detected' "$step: no XRSTOR of the guest kernel's took #GP (they did with XSAVEC offered under Bochs 2.7)"
	grep -E '^guest: linux-check: (tsc-at-init|sleep|fork-exec) ' "$LOG" | sed "s/^guest: linux-check: /    $name $step: /"
	expect "$name" '^hv: host state after the run: as before' "$step: host registers as before the run"
	expect "$name" "^hv-test: $step returned 0x0" "$step: hv.efi returned EFI_SUCCESS to the shell"
	LOG=$save
}

# expect_linux_minimal NAME ALL LINES [GUEST]: the step "linux-minimal" of
# ALL: Debian's kernel GUEST (default vmlinuz) with the smallest initramfs a user would write
# (scripts/linux-guest/minimal.sh: busybox's init runs an rc script that
# echoes LINES numbered lines and calls poweroff, no -f), the plain
# command line. hv's verdict is result=ok after an ACPI power off; the
# echoed lines, each of which crossed hv's UART model in interrupt mode,
# must all be there, in order, none lost or doubled.
expect_linux_minimal() {
	local name=$1 all=$2 lines=$3 guest=${4:-vmlinuz} dir save=$LOG got want
	dir=$(dirname "$all")
	step_log "$all" linux-minimal "$dir/step-linux-minimal.log"
	LOG=$dir/step-linux-minimal.log
	expect "$name" '^hv: kernel command line: console=ttyS0$' "linux-minimal: the plain command line, console=ttyS0 only"
	expect "$name" "^hv: summary guest=$guest result=ok" "linux-minimal: hv's verdict on a busybox init's poweroff: result=ok"
	expect "$name" "^hv: guest $guest: power off through ACPI " "linux-minimal: busybox's poweroff (no -f) ended in ACPI's S5"
	got=$(sed -n 's/^guest: minimal: line \([0-9]*\) of [0-9]*$/\1/p' "$LOG" | tr '\n' ' ')
	want=$(seq -s ' ' 1 "$lines")
	[ "$got" = "$want " ] && ok "$name: linux-minimal: all $lines lines the rc script echoed reached the console, in order" ||
		not_ok "$name: linux-minimal: the echoed lines that arrived: '${got:-none}', want 1 to $lines"
	expect "$name" '^hv: host state after the run: as before' "linux-minimal: host registers as before the run"
	expect "$name" '^hv-test: linux-minimal returned 0x0' "linux-minimal: hv.efi returned EFI_SUCCESS to the shell"
	LOG=$save
}

# expect_linux_debian NAME ALL: the step "linux-debian" of ALL: Debian's
# kernel with Debian's own initramfs (scripts/linux-guest/debian-initrd.sh,
# mkinitramfs), console=ttyS0 and no root=, so Debian's /init stops at its
# "(initramfs)" shell, where the harness types "poweroff -f". From hv's
# lines only: result=ok after an ACPI power off, console input given to
# the guest's UART (the typed line), the host as before, EFI_SUCCESS.
expect_linux_debian() {
	local name=$1 all=$2 dir save=$LOG n
	dir=$(dirname "$all")
	step_log "$all" linux-debian "$dir/step-linux-debian.log"
	LOG=$dir/step-linux-debian.log
	expect "$name" '^hv: summary guest=vmlinuz result=ok' "linux-debian: hv's verdict on Debian's kernel with Debian's own initramfs: result=ok"
	expect "$name" '^hv: guest vmlinuz: power off through ACPI ' "linux-debian: the typed poweroff -f ended in ACPI's S5"
	n=$(sed -n 's/^hv: guest vmlinuz: [0-9]* interrupts injected, \([0-9]*\) bytes of console input given to its UART$/\1/p' "$LOG" | tail -n 1)
	[ "${n:-0}" -gt 0 ] && ok "$name: linux-debian: $n bytes typed at the (initramfs) prompt reached the guest's UART" ||
		not_ok "$name: linux-debian: no console input given to the guest's UART (${n:-no line})"
	expect "$name" '^hv: host state after the run: as before' "linux-debian: host registers as before the run"
	expect "$name" '^hv-test: linux-debian returned 0x0' "linux-debian: hv.efi returned EFI_SUCCESS to the shell"
	LOG=$save
}

# expect_stopped NAME ALL STEP GUEST [REGEX WHAT]: the step STEP of ALL,
# a guest that never ends by itself (a panicked kernel: interrupts on, a
# delay loop), stopped by hv's escape, Ctrl-A x, typed by the harness:
# hv says so, its verdict is result=stopped, the host is as before and
# the shell got EFI_ABORTED (0x15). REGEX: one more line of hv's the step
# must have (WHAT).
expect_stopped() {
	local name=$1 all=$2 step=$3 guest=$4 dir save=$LOG
	dir=$(dirname "$all")
	step_log "$all" "$step" "$dir/step-$step.log"
	LOG=$dir/step-$step.log
	[ $# -ge 6 ] && expect "$name" "$5" "$step: $6"
	expect "$name" "^hv: guest $guest: stopped from the console \(Ctrl-A x\)\$" "$step: Ctrl-A x typed on the firmware's console stopped the guest"
	expect "$name" "^hv: summary guest=$guest result=stopped " "$step: hv's verdict: result=stopped"
	expect "$name" '^hv: host state after the run: as before' "$step: host registers as before the run"
	expect "$name" '^hv: pages still held at return: [01]$' "$step: every page freed (but the TSS page TR may still refer to)"
	expect "$name" "^hv-test: $step returned 0x15\$" "$step: hv.efi returned EFI_ABORTED to the shell"
	LOG=$save
}

# expect_input NAME ALL CASES: the bad-input boot (issue 22), one run of
# hv.efi per line of CASES, "STEP|RC|VMX|REGEX|WHAT": hv's own line
# matching REGEX names the problem (WHAT), and the shell's %lasterror% is
# RC (0x2 for a refusal). VMX=1: the run entered a VMX session, which must
# end with VMX off, every page freed and the host's registers as before;
# VMX=0: the run ended before hv turned VMX on (a refusal before any guest
# memory was allocated). No run may start a guest. Each step's lines are
# left in ALL's folder as step-STEP.log for further checks.
expect_input() {
	local name=$1 all=$2 cases=$3 dir save=$LOG step rc vmx re what
	local runs=0 vmx_runs=0 pre=0 off=0 freed=0 same=0 no_vmx=0 no_guest=0 held=0
	dir=$(dirname "$all")
	while IFS='|' read -r step rc vmx re what; do
		[ -n "$step" ] || continue
		step_log "$all" "$step" "$dir/step-$step.log"
		LOG=$dir/step-$step.log
		expect "$name" "$re" "$step: $what"
		expect "$name" "^hv-test: $step returned $rc\$" "$step: hv.efi returned $rc to the shell"
		runs=$((runs + 1))
		grep -q '^hv: summary ' "$LOG" || no_guest=$((no_guest + 1))
		if [ "$vmx" = 1 ]; then
			vmx_runs=$((vmx_runs + 1))
			grep -q '^hv: vmx off' "$LOG" && off=$((off + 1))
			grep -q '^hv: every page freed but the one holding the TSS' "$LOG" && freed=$((freed + 1))
			grep -q '^hv: host state after the run: as before' "$LOG" && same=$((same + 1))
		else
			pre=$((pre + 1))
			grep -q '^hv: vmx on' "$LOG" || no_vmx=$((no_vmx + 1))
			grep -q '^hv: pages still held at return: 0$' "$LOG" && held=$((held + 1))
		fi
	done <"$cases"
	LOG=$save
	[ "$no_guest" -eq "$runs" ] && ok "$name: no guest ran in any of the $runs runs" ||
		not_ok "$name: a guest ran (a 'hv: summary' line) in $((runs - no_guest)) of the $runs runs"
	[ "$no_vmx" -eq "$pre" ] && ok "$name: $pre runs ended before VMX was turned on (no guest memory allocated)" ||
		not_ok "$name: VMX was turned on in $((pre - no_vmx)) of the $pre runs that should end before it"
	[ "$held" -eq "$pre" ] && ok "$name: every page (the files read among them) given back in each of those $pre runs" ||
		not_ok "$name: 'hv: pages still held at return: 0' in $held of the $pre runs that ended before VMX"
	[ "$off" -eq "$vmx_runs" ] && ok "$name: VMX turned off after each of the $vmx_runs runs that turned it on" ||
		not_ok "$name: 'hv: vmx off' in $off of the $vmx_runs runs that turned VMX on"
	[ "$freed" -eq "$vmx_runs" ] && ok "$name: every page freed after each of the $vmx_runs runs that turned VMX on" ||
		not_ok "$name: every page freed in $freed of the $vmx_runs runs that turned VMX on"
	[ "$same" -eq "$vmx_runs" ] && ok "$name: host registers as before after each of the $vmx_runs runs that turned VMX on" ||
		not_ok "$name: host registers as before in $same of the $vmx_runs runs that turned VMX on"
}

# hv_step NAME ARGS [PROGRAM]: the UEFI shell lines of one run of PROGRAM
# (hv.efi unless given), as step_log cuts them (the Bochs shell images and
# the KVM-in-Bochs L1 use the same).
hv_step() {
	echo "echo \"hv-test: step $1\""
	echo "${3:-hv.efi}${2:+ $2}"
	echo "echo \"hv-test: $1 returned %lasterror%\""
}

# The fuzz guest's oracle (guest/fuzz.c, scripts/fuzz.sh): from hv's own
# lines only. FUZZ_WHY: the kill reasons docs/guest-abi.md lists that a
# guest may cause; unhandled_exit and ept_misconfig are hv's bugs there,
# and machine_check cannot come from a guest, so each is a finding.
FUZZ_WHY='ept_violation|triple_fault|watchdog|host_time|exit_limit|exception_loop|console_flood|string_io'

# fuzz_batch STEPLOG: the last batch the fuzz guest announced in a step
# (its own "fuzz: seed S batch B" line: where to look, never a verdict).
fuzz_batch() {
	local b
	b=$(sed -n 's/^guest: .*fuzz: seed [0-9a-fx]* batch \(0x[0-9a-f]*\|[0-9]*\)$/\1/p' "$1" | tail -n 1)
	# The PC's fuzz guest prints it in hex.
	[ -n "$b" ] && echo $((b))
}

# expect_fuzz NAME ALL: every step "fuzz-*" of ALL (one run of hv.efi
# fuzz.bin --guest-arg=SEED:FIRST:COUNT each; with FUZZ_GUEST_RE=
# pc_fuzz\.bzimage, of the PC's fuzz guest) ended as the ABI allows:
# a summary line with result=ok, result=error status=N (HV_HC_EXIT; not
# 0xe0-0xff, the guest's unexpected-exception status) or result=killed
# for a listed reason; VMX off, every page freed, the host's registers as
# before; hv's code, EPT and bitmaps as before (checksums); no failed VM
# entry and no firmware exception dump. One not_ok
# per broken rule, naming seed and batch (ok/not_ok are the caller's).
expect_fuzz() {
	local name=$1 all=$2 dir step steps=0 bad sum batch where
	dir=$(dirname "$all")
	while read -r step; do
		steps=$((steps + 1))
		step_log "$all" "$step" "$dir/step-$step.log"
		batch=$(fuzz_batch "$dir/step-$step.log")
		where="$step (batch ${batch:-none})"
		bad=0
		sum=$(grep -E "^hv: summary guest=${FUZZ_GUEST_RE:-fuzz\.bin} " "$dir/step-$step.log" | tail -n 1)
		if [ -z "$sum" ]; then
			not_ok "$name: $where: no summary line from hv"
			bad=1
		elif ! grep -qE "result=ok( |\$)|result=error .*status=([0-9]+)\$|result=killed .*why=($FUZZ_WHY)( |\$)" <<<"$sum"; then
			not_ok "$name: $where: the run ended outside the ABI: ${sum#hv: summary }"
			bad=1
		elif [[ $sum =~ status=(22[4-9]|23[0-9]|24[0-9]|25[0-5])$ ]]; then
			not_ok "$name: $where: an exception struck the guest with no fixup armed (status ${BASH_REMATCH[1]}): ${sum#hv: summary }"
			bad=1
		fi
		grep -q '^hv: vmx off' "$dir/step-$step.log" ||
			{ not_ok "$name: $where: no 'hv: vmx off'"; bad=1; }
		grep -q '^hv: every page freed' "$dir/step-$step.log" ||
			{ not_ok "$name: $where: not every page freed"; bad=1; }
		grep -q "^hv: hv's own memory after the run: as before" "$dir/step-$step.log" ||
			{ not_ok "$name: $where: hv's own memory: $(grep -m1 "^hv: hv's own memory" "$dir/step-$step.log" || echo 'no checksum line')"; bad=1; }
		grep -q '^hv: host state after the run: as before' "$dir/step-$step.log" ||
			{ not_ok "$name: $where: host registers changed: $(grep -m1 CHANGED "$dir/step-$step.log")"; bad=1; }
		if grep -qE '^hv: (.*VM entry failed|VMRESUME failed|VMLAUNCH failed)' "$dir/step-$step.log"; then
			not_ok "$name: $where: $(grep -m1 -E '^hv: (.*VM entry failed|VMRESUME failed|VMLAUNCH failed)' "$dir/step-$step.log")"
			bad=1
		fi
		if grep -q '!!!! X64 Exception' "$dir/step-$step.log"; then
			not_ok "$name: $where: a host exception: $(grep -m1 '!!!! X64 Exception' "$dir/step-$step.log")"
			bad=1
		fi
		[ "$bad" = 0 ] && ok "$name: $step: ${sum#hv: summary guest=* }"
	done < <(sed -n 's/^hv-test: step \(fuzz-[0-9a-fx:r-]*\)$/\1/p' "$all")
	[ "$steps" -gt 0 ] || not_ok "$name: no fuzz run in $all"
}

# in_step NAME ALL STEP REGEX WHAT: expect REGEX within hv_step STEP's
# lines of the serial log ALL.
in_step() {
	local saved=$LOG step=${2%/*}/step-$3.log
	step_log "$2" "$3" "$step"
	LOG=$step
	expect "$1" "$4" "$3: $5"
	LOG=$saved
}

# expect_resident NAME LOG: resident mode on a 2-CPU Bochs (issue 18,
# docs/resident.md), from hv's own lines: hv.efi --resident loads the
# runtime driver, which virtualizes both CPUs, each resuming in VMX
# non-root and seeing hv's CPUID signature; run again, hv says it is
# already there (hv's per-CPU record, through VMCALL) and changes
# nothing; --unload takes every CPU out with the BSP's registers as
# before; --break-cpu=1 and =0 fail cleanly with every CPU out of VMX;
# then an ordinary hv.efi run passes: the firmware carried on.
expect_resident() {
	local n=$1 all=$2
	in_step "$n" "$all" resident '^hv: loaded hvrt\.efi, a runtime driver, at 0x[0-9a-f]+ \([0-9]+ KiB of EfiRuntimeServicesCode\)' "hv.efi loads the runtime driver into runtime-services code"
	in_step "$n" "$all" resident "^hv: resident: 2 CPUs \(boot processor: cpu 0\); hv's memory: [0-9]+ KiB of runtime-services data at 0x[0-9a-f]+, left out of the guest's EPT" "2 CPUs from the MP services, hv's memory runtime-services data, hidden by EPT"
	in_step "$n" "$all" resident '^hv: resident: EPT memory types from the MTRRs: default (UC|WB), [0-9]+ of [0-9]+ variable ranges enabled, fixed ranges on; UC: [0-9]+ MiB \+ [0-9]+ KiB; 2-MiB pages split into 4-KiB pages: [1-9]' "the EPT takes the MTRRs' types: the first 2 MiB split by the fixed ranges"
	in_step "$n" "$all" resident "^hv: host IDT: hv's own, in hv's pool, one per CPU \(cpu 0's at 0x[0-9a-f]+; 256 64-bit interrupt gates, IST 0\)" "HOST_IDTR: hv's own IDT in its pool, not the firmware's"
	in_step "$n" "$all" resident '^hv: cpu 1 \(APIC ID 1\): in VMX non-root operation; CPUID 40000000H there says "MinimalVTxHv"' "the AP resumed in VMX non-root and sees hv's signature"
	in_step "$n" "$all" resident '^hv: cpu 0 \(boot processor\): in VMX non-root operation; CPUID 40000000H here says "MinimalVTxHv"' "the BSP resumed in VMX non-root and sees hv's signature"
	in_step "$n" "$all" resident '^hv-test: resident returned 0x0$' "returned EFI_SUCCESS to the shell, which carries on as the guest"
	in_step "$n" "$all" again '^hv: cpu 1: in VMX non-root operation, [0-9]+ VM exits \(cpuid [1-9][0-9]*, init_signal 0\)' "run again: hv's record shows the AP in VMX with its exits"
	in_step "$n" "$all" again "^hv: IDTR in VMX root on this CPU: base 0x[0-9a-f]+, limit 0xffff: hv's own host IDT, in hv's pool" "run again: SIDT in VMX root (a VMCALL's exit) finds hv's own IDT, as HOST_IDTR loads it"
	in_step "$n" "$all" again '^hv: already resident on 2 of 2 CPUs; nothing changed' "run again: already resident on both CPUs, nothing changed"
	in_step "$n" "$all" again '^hv: cpuid \(leaf 0\) round trip here, under resident hv: [1-9][0-9]* TSC ticks' "run again: a CPUID round trip under resident hv timed (make bench prints it)"
	in_step "$n" "$all" again '^hv-test: again returned 0x14$' "run again: EFI_ALREADY_STARTED"
	in_step "$n" "$all" chainmiss '^hv: --chain=missing\.efi: not found next to hv\.efi \(LoadImage: EFI status 0x800000000000000e\)' "--chain= with a file that is not there: named, with LoadImage's status"
	in_step "$n" "$all" chainmiss '^hv-test: chainmiss returned 0x[eE]$' "--chain= with a missing file: EFI_NOT_FOUND to the shell"
	in_step "$n" "$all" unload '^hv: cpu 0: left VMX operation' "--unload: the BSP leaves VMX"
	in_step "$n" "$all" unload "^hv: host state after the run: as before \($HOST_REGS_COMPARED registers compared\)" "--unload: the BSP's registers as before"
	in_step "$n" "$all" unload '^hv: cpu 1: left VMX operation' "--unload: the AP is out of VMX"
	in_step "$n" "$all" unload '^hv: unloaded: 2 of 2 CPUs out of VMX operation' "--unload: both CPUs out"
	in_step "$n" "$all" unload '^hv-test: unload returned 0x0$' "--unload: EFI_SUCCESS"
	in_step "$n" "$all" break1 '^hv: cpu 1 \(APIC ID 1\): failed: refused VMXON \(the --break-cpu test hook\)' "--break-cpu=1: hv names the CPU that failed and why"
	in_step "$n" "$all" break1 '^hv: resident mode failed: every CPU is out of VMX operation, the firmware carries on' "--break-cpu=1: every CPU out of VMX"
	in_step "$n" "$all" break1 '^hv-test: break1 returned 0x15$' "--break-cpu=1: EFI_ABORTED"
	in_step "$n" "$all" break0 '^hv: cpu 0 \(APIC ID 0\): failed: refused VMXON \(the --break-cpu test hook\)' "--break-cpu=0: the BSP refuses after the AP is in VMX"
	in_step "$n" "$all" break0 '^hv: cpu 1: left VMX operation after [0-9]+ VM exits' "--break-cpu=0: the AP already in VMX leaves it"
	in_step "$n" "$all" break0 '^hv-test: break0 returned 0x15$' "--break-cpu=0: EFI_ABORTED"
	in_step "$n" "$all" after '^hv: summary guest=tiny result=ok' "an ordinary hv.efi run afterwards passes: the firmware carried on"
	in_step "$n" "$all" resident "^hv: the driver's image at 0x[0-9a-f]+ \([0-9]+ KiB\) hidden from the guest \(this CPU now, the others at their next VM exit\), but for its headers and base relocations \(8 KiB, which SetVirtualAddressMap reads\): [0-9]+ KiB of hv's code and data" "once the driver has returned, its image is hidden from the guest (headers and .reloc left)"
	in_step "$n" "$all" peek '^hv: guest firmware: EPT violation: read from guest-physical page not mapped .* at guest-physical 0x[0-9a-f]+' "--peek-hidden: the guest's read of hv's hidden image is an EPT violation"
	in_step "$n" "$all" peek '^hv: cpu 0: the guest stopped \(why=ept_violation, exit reason 48' "--peek-hidden: hv stops the CPU that read it"
	expect_none "$n" '^hv: --peek-hidden: read 0x' "--peek-hidden: the read never completed"
}

# expect_resident_next NAME LOG: a stick whose BOOTX64.EFI is hv.efi with
# hv.cfg "--resident --chain=next": hv goes resident on both CPUs and
# returns EFI_NOT_STARTED, so the boot manager starts the next boot entry
# (OVMF's shell), whose startup.nsh then finds hv already there and
# unloads it.
expect_resident_next() {
	local n=$1 all=$2
	expect "$n" '^hv: resident on 2 CPUs: the firmware carries on as the guest' "the boot entry's hv.efi (hv.cfg: --resident --chain=next) is resident on both CPUs"
	expect "$n" '^hv: --chain=next: returning EFI_NOT_STARTED, so that the boot manager starts the next entry of BootOrder' "--chain=next hands the boot on to the boot manager's next entry"
	in_step "$n" "$all" again '^hv: already resident on 2 of 2 CPUs; nothing changed' "the next entry (the shell) runs on top of hv: already resident on both CPUs"
	in_step "$n" "$all" unload '^hv: unloaded: 2 of 2 CPUs out of VMX operation' "--unload from that shell: both CPUs out"
	in_step "$n" "$all" unload '^hv-test: unload returned 0x0$' "--unload: EFI_SUCCESS"
}

# expect_resident_cpus NAME LOG CPUS: resident mode on an L1 machine of
# CPUS CPUs under nested KVM (scripts/kvm-in-bochs/boot.sh's resident
# steps), from hv's own lines: the MP services show every CPU, each
# resumes in VMX non-root and sees hv's signature; run again, hv is
# already there on all of them; --unload takes every CPU out, each with
# its registers as before.
expect_resident_cpus() {
	local n=$1 all=$2 c=$3 i k
	in_step "$n" "$all" resident "^hv: resident: $c CPUs \(boot processor: cpu 0\)" "the MP services show $c CPUs"
	for ((i = 1; i < c; i++)); do
		in_step "$n" "$all" resident "^hv: cpu $i \(APIC ID [0-9]+\): in VMX non-root operation; CPUID 40000000H there says \"MinimalVTxHv\"" "cpu $i resumed in VMX non-root and sees hv's signature"
	done
	in_step "$n" "$all" resident "^hv: resident on $c CPUs: the firmware carries on as the guest" "resident on all $c CPUs"
	in_step "$n" "$all" again "^hv: already resident on $c of $c CPUs; nothing changed" "run again: already resident on all $c, nothing changed"
	in_step "$n" "$all" again '^hv: cpuid \(leaf 0\) round trip here, under resident hv: [1-9][0-9]* TSC ticks' "run again: a CPUID round trip under resident hv timed (make bench prints it)"
	in_step "$n" "$all" unload "^hv: unloaded: $c of $c CPUs out of VMX operation" "--unload: all $c CPUs out of VMX"
	k=$(grep -c "^hv: host state after the run: as before ($HOST_REGS_COMPARED registers compared)" "${all%/*}/step-unload.log")
	[ "$k" = "$c" ] && ok "$n: unload: each of the $c CPUs' registers as before ($HOST_REGS_COMPARED compared on each)" ||
		not_ok "$n: unload: $k of $c CPUs said their registers were as before"
}

# expect_resident_linux NAME LOG CPUS [LINUX_CPUS [CONTROL]]: Debian's
# kernel from the shell with hv resident on CPUS CPUs (one hv.efi run in
# the boot: --resident --chain=vmlinuz.efi): hv's lines first, then the
# kernel's and /init's. Resident hv has no console of its own once the
# kernel runs: what it counted reaches the log through its VMCALL
# interface, which /init's hvutil asks on each CPU. LINUX_CPUS (default
# 1): the CPUs Linux must bring up, each with hv's exits (the others
# INIT and SIPI among them). CONTROL: the log of the same boot without
# hv on a machine like it; no check of /init's may then do worse here
# than there (a machine's own FAIL is not hv's); "-": none was booted,
# and the machine is not hv's PC (QEMU's under KVM directly), so /init's
# checks are shown, not judged; none given: all must pass.
expect_resident_linux() {
	local n=$1 cpus=$3 lc=${4:-1} control=${5:-} s=s i c h a diff=0
	LOG=$2
	[ "$cpus" = 1 ] && s=""
	expect "$n" "^hv: resident on $cpus CPU$s: the firmware carries on as the guest" "hv resident on $cpus CPU$s"
	expect "$n" '^hv: chaining to vmlinuz\.efi initrd=.*, with hv resident below it$' "hv.efi --chain=vmlinuz.efi started the kernel's EFI stub with its command line"
	expect "$n" '^(\[ *[0-9.]+\] )?Linux version ' "the kernel's EFI stub ran under hv"
	expect "$n" '^linux-info: cpu flags: .*hypervisor' "Linux sees the hypervisor flag"
	expect_none "$n" '^linux-info: cpu flags: (.* )?vmx( |$)' "Linux does not see VMX"
	if [ -z "$control" ]; then
		expect "$n" '^linux-check: done [0-9]+ ok, 0 FAIL' "/init's checks pass"
	elif [ "$control" = - ]; then
		expect "$n" '^linux-check: done ' "/init finished its checks (not judged: no boot without hv to compare with)"
		grep '^linux-check: [a-z0-9-]* FAIL' "$LOG" | sed "s/^/    $n: /"
	else
		# Against hv counts a check that does worse under hv than
		# without it; one that FAILs in both is the machine's, one that
		# passes under hv alone is hv's doing (cpu-no-vmx: hv hides VMX;
		# hv-exits: only hv answers), each said.
		while read -r c; do
			h=$(sed -n "s/^linux-check: $c \([a-zA-Z]*\).*/\1/p" "$LOG" | head -n1)
			a=$(sed -n "s/^linux-check: $c \([a-zA-Z]*\).*/\1/p" "$control" | head -n1)
			case $h:$a in
			ok:ok | skip:skip) ;;
			FAIL:FAIL) echo "    $n: /init's $c FAILs without hv too (the machine's): $(sed -n "s/^linux-check: $c FAIL //p" "$control" | head -n1)" ;;
			ok:*) echo "    $n: /init's $c passes under hv, ${a:-none} without: $(sed -n "s/^linux-check: $c [a-zA-Z]* //p" "$control" | head -n1)" ;;
			*)
				diff=$((diff + 1))
				echo "    $n: /init's $c: ${h:-none} under hv, ${a:-none} without: $(sed -n "s/^linux-check: $c //p" "$LOG" | head -n1)"
				;;
			esac
		done < <(sed -n 's/^linux-check: \([a-z0-9-]*\) \(ok\|FAIL\|skip\) .*/\1/p' "$control" "$LOG" | sort -u)
		[ "$diff" = 0 ] && ok "$n: /init's checks do no worse than in the same kernel's boot without hv ($(sed -n 's/^linux-check: done //p' "$LOG" | head -n1) with hv; $(sed -n 's/^linux-check: done //p' "$control" | head -n1) without)" ||
			not_ok "$n: $diff of /init's checks do worse under hv than without it"
	fi
	expect "$n" '^linux-info: hv-exits: cpu 0: [0-9]+ exits: .*cpuid=[1-9]' "hvutil hv-exits, from Linux's user space, shows resident hv's exits on cpu 0 (CPUID 40000001H)"
	[ "$lc" -gt 1 ] || return 0
	expect "$n" "^linux-info: cpus online 0-$((lc - 1)), $lc in /proc/cpuinfo" "Linux brought up all $lc CPUs"
	for ((i = 1; i < lc; i++)); do
		expect "$n" "^linux-info: hv-exits: cpu $i: [0-9]+ exits: .*sipi=[1-9]" "hvutil hv-exits shows resident hv's exits on cpu $i, Linux's SIPI among them"
	done
}
