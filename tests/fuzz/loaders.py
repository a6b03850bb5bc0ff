#!/usr/bin/env python3
"""Fuzzes bt86's loaders and command line (a campaign tool, not a CTest test).

Runs bt86 (best the asan build) on mutated bzImage setup headers, tiny crafted
kernels, -initrd/-bios files of many sizes, -m values, -append lengths and random
option strings. Every run must end with a status below 128 (or 124, the timeout)
and without a sanitizer report; a failed run that is not a timeout must have
printed exactly one line on stderr.

  tests/fuzz/loaders.py BT86 [--cases N] [--seed S] [--kernel BZIMAGE] [--keep DIR]
"""
import argparse
import os
import random
import shutil
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


PORTS = [0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x60, 0x61, 0x64, 0x70, 0x71,
         0x80, 0x92, 0xe9, 0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x2f8,
         0x2f9, 0x2fb, 0x2fc, 0xcf8, 0xcf9, 0xcfa, 0xcfb, 0xcfc, 0xcfd, 0xcfe, 0xcff, 0x4d0,
         0x4d1, 0x1f0, 0x1f7, 0x3f6, 0x3c0, 0x3d4, 0x3d5]


def random_rom(rng):
    """64 KiB of real-mode code that hammers the board's ports: random bytes mixed
    with MOV DX/AL/AX and IN/OUT, STI/HLT, string I/O; the reset vector jumps to 0."""
    out = bytearray()
    while len(out) < 0xfff0 - 16:
        r = rng.random()
        port = rng.choice(PORTS) if rng.random() < 0.9 else rng.getrandbits(16)
        if r < 0.25:
            out += bytes([0xba]) + struct.pack("<H", port)  # mov dx, port
        elif r < 0.45:
            out += bytes([0xb0, rng.getrandbits(8)])  # mov al, imm8
        elif r < 0.5:
            out += bytes([0xb8]) + struct.pack("<H", rng.getrandbits(16))  # mov ax, imm16
        elif r < 0.62:
            out += bytes([rng.choice([0xee, 0xef, 0xec, 0xed])])  # out/in via dx
        elif r < 0.7 and port < 0x100:
            out += bytes([rng.choice([0xe6, 0xe4, 0xe7, 0xe5]), port])  # out/in imm8
        elif r < 0.73:
            out += bytes([0xb9]) + struct.pack("<H", rng.getrandbits(8))  # mov cx, small
        elif r < 0.76:
            out += bytes(rng.choice([[0xf3, 0x6e], [0xf3, 0x6c], [0xf3, 0x66, 0x6f]]))
        elif r < 0.8:
            out += bytes([rng.choice([0xfb, 0xfa, 0xf4, 0x90])])
        else:
            out += bytes([rng.getrandbits(8)])
    out = out[:0xfff0 - 16]
    out += bytes(0xfff0 - len(out))
    out += bytes([0xea, 0, 0, 0, 0xf0]) + bytes(11)
    return bytes(out)


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
    ap.add_argument("--keep", help="copy the files of failing cases here")
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
            kind = k % 6
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
            elif kind == 4:
                args = option_soup(rng, files)
            else:
                with open(path("rom"), "wb") as f:
                    f.write(random_rom(rng))
                args = ["-bios", path("rom"), "-m", rng.choice(["1", "2", "16"])]
                if rng.random() < 0.5:
                    args.append("-no-reboot")
            args += ["--timeout", "1"]
            status, out, err = run(a.bt86, args)
            why = check(args, status, err)
            if why:
                failures += 1
                shown = [x if len(x) < 80 else x[:20] + "...(%d)" % len(x) for x in args]
                print("FAIL case %d: %s: bt86 %s" % (k, why, " ".join(shown)))
                print("   ", err.decode(errors="replace")[:2000])
                if a.keep:
                    os.makedirs(a.keep, exist_ok=True)
                    for x in args:
                        if x.startswith(tmp) and os.path.isfile(x):
                            shutil.copy(x, os.path.join(a.keep, "case%d-%s" % (k, os.path.basename(x))))
    print("loaders.py: %d cases, seed %d, %d failed" % (a.cases, a.seed, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
