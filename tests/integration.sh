# The boots make test runs, sourced by scripts/test.sh (which defines
# boot, expect, ok, not_ok, skipped). Each platform is bounded by a timeout.

section "integration: Bochs (VMX emulated), booting build/hv.img"
if boot bochs-image bochs build/hv.img 300 --until-return; then
	expect bochs-image 'hv: VMX capability report \(CPU vendor GenuineIntel\)' "capability report printed"
	expect bochs-image 'VMCS revision identifier +0x2b' "IA32_VMX_BASIC decoded (revision 0x2b)"
	expect bochs-image 'HLT exiting +may be 0 or 1' "primary controls decoded"
	expect bochs-image 'hv: returning to firmware: ok \(EFI status 0x0\)' "returned EFI_SUCCESS"
	expect bochs-image 'BdsDxe' "firmware carried on after the app returned"
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
		expect qemu-kvm 'hv: returning to firmware: ok' "returned EFI_SUCCESS"
	fi
else
	skipped "nested KVM: $kvm"
fi
