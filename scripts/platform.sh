# Platform detection for run.sh and test.sh (source it). Paths can be
# overridden so tests/platform_test.sh can feed fake hosts.
: "${HV_CPUINFO:=/proc/cpuinfo}"
: "${HV_KVM_DEV:=/dev/kvm}"
: "${HV_KVM_NESTED:=/sys/module/kvm_intel/parameters/nested}"

# Prints "yes" when QEMU can run hv.efi with KVM and VMX exposed to the
# guest (nested KVM on an Intel host), else one line saying why not.
kvm_nested_status() {
	if ! grep -qm1 '^vendor_id.*GenuineIntel' "$HV_CPUINFO" 2>/dev/null; then
		echo "host CPU is not Intel ($(grep -m1 '^vendor_id' "$HV_CPUINFO" 2>/dev/null | sed 's/.*: //'), nested VT-x needs kvm_intel)"
		return
	fi
	if ! grep -qm1 '^flags.* vmx' "$HV_CPUINFO"; then
		echo "host CPU reports no vmx flag (VT-x off in firmware, or this host is itself a guest without nested VMX)"
		return
	fi
	if [ ! -e "$HV_KVM_DEV" ]; then
		echo "$HV_KVM_DEV is missing (load kvm_intel)"
		return
	fi
	if [ ! -r "$HV_KVM_DEV" ] || [ ! -w "$HV_KVM_DEV" ]; then
		echo "$HV_KVM_DEV is not accessible to $(id -un) (join the kvm group)"
		return
	fi
	if [ ! -r "$HV_KVM_NESTED" ]; then
		echo "kvm_intel is not loaded ($HV_KVM_NESTED missing)"
		return
	fi
	case "$(cat "$HV_KVM_NESTED")" in
	Y | y | 1) echo yes ;;
	*) echo "kvm_intel nested=$(cat "$HV_KVM_NESTED") (enable with: modprobe -r kvm_intel && modprobe kvm_intel nested=1)" ;;
	esac
}

# Chooses the platform for "make run" with no EMU: sets EMU and WHY.
choose_platform() {
	local kvm
	kvm=$(kvm_nested_status)
	if [ "$kvm" = yes ]; then
		EMU=qemu-kvm
		WHY="nested KVM is usable on this Intel host"
	else
		EMU=bochs
		WHY="nested KVM unusable: $kvm; Bochs emulates VMX on any x86-64 host"
	fi
}

# bochs_config OUTDIR IMAGE SERIAL LOG [MEGS]: writes OUTDIR/bochsrc from
# scripts/bochsrc.in (headless, deterministic: clock sync=none). MEGS:
# the machine's memory (512 MiB; the KVM-in-Bochs Linux, which holds
# QEMU and its guest, gets 2048).
bochs_config() {
	sed -e "s#@OVMF@#/usr/share/ovmf/OVMF.fd#; s#@IMAGE@#$2#; s#@SERIAL@#$3#; s#@LOG@#$4#; s#@MEGS@#${5:-512}#" \
		"$(dirname "${BASH_SOURCE[0]}")/bochsrc.in" >"$1/bochsrc"
}

# clean_serial [FILE]: a serial log as lines: the firmware's terminal
# escapes and carriage returns removed, blank lines dropped. The one copy
# run.sh, test.sh and bench.sh all use.
clean_serial() {
	sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r//g' "$@" | grep -v '^[[:space:]]*$'
}
