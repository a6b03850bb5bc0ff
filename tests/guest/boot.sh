#!/bin/sh
# Guest integration test: boots Debian's i686 kernel with tests/guest/init.sh as
# /init and checks, from the host side, what the guest printed. Fails on a kernel
# panic, an oops, a failed crypto self-test, a missing marker or a timeout.
# Usage: boot.sh BT86 SOURCE_DIR
set -u
bt86=$1
src=$2
guest=$("$src/scripts/guest" --init "$src/tests/guest/init.sh") || { echo "FAIL: could not build the test guest"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$bt86" -m 256 -kernel "$guest/bzImage" -initrd "$guest/initrd.cpio.gz" \
    -append "console=ttyS0 panic=-1" -nographic -no-reboot --timeout 600 </dev/null >"$out" 2>&1
status=$?
failures=0
check() { # check PATTERN DESCRIPTION
    if grep -q -- "$1" "$out"; then echo "ok: $2"; else echo "FAIL: $2"; failures=$((failures + 1)); fi
}
reject() { # reject PATTERN DESCRIPTION
    if grep -q -- "$1" "$out"; then echo "FAIL: $2"; grep -m3 -- "$1" "$out"; failures=$((failures + 1)); fi
}
[ "$status" = 0 ] || { echo "FAIL: bt86 exited with status $status"; failures=$((failures + 1)); }
check "BT86-TEST: uname Linux i686" "uname reports Linux i686"
check "BT86-TEST: loop 1000" "a busybox shell loop ran to completion"
# md5 of the output of `seq 1 20000`, computed on the host side:
want=$(seq 1 20000 | md5sum | cut -d' ' -f1)
check "BT86-TEST: md5 $want" "md5sum of generated data is $want"
check "BT86-TEST: date advanced" "date advances across sleep"
check "BT86-TEST: done" "the test init finished"
reject "Kernel panic" "no kernel panic"
reject "Oops" "no oops"
reject "BUG:" "no kernel BUG"
# The kernel's crypto self-tests (on here, unlike scripts/run) compare RSA, DH,
# hash and cipher results with known answers: a wrong ALU or carry result fails them.
reject "alg:.*fail" "kernel crypto self-tests pass"
if [ "$failures" != 0 ]; then
    echo "---- guest output (last 60 lines) ----"
    tail -n 60 "$out"
    exit 1
fi
echo "guest boot test passed"
