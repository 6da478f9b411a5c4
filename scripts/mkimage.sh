#!/usr/bin/env bash
# Builds a GPT disk image with one EFI system partition (FAT32), without
# root or loop devices, ready for dd to a USB stick:
#   mkimage.sh OUT.img DEST=SRC [DEST=SRC ...]
# Each SRC file is copied to the path DEST on the partition, folders made
# as needed (e.g. EFI/BOOT/BOOTX64.EFI=build/hv.efi). HV_IMG_MIB sets the
# disk's size (default 64 MiB, FAT32); under 40 MiB the ESP is FAT16, as
# FAT32 needs more clusters than such a disk has (the KVM-in-Bochs L1 disk
# is 8 MiB: every MiB of it is loaded by emulated instructions).
set -euo pipefail
out=$1
shift

size_mib=${HV_IMG_MIB:-64}
fat=(-F 32)
[ "$size_mib" -lt 40 ] && fat=(-F 16 -s 2)
start=2048 # first sector of the ESP (1 MiB, aligned)
tmp=$out.tmp
rm -f "$tmp"
truncate -s "${size_mib}M" "$tmp"
sgdisk --clear --new=1:$start:0 --typecode=1:EF00 \
	--change-name=1:"EFI system partition" "$tmp" >/dev/null
last=$(sgdisk --info=1 "$tmp" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
sectors=$((last - start + 1))
# (mkfs counts the space to the end of the file; the GPT backup lives there)
mkfs.vfat "${fat[@]}" -n HV-ESP --offset $start "$tmp" $((sectors / 2)) 2>&1 |
	grep -vE "block count mismatch|^mkfs.fat" || true
export MTOOLS_SKIP_CHECK=1
esp="$tmp@@$((start * 512))"
for pair in "$@"; do
	dest=${pair%%=*} src=${pair#*=}
	dir=$(dirname "$dest") path=""
	if [ "$dir" != . ]; then
		IFS=/ read -ra parts <<<"$dir"
		for p in "${parts[@]}"; do
			path=$path/$p
			# -D s: a folder that exists already is skipped (without
			# it, mmd asks on /dev/tty what to do, and waits, when run
			# from a terminal: make run GUEST=linux hung there)
			mmd -D s -i "$esp" "::$path" 2>/dev/null || true
		done
	fi
	mcopy -o -i "$esp" "$src" "::/$dest"
done
mv "$tmp" "$out"
