; Self-modifying code: code in RAM that has already run is rewritten and must run
; as rewritten: another block on the same page, a later instruction in the running
; block, an instruction in the last bytes of a page, and an instruction that
; straddles two pages (each page written in turn).
%include "lib.inc"

CODE_A equ 0x110000         ; same page, separate block
CODE_B equ 0x111000         ; the store rewrites the next instruction of its block
CODE_C equ 0x112ffb         ; MOV EAX, imm32 ending at the last byte of a page
CODE_D equ 0x113ffd         ; MOV EAX, imm32 straddling 0x114000

; emit_mov_ret: edi = address, eax = imm32; writes MOV EAX, imm32; RET
emit_mov_ret:
    mov byte [edi], 0xb8
    mov [edi + 1], eax
    mov byte [edi + 5], 0xc3
    ret

main:
    ; A: run, rewrite the immediate, run again
    mov edi, CODE_A
    mov eax, 1
    call emit_mov_ret
    mov ecx, CODE_A
    call ecx
    EXPECT eax, 1, 'smc: first version runs'
    mov dword [CODE_A + 1], 2
    call ecx
    EXPECT eax, 2, 'smc: rewritten code on the same page runs'
    mov byte [CODE_A + 1], 3
    call ecx
    EXPECT eax, 3, 'smc: a byte store is seen too'

    ; B: MOV BYTE [CODE_B + 8], 7 then MOV EAX, 0 (imm at CODE_B + 8): one block
    mov byte [CODE_B], 0xc6
    mov byte [CODE_B + 1], 0x05
    mov dword [CODE_B + 2], CODE_B + 8
    mov byte [CODE_B + 6], 7
    mov edi, CODE_B + 7
    xor eax, eax
    call emit_mov_ret
    mov ecx, CODE_B
    call ecx
    EXPECT eax, 7, 'smc: a store into the running block takes effect'
    mov byte [CODE_B + 6], 9
    call ecx
    EXPECT eax, 9, 'smc: the rewritten block runs the rewritten store'

    ; C: the last bytes of a page
    mov edi, CODE_C
    mov eax, 0x11111111
    call emit_mov_ret
    mov ecx, CODE_C
    call ecx
    EXPECT eax, 0x11111111, 'smc: code at the end of a page'
    mov byte [CODE_C + 4], 0x22
    call ecx
    EXPECT eax, 0x22111111, 'smc: its last byte rewritten'

    ; D: an instruction straddling two pages
    mov edi, CODE_D
    mov eax, 0x33333333
    call emit_mov_ret
    mov ecx, CODE_D
    call ecx
    EXPECT eax, 0x33333333, 'smc: an instruction across two pages'
    mov byte [CODE_D + 4], 0x44         ; in the second page
    call ecx
    EXPECT eax, 0x44333333, 'smc: its bytes in the second page rewritten'
    mov byte [CODE_D + 1], 0x55         ; in the first page
    call ecx
    EXPECT eax, 0x44333355, 'smc: its bytes in the first page rewritten'
    mov byte [CODE_D + 5], 0x90         ; the RET becomes NOP; RET follows
    mov byte [CODE_D + 6], 0xc3
    mov dword [CODE_D + 1], 0x66666666
    call ecx
    EXPECT eax, 0x66666666, 'smc: both pages rewritten at once'

    ; a loop that rewrites its own immediate every iteration
    mov edi, CODE_A + 0x100
    mov byte [edi], 0xb8                ; mov eax, imm32
    mov dword [edi + 1], 0
    mov byte [edi + 5], 0x40            ; inc eax
    mov byte [edi + 6], 0xa3            ; mov [moff32], eax
    mov dword [edi + 7], CODE_A + 0x101
    mov byte [edi + 11], 0xc3           ; ret
    mov ebx, 10
.again:
    call edi
    dec ebx
    jnz .again
    EXPECT eax, 10, 'smc: a routine rewriting itself ten times'
    ret

%include "end.inc"
