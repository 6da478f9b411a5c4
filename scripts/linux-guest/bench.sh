#!/usr/bin/env bash
# make bench's Linux row: Debian's kernel booted to /init under hv.efi
# against the same kernel booted by the firmware alone, in Bochs ticks.
#
#   bench.sh [OUTDIR]      (default build/bench/linux; needs build/hv.efi)
#
# Two Bochs boots of the same build/linux/vmlinuz and initrd.img with the
# same command line (scripts/linux-guest/cmdline, plus hv.test=1 and
# hv.input=0: /init powers off after its checks, nobody types):
#   direct  OVMF's shell starts the kernel's EFI stub ("vmlinuz.efi
#           initrd=\initrd.img ..."), as the KVM-in-Bochs disk does;
#           tsc_early_khz tells Linux Bochs's TSC rate (there is no other
#           way for it to learn it there) and hv.bochs=1 lets /init power
#           Bochs off through its PM port;
#   hv      the shell runs hv.efi --kernel=vmlinuz --initrd=initrd.img
#           --append="..." (hv gives the TSC rate in CPUID).
# /init's first command reads the TSC ("linux-check: tsc-at-init N"). With
# "clock: sync=none" Bochs's TSC counts instructions from power-on and
# hv.efi does not offset the guest's, so both figures share one origin:
# Bochs's power-on. They include the firmware's boot, the shell, and
# reading the kernel and initramfs from the ESP (the largest part: about
# 4.6 G of the direct boot's 7.2 G); under hv also hv.efi's own start.
# When hv prints "tsc=N" on its "hv: running guest" line, the ticks from
# that VM entry to /init are shown too.
#
# The direct boot's result is reused while its inputs are unchanged
# (Bochs replays it instruction for instruction). Prints the row; exit 0
# when both figures were measured, 1 otherwise (the row says why).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
. scripts/platform.sh
out=${1:-build/bench/linux}
mkdir -p "$out"
[ -f build/hv.efi ] || { echo "linux bench: build/hv.efi missing (run make all)" >&2; exit 2; }
if ! scripts/linux-guest/build.sh >"$out/build.log" 2>&1; then
	echo "linux bench: scripts/linux-guest/build.sh failed:"
	tail -n 10 "$out/build.log" | sed 's/^/    /'
	exit 1
fi
cmdline="$(cat build/linux/cmdline) hv.test=1 hv.input=0"
ips=$(sed -n 's/^cpu:.* ips=\([0-9]*\).*/\1/p' scripts/bochsrc.in)

# boot NAME NSH FILES...: one Bochs boot of an ESP with startup.nsh NSH;
# leaves $out/NAME/serial.clean.
boot() {
	local nsh=$2 dir=$out/$1
	shift 2
	mkdir -p "$dir"
	HV_IMG_MIB=24 scripts/mkimage.sh "$dir/disk.img" startup.nsh="$nsh" "$@" || return 1
	scripts/run.sh --emu bochs --image "$dir/disk.img" --out "$dir" --timeout 600 --quiet >"$dir/run.out" 2>&1
	local rc=$?
	clean_serial "$dir/serial.log" >"$dir/serial.clean"
	return $rc
}
tsc_at_init() { sed -n 's/^\(guest: \)\{0,1\}linux-check: tsc-at-init \([0-9]*\).*/\2/p' "$1" | head -n1; }

# --- the kernel alone ---------------------------------------------------------
{
	echo '@echo -off'
	echo 'fs0:'
	echo 'echo "hv-bench: linux direct"'
	echo "vmlinuz.efi initrd=\\initrd.img $cmdline tsc_early_khz=$((ips / 1000)) hv.bochs=1"
	echo 'echo "hv-bench: the EFI stub returned %lasterror%"'
	echo 'reset -s'
} >"$out/direct.nsh"
key=$({ cat build/linux/key; sha256sum "$out/direct.nsh" scripts/bochsrc.in /usr/share/ovmf/OVMF.fd \
	scripts/mkimage.sh | awk '{ print $1 }'; } | sha256sum | awk '{ print $1 }')
direct=""
if [ "$(cat "$out/direct.key" 2>/dev/null)" = "$key" ] && [ -s "$out/direct/serial.clean" ]; then
	direct=$(tsc_at_init "$out/direct/serial.clean")
	note="(reused: inputs unchanged)"
fi
if [ -z "$direct" ]; then
	boot direct "$out/direct.nsh" vmlinuz.efi=build/linux/vmlinuz initrd.img=build/linux/initrd.img
	direct=$(tsc_at_init "$out/direct/serial.clean")
	note="(booted now)"
	[ -n "$direct" ] && echo "$key" >"$out/direct.key"
fi

# --- under hv.efi ---------------------------------------------------------------
{
	echo '@echo -off'
	echo 'fs0:'
	echo 'echo "hv-bench: linux under hv"'
	echo "hv.efi --kernel=vmlinuz --initrd=initrd.img --append=\"$cmdline\""
	echo 'echo "hv-bench: hv.efi returned %lasterror%"'
	echo 'reset -s'
} >"$out/hv.nsh"
boot hv "$out/hv.nsh" hv.efi=build/hv.efi vmlinuz=build/linux/vmlinuz initrd.img=build/linux/initrd.img
hv=$(tsc_at_init "$out/hv/serial.clean")
entry=$(sed -n 's/^hv: running guest .*tsc=\([0-9]*\).*/\1/p' "$out/hv/serial.clean" | head -n1)

echo
kver=$(sed -n 's/^\(guest: \)\{0,1\}linux-check: uname ok \([^ ]*\).*/\2/p' "$out/direct/serial.clean" | head -n1)
echo "Linux boot to /init (Debian's kernel ${kver:-?}, Bochs ticks = instructions since power-on):"
printf '  %-34s | %15s | %15s | %s\n' "boot" "kernel alone" "under hv.efi" "hv/alone"
printf '  %-34s-+-%15s-+-%15s-+-%s\n' "----------------------------------" "---------------" "---------------" "--------"
if [ -n "$direct" ] && [ -n "$hv" ]; then
	printf '  %-34s | %15s | %15s | %s\n' "power-on to /init (tsc-at-init)" "$direct" "$hv" \
		"$(awk -v a="$hv" -v b="$direct" 'BEGIN { printf "%.2fx", a / b }')"
else
	printf '  %-34s | %15s | %15s | %s\n' "power-on to /init (tsc-at-init)" "${direct:-not measured}" "${hv:-not measured}" "-"
fi
echo "  kernel alone: $note, log $out/direct/serial.clean"
if [ -z "$hv" ]; then
	echo "  under hv.efi: not measured: $(grep -E '^hv: (summary|returning|unknown|guest)' "$out/hv/serial.clean" | tail -n 2 | tr '\n' ' ')(log $out/hv/serial.clean)"
elif [ -n "$entry" ]; then
	echo "  under hv.efi: $((hv - entry)) ticks from hv's VM entry (tsc=$entry) to /init"
fi
for b in direct hv; do
	u=$(sed -n 's/^\(guest: \)\{0,1\}linux-info: uptime at \/init \([0-9.]*\) s.*/\2/p' "$out/$b/serial.clean" | head -n1)
	[ -n "$u" ] && echo "  $b: the kernel's own clock at /init: $u s"
done
# hv's own count of the run's VM exits per reason (its summary line): the
# boot, /init's checks and the power-off.
sum=$(grep -m1 '^hv: summary guest=vmlinuz ' "$out/hv/serial.clean")
if [ -n "$sum" ]; then
	echo "  hv.efi's VM exits, boot to power-off, per reason (its summary line):"
	tr ' ' '\n' <<<"${sum#* result=}" | sed -n 's/^\([a-z_0-9]*\)=\([0-9][0-9]*\)$/\1 \2/p' |
		awk '{ printf "    %-20s %10s\n", $1, $2 }'
fi
[ -n "$direct" ] && [ -n "$hv" ]
