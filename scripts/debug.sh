#!/usr/bin/env bash
# make debug: boots hv.img under QEMU with a GDB stub, hv.efi waiting for
# the debugger (--debug-wait in hv.cfg), then starts GDB with hv.efi's
# symbols loaded where the firmware put it, and a breakpoint.
#   debug.sh [--emu qemu-kvm|qemu-tcg] [--break SYMBOL] [--batch]
# qemu-kvm (nested VT-x) is the one to debug the VMX path with; under
# qemu-tcg hv.efi stops at its "no VMX" refusal. Bochs has no GDB stub in
# Debian's build: use its own debugger with the address this prints
# (debug.sh --address SYMBOL BASE).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
. scripts/platform.sh

so=build/hv.so
# The .so is linked at 0 and the PE keeps its layout, so a symbol's address
# in memory is the image base plus its value in the .so.
symbol_address() { # base symbol
	local off
	off=$(nm "$so" | awk -v s="$2" '$3 == s { print $1; exit }')
	[ -n "$off" ] || { echo "debug.sh: no symbol $2 in $so" >&2; return 1; }
	printf '0x%x\n' $(($1 + 0x$off))
}

if [ "${1:-}" = --address ]; then
	symbol_address "$3" "$2"
	exit
fi

emu="" brk=handle_cpuid batch=0
while [ $# -gt 0 ]; do
	case $1 in
	--emu) emu=$2; shift ;;
	--break) brk=$2; shift ;;
	--batch) batch=1 ;;
	*) echo "debug.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$emu" ]; then
	kvm=$(kvm_nested_status)
	if [ "$kvm" = yes ]; then emu=qemu-kvm; else
		emu=qemu-tcg
		echo "debug: qemu-tcg (nested KVM unusable: $kvm); hv.efi will stop at its no-VMX refusal"
		[ "$brk" = handle_cpuid ] && brk=vmx_check_usable
	fi
fi

out=build/debug
mkdir -p "$out"
echo '--debug-wait' >"$out/hv.cfg"
scripts/mkimage.sh "$out/hv.img" EFI/BOOT/BOOTX64.EFI=build/hv.efi EFI/BOOT/hv.cfg="$out/hv.cfg"
accel=(-accel tcg -cpu max)
[ "$emu" = qemu-kvm ] && accel=(-enable-kvm -cpu host,+vmx)
cp /usr/share/ovmf/OVMF.fd "$out/OVMF.fd"
: >"$out/serial.log"
qemu-system-x86_64 -machine pc "${accel[@]}" -m 512 -smp 1 \
	-drive "if=pflash,format=raw,file=$out/OVMF.fd" \
	-drive "file=$out/hv.img,format=raw,if=ide" \
	-serial "file:$out/serial.log" -display none -net none -no-reboot \
	-monitor none -gdb tcp:127.0.0.1:1234 </dev/null >"$out/qemu.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null' EXIT

base=""
for _ in $(seq 120); do
	base=$(sed -n 's/.*hv: minimal VT-x hypervisor, image base \(0x[0-9a-f]*\).*/\1/p' "$out/serial.log" | head -n1)
	[ -n "$base" ] && grep -q 'waiting for a debugger' "$out/serial.log" && break
	sleep 1
done
[ -n "$base" ] || { echo "debug: hv.efi did not report its image base"; tail -n 5 "$out/serial.log"; exit 1; }
echo "debug: hv.efi loaded at $base; $brk is at $(symbol_address "$base" "$brk")"

cat >"$out/hv.gdb" <<GDB
set confirm off
set pagination off
target remote 127.0.0.1:1234
add-symbol-file $so -o $base
set var hv_debug_wait = 0
break $brk
continue
GDB
if [ "$batch" = 1 ]; then
	# For tests: stop at the breakpoint, show where, and leave.
	timeout 120 gdb -q -batch -x "$out/hv.gdb" -ex bt -ex 'info registers rip' 2>&1
else
	gdb -q -x "$out/hv.gdb"
fi
