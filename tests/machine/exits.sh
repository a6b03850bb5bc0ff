#!/bin/sh
# Runs small -bios images and checks bt86's exit status and message for each way a
# guest can end a run (expected values from the issue and QEMU's conventions).
# Usage: exits.sh BT86 NASM
bt86=$1
nasm=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# rom NAME BODY: a 64 KiB image whose reset vector jumps to BODY (16-bit real mode).
rom() {
    cat >"$tmp/$1.asm" <<ASM
bits 16
org 0
times 0x100 db 0
start:
$2
times 0xfff0 - (\$-\$\$) db 0x90
    jmp 0xf000:0x0100
times 0x10000 - (\$-\$\$) db 0
ASM
    "$nasm" -f bin -o "$tmp/$1.bin" "$tmp/$1.asm" || { echo "FAIL: nasm $1"; failures=$((failures + 1)); }
}

expect() { # expect NAME STATUS PATTERN ARGS...
    name=$1 want=$2 pattern=$3
    shift 3
    "$bt86" -bios "$tmp/$name.bin" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $name: exit $got, expected $want"; cat "$tmp/err"; failures=$((failures + 1)); return
    fi
    if [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err" "$tmp/out"; then
        echo "FAIL: $name: no '$pattern' in the output"; cat "$tmp/err"; failures=$((failures + 1)); return
    fi
    echo "ok: $name ($*) -> $got"
}

# isa-debug-exit: a write of V to port 0xF4 ends with status (V << 1) | 1.
rom exit_code "    mov al, 0x15
    out 0xf4, al
    jmp \$"
expect exit_code 43 ""

# A halt with interrupts off ends the run cleanly (status 0) with a message.
rom halt "    cli
    hlt"
expect halt 0 "halted with interrupts disabled"

# Reset through port 0xCF9 and through the i8042 (command 0xFE): with -no-reboot,
# status 0; without it the machine restarts (and then exits through port 0xF4 the
# second time round, which a counter in CMOS RAM tells apart).
rom reset_cf9 "    mov dx, 0xcf9
    mov al, 0x06
    out dx, al
    jmp \$"
expect reset_cf9 0 "reset" -no-reboot
rom reset_kbc "    mov al, 0xfe
    out 0x64, al
    jmp \$"
expect reset_kbc 0 "reset" -no-reboot
rom reboot_twice "    mov al, 0x40
    out 0x70, al
    in al, 0x71
    inc al
    mov ah, al
    mov al, 0x40
    out 0x70, al
    mov al, ah
    out 0x71, al
    cmp ah, 2
    je done
    mov al, 0xfe
    out 0x64, al
    jmp \$
done:
    mov al, 0x21
    out 0xf4, al
    jmp \$"
expect reboot_twice 67 ""

# A triple fault (no IDT: #UD cannot be delivered) is a reset too.
rom triple "    lidt [cs:empty]
    ud2
empty: dw 0
    dd 0"
expect triple 0 "triple fault" -no-reboot

# --timeout ends a run that never stops with status 124.
rom spin "    jmp \$"
expect spin 124 "timeout" --timeout 0.5

# --timeout stays responsive when every guest instruction is slow: page 0 holds
# a block at each of 4095 offsets (far calls into NOPs), then a loop stores into
# page 0, and each store walks that page's blocks for ones to drop. A CPU slice
# used to be 2M instructions, many seconds of host time at this pace, so a 0.5 s
# timeout took 20 s or more (found by tests/fuzz/loaders.py).
rom smc "    xor ax, ax
    mov ds, ax
    mov es, ax
    xor di, di
    mov cx, 0xfff
    mov al, 0x90
    rep stosb
    mov byte [0xfff], 0xcb
    mov word [0x2002], 0
    xor bx, bx
again:
    mov [0x2000], bx
    call far [0x2000]
    inc bx
    cmp bx, 0xfff
    jb again
    xor si, si
hot:
    mov [si], al
    jmp hot"
timeout -s KILL 10 "$bt86" -bios "$tmp/smc.bin" --timeout 0.5 </dev/null >/dev/null 2>"$tmp/err"
got=$?
if [ "$got" = 124 ] && grep -q timeout "$tmp/err"; then
    echo "ok: self-modifying guest: --timeout 0.5 -> 124"
else
    echo "FAIL: self-modifying guest: --timeout 0.5 gave exit $got (137: killed after 10 s)"
    failures=$((failures + 1))
fi

# A large -m is allocated lazily: start-up must not touch every page of guest RAM
# (it used to clear all 3 GiB again after allocating it zeroed, taking seconds
# and committing the memory at once). Peak RSS stays far below the RAM size.
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$tmp/rss" "$bt86" -bios "$tmp/spin.bin" -m 3G --timeout 0.5 \
        </dev/null >/dev/null 2>&1
    rss=$(tail -n 1 "$tmp/rss")
    if [ "$rss" -gt 1048576 ]; then
        echo "FAIL: -m 3G: peak RSS $rss KiB"; failures=$((failures + 1))
    else
        echo "ok: -m 3G: peak RSS $rss KiB"
    fi
fi

# The debug console carries the guest's text.
rom hello "    mov al, 'h'
    out 0xe9, al
    mov al, 'i'
    out 0xe9, al
    cli
    hlt"
expect hello 0 "" -debugcon stdio
grep -q "^hi" "$tmp/out" || { echo "FAIL: hello: debug console printed '$(cat "$tmp/out")'"; failures=$((failures + 1)); }

# Malformed images: one line naming the file, non-zero exit, no crash.
bad() { # bad FILE PATTERN ARGS...
    file=$1 pattern=$2
    shift 2
    if [ "$1" = timeout ]; then "$@"; else "$bt86" "$@"; fi </dev/null >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = 0 ] || [ "$got" -gt 2 ] || [ "$(wc -l <"$tmp/err")" != 1 ] ||
        ! grep -q -- "'$file'.*$pattern" "$tmp/err"; then
        echo "FAIL: $*: exit $got, stderr:"; cat "$tmp/err"; failures=$((failures + 1)); return
    fi
    echo "ok: $* -> $got: $(cat "$tmp/err")"
}
: >"$tmp/empty"
head -c 5000 /dev/urandom >"$tmp/noise"
bad "$tmp/empty" "not a Linux bzImage" -kernel "$tmp/empty"
bad "$tmp/noise" "not a Linux bzImage" -kernel "$tmp/noise"
bad "$tmp/noise" "must be 64, 128 or 256 KiB" -bios "$tmp/noise"
# A header that claims more code than the file holds (HdrS at 0x202, version 2.15,
# LOADED_HIGH, boot flag 0xAA55, syssize 0x10000 paragraphs = 1 MiB).
head -c 8192 /dev/zero >"$tmp/short"
printf '\004' | dd of="$tmp/short" bs=1 seek=$((0x1f1)) conv=notrunc 2>/dev/null
printf '\000\000\001\000' | dd of="$tmp/short" bs=1 seek=$((0x1f4)) conv=notrunc 2>/dev/null
printf '\125\252' | dd of="$tmp/short" bs=1 seek=$((0x1fe)) conv=notrunc 2>/dev/null
printf 'HdrS\017\002' | dd of="$tmp/short" bs=1 seek=$((0x202)) conv=notrunc 2>/dev/null
printf '\001' | dd of="$tmp/short" bs=1 seek=$((0x211)) conv=notrunc 2>/dev/null
bad "$tmp/short" "truncated bzImage" -kernel "$tmp/short"
# A FIFO is refused, not waited on (opening it used to block for a writer forever).
mkfifo "$tmp/fifo"
bad "$tmp/fifo" "is not a regular file" timeout 10 "$bt86" -kernel "$tmp/fifo"
bad "$tmp/fifo" "is not a regular file" timeout 10 "$bt86" -bios "$tmp/fifo"

[ "$failures" = 0 ] && echo "all exit paths behave"
[ "$failures" = 0 ]
