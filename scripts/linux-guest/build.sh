#!/usr/bin/env bash
# Builds the Linux guest's files, without root:
#
#   build.sh [OUTDIR [FLAVOUR]]   (default build/linux, amd64)
#
#   OUTDIR/vmlinuz      Debian's kernel (linux-image-FLAVOUR: amd64, or
#                       cloud-amd64 for build/linux-cloud), the bzImage as
#                       the package ships it
#   OUTDIR/initrd.img   an uncompressed newc initramfs: busybox-static,
#                       /init (guest/linux/init, its placeholders filled in),
#                       /bin/hvutil (guest/linux/hvutil.c) and
#                       /bin/bochs_poweroff (scripts/kvm-in-bochs/poweroff.c),
#                       both static
#   OUTDIR/hv.cfg       hv.efi's arguments for booting them without a shell
#                       (the ESP of build/hv-linux.img)
#   OUTDIR/cmdline      the kernel command line of hv.cfg, one line
#                       (scripts/linux-guest/cmdline)
#
# The kernel and busybox are Debian packages unpacked by scripts/deps.sh
# --fetch into the package folder the KVM-in-Bochs disk uses
# (scripts/debian-linux.sh). Uncompressed and busybox only: under Bochs
# every byte of the initramfs is read from the ESP through the firmware by
# emulated instructions, and unpacking a compressed one costs more than the
# smaller read saves.
#
# Cached: nothing is rebuilt while the hash of every input (OUTDIR/key)
# is unchanged. Prints "linux-guest: ..." when it builds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
out=${1:-build/linux}
flavour=${2:-amd64}
# One build of OUTDIR at a time: make test's background KVM-in-Bochs boot
# and its Bochs boots may ask for the same files at once.
mkdir -p "$(dirname "$out")"
exec 8>"$out.lock"
flock 8

. scripts/debian-linux.sh
debian_linux "$DEBIAN_LINUX_PKG" "$flavour" >&2 || exit 1
# hvutil has no libc (its own system calls): a few KB, not 700.
# It names exit reasons from hv's own table (vmm/exit/exit_reasons.h) and
# reads hv's CPUID leaves as guest/hv_abi.h defines them.
static_helper guest/linux/hvutil.c "$out/bin/hvutil" -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie -s -Ivmm -Iguest
static_helper scripts/kvm-in-bochs/poweroff.c "$out/bin/bochs_poweroff"

cmdline=$(cat "$here/cmdline")
inputs=("$LINUX_VMLINUZ" "$LINUX_BUSYBOX" guest/linux/init "$out/bin/hvutil"
	"$out/bin/bochs_poweroff" "$here/build.sh" "$here/cmdline"
	scripts/kvm-in-bochs/mkcpio.py scripts/debian-linux.sh)
key=$({ echo "$LINUX_KVER"; sha256sum "${inputs[@]}" | awk '{ print $1 }'; } | sha256sum | awk '{ print $1 }')
if [ -f "$out/initrd.img" ] && [ -f "$out/vmlinuz" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

echo "linux-guest: building $out (kernel $LINUX_KVER)"
mkdir -p "$out"
# The digest /init checks SSE with, computed here by the build host's
# own sha256sum over the same generated data.
digest=$({ yes hv || true; } | head -c 1000000 | sha256sum | awk '{ print $1 }')
sed -e "s/@KVER@/$LINUX_KVER/g" -e "s/@SHA256@/$digest/g" -e "s/@YEAR@/$(date -u +%Y)/g" \
	guest/linux/init >"$out/init"
if grep -q '@[A-Z0-9]*@' "$out/init"; then
	echo "linux-guest: $out/init has a placeholder left: $(grep -o '@[A-Z0-9]*@' "$out/init" | head -n1)" >&2
	exit 1
fi
{
	for d in /bin /dev /proc /sys /tmp /run; do echo "dir $d"; done
	# The kernel opens /dev/console before /init runs.
	echo "nod /dev/console c 5 1"
	echo "file /init $out/init 755"
	echo "file /bin/busybox $LINUX_BUSYBOX 755"
	echo "file /bin/hvutil $out/bin/hvutil 755"
	echo "file /bin/bochs_poweroff $out/bin/bochs_poweroff 755"
} >"$out/initramfs.list"
python3 scripts/kvm-in-bochs/mkcpio.py "$out/initramfs.list" "$out/initrd.img.new"
mv "$out/initrd.img.new" "$out/initrd.img"
cp "$LINUX_VMLINUZ" "$out/vmlinuz"
echo "$cmdline" >"$out/cmdline"
{
	echo "# hv.cfg of build/hv-linux.img (scripts/linux-guest/build.sh): Debian's"
	echo "# kernel and a busybox initramfs as hv.efi's guest."
	echo "--kernel=vmlinuz --initrd=initrd.img --append=\"$cmdline\""
} >"$out/hv.cfg"
echo "$key" >"$out/key"
echo "linux-guest: $out ready: vmlinuz $(stat -c %s "$out/vmlinuz") bytes, initrd.img $(stat -c %s "$out/initrd.img") bytes"
