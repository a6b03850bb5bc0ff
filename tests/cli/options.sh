#!/bin/sh
# Checks bt86's command-line contract: help and version exit 0, and every kind of
# bad input exits 2 with exactly one line on stderr that names the problem.
bt86=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect STATUS PATTERN ARGS... : exit status and a stderr line matching PATTERN
    want=$1 pattern=$2
    shift 2
    "$bt86" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$got" != "$want" ]; then
        echo "FAIL: bt86 $*: exit $got, expected $want"; failures=$((failures + 1)); return
    fi
    if [ -n "$pattern" ]; then
        if [ "$lines" != 1 ] || ! grep -q -- "$pattern" "$tmp/err"; then
            echo "FAIL: bt86 $*: expected one stderr line matching '$pattern', got:"
            cat "$tmp/err"; failures=$((failures + 1)); return
        fi
    fi
    echo "ok: bt86 $*"
}

expect 0 "" --help
grep -q "Standard options" "$tmp/out" || { echo "FAIL: --help lacks option groups"; failures=$((failures + 1)); }
grep -q -- "-kernel BZIMAGE" "$tmp/out" || { echo "FAIL: --help lacks -kernel"; failures=$((failures + 1)); }
expect 0 "" -help
expect 0 "" --version
grep -q "^bt86 [0-9]" "$tmp/out" || { echo "FAIL: --version lacks bt86's version"; failures=$((failures + 1)); }
grep -q "Zydis" "$tmp/out" || { echo "FAIL: --version lacks Zydis"; failures=$((failures + 1)); }

expect 2 "unknown option '--no-such-option'" --no-such-option
expect 2 "invalid RAM size '12Q'" -m 12Q
expect 2 "invalid RAM size" -m ""
expect 2 "invalid RAM size '-5'" -m -5
expect 2 "out of range" -m 512K
expect 2 "out of range" -m 99999G
expect 2 "invalid RAM size" -m 99999999999999G
expect 2 "needs an argument" -m
expect 2 "invalid RAM size" -m " -18446744073709551615M"
expect 2 "invalid RAM size" -m " 16"
expect 2 "cannot open '$tmp/missing'" -kernel "$tmp/missing"
expect 2 "cannot open" -initrd "$tmp/missing"
expect 2 "unsupported character device 'tcp:x'" -serial tcp:x
expect 2 "not implemented yet" -hda "$tmp/missing"
expect 2 "unexpected argument 'disk.img'" disk.img
expect 2 "invalid number of seconds" --timeout abc
expect 2 "takes no argument" --nographic=1
expect 2 "needs -kernel" -append "console=ttyS0"
expect 2 "unknown log item 'cpu'" -d int,cpu
expect 2 "unknown log item 'cpu'" -d "$(printf 'int,%.0s' $(seq 1 40))cpu"
expect 2 "nothing to boot" -m 64

[ "$failures" = 0 ] && echo "all command-line checks passed"
[ "$failures" = 0 ]
