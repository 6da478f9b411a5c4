#!/usr/bin/env bash
# make bench's Linux rows: Debian's kernel booted to /init under hv.efi,
# and with hv.efi resident below the firmware, against the same kernel
# booted by the firmware alone, in Bochs ticks.
#
#   bench.sh [OUTDIR]               the three boots in turn, then the rows
#   bench.sh --boot NAME [OUTDIR]   one boot only (direct, hv or resident):
#                                   make test runs them on both cores
#   bench.sh --rows [OUTDIR]        the rows, from the boots already made
#   (OUTDIR: default build/bench/linux; needs build/hv.efi, build/hvrt.efi)
#
# Three Bochs boots (1 CPU) of the same build/linux/vmlinuz and
# initrd.img with the same command line (scripts/linux-guest/cmdline, plus
# hv.test=1 and hv.input=0: /init powers off after its checks, nobody
# types):
#   direct    OVMF's shell starts the kernel's EFI stub ("vmlinuz.efi
#             initrd=\initrd.img ..."), as the KVM-in-Bochs disk does;
#             tsc_early_khz tells Linux Bochs's TSC rate (there is no
#             other way for it to learn it there) and hv.bochs=1 lets
#             /init power Bochs off through its PM port;
#   hv        the shell runs hv.efi --kernel=vmlinuz --initrd=initrd.img
#             --append="..." (hv gives the TSC rate in CPUID);
#   resident  the shell runs hv.efi --resident --chain=vmlinuz.efi
#             --append="<direct's command line>": hv goes below the
#             firmware, then the firmware starts the same EFI stub as in
#             direct, with the same command line (issue 18's Linux on top
#             of resident hv, which make test also checks: expect_
#             resident_linux in tests/checks.sh).
# /init's first command reads the TSC ("linux-check: tsc-at-init N"). With
# "clock: sync=none" Bochs's TSC counts instructions from power-on and
# hv.efi does not offset the guest's, so all figures share one origin:
# Bochs's power-on. They include the firmware's boot, the shell, and
# reading the kernel and initramfs from the ESP (the largest part: about
# 4.6 G of the direct boot's 7.2 G); under hv also hv.efi's own start.
# When hv prints "tsc=N" on its "hv: running guest" line, the ticks from
# that VM entry to /init are shown too.
#
# The direct boot's result is reused while its inputs are unchanged
# (Bochs replays it instruction for instruction). --boot exits 0 when its
# boot ended by itself; the rows exit 0 when every figure was measured, 1
# otherwise (the rows say why).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
. scripts/platform.sh
mode=all
case ${1:-} in
--boot) mode=$2; shift 2 ;;
--rows) mode=rows; shift ;;
esac
case $mode in all | rows | direct | hv | resident) ;; *) echo "linux bench: unknown boot '$mode' (direct, hv, resident)" >&2; exit 2 ;; esac
out=${1:-build/bench/linux}
mkdir -p "$out"
for f in build/hv.efi build/hvrt.efi; do
	[ -f "$f" ] || { echo "linux bench: $f missing (run make all)" >&2; exit 2; }
done
# One build at a time: make test starts two of these at once.
if ! flock "$out.build.lock" scripts/linux-guest/build.sh >"$out/build.log" 2>&1; then
	echo "linux bench: scripts/linux-guest/build.sh failed:"
	tail -n 10 "$out/build.log" | sed 's/^/    /'
	exit 1
fi
cmdline="$(cat build/linux/cmdline) hv.test=1 hv.input=0"
ips=$(bochs_ips)
# The firmware's boots (direct and resident) tell Linux the TSC rate and
# power Bochs off through its port.
fw_cmdline="$cmdline tsc_early_khz=$((ips / 1000)) hv.bochs=1"

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
tsc_at_init() { sed -n 's/^\(guest: \)\{0,1\}linux-check: tsc-at-init \([0-9]*\).*/\2/p' "$1" 2>/dev/null | head -n1; }
# nsh TITLE COMMAND: a startup.nsh that runs COMMAND once and resets.
nsh() {
	echo '@echo -off'
	echo 'fs0:'
	echo "echo \"hv-bench: $1\""
	echo "$2"
	echo 'echo "hv-bench: the command returned %lasterror%"'
	echo 'reset -s'
}

# --- the three boots ------------------------------------------------------------
boot_direct() {
	nsh "linux direct" "vmlinuz.efi initrd=\\initrd.img $fw_cmdline" >"$out/direct.nsh"
	local key
	key=$({ cat build/linux/key; sha256sum "$out/direct.nsh" scripts/bochsrc.in /usr/share/ovmf/OVMF.fd \
		scripts/mkimage.sh | awk '{ print $1 }'; } | sha256sum | awk '{ print $1 }')
	if [ "$(cat "$out/direct.key" 2>/dev/null)" = "$key" ] && [ -n "$(tsc_at_init "$out/direct/serial.clean")" ]; then
		echo "(reused: inputs unchanged)" >"$out/direct.note"
		return 0
	fi
	rm -f "$out/direct.key"
	boot direct "$out/direct.nsh" vmlinuz.efi=build/linux/vmlinuz initrd.img=build/linux/initrd.img
	local rc=$?
	echo "(booted now)" >"$out/direct.note"
	[ -n "$(tsc_at_init "$out/direct/serial.clean")" ] && echo "$key" >"$out/direct.key"
	return $rc
}
boot_hv() {
	nsh "linux under hv" "hv.efi --kernel=vmlinuz --initrd=initrd.img --append=\"$cmdline\"" >"$out/hv.nsh"
	boot hv "$out/hv.nsh" hv.efi=build/hv.efi vmlinuz=build/linux/vmlinuz initrd.img=build/linux/initrd.img
}
boot_resident() {
	nsh "linux on resident hv" \
		"hv.efi --resident --chain=vmlinuz.efi --append=\"initrd=\\initrd.img $fw_cmdline\"" >"$out/resident.nsh"
	boot resident "$out/resident.nsh" hv.efi=build/hv.efi hvrt.efi=build/hvrt.efi \
		vmlinuz.efi=build/linux/vmlinuz initrd.img=build/linux/initrd.img
}
case $mode in
direct | hv | resident) "boot_$mode"; exit ;;
all) boot_direct; boot_hv; boot_resident ;;
esac

# --- the rows -------------------------------------------------------------------
direct=$(tsc_at_init "$out/direct/serial.clean")
hv=$(tsc_at_init "$out/hv/serial.clean")
res=$(tsc_at_init "$out/resident/serial.clean")
entry=$(sed -n 's/^hv: running guest .*tsc=\([0-9]*\).*/\1/p' "$out/hv/serial.clean" 2>/dev/null | head -n1)
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }' || echo "-"; }
# not_measured NAME: why a boot gave no figure, from hv's own lines.
not_measured() {
	echo "not measured: $(grep -E '^hv: (summary|returning|unknown|guest|error|resident)' "$out/$1/serial.clean" 2>/dev/null |
		tail -n 2 | tr '\n' ' ')(log $out/$1/serial.clean)"
}

echo
kver=$(sed -n 's/^\(guest: \)\{0,1\}linux-check: uname ok \([^ ]*\).*/\2/p' "$out/direct/serial.clean" 2>/dev/null | head -n1)
echo "Linux boot to /init (Debian's kernel ${kver:-?}, 1 CPU, Bochs ticks = instructions since power-on):"
printf '  %-34s | %15s | %15s | %s\n' "boot" "kernel alone" "with hv.efi" "hv/alone"
printf '  %-34s-+-%15s-+-%15s-+-%s\n' "----------------------------------" "---------------" "---------------" "--------"
printf '  %-34s | %15s | %15s | %s\n' "power-on to /init (tsc-at-init)" "${direct:-not measured}" "${hv:-not measured}" \
	"$(ratio "$hv" "$direct")"
printf '  %-34s | %15s | %15s | %s\n' "hv resident below the firmware" "${direct:-not measured}" "${res:-not measured}" \
	"$(ratio "$res" "$direct")"
echo "  with hv.efi: first hv.efi --kernel= (hv's own PC), then hv.efi --resident --chain=vmlinuz.efi (the firmware's"
echo "  machine, hv below it; the kernel's EFI stub as in the boot alone, with the same command line)"
echo "  kernel alone: $(cat "$out/direct.note" 2>/dev/null), log $out/direct/serial.clean"
if [ -z "$hv" ]; then
	echo "  under hv.efi: $(not_measured hv)"
elif [ -n "$entry" ]; then
	echo "  under hv.efi: $((hv - entry)) ticks from hv's VM entry (tsc=$entry) to /init"
fi
[ -n "$res" ] || echo "  resident hv: $(not_measured resident)"
for b in direct hv resident; do
	u=$(sed -n 's/^\(guest: \)\{0,1\}linux-info: uptime at \/init \([0-9.]*\) s.*/\2/p' "$out/$b/serial.clean" 2>/dev/null | head -n1)
	[ -n "$u" ] && echo "  $b: the kernel's own clock at /init: $u s"
done
# hv's own count of the run's VM exits per reason (its summary line): the
# boot, /init's checks and the power-off.
sum=$(grep -m1 '^hv: summary guest=vmlinuz ' "$out/hv/serial.clean" 2>/dev/null)
if [ -n "$sum" ]; then
	echo "  hv.efi's VM exits, boot to power-off, per reason (its summary line):"
	tr ' ' '\n' <<<"${sum#* result=}" | sed -n 's/^\([a-z_0-9]*\)=\([0-9][0-9]*\)$/\1 \2/p' |
		awk '{ printf "    %-20s %10s\n", $1, $2 }'
fi
# Resident hv has no console of its own once the OS runs: its counts come
# through its VMCALL interface (CPUID 40000001H), read by the initramfs's
# hvutil at /init, per CPU.
ex=$(sed -n 's/^\(guest: \)\{0,1\}linux-info: hv-exits: //p' "$out/resident/serial.clean" 2>/dev/null)
if [ -n "$ex" ]; then
	echo "  resident hv's VM exits per CPU, from hv.efi --resident to /init's check (hvutil hv-exits, from Linux's"
	echo "  user space; the total is read first, and each count's read is a CPUID exit too):"
	while IFS= read -r l; do echo "    $l"; done <<<"$ex"
fi
[ -n "$direct" ] && [ -n "$hv" ] && [ -n "$res" ]
