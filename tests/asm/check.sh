#!/bin/sh
# check.sh BT86 IMAGE: runs a bare-metal test image and judges its debug-console
# output: at least one PASS line, no FAIL line, exit status 0.
bt86=$1
image=$2
out=$("$bt86" -bios "$image" -debugcon stdio --timeout 30 2>&1)
status=$?
printf '%s\n' "$out"
if [ $status -ne 0 ]; then
    echo "check.sh: bt86 exited with status $status" >&2
    exit 1
fi
if printf '%s\n' "$out" | grep -q '^FAIL'; then
    echo "check.sh: FAIL lines in the output" >&2
    exit 1
fi
if ! printf '%s\n' "$out" | grep -q '^PASS'; then
    echo "check.sh: no PASS line in the output" >&2
    exit 1
fi
exit 0
