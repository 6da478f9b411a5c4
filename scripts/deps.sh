#!/usr/bin/env bash
# Installs what the build, the runs and the tests need, only when
# something is missing, so a fresh Debian machine needs no setup step.
#   deps.sh                    everything make, make run and make test use
#   deps.sh PACKAGE:FILE ...   just these
#   deps.sh --fetch DIR PACKAGE ...
#                              download these Debian packages (no root, no
#                              install) and unpack them under DIR/root, for
#                              the KVM-in-Bochs disk and the Linux guest
#                              (scripts/debian-linux.sh);
#                              DIR/PACKAGE.version holds what was unpacked
set -euo pipefail

# Fetch mode: apt-get download + dpkg-deb -x, so the kernel and
# busybox-static the KVM-in-Bochs Linux boots never touch this machine's
# own /boot or busybox. A package already unpacked at the candidate
# version is not fetched again.
if [ "${1:-}" = --fetch ]; then
	dir=$2
	shift 2
	mkdir -p "$dir/root" "$dir/debs"
	updated=0
	for pkg in "$@"; do
		ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
		# A fresh machine may have no package lists yet.
		if { [ -z "$ver" ] || [ "$ver" = "(none)" ]; } && [ "$updated" = 0 ]; then
			sudo=""
			[ "$(id -u)" -eq 0 ] || sudo="sudo"
			$sudo apt-get update -qq || true
			updated=1
			ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
		fi
		if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
			echo "deps: no candidate version of $pkg (apt-get update?)" >&2
			exit 1
		fi
		[ "$(cat "$dir/$pkg.version" 2>/dev/null)" = "$ver" ] && continue
		echo "deps: fetching $pkg $ver"
		rm -rf "$dir/debs/$pkg"
		mkdir -p "$dir/debs/$pkg"
		(cd "$dir/debs/$pkg" || exit 1; apt-get download -qq "$pkg=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
		debs=("$dir/debs/$pkg"/*.deb)
		[ -f "${debs[0]}" ] || { echo "deps: apt-get download $pkg=$ver gave no .deb" >&2; exit 1; }
		dpkg-deb -x "${debs[0]}" "$dir/root"
		echo "$ver" >"$dir/$pkg.version"
	done
	exit 0
fi

# package:file-that-proves-it-is-installed
needs=(
	gnu-efi:/usr/lib/crt0-efi-x86_64.o
	ovmf:/usr/share/ovmf/OVMF.fd
	bochs:/usr/bin/bochs
	bochsbios:/usr/share/bochs/BIOS-bochs-latest
	vgabios:/usr/share/vgabios/vgabios.bin
	qemu-system-x86:/usr/bin/qemu-system-x86_64
	seabios:/usr/share/seabios/bios-256k.bin
	mtools:/usr/bin/mcopy
	dosfstools:/sbin/mkfs.vfat
	gdisk:/usr/sbin/sgdisk
	libcmocka-dev:/usr/include/cmocka.h
	clang-format:/usr/bin/clang-format
	cppcheck:/usr/bin/cppcheck
	gcc:/usr/bin/gcc
	binutils:/usr/bin/objcopy
	make:/usr/bin/make
	git:/usr/bin/git
	gdb:/usr/bin/gdb
	python3:/usr/bin/python3
	shellcheck:/usr/bin/shellcheck
)

# With arguments (package:file ...), only those: optional tools such as
# bear for make compile_commands.json.
[ $# -gt 0 ] && needs=("$@")

missing=()
for n in "${needs[@]}"; do
	[ -e "${n#*:}" ] || missing+=("${n%%:*}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for n in "${needs[@]}"; do
	[ -e "${n#*:}" ] || { echo "deps: ${n%%:*} installed but ${n#*:} is still missing" >&2; exit 1; }
done
echo "deps: done"
