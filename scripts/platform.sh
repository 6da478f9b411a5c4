# shellcheck shell=bash
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
	# shellcheck disable=SC2034 # EMU and WHY are for the caller
	if [ "$kvm" = yes ]; then
		EMU=qemu-kvm
		WHY="nested KVM is usable on this Intel host"
	else
		EMU=bochs
		WHY="nested KVM unusable: $kvm; Bochs emulates VMX on any x86-64 host"
	fi
}

# bochs_config OUTDIR IMAGE SERIAL LOG [MEGS [CPUS]]: writes OUTDIR/bochsrc
# from scripts/bochsrc.in (headless, deterministic: clock sync=none).
# MEGS: the machine's memory (512 MiB; the KVM-in-Bochs Linux, which
# holds QEMU and its guest, gets 2048). CPUS: logical processors (1;
# OVMF's MP services see and run the others: resident mode's test). The
# CMOS clock starts at HV_BOCHS_TIME0 (Bochs's time0: seconds since 1970,
# or "utc" for now); by default at 2000-01-01 00:00:00, the same in every
# boot.
bochs_config() {
	sed -e "s#@OVMF@#/usr/share/ovmf/OVMF.fd#; s#@IMAGE@#$2#; s#@SERIAL@#$3#; s#@LOG@#$4#; s#@MEGS@#${5:-512}#; s#@CPUS@#${6:-1}#; s#@TIME0@#${HV_BOCHS_TIME0:-946684800}#" \
		"$(dirname "${BASH_SOURCE[0]}")/bochsrc.in" >"$1/bochsrc"
}

# bochs_com1_term BOCHSRC LINK: COM1 a terminal at LINK, read and written
# (scripts/serial_pty.py makes LINK a pseudo-terminal), instead of the
# log file: what --type-after and --interactive need.
bochs_com1_term() {
	sed -i "s#^com1:.*#com1: enabled=1, mode=term, dev=$2#" "$1"
}

# bochs_ips: the instructions a second of Bochs's clock
# (scripts/bochsrc.in's "ips="; with "clock: sync=none" the TSC counts
# instructions, so this is the TSC rate every guest under Bochs sees).
bochs_ips() {
	sed -n 's/^cpu:.* ips=\([0-9]*\).*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/bochsrc.in"
}

# clean_serial [FILE]: a serial log as lines: the firmware's terminal
# escapes and carriage returns removed, blank lines dropped. The one copy
# run.sh, test.sh and bench.sh all use.
clean_serial() {
	sed -e 's/\x1b\[[0-9;=?]*[A-Za-z]//g' -e 's/\r//g' "$@" | grep -v '^[[:space:]]*$'
}

# kib_build DISK L1IMG END BENCH TIMEOUT [PEER [ALONE]]: the KVM-in-Bochs
# disk for an L1 image (scripts/kvm-in-bochs/build.sh, cached), as run.sh
# boots it. END: exit|return; BENCH: 1 runs kvm_bench first; TIMEOUT: the
# whole boot's bound in seconds, of which QEMU gets all but the ~4
# minutes Linux needs to reach it; PEER: a Linux guest's folder that QEMU
# -kernel boots under KVM first (build.sh --peer); ALONE (or
# HV_KIB_ALONE): a Linux guest's folder booted without hv once the L1
# machine has ended (build.sh --alone). HV_KIB_SMP and HV_KIB_MEM: the L1
# machine's CPUs and MiB (build.sh --smp, --mem; 1 and 256 by default);
# HV_KIB_DISK=ide|virtio: its disk's interface (build.sh --disk; ide by
# default); HV_KIB_WATCH=S: /init's diagnosis lines every S seconds
# (build.sh --watch); HV_KIB_PREEMPTION_TIMER=0|1: kvm_intel's
# preemption_timer (build.sh --preemption-timer; the module's default
# when unset).
kib_build() {
	local flags=(--end "$3" --qemu-timeout $(($5 > 480 ? $5 - 240 : 240))
		--smp "${HV_KIB_SMP:-1}" --mem "${HV_KIB_MEM:-256}" --watch "${HV_KIB_WATCH:-0}")
	[ "$4" = 1 ] && flags+=(--bench)
	[ -n "${HV_KIB_PREEMPTION_TIMER:-}" ] && flags+=(--preemption-timer "$HV_KIB_PREEMPTION_TIMER")
	[ -n "${6:-}" ] && flags+=(--peer "$6")
	local alone=${7:-${HV_KIB_ALONE:-}}
	[ -n "$alone" ] && flags+=(--alone "$alone")
	flags+=(--disk "${HV_KIB_DISK:-ide}")
	"$(dirname "${BASH_SOURCE[0]}")/kvm-in-bochs/build.sh" "$1" "$2" "${flags[@]}"
}

# kib_phase CLEANLOG: where a KVM-in-Bochs boot stopped, from the phase
# markers of startup.nsh and /init (scripts/kvm-in-bochs/init) and the
# first lines of each later stage.
kib_phase() {
	local log=$1 f
	f=$(sed -n 's/^kib: FAILED phase=\([a-z_]*\).*/\1/p' "$log" | head -n1)
	if [ -n "$f" ]; then echo "$f ($(grep -m1 '^kib: FAILED' "$log" | sed 's/^kib: FAILED phase=[a-z_]*: //'))"
	elif ! grep -q '^kib: phase=kernel' "$log"; then echo "OVMF (Bochs's firmware never ran startup.nsh)"
	elif ! grep -q 'Linux version' "$log"; then echo "kernel (the EFI stub printed nothing)"
	elif ! grep -q '^kib: phase=init' "$log"; then echo "kernel (Linux never ran /init)"
	elif ! grep -q '^kib: kvm_intel: nested=' "$log"; then echo "kvm_intel"
	elif grep -q '^kib: phase=kvm_bench' "$log" && ! grep -q '^kvm_bench: done' "$log"; then echo "kvm_bench"
	elif grep -q '^kib: phase=peer_linux' "$log" && ! grep -q '^kib: phase=peer_done' "$log"; then echo "peer_linux (QEMU -kernel under KVM)"
	elif ! grep -q '^kib: phase=qemu ' "$log"; then echo "init"
	elif ! grep -q '^l1: ' "$log"; then echo "QEMU (no output from the L1 machine)"
	elif ! grep -q '^l1: hv: ' "$log"; then echo "L1 OVMF (hv.efi never started)"
	elif ! grep -q '^kib: phase=qemu_done' "$log"; then echo "hv.efi (QEMU never ended; last L1 line: $(grep '^l1: ' "$log" | tail -n1))"
	elif grep -q '^kib: phase=alone_linux' "$log" && ! grep -q '^kib: phase=alone_done' "$log"; then echo "alone_linux (the kernel without hv: QEMU -kernel with OVMF)"
	elif ! grep -q '^kib: phase=poweroff' "$log"; then echo "init (after QEMU)"
	else echo "poweroff (Bochs did not stop)"
	fi
}

# kib_tails OUTDIR: the logs' tails after a failed KVM-in-Bochs boot: the
# serial console (which holds init's dmesg and QEMU stderr tails on a
# failure), and Bochs's own log.
kib_tails() {
	echo "    --- serial console, last 25 lines ($1/serial.log) ---"
	clean_serial "$1/serial.log" | tail -n 25 | sed 's/^/    /'
	echo "    --- Bochs log, last 10 lines ($1/emulator.log) ---"
	tail -n 10 "$1/emulator.log" 2>/dev/null | sed 's/^/    /'
}

# kib_usable: succeeds when KVM inside Bochs can run here (Bochs, and
# Debian's kernel unpacked already or fetchable with apt); else prints why.
kib_usable() {
	if [ ! -x /usr/bin/bochs ]; then
		echo "bochs is not installed"
		return 1
	fi
	# The kernel comes from apt (scripts/deps.sh --fetch, which runs
	# apt-get update first on a machine without package lists).
	if ! ls build/kvm-in-bochs/pkg/linux-image-*.version >/dev/null 2>&1 &&
		! apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-' &&
		[ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
		echo "apt knows no linux-image-amd64, and without root or sudo apt-get update cannot run"
		return 1
	fi
}
