#!/usr/bin/env bash
# Builds Debian's own initramfs for the Linux guest, without root:
#
#   debian-initrd.sh [OUTDIR]      (default build/linux-debian)
#
#   OUTDIR/initrd.img   what Debian's mkinitramfs (initramfs-tools-core)
#                       writes for the fetched kernel (scripts/debian-linux.sh),
#                       unmodified: Debian's /init, its busybox and klibc
#                       utilities, and the modules ./debian-initramfs/modules
#                       names (with their dependencies) from the kernel package
#
# The packages (initramfs-tools, initramfs-tools-core, klibc-utils,
# libklibc, busybox, cpio, kmod, and zstd, which initramfs-tools only
# recommends: without it a machine that lacks zstd would get a gzip image
# from the same configuration) are fetched by scripts/deps.sh --fetch
# (apt-get download + dpkg-deb -x) into OUTDIR/pkg, never installed. The
# configuration is ./debian-initramfs (mkinitramfs -d): the package's
# initramfs.conf with MODULES=list.
#
# Without root: mkinitramfs reads fixed paths, /usr/share/initramfs-tools
# (its hooks and scripts), /lib/modules/VERSION and /boot/config-VERSION
# (which compressors the kernel takes), and has no option to move them.
# So it runs in a user and mount namespace of its own (unshare -r -m, no
# privilege: the calling user mapped to root inside it), where a read-only
# overlay puts the unpacked packages over /usr and the kernel's config
# over /boot; /usr/share/initramfs-tools is then bound to the package's
# own, so no hook of the build machine's joins in. Nothing outside the
# namespace sees these mounts; every file written is the caller's.
# fakeroot is not enough: it fakes ownership, not mounts.
#
# Cached: nothing is rebuilt while the hash of every input (OUTDIR/key)
# is unchanged. Prints "linux-debian: ..." when it builds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
out=${1:-build/linux-debian}
pkgs=(initramfs-tools-core initramfs-tools klibc-utils libklibc busybox cpio kmod zstd)

. scripts/debian-linux.sh
debian_linux "$DEBIAN_LINUX_PKG" >&2 || exit 1
scripts/deps.sh --fetch "$out/pkg" "${pkgs[@]}" >&2 || exit 1

key=$({
	echo "$LINUX_KVER"
	cat "$DEBIAN_LINUX_PKG/linux-image-$LINUX_KVER.version"
	for p in "${pkgs[@]}"; do cat "$out/pkg/$p.version"; done
	sha256sum "$here/debian-initrd.sh" "$here"/debian-initramfs/* | awk '{ print $1 }'
} | sha256sum | awk '{ print $1 }')
if [ -f "$out/initrd.img" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

echo "linux-debian: building $out/initrd.img with Debian's mkinitramfs (kernel $LINUX_KVER)"
# Root (as on CI) needs no user namespace for a mount namespace of its
# own, and a container's seccomp profile may refuse one: plain unshare -m
# then (util-linux makes its mounts private, so none leaks out).
namespace=(unshare -r -m)
if ! "${namespace[@]}" true 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		namespace=(unshare -m)
	else
		echo "linux-debian: unshare -r -m failed: this machine allows no unprivileged user namespace (sysctl kernel.unprivileged_userns_clone, or an AppArmor restriction), which mkinitramfs needs here without root" >&2
		exit 1
	fi
fi
kroot=$DEBIAN_LINUX_PKG/root
work=$out/work
rm -rf "$work"
mkdir -p "$work/layer/usr/lib/modules" "$work/layer/boot" "$work/tmp" "$work/conf"
# The overlay's layer, merged /usr as Debian 12 has it (/bin, /sbin and
# /lib are links into /usr there).
cp -a "$out/pkg/root/usr/." "$work/layer/usr/"
for d in bin sbin lib; do
	[ -d "$out/pkg/root/$d" ] && cp -a "$out/pkg/root/$d/." "$work/layer/usr/$d/"
done
# The kernel's modules, hard links where they can be (depmod adds its
# files beside them, never rewrites one).
cp -al "$kroot/lib/modules/$LINUX_KVER" "$work/layer/usr/lib/modules/" 2>/dev/null ||
	cp -a "$kroot/lib/modules/$LINUX_KVER" "$work/layer/usr/lib/modules/"
cp "$kroot/boot/config-$LINUX_KVER" "$work/layer/boot/"
# modules.dep and the rest, which the package leaves to its postinst;
# written here, as the overlay is read-only.
(exec -a depmod "$out/pkg/root/bin/kmod" -b "$work/layer/usr" "$LINUX_KVER")
mkdir -p "$work/conf/conf.d" "$work/conf/hooks" "$work/conf/scripts"
cp "$here"/debian-initramfs/* "$work/conf/"
layer=$(cd "$work/layer" && pwd)
tmp=$(cd "$work/tmp" && pwd)
conf=$(cd "$work/conf" && pwd)
dest=$(cd "$out" && pwd)/initrd.img.new
# shellcheck disable=SC2016 # expanded inside the namespace
"${namespace[@]}" env LAYER="$layer" TMPDIR="$tmp" CONF="$conf" DEST="$dest" KVER="$LINUX_KVER" sh -euc '
	mount -t overlay overlay -o "lowerdir=$LAYER/usr:/usr" /usr
	mount -t overlay overlay -o "lowerdir=$LAYER/boot:/boot" /boot
	mount --bind "$LAYER/usr/share/initramfs-tools" /usr/share/initramfs-tools
	PATH=/usr/sbin:/usr/bin:/sbin:/bin mkinitramfs -d "$CONF" -o "$DEST" "$KVER"
'
mv "$out/initrd.img.new" "$out/initrd.img"
rm -rf "$work"
echo "$key" >"$out/key"
echo "linux-debian: $out/initrd.img ready: $(stat -c %s "$out/initrd.img") bytes"
