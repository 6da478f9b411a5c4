#!/usr/bin/env bash
# Builds the Bochs disk of the KVM-in-Bochs platform, without root:
#
#   build.sh OUT.img L1.img [--end exit|return] [--qemu-timeout S] [--bench]
#            [--peer DIR] [--smp N] [--mem MIB] [--watch S]
#            [--preemption-timer 0|1] [--alone DIR] [--disk ide|virtio]
#
# OUT.img is a GPT disk with one ESP holding Debian's kernel (its EFI stub,
# started from OVMF's shell by startup.nsh with its command line) and an
# uncompressed initramfs: busybox-static, the irqbypass/kvm/kvm-intel
# modules, qemu-system-x86_64 with every library it loads (ldd) and the
# data files it reads, OVMF for the L1 machine, our static helpers
# (bochs_poweroff, kvm_bench), /init (scripts/kvm-in-bochs/init) and
# L1.img, the disk QEMU boots. The kernel and busybox are Debian packages
# unpacked under build/kvm-in-bochs/pkg (scripts/deps.sh --fetch).
# --peer DIR: also DIR/vmlinuz, DIR/initrd.img and DIR/cmdline (a Linux
# guest's files, scripts/linux-guest/build.sh) under /peer, and SeaBIOS:
# /init first boots them with QEMU's own -kernel/-initrd/-append under
# KVM, the peer of hv.efi's Linux run on the same files.
# --smp N, --mem MIB: the L1 machine's CPUs and memory (QEMU -smp, -m;
# 1 and 256 by default). --watch S: /init's kib.watch=S (its diagnosis
# lines every S seconds while QEMU runs; 0, none, by default).
# --preemption-timer 0|1: kvm_intel's preemption_timer (/init's
# kib.preemption_timer; the module's default unless given).
# --disk ide|virtio: the L1 disk's interface (/init's kib.disk; ide by
# default: virtio did not load the chained kernel any faster).
# --alone DIR: also DIR/vmlinuz, DIR/initrd.img and DIR/cmdline under
# /alone: once the L1 machine has ended, /init boots that kernel without
# hv on a machine like it (the same CPUs, memory and OVMF, which starts
# its EFI stub: QEMU -kernel), the control of hv.efi --resident
# --chain='s boot of it (make bench's resident/alone ratio).
#
# Cached: OUT.img is rebuilt only when an input changed; OUT.img.key holds
# the hash of every input (files and settings), and boot.sh keys its
# result cache on it too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

out=$1 l1=$2
shift 2
end=exit qemu_timeout=900 bench=0 peer="" smp=1 mem=256 watch=0 pt="" alone="" disk=ide
while [ $# -gt 0 ]; do
	case $1 in
	--peer) peer=$2; shift ;;
	--end) end=$2; shift ;;
	--qemu-timeout) qemu_timeout=$2; shift ;;
	--bench) bench=1 ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--watch) watch=$2; shift ;;
	--preemption-timer) pt=$2; shift ;;
	--alone) alone=$2; shift ;;
	--disk) disk=$2; shift ;;
	*) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -f "$l1" ] || { echo "build.sh: no L1 image $l1" >&2; exit 2; }
# The L1 disk travels inside the initramfs, and every MiB of that is read
# by OVMF's shell under Bochs: a larger image (build/hv.img is 64 MiB) is
# repacked, same files, into an 8 MiB one, or one 4 MiB larger than its
# files where they need more (a kernel and its initramfs).
if [ "$(stat -c %s "$l1")" -gt $((8 * 1048576)) ]; then
	small=$out.l1.img
	if [ ! -f "$small" ] || [ "$l1" -nt "$small" ]; then
		rm -rf "$small.d"
		mkdir -p "$small.d"
		MTOOLS_SKIP_CHECK=1 mcopy -s -n -i "$l1@@1M" ::/ "$small.d/"
		mapfile -t files < <(cd "$small.d" && find . -type f | sed 's#^\./##' | sort)
		pairs=()
		for f in "${files[@]}"; do pairs+=("$f=$small.d/$f"); done
		mib=$(($(du -sm "$small.d" | cut -f1) + 4))
		HV_IMG_MIB=$((mib > 8 ? mib : 8)) scripts/mkimage.sh "$small" "${pairs[@]}"
		rm -rf "$small.d"
	fi
	l1=$small
fi

scripts/deps.sh
kib=build/kvm-in-bochs
# Debian's kernel and busybox-static (shared with the Linux guest,
# scripts/linux-guest/build.sh).
. scripts/debian-linux.sh
pkg=$DEBIAN_LINUX_PKG
debian_linux "$pkg" || exit 1
kver=$LINUX_KVER vmlinuz=$LINUX_VMLINUZ mods=$LINUX_MODS busybox=$LINUX_BUSYBOX
[ -f "$mods/arch/x86/kvm/kvm-intel.ko" ] || { echo "build.sh: $mods/arch/x86/kvm/kvm-intel.ko missing after unpacking" >&2; exit 1; }

# Our static helpers, built here with the project's warnings.
for p in poweroff kvm_bench; do
	src=$here/$p.c
	[ -f "$src" ] || continue
	static_helper "$src" "$kib/bin/$p" || exit 1
done

# The kernel command line. tsc_early_khz: with "clock: sync=none" Bochs's
# TSC counts instructions at the bochsrc's ips (50 M), while Linux would
# believe the CPUID brand's 3.5 GHz and every timed wait would last 70
# times too long; 50000 kHz makes a Linux second one emulated second.
ips=$(sed -n 's/^cpu:.* ips=\([0-9]*\).*/\1/p' scripts/bochsrc.in)
cmdline="console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 nokaslr mitigations=off"
cmdline+=" tsc=reliable tsc_early_khz=$((ips / 1000)) no_timer_check panic=-1 rdinit=/init"
cmdline+=" kib.end=$end kib.qemu_timeout=$qemu_timeout kib.bench=$bench kib.peer=$([ -n "$peer" ] && echo 1 || echo 0)"
cmdline+=" kib.smp=$smp kib.mem=$mem kib.disk=$disk kib.watch=$watch"
[ -n "$pt" ] && cmdline+=" kib.preemption_timer=$pt"
[ -n "$alone" ] && cmdline+=" kib.alone=1"

qemu=/usr/bin/qemu-system-x86_64
mapfile -t libs < <(ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
qdata=(kvmvapic.bin linuxboot_dma.bin multiboot_dma.bin)
ovmf=/usr/share/ovmf/OVMF.fd
inputs=("$vmlinuz" "$mods/virt/lib/irqbypass.ko" "$mods/arch/x86/kvm/kvm.ko"
	"$mods/arch/x86/kvm/kvm-intel.ko" "$busybox" "$qemu" "${libs[@]}" "$ovmf"
	"$here/init" "$here/build.sh" "$here/mkcpio.py" scripts/mkimage.sh scripts/debian-linux.sh "$l1")
for d in "${qdata[@]}"; do inputs+=("/usr/share/qemu/$d"); done
for p in poweroff kvm_bench; do [ -x "$kib/bin/$p" ] && inputs+=("$kib/bin/$p"); done
# The peer's files, and the BIOS its QEMU starts (the L1 machine's is
# OVMF, given by path).
seabios=/usr/share/seabios/bios-256k.bin
[ -n "$peer" ] && inputs+=("$peer/vmlinuz" "$peer/initrd.img" "$peer/cmdline" "$seabios")
[ -n "$alone" ] && inputs+=("$alone/vmlinuz" "$alone/initrd.img" "$alone/cmdline")
key=$({ echo "$cmdline"; sha256sum "${inputs[@]}" | awk '{ print $1 }'; } | sha256sum | awk '{ print $1 }')
if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

echo "kvm-in-bochs: building $out (kernel $kver)"
work=$out.d
rm -rf "$work"
mkdir -p "$work"
list=$work/initramfs.list
{
	for d in /bin /dev /proc /sys /tmp /run /lib /lib64 /lib/modules /usr /usr/bin \
		/usr/share /usr/share/qemu /l1; do
		echo "dir $d"
	done
	echo "nod /dev/console c 5 1"
	echo "file /init $here/init 755"
	echo "file /bin/busybox $busybox 755"
	echo "file /lib/modules/irqbypass.ko $mods/virt/lib/irqbypass.ko 644"
	echo "file /lib/modules/kvm.ko $mods/arch/x86/kvm/kvm.ko 644"
	echo "file /lib/modules/kvm-intel.ko $mods/arch/x86/kvm/kvm-intel.ko 644"
	echo "file /usr/bin/qemu-system-x86_64 $qemu 755"
	for p in poweroff kvm_bench; do
		[ -x "$kib/bin/$p" ] || continue
		name=$p
		[ "$p" = poweroff ] && name=bochs_poweroff
		echo "file /bin/$name $kib/bin/$p 755"
	done
	# Each library at the path the dynamic loader looks in (resolved:
	# ldd names /lib/... while Debian's files live in /usr/lib/...).
	declare -A seen=()
	for l in "${libs[@]}"; do
		d=$(dirname "$l")
		if [ -z "${seen[$d]:-}" ] && [ "$d" != /lib64 ] && [ "$d" != /lib ]; then
			echo "dir $d"
			seen[$d]=1
		fi
		echo "file $l $(readlink -f "$l") 755"
	done
	for d in "${qdata[@]}"; do echo "file /usr/share/qemu/$d $(readlink -f "/usr/share/qemu/$d") 644"; done
	echo "file /l1/OVMF.fd $ovmf 644"
	echo "file /l1/hv.img $l1 644"
	if [ -n "$peer" ]; then
		echo "file /usr/share/qemu/bios-256k.bin $seabios 644"
		echo "dir /peer"
		echo "file /peer/vmlinuz $peer/vmlinuz 644"
		echo "file /peer/initrd.img $peer/initrd.img 644"
		echo "file /peer/cmdline $peer/cmdline 644"
	fi
	if [ -n "$alone" ]; then
		echo "dir /alone"
		for f in vmlinuz initrd.img cmdline; do echo "file /alone/$f $alone/$f 644"; done
	fi
} >"$list"
python3 "$here/mkcpio.py" "$list" "$work/initrd.img"

{
	echo '@echo -off'
	echo 'fs0:'
	echo 'echo "kib: phase=kernel (OVMF shell starting the EFI stub)"'
	echo "vmlinuz.efi initrd=\\initrd.img $cmdline"
	echo 'echo "kib: FAILED phase=kernel: the EFI stub returned %lasterror%"'
	echo 'reset -s'
} >"$work/startup.nsh"
cp "$vmlinuz" "$work/vmlinuz.efi"
size=$(($(stat -c %s "$work/initrd.img") + $(stat -c %s "$vmlinuz")))
HV_IMG_MIB=$((size / 1048576 + 24)) scripts/mkimage.sh "$out" vmlinuz.efi="$work/vmlinuz.efi" \
	initrd.img="$work/initrd.img" startup.nsh="$work/startup.nsh"
echo "$key" >"$out.key"
echo "kvm-in-bochs: $out ready ($(($(stat -c %s "$work/initrd.img") / 1048576)) MiB initramfs)"
rm -rf "$work"
