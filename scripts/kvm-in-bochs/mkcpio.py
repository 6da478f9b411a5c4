#!/usr/bin/env python3
"""Writes an uncompressed newc initramfs from a list, without root.

    mkcpio.py LIST OUT.cpio

Each line of LIST is one entry (parents must come first):
    dir   /PATH
    file  /PATH SRC MODE        (MODE in octal, e.g. 755)
    slink /PATH TARGET
    nod   /PATH c|b MAJOR MINOR

Everything is owned by root with mtime 0, so the same inputs give the
same bytes (the disk cache is keyed by inputs, and Bochs replays a boot
exactly only when the disk is the same). A device node is needed because
the kernel opens /dev/console before /init runs; mknod needs root, the
archive does not. Uncompressed: under Bochs, unpacking zstd or xz costs
more emulated instructions than loading the larger file saves.
"""
import stat
import sys


def header(ino, mode, size, nlink, rmaj, rmin, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin,
              len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main():
    lst, out = sys.argv[1], sys.argv[2]
    ino = 1
    with open(out, "wb") as o:
        def entry(name, mode, data=b"", nlink=1, rmaj=0, rmin=0):
            nonlocal ino
            name_b = name.lstrip("/").encode()
            h = header(ino, mode, len(data), nlink, rmaj, rmin, name_b)
            o.write(h + name_b + b"\0")
            o.write(pad(len(h) + len(name_b) + 1))
            o.write(data + pad(len(data)))
            ino += 1

        for line in open(lst):
            w = line.split()
            if not w:
                continue
            kind, path = w[0], w[1]
            if kind == "dir":
                entry(path, stat.S_IFDIR | 0o755, nlink=2)
            elif kind == "file":
                with open(w[2], "rb") as f:
                    entry(path, stat.S_IFREG | int(w[3], 8), f.read())
            elif kind == "slink":
                entry(path, stat.S_IFLNK | 0o777, w[2].encode())
            elif kind == "nod":
                t = stat.S_IFCHR if w[2] == "c" else stat.S_IFBLK
                entry(path, t | 0o600, rmaj=int(w[3]), rmin=int(w[4]))
            else:
                sys.exit("mkcpio: bad line: " + line.rstrip())
        entry("TRAILER!!!", 0)


if __name__ == "__main__":
    main()
