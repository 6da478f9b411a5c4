# shellcheck shell=bash
# Debian's kernel and busybox-static, unpacked without root or install
# (scripts/deps.sh --fetch) under one package folder, for both Linux
# images of this project: the KVM-in-Bochs disk (scripts/kvm-in-bochs/)
# and the Linux guest of hv.efi (scripts/linux-guest/). Source it.
#
#   debian_linux PKGDIR [FLAVOUR]
#                           fetches busybox-static and the kernel that
#                           linux-image-FLAVOUR depends on (amd64, the
#                           default, or cloud-amd64); sets LINUX_KVER,
#                           LINUX_VMLINUZ (the EFI-stub bzImage),
#                           LINUX_MODS (its modules' kernel/ folder) and
#                           LINUX_BUSYBOX
#   static_helper SRC OUT [CFLAG...]
#                           builds a static helper program for an
#                           initramfs with the project's warnings (and
#                           the CFLAGs), when SRC is newer than OUT
#
# The package folder both share: build/kvm-in-bochs/pkg (the Makefile's
# dependency-file search skips build/kvm-in-bochs, where Debian's unpacked
# folders named *.d live).
# shellcheck disable=SC2034 # the LINUX_* and DEBIAN_LINUX_PKG are for the caller
DEBIAN_LINUX_PKG=build/kvm-in-bochs/pkg

debian_linux() {
	local pkg=$1 flavour=${2:-amd64} kpkg f
	local deps
	deps="$(dirname "${BASH_SOURCE[0]}")/deps.sh"
	# busybox first: on a machine without package lists, deps.sh --fetch
	# runs apt-get update, and the kernel's name is looked up after that.
	"$deps" --fetch "$pkg" busybox-static || return 1
	kpkg=$(apt-cache depends "linux-image-$flavour" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
	[ -n "$kpkg" ] || { echo "debian_linux: cannot resolve linux-image-$flavour (apt-get update?)" >&2; return 1; }
	"$deps" --fetch "$pkg" "$kpkg" || return 1
	LINUX_KVER=${kpkg#linux-image-}
	LINUX_VMLINUZ=$pkg/root/boot/vmlinuz-$LINUX_KVER
	LINUX_MODS=$pkg/root/lib/modules/$LINUX_KVER/kernel
	LINUX_BUSYBOX=$pkg/root/bin/busybox
	for f in "$LINUX_VMLINUZ" "$LINUX_BUSYBOX"; do
		[ -f "$f" ] || { echo "debian_linux: $f missing after unpacking" >&2; return 1; }
	done
}

static_helper() {
	local src=$1 out=$2
	shift 2
	mkdir -p "$(dirname "$out")"
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static "$@" -o "$out" "$src" || return 1
	fi
}
