#!/usr/bin/env python3
"""Fuzzes bt86's loaders and command line (a campaign tool, not a CTest test).

Runs bt86 (best the asan build) on mutated bzImage setup headers, tiny crafted
kernels, -initrd/-bios files of many sizes, -m values, -append lengths and random
option strings. Every run must end with a status below 128 (or 124, the timeout)
and without a sanitizer report; a failed run that is not a timeout must have
printed exactly one line on stderr.

  tests/fuzz/loaders.py BT86 [--cases N] [--seed S] [--kernel BZIMAGE]
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile


def run(bt86, args, timeout=20):
    try:
        p = subprocess.run([bt86] + args, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"(host timeout)"
    return p.returncode, p.stdout, p.stderr


def check(args, status, err):
    """None when the run kept the rules, else why not."""
    if status is None:
        return "hang (no exit within the host timeout)"
    if status < 0 or (status >= 128 and status != 124):
        return "killed or crashed: status %d" % status
    if b"AddressSanitizer" in err or b"runtime error" in err or b"LeakSanitizer" in err:
        return "sanitizer report"
    if status not in (0, 124) and status == 2 and err.count(b"\n") != 1:
        return "usage error without exactly one stderr line"
    if status == 1 and err.count(b"\n") < 1:
        return "failure without a message"
    return None


def header_mutants(rng, kernel):
    """Setup headers with fields that a loader must not trust."""
    fields = [(0x1f1, 1), (0x1f4, 4), (0x1fe, 2), (0x201, 1), (0x202, 4), (0x206, 2),
              (0x211, 1), (0x214, 4), (0x218, 4), (0x21c, 4), (0x228, 4), (0x22c, 4),
              (0x234, 1), (0x238, 4), (0x258, 8), (0x260, 4), (0x264, 4), (0x268, 4)]
    edges = [0, 1, 0xff, 0x7f, 0x80, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0]
    img = bytearray(kernel)
    for _ in range(rng.randint(1, 4)):
        off, size = rng.choice(fields)
        v = rng.choice(edges) if rng.random() < 0.6 else rng.getrandbits(8 * size)
        img[off:off + size] = (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
    if rng.random() < 0.2:
        img = img[:rng.randint(0, min(len(img), 0x40000))]
    return bytes(img)


def tiny_kernel(rng):
    """A minimal bzImage: a valid header, then a few bytes of code or nothing."""
    setup_sects = rng.choice([0, 1, 4, 255])
    n = (max(setup_sects, 4 if setup_sects == 0 else 1) + 1) * 512
    img = bytearray(max(n, 0x1000))
    img[0x1f1] = setup_sects
    struct.pack_into("<H", img, 0x1fe, 0xaa55)
    img[0x200] = 0xeb
    img[0x201] = rng.choice([0x66, 0x6a, 0xfe, 0xff, 0])
    struct.pack_into("<I", img, 0x202, 0x53726448)
    struct.pack_into("<H", img, 0x206, rng.choice([0x200, 0x206, 0x20f, 0xffff]))
    img[0x211] = rng.choice([0, 1, 0xff])
    struct.pack_into("<I", img, 0x22c, rng.choice([0, 0x37ffffff, 0xffffffff]))
    struct.pack_into("<I", img, 0x238, rng.choice([0, 255, 2048, 0xffffffff]))
    struct.pack_into("<I", img, 0x1f4, rng.choice([0, 1, 0xffffffff]))
    struct.pack_into("<Q", img, 0x258, rng.choice([0x100000, 0, 0xffffffffffffffff]))
    struct.pack_into("<I", img, 0x260, rng.choice([0, 0x1000, 0xffffffff]))
    code = bytes([0xf4]) if rng.random() < 0.5 else os.urandom(rng.randint(0, 64))
    return bytes(img) + code


def option_soup(rng, files):
    words = ["-m", "--m", "-kernel", "-initrd", "-append", "-bios", "-serial", "-debugcon",
             "-d", "-timeout", "--timeout", "-icount-ns", "-nographic", "-no-reboot", "-no-jit",
             "-wait-on-halt", "-hda", "-cdrom", "--help", "--version", "-", "--", "-=", "--m=",
             "-m=1", "--timeout=", "--d=int", "-serial=stdio"]
    values = ["", "0", "1", "-1", "1M", "1m", "1G", "3G", "4G", "1T", "99999999999999999999",
              "12Q", "size=", "size=16", "1.5", "nan", "inf", "1e400", "stdio", "file:",
              "file:/nonexistent/x", "none", "null", "int", "int,int", ",", "int," * 60 + "x",
              " 16", "0x10", "16KiB", "16MB", "\x01", "é", "a" * 5000] + files
    args = []
    for _ in range(rng.randint(0, 6)):
        args.append(rng.choice(words) if rng.random() < 0.6 else rng.choice(values))
    return args


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bt86")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=86)
    ap.add_argument("--kernel", default=os.path.expanduser("~/.cache/bt86/guest/bzImage"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    kernel = open(a.kernel, "rb").read() if os.path.exists(a.kernel) else None
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = lambda name: os.path.join(tmp, name)
        sized = {}
        for n in [0, 1, 4095, 65535, 65536, 65537, 131072, 262144, 262145, 1 << 20, 17 << 20]:
            sized[n] = path("f%d" % n)
            with open(sized[n], "wb") as f:
                f.truncate(n)
        files = list(sized.values()) + [tmp, "/dev/null", "/dev/zero", "/nonexistent"]
        for k in range(a.cases):
            kind = k % 5
            if kind == 0 and kernel:
                with open(path("k"), "wb") as f:
                    f.write(header_mutants(rng, kernel))
                args = ["-kernel", path("k"), "-m", rng.choice(["16", "32", "128"])]
            elif kind == 1:
                with open(path("k"), "wb") as f:
                    f.write(tiny_kernel(rng))
                args = ["-kernel", path("k"), "-m", rng.choice(["1", "2", "16"])]
                if rng.random() < 0.5:
                    args += ["-append", "x" * rng.choice([0, 1, 255, 256, 2048, 100000])]
            elif kind == 2:
                args = ["-kernel", a.kernel if kernel else path("k"),
                        "-initrd", rng.choice(files), "-m", rng.choice(["1", "2", "8", "16", "32"])]
            elif kind == 3:
                args = ["-bios", rng.choice(files), "-m", rng.choice(["1", "2", "3G", "1M"])]
            else:
                args = option_soup(rng, files)
            args += ["--timeout", "1"]
            status, out, err = run(a.bt86, args)
            why = check(args, status, err)
            if why:
                failures += 1
                shown = [x if len(x) < 80 else x[:20] + "...(%d)" % len(x) for x in args]
                print("FAIL case %d: %s: bt86 %s" % (k, why, " ".join(shown)))
                print("   ", err.decode(errors="replace")[:2000])
    print("loaders.py: %d cases, seed %d, %d failed" % (a.cases, a.seed, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
