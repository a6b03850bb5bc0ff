; Exceptions with their error codes and pushed EIPs: #DE, #UD, #BP and #OF (traps:
; the next EIP), #BR, #GP(selector), #NP(selector), #SS(selector) and #SS(0),
; #TS(selector), a double fault when delivering #GP itself faults, and the gate
; DPL rule for INT3.
%include "lib.inc"

SEL_NP   equ 0x38           ; data, not present
SEL_SS16 equ 0x40           ; small stack: writable data, limit 0xfff
SEL_BADTSS equ 0x48         ; 32-bit TSS descriptor with a limit below 0x67

; CATCH expected_vector, expected_error, 'name' after the TRY label
%macro CATCH 3
    EXPECT [got_vector], %1, {'exceptions: ', %3, ' vector'}
    EXPECT [got_error], %2, {'exceptions: ', %3, ' error code'}
%endmacro

main:
    mov ecx, SEL_NP / 8
    mov eax, 0x0000ffff
    mov edx, 0x00cf1300
    call set_gdt
    mov ecx, SEL_SS16 / 8
    mov eax, 0x00000fff             ; base 0x200000, limit 0xfff, B = 1
    mov edx, 0x00409320
    call set_gdt
    mov ecx, SEL_BADTSS / 8
    mov eax, (TSS1 << 16) | 0x20
    mov edx, 0x00008900
    call set_gdt

    TRY .de
    xor edx, edx
    xor ecx, ecx
.de_insn:
    div ecx
    END_TRY
.de:
    CATCH 0, 0, '#DE'
    EXPECT [got_eip], .de_insn, 'exceptions: #DE is a fault at DIV'

    TRY .ud
.ud_insn:
    ud2
.ud:
    CATCH 6, 0, '#UD'
    EXPECT [got_eip], .ud_insn, 'exceptions: #UD at UD2'

    TRY .bp
    int3
.bp_next:
    END_TRY
.bp:
    CATCH 3, 0, '#BP'
    EXPECT [got_eip], .bp_next, 'exceptions: #BP pushes the next EIP'

    TRY .of
    mov eax, 0x7fffffff
    add eax, 1
    into
.of_next:
    END_TRY
.of:
    CATCH 4, 0, '#OF'
    EXPECT [got_eip], .of_next, 'exceptions: INTO pushes the next EIP'

    TRY .br
    mov eax, 5
.br_insn:
    bound eax, [bounds]
    END_TRY
.br:
    CATCH 5, 0, '#BR'
    EXPECT [got_eip], .br_insn, 'exceptions: #BR at BOUND'

    TRY .gp
    mov ax, 0x400
    mov ds, ax
    END_TRY
.gp:
    CATCH 13, 0x400, '#GP past the GDT limit'

    TRY .np
    mov ax, SEL_NP
    mov es, ax
    END_TRY
.np:
    CATCH 11, SEL_NP, '#NP on a data segment'

    TRY .ss_np
    mov ax, SEL_NP
    mov ss, ax
    END_TRY
.ss_np:
    CATCH 12, SEL_NP, '#SS on a not-present stack segment'

    ; the handler needs a stack: the fault is an SS-relative access past the
    ; limit, with ESP still inside it
    TRY .ss_limit
    mov ax, SEL_SS16
    mov ss, ax
    mov esp, 0x800
    mov eax, [ss:0x1000]
    END_TRY
.ss_limit:
    mov ax, SEL_DATA0
    mov ss, ax
    CATCH 12, 0, '#SS(0) past the stack segment limit'

    TRY .ts
    jmp SEL_BADTSS:0
    END_TRY
.ts:
    CATCH 10, SEL_BADTSS, '#TS for a TSS below the minimum limit'

    ; #GP whose gate is not present: #NP while delivering it -> #DF(0)
    and byte [IDT_RAM + 13 * 8 + 5], 0x7f
    TRY .df
.df_insn:
    mov ax, 0x400
    mov ds, ax
    END_TRY
.df:
    or byte [IDT_RAM + 13 * 8 + 5], 0x80
    CATCH 8, 0, '#DF from #NP delivering #GP'
    ret

bounds: dd 0, 4

%include "end.inc"
