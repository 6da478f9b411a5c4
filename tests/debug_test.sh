#!/usr/bin/env bash
# make debug: symbol addresses from the image base, and a real GDB session
# under QEMU TCG that stops at a breakpoint inside hv.efi.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
off=$(nm build/hv.so | awk '$3 == "handle_cpuid" { print $1 }')
got=$(scripts/debug.sh --address handle_cpuid 0x1e000000)
want=$(printf '0x%x' $((0x1e000000 + 0x$off)))
[ "$got" = "$want" ] && echo "ok - debug.sh --address: image base + symbol offset ($got)" ||
	{ echo "not ok - debug.sh --address: got $got, want $want"; fail=1; }
scripts/debug.sh --address no_such_symbol 0x1000 >/dev/null 2>&1 &&
	{ echo "not ok - debug.sh --address accepts an unknown symbol"; fail=1; } ||
	echo "ok - debug.sh --address refuses an unknown symbol"

out=$(timeout 180 scripts/debug.sh --emu qemu-tcg --break vmx_check_usable --batch 2>&1)
if grep -q 'Breakpoint 1, vmx_check_usable' <<<"$out" && grep -q 'in efi_main' <<<"$out"; then
	echo "ok - make debug: GDB loads hv.efi's symbols at its image base and stops at a breakpoint"
else
	echo "not ok - make debug: no breakpoint hit; last lines:"
	tail -n 8 <<<"$out" | sed 's/^/    /'
	fail=1
fi
# Bochs: a deterministic boot learns the image base, the next stops at a
# linear breakpoint on the exit handler, in Bochs's own debugger.
out=$(timeout 300 scripts/debug.sh --emu bochs --batch 2>&1)
addr=$(sed -n 's/^debug: hv.efi loads at 0x[0-9a-f]*; handle_cpuid is at \(0x[0-9a-f]*\)$/\1/p' <<<"$out")
if [ -n "$addr" ] && grep -q "Breakpoint 1, $(printf '0x%016x' "$addr") in" <<<"$out" &&
	! grep -q 'debug: warning' <<<"$out"; then
	echo "ok - make debug EMU=bochs: Bochs's debugger stops in handle_cpuid at $addr, on the first CPUID exit"
else
	echo "not ok - make debug EMU=bochs: no stop in handle_cpuid; last lines:"
	tail -n 8 <<<"$out" | sed 's/^/    /'
	fail=1
fi
exit $fail
