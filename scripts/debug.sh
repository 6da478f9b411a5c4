#!/usr/bin/env bash
# make debug: stops hv.efi at a breakpoint with its symbols known.
#   debug.sh [--emu bochs|qemu-kvm|qemu-tcg] [--break SYMBOL] [--batch]
#   debug.sh --address SYMBOL BASE     a symbol's address at image base BASE
#
# qemu-kvm and qemu-tcg: boots hv.img under QEMU with a GDB stub, hv.efi
# waiting for the debugger (--debug-wait in hv.cfg), then starts GDB with
# hv.efi's symbols loaded where the firmware put it, and a breakpoint.
# qemu-kvm (nested VT-x) debugs the VMX path; under qemu-tcg hv.efi stops
# at its "no VMX" refusal.
#
# bochs (the default where nested KVM is unusable): Debian's Bochs has its
# own debugger and no GDB stub. With "clock: sync=none" a Bochs boot is
# deterministic, so hv.efi lands at the same image base every time: a
# first boot learns the base, a second stops at a linear breakpoint on the
# symbol in Bochs's debugger (r: registers; x /4gx rdi: the first guest
# registers, when stopped in an exit handler; c: continue; quit).
#
# --batch (for tests): stop at the breakpoint, print where, and leave.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.." || exit 2
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
	if [ "$kvm" = yes ]; then emu="qemu-kvm"; else
		emu=bochs
		echo "debug: bochs (nested KVM unusable: $kvm)"
	fi
fi
case $emu in
bochs | qemu-kvm | qemu-tcg) ;;
*) echo "debug.sh: unknown platform $emu (bochs, qemu-kvm, qemu-tcg)" >&2; exit 2 ;;
esac
[ "$emu" = qemu-tcg ] && [ "$brk" = handle_cpuid ] && {
	echo "debug: qemu-tcg has no VMX; stopping at the refusal, vmx_check_usable"
	brk=vmx_check_usable
}
symbol_address 0 "$brk" >/dev/null || exit 2

# image_base SERIAL: the base hv.efi printed, once it has.
image_base() {
	sed -n 's/.*hv: minimal VT-x hypervisor, image base \(0x[0-9a-f]*\).*/\1/p' "$1" | head -n1
}

bochs_debug() {
	local out=build/debug-bochs base addr rc
	mkdir -p "$out"
	cp build/hv.img "$out/hv.img"
	rm -f "$out/hv.img.lock"
	bochs_config "$out" "$out/hv.img" "$out/serial.log" "$out/bochs.log"
	printf 'c\nquit\n' >"$out/learn.rc"
	: >"$out/serial.log"
	echo "debug: booting Bochs once to learn hv.efi's image base ..."
	setsid bochs -q -f "$out/bochsrc" -rc "$out/learn.rc" </dev/null >"$out/learn.log" 2>&1 &
	local pid=$!
	for _ in $(seq 240); do
		base=$(image_base "$out/serial.log")
		[ -n "$base" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	kill -- -"$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$out/hv.img.lock"
	[ -n "$base" ] || { echo "debug: hv.efi did not report its image base"; tail -n 5 "$out/serial.log"; return 1; }
	addr=$(symbol_address "$base" "$brk") || return 1
	echo "debug: hv.efi loads at $base; $brk is at $addr"
	rc=$out/debug.rc
	printf 'lb %s\nc\n' "$addr" >"$rc"
	: >"$out/serial.log"
	if [ "$batch" = 1 ]; then
		printf 'r\nx /4gx rdi\nquit\n' >>"$rc"
		timeout 300 bochs -q -f "$out/bochsrc" -rc "$rc" </dev/null 2>&1
	else
		echo "debug: in Bochs's debugger at $brk: r, x /4gx rdi, s, c, quit"
		bochs -q -f "$out/bochsrc" -rc "$rc"
	fi
	local again
	again=$(image_base "$out/serial.log")
	rm -f "$out/hv.img.lock"
	[ "$again" = "$base" ] || echo "debug: warning: this boot loaded hv.efi at ${again:-?}, not $base; the breakpoint may be wrong"
}
if [ "$emu" = bochs ]; then
	bochs_debug
	exit
fi

out=build/debug
mkdir -p "$out"
echo '--debug-wait' >"$out/hv.cfg"
scripts/mkimage.sh "$out/hv.img" EFI/BOOT/BOOTX64.EFI=build/hv.efi EFI/BOOT/hv.cfg="$out/hv.cfg"
accel=(-accel tcg -cpu max)
[ "$emu" = qemu-kvm ] && accel=(-enable-kvm -cpu "host,+vmx")
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
	base=$(image_base "$out/serial.log")
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
