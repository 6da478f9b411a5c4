#!/usr/bin/env bash
# Builds the smallest initramfs a user would write, without root:
#
#   minimal.sh [OUTDIR]        (default build/linux-minimal)
#
#   OUTDIR/initrd.img   Debian's busybox-static as /init (a link to
#                       /bin/busybox, so busybox runs its init applet),
#                       an /etc/inittab whose one sysinit entry runs
#                       /etc/rc, and /etc/rc: a shell script that echoes
#                       MINIMAL_LINES numbered lines and calls `poweroff`
#
# Nothing of the project's in it: no hvutil, no checks, no tuning. It is
# what issue 17 asks the PC to run as it is: every echoed line reaches the
# console (COM1 in its normal interrupt mode) and busybox's poweroff,
# without -f, ends the run through ACPI. Without -f, poweroff signals PID
# 1 (SIGUSR2), so PID 1 must be an init that handles it: a shell script
# as /init would ignore the signal (the kernel drops signals PID 1 has no
# handler for), which is why /init is busybox's init and the echoes are
# in the rc script it runs.
#
# The kernel is the default one (build/linux/vmlinuz); busybox comes from
# the same package folder (scripts/debian-linux.sh). Cached by the hash of
# its inputs (OUTDIR/key). Prints "linux-minimal: ..." when it builds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
out=${1:-build/linux-minimal}
# tests/checks.sh (expect_linux_minimal) wants every one of these lines.
MINIMAL_LINES=${MINIMAL_LINES:-20}

. scripts/debian-linux.sh
debian_linux "$DEBIAN_LINUX_PKG" >&2 || exit 1

key=$({ echo "$MINIMAL_LINES"; sha256sum "$LINUX_BUSYBOX" "$here/minimal.sh" scripts/kvm-in-bochs/mkcpio.py | awk '{ print $1 }'; } | sha256sum | awk '{ print $1 }')
if [ -f "$out/initrd.img" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

echo "linux-minimal: building $out"
mkdir -p "$out"
printf '::sysinit:/etc/rc\n' >"$out/inittab"
{
	echo '#!/bin/sh'
	for i in $(seq 1 "$MINIMAL_LINES"); do
		echo "echo \"minimal: line $i of $MINIMAL_LINES\""
	done
	echo 'poweroff'
} >"$out/rc"
{
	for d in /bin /sbin /dev /etc /proc /sys; do echo "dir $d"; done
	echo "nod /dev/console c 5 1"
	echo "file /bin/busybox $LINUX_BUSYBOX 755"
	echo "slink /init /bin/busybox"
	echo "slink /bin/sh busybox"
	echo "slink /sbin/poweroff ../bin/busybox"
	echo "file /etc/inittab $out/inittab 644"
	echo "file /etc/rc $out/rc 755"
} >"$out/initramfs.list"
python3 scripts/kvm-in-bochs/mkcpio.py "$out/initramfs.list" "$out/initrd.img.new"
mv "$out/initrd.img.new" "$out/initrd.img"
echo "$key" >"$out/key"
echo "linux-minimal: $out ready: initrd.img $(stat -c %s "$out/initrd.img") bytes"
