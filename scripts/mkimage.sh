#!/usr/bin/env bash
# Builds a FAT32 EFI system partition image without root or loop devices:
#   mkimage.sh OUT.img hv.efi [DEST=SRC ...]
# hv.efi becomes \EFI\BOOT\BOOTX64.EFI; each DEST=SRC pair copies SRC to
# the path DEST on the partition (e.g. startup.nsh=build/startup.nsh).
set -euo pipefail
out=$1 efi=$2
shift 2

tmp=$out.tmp
rm -f "$tmp"
truncate -s 64M "$tmp"
mkfs.vfat -F 32 -n HV-ESP "$tmp" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
for pair in "$@"; do
	dest=${pair%%=*} src=${pair#*=}
	mcopy -o -i "$tmp" "$src" "::/$dest"
done
mv "$tmp" "$out"
