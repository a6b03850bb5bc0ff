#!/bin/sh
# bt86-cputest as a user meets it: bad input gives one line on stderr naming the
# file and exit status 2; a missing vector set with --skip-missing exits 77.
set -u
prog=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0

expect() { # expect STATUS NEEDLE -- ARGS...
    want=$1 needle=$2
    shift 3
    "$prog" "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    lines=$(wc -l <"$dir/err")
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $*: exit $got, expected $want"; cat "$dir/err"; fails=$((fails + 1))
    elif [ "$want" -eq 2 ] && [ "$lines" -lt 1 ]; then
        echo "FAIL: $*: no message"; fails=$((fails + 1))
    elif [ -n "$needle" ] && ! grep -q -- "$needle" "$dir/err" "$dir/out"; then
        echo "FAIL: $*: output lacks '$needle'"; cat "$dir/err"; fails=$((fails + 1))
    fi
}

printf 'not a moo file\n' >"$dir/garbage.MOO"
printf 'MOO \014\000\000\000\001\000\000\000\005\000\000\000C286TEST' >"$dir/short.MOO"
gzip -c "$dir/short.MOO" >"$dir/good-gzip-bad-moo.MOO.gz"
head -c 10 "$dir/good-gzip-bad-moo.MOO.gz" >"$dir/cut.MOO.gz"
mkdir "$dir/empty"

expect 2 "garbage.MOO: not a MOO file" -- "$dir/garbage.MOO"
expect 2 "short.MOO: offset" -- "$dir/short.MOO"
expect 2 "good-gzip-bad-moo.MOO.gz: offset" -- "$dir/good-gzip-bad-moo.MOO.gz"
expect 2 "cut.MOO.gz: gzip" -- "$dir/cut.MOO.gz"
expect 2 "nothing.MOO" -- "$dir/nothing.MOO"
expect 2 "empty" -- "$dir/empty"
expect 2 "unknown option" -- --frobnicate "$dir/garbage.MOO"
expect 2 "no test files" --
expect 2 "garbage.MOO: line 1" -- --metadata "$dir/garbage.MOO" "$dir/short.MOO"
expect 77 "skipped" -- --skip-missing "$dir/absent"
expect 0 "LOCK" -- --list-exclusions

# Exactly one line for a bad file (no notes before it).
"$prog" "$dir/garbage.MOO" 2>"$dir/err" >/dev/null
[ "$(wc -l <"$dir/err")" -eq 1 ] || { echo "FAIL: more than one line:"; cat "$dir/err"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "all passed"
exit "$fails"
