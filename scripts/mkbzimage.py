#!/usr/bin/env python3
"""mkbzimage.py CODE.bin OUT: a minimal bzImage around flat 64-bit code,
for the hostile PC guests (guest/pc/*.S): what hv.efi's loader, GRUB or
QEMU's -kernel take, with nothing of Linux inside.

The fields and offsets are Linux's boot protocol
(Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header" and
"Details of Header Fields"); the 64-bit entry is the protected-mode
code's start + 0x200 ("64-bit Boot Protocol"), so CODE.bin is placed
0x200 bytes into it."""
import struct
import sys

SETUP_SECTS = 1           # one sector of setup after the boot sector
ENTRY_64 = 0x200          # startup_64 within the protected-mode code
PREF_ADDRESS = 0x1000000  # 16 MiB, as Debian's kernel
ALIGNMENT = 0x200000
INIT_SIZE = 0x100000      # the "kernel" needs 1 MiB from its load address
XLF_KERNEL_64 = 1 << 0
LOADED_HIGH = 1 << 0      # loadflags

# (offset, struct format, value)
HEADER = [
    (0x1f1, '<B', SETUP_SECTS),
    (0x1fe, '<H', 0xaa55),        # boot_flag
    (0x201, '<B', 0x66),          # jump: the header runs to 0x202 + 0x66
    (0x202, '<I', 0x53726448),    # "HdrS"
    (0x206, '<H', 0x020f),        # protocol 2.15
    (0x211, '<B', LOADED_HIGH),
    (0x22c, '<I', 0x7fffffff),    # initrd_addr_max
    (0x230, '<I', ALIGNMENT),     # kernel_alignment
    (0x234, '<B', 1),             # relocatable_kernel
    (0x236, '<H', XLF_KERNEL_64),
    (0x238, '<I', 2047),          # cmdline_size
    (0x258, '<Q', PREF_ADDRESS),
    (0x260, '<I', INIT_SIZE),
]


def main():
    code = open(sys.argv[1], 'rb').read()
    setup = (SETUP_SECTS + 1) * 512
    kernel = bytes(ENTRY_64) + code
    kernel += bytes(-len(kernel) % 16)
    if len(kernel) > INIT_SIZE:
        sys.exit(f'mkbzimage: {len(kernel)} bytes of code, init_size is {INIT_SIZE}')
    image = bytearray(setup) + kernel
    for off, fmt, val in HEADER:
        struct.pack_into(fmt, image, off, val)
    struct.pack_into('<I', image, 0x1f4, len(kernel) // 16)  # syssize
    open(sys.argv[2], 'wb').write(image)


main()
