# The boots make test runs, sourced by scripts/test.sh (which defines
# boot, expect, expect_count, ok, not_ok, skipped). Each is bounded.

# The tiny guest's exact trapped-exit counts (guest/tiny.c): the free MSRs
# (TSC, FS_BASE) and port 0x80 must NOT appear in them — that is the
# bitmaps working.
TINY_COUNTS='cpuid=2 hlt=1 vmcall=3 cr_access=4 .*msr_read=3 msr_write=1 .*cr3_load=2'

expect_tiny_run() {
	local name=$1
	expect "$name" 'guest: tiny guest: 14 of 14 checks passed' "the tiny guest passed all 14 of its own checks"
	expect "$name" "hv: summary guest=tiny result=ok exits=[0-9]+ $TINY_COUNTS" "summary: result=ok, exact cpuid/hlt/vmcall/cr/msr/cr3_load counts"
	expect "$name" 'hv: summary guest=tiny .*io_instruction=[1-9][0-9]* .*preemption_timer=[1-9]' "summary: I/O and preemption-timer exits counted"
	expect "$name" 'hv: vmx off' "VMX turned off"
	expect "$name" 'hv: every page freed but the one holding the TSS' "every page freed"
	expect "$name" 'hv: host state after the run: as before \(31 registers compared\)' "host registers as before the run"
	# guest/tiny.c writes POST codes to port 0x80, which the I/O bitmap
	# passes through: no exit, so no denial and no UART byte.
	if grep -q 'port 0x80 ' "$LOG"; then
		not_ok "$name: port 0x80 exited (the I/O bitmap should pass it):"
		grep 'port 0x80 ' "$LOG" | head -n 3 | sed 's/^/    /'
	else
		ok "$name: port 0x80 passed through the I/O bitmap without an exit"
	fi
}

section "integration: Bochs (VMX emulated), booting build/hv.img"
if boot bochs-image bochs build/hv.img 300 --until-return; then
	expect bochs-image 'hv: VMX capability report \(CPU vendor GenuineIntel\)' "capability report printed"
	expect bochs-image 'VMCS revision identifier +0x2b' "IA32_VMX_BASIC decoded (revision 0x2b)"
	expect_tiny_run bochs-image
	expect bochs-image 'hv: returning to firmware: ok \(EFI status 0x0\)' "returned EFI_SUCCESS"
	expect bochs-image 'BdsDxe' "firmware carried on after the app returned"
fi

section "integration: Bochs, BOOTX64.EFI with hv.cfg choosing the guest (no shell)"
# The USB-stick path: no command line, so the guest is named in hv.cfg.
cfg_img=build/test/cfg.img
mkdir -p build/test
printf '# chosen without a shell\ngood.bin   # the well-behaved guest\n' >build/test/hv.cfg
rm -f "$cfg_img"
if ! scripts/mkimage.sh "$cfg_img" EFI/BOOT/BOOTX64.EFI=build/hv.efi \
	EFI/BOOT/hv.cfg=build/test/hv.cfg EFI/BOOT/good.bin=build/guest/good.bin; then
	not_ok "bochs-cfg: could not build $cfg_img"
elif boot bochs-cfg bochs "$cfg_img" 300 --until-return; then
	expect bochs-cfg '^hv: read hv.cfg' "hv.cfg next to BOOTX64.EFI was read"
	expect bochs-cfg 'hv: summary guest=good.bin result=ok' "the guest it names ran and passed"
	expect bochs-cfg 'hv: returning to firmware: ok' "returned EFI_SUCCESS"
fi

section "integration: Bochs, UEFI shell running hv.efi several times in one boot"
# No BOOTX64.EFI: OVMF falls through to its shell, which runs startup.nsh.
shell_img=build/test/shell.img
mkdir -p build/test
{
	echo '@echo -off'
	echo 'fs0:'
	echo 'echo "hv-test: run 1"'
	echo 'hv.efi'
	echo 'echo "hv-test: run 1 returned %lasterror%"'
	echo 'echo "hv-test: run 2"'
	echo 'hv.efi'
	echo 'echo "hv-test: run 2 returned %lasterror%"'
	echo 'hv.efi --break-entry=host-tr'
	echo 'echo "hv-test: break host-tr returned %lasterror%"'
	echo 'hv.efi --break-entry=guest-rflags'
	echo 'echo "hv-test: break guest-rflags returned %lasterror%"'
	echo 'hv.efi abi_only.bin'
	echo 'hv.efi --watchdog=50 hostile_spin.bin'
	echo 'hv.efi --dump'
	echo 'hv.efi missing.bin'
	echo 'hv.efi empty.bin'
	echo 'hv.efi big.bin'
	echo 'hv.efi elf.bin'
	echo 'hv.efi --bogus'
	echo 'hv.efi'
	echo 'echo "hv-test: run 3 returned %lasterror%"'
	echo 'reset -s'
} >build/test/startup.nsh
: >build/test/empty.bin
head -c 2000000 /dev/zero >build/test/big.bin
cp build/guest/tiny.elf build/test/elf.bin
rm -f "$shell_img"
if ! scripts/mkimage.sh "$shell_img" hv.efi=build/hv.efi startup.nsh=build/test/startup.nsh \
	abi_only.bin=build/guest/abi_only.bin hostile_spin.bin=build/guest/hostile_spin.bin \
	empty.bin=build/test/empty.bin \
	big.bin=build/test/big.bin elf.bin=build/test/elf.bin; then
	not_ok "bochs-shell: could not build $shell_img"
elif boot bochs-shell bochs "$shell_img" 600; then
	n=$(grep -c 'hv: summary guest=tiny result=ok' "$LOG")
	[ "$n" -eq 4 ] && ok "bochs-shell: hv.efi ran the tiny guest 4 times in one boot" ||
		not_ok "bochs-shell: expected 4 ok runs of the tiny guest, saw $n"
	expect bochs-shell 'guest: abi_only: all 22 checks passed' "a guest written only from docs/guest-abi.md passes its own checks"
	expect bochs-shell 'hv: summary guest=abi_only.bin result=ok' "... and ends with result=ok"
	expect bochs-shell 'watchdog: still running after 50 time slices' "--watchdog=50 sets the watchdog's budget"
	expect bochs-shell 'hv: summary guest=hostile_spin.bin result=killed exits=[0-9]+ .*preemption_timer=50 cr3_load=0 why=watchdog' "... and the spinning guest is killed after exactly 50 slices"
	expect bochs-shell 'hv: VMCS dump' "--dump prints the VMCS"
	expect bochs-shell '^ +GUEST_RIP +0x681e = 0x0000000000010000' "... every field named, formatted by width"
	expect bochs-shell 'hv: guest image empty.bin: the file is empty' "an empty guest image is named"
	expect bochs-shell 'hv: guest image big.bin: 2000000 bytes is too large' "an oversized guest image is named"
	expect bochs-shell 'hv: guest image elf.bin: an ELF file, not a flat image' "a malformed (ELF) guest image is named"
	expect bochs-shell 'hv-test: run 2 returned 0x0' "the second run in the same boot returned EFI_SUCCESS"
	expect bochs-shell 'hv: entry check: .*\[host\.tr' "--break-entry=host-tr: the checker names the host TR rule"
	expect bochs-shell 'VMLAUNCH failed: VM-instruction error 8: VM entry with invalid host-state field' "--break-entry=host-tr: the CPU's verdict (error 8) reported beside it"
	expect bochs-shell 'hv: entry check: .*RFLAGS' "--break-entry=guest-rflags: the checker names the RFLAGS rule"
	expect bochs-shell 'VM entry failed: exit reason 0x80000021 \(invalid_guest_state\)' "--break-entry=guest-rflags: the CPU's verdict (exit reason 33) reported beside it"
	expect bochs-shell 'hv: summary guest=tiny result=error .*why=vmlaunch_failed' "a failed VMLAUNCH ends as result=error"
	expect bochs-shell 'hv: guest image missing.bin: not found next to hv.efi' "a missing guest image is named"
	expect bochs-shell 'hv: unknown or bad argument "--bogus"' "a bad argument is named"
	expect bochs-shell 'hv-test: run 3 returned 0x0' "after the failures, a clean run in the same boot passes"
	n_off=$(grep -c '^hv: vmx off' "$LOG")
	n_same=$(grep -c '^hv: host state after the run: as before' "$LOG")
	[ "$n_off" -gt 0 ] && [ "$n_same" -eq "$n_off" ] &&
		ok "bochs-shell: host registers as before after all $n_off runs, failed entries included" ||
		not_ok "bochs-shell: host registers as before in $n_same of $n_off runs"
fi

section "integration: Bochs, the hostile guests then a good one, in one boot"
# Each line of tests/hostile_expect.txt: GUEST RESULT [WHY]. Each guest is
# a separate run of hv.efi; after all of them the good guest must pass and
# the app must still return, proof that no hostile guest left a mark.
hostile_img=build/test/hostile.img
hostile_files=()
{
	echo '@echo -off'
	echo 'fs0:'
	while read -r g _; do
		[ -n "$g" ] || continue
		echo "hv.efi $g.bin"
		echo "echo \"hv-test: $g returned %lasterror%\""
		hostile_files+=("$g.bin=build/guest/$g.bin")
	done <tests/hostile_expect.txt
	echo 'reset -s'
} >build/test/hostile.nsh
rm -f "$hostile_img"
if ! scripts/mkimage.sh "$hostile_img" hv.efi=build/hv.efi \
	startup.nsh=build/test/hostile.nsh "${hostile_files[@]}"; then
	not_ok "bochs-hostile: could not build $hostile_img"
elif boot bochs-hostile bochs "$hostile_img" 900; then
	while read -r g result why; do
		[ -n "$g" ] || continue
		want="hv: summary guest=$g.bin result=$result"
		[ -n "$why" ] && want="$want .*why=$why"
		expect bochs-hostile "$want( |\$)" "$g: result=$result${why:+ why=$why}"
	done <tests/hostile_expect.txt
	expect bochs-hostile 'hv: guest hostile_ept_write.bin: EPT violation: .*guest-physical 0x300000' "hostile_ept_write: the guest-physical address is reported"
	expect bochs-hostile 'guest: good: 4 of 4 checks passed' "after the hostile suite, the good guest passes its own checks"
	n=$(grep -c '^hv: vmx off' "$LOG")
	want_runs=$(grep -c . tests/hostile_expect.txt)
	[ "$n" -eq "$want_runs" ] && ok "bochs-hostile: VMX turned off after each of the $n runs" ||
		not_ok "bochs-hostile: 'hv: vmx off' $n times, expected $want_runs"
	n=$(grep -c 'hv: every page freed but the one holding the TSS' "$LOG")
	[ "$n" -eq "$want_runs" ] && ok "bochs-hostile: every page freed after each of the $n runs" ||
		not_ok "bochs-hostile: every page freed in $n runs of $want_runs"
	n=$(grep -c '^hv: host state after the run: as before' "$LOG")
	[ "$n" -eq "$want_runs" ] && ok "bochs-hostile: host registers as before after each of the $n runs" ||
		not_ok "bochs-hostile: host registers as before in $n runs of $want_runs (see 'CHANGED' in $LOG)"
	expect bochs-hostile 'hv-test: good returned 0x0' "the good guest's run returned EFI_SUCCESS to the shell"
fi

section "integration: QEMU TCG (no VMX), booting build/hv.img"
if boot qemu-tcg qemu-tcg build/hv.img 120 --until-return; then
	expect qemu-tcg 'hv: this CPU does not support VMX: CPUID.1:ECX.VMX \[bit 5\] = 0' "refuses clearly without VMX"
	expect qemu-tcg 'hv: returning to firmware: no VMX on this CPU \(EFI status 0x8000000000000003\)' "returned EFI_UNSUPPORTED"
	expect qemu-tcg 'BdsDxe' "firmware carried on after the app returned"
fi

section "integration: QEMU with nested KVM"
kvm=$(kvm_nested_status)
if [ "$kvm" = yes ]; then
	if boot qemu-kvm qemu-kvm build/hv.img 300 --until-return; then
		expect qemu-kvm 'hv: VMX capability report' "capability report printed"
		expect_tiny_run qemu-kvm
		expect qemu-kvm 'hv: returning to firmware: ok' "returned EFI_SUCCESS"
	fi
else
	skipped "nested KVM: $kvm"
fi
