#!/usr/bin/env bash
# Installs what the build, the runs and the tests need, only when
# something is missing, so a fresh Debian machine needs no setup step.
#   deps.sh                    everything make, make run and make test use
#   deps.sh PACKAGE:FILE ...   just these
set -euo pipefail

# package:file-that-proves-it-is-installed
needs=(
	gnu-efi:/usr/lib/crt0-efi-x86_64.o
	ovmf:/usr/share/ovmf/OVMF.fd
	bochs:/usr/bin/bochs
	bochsbios:/usr/share/bochs/BIOS-bochs-latest
	vgabios:/usr/share/vgabios/vgabios.bin
	qemu-system-x86:/usr/bin/qemu-system-x86_64
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
