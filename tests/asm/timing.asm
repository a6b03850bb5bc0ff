; Time as a PC guest measures it: the TSC against the 8254 PIT (1.193182 MHz, Intel
; 8254 datasheet), the way Linux's quick_pit_calibrate() and pit_calibrate_tsc()
; in arch/x86/kernel/tsc.c do. At the default 1 ns per instruction bt86's CPU
; clock, and so its TSC, is 1 GHz: the expected cycle counts below are PIT ticks
; times 1e9 / 1193182.
%include "lib.inc"

PIT_IRQ_VECTOR equ 0x20

; RANGE operand, low, high, 'name' : PASS when low <= operand <= high (unsigned).
%macro RANGE 4
    push eax
    mov eax, %1
    cmp eax, %2
    jb %%fail
    cmp eax, %3
    ja %%fail
    PRINT 'PASS ', %4, 10
    jmp %%end
%%fail:
    PRINT 'FAIL ', %4, ' got '
    call print_hex
    PRINT 10
    inc dword [fail_count]
%%end:
    pop eax
%endmacro

irq_count equ VARS + 0x100
tsc_start equ VARS + 0x104

; pit2_msb: al = MSB of counter 2, read as Linux does (LSB then MSB, unlatched).
pit2_msb:
    in al, 0x42
    in al, 0x42
    ret

; pit2_start: counter 2 in mode 0 (0xB0) counting down from 0xFFFF, GATE2 high
; and the speaker off through port 0x61, as quick_pit_calibrate() sets it up.
pit2_start:
    in al, 0x61
    and al, ~0x02
    or al, 0x01
    out 0x61, al
    mov al, 0xb0
    out 0x43, al
    mov al, 0xff
    out 0x42, al
    out 0x42, al
    ret

irq0_handler:
    push eax
    inc dword [irq_count]
    mov al, 0x20                    ; non-specific EOI
    out 0x20, al
    pop eax
    iretd

main:
    ; 1. The count is loaded on the first CLK after it is written (838 ns at
    ;    most); a port access is an ISA bus cycle of about 1 us, so after one
    ;    16-bit read the counter runs from 0xFFFF (Linux's "delay for a
    ;    microsecond" by reading the counter back once).
    call pit2_start
    call pit2_msb
    call pit2_msb
    movzx eax, al
    EXPECT eax, 0xff, 'pit: the count written is loaded after one 16-bit read'

    ; 2. TSC cycles across 64 MSB steps of counter 2 (64 * 256 PIT ticks =
    ;    13.7313 ms = 13731298 cycles at 1 GHz), timed at MSB transitions as
    ;    quick_pit_calibrate() does; one poll (two port reads) is about 2 us at
    ;    each end, so 0.1% is a wide margin.
    call pit2_start
    call pit2_msb
.wait_ff:
    call pit2_msb
    cmp al, 0xff
    je .wait_ff
    rdtsc
    mov [tsc_start], eax
.wait_bf:
    call pit2_msb
    cmp al, 0xfe - 64
    jne .wait_bf
    rdtsc
    sub eax, [tsc_start]
    RANGE eax, 13717567, 13745029, 'tsc: 1 GHz against 64 PIT MSB steps'

    ; 3. The TSC counts through HLT (Intel SDM Vol. 3, 17.17: every processor
    ;    clock; HLT does not stop it). PIC: IRQ 0 at vector 0x20, only IRQ 0
    ;    unmasked; counter 0 in mode 0 with 11932 ticks = 10.0002 ms.
    mov ecx, PIT_IRQ_VECTOR
    mov eax, irq0_handler
    mov edx, 0x8e00
    call set_idt_gate
    mov al, 0x11                    ; ICW1: edge, cascade, ICW4
    out 0x20, al
    mov al, PIT_IRQ_VECTOR          ; ICW2
    out 0x21, al
    mov al, 0x04                    ; ICW3: slave on IRQ 2
    out 0x21, al
    mov al, 0x01                    ; ICW4: 8086 mode
    out 0x21, al
    mov al, 0xfe                    ; OCW1: only IRQ 0
    out 0x21, al
    mov al, 0xff
    out 0xa1, al
    mov dword [irq_count], 0
    mov al, 0x30                    ; counter 0, LSB then MSB, mode 0
    out 0x43, al
    rdtsc
    mov [tsc_start], eax
    mov al, 11932 & 0xff
    out 0x40, al
    mov al, 11932 >> 8
    out 0x40, al
    sti
.idle:
    hlt
    cmp dword [irq_count], 0
    je .idle
    cli
    rdtsc
    sub eax, [tsc_start]
    RANGE eax, 9990000, 10010000, 'tsc: counts through HLT (10 ms PIT one-shot)'
    EXPECT [irq_count], 1, 'pit: one interrupt from the mode 0 one-shot'
    ret

%include "end.inc"
