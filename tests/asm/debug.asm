; The debug exception: TF single-step traps after each instruction (and not after
; the POPF that sets TF), an instruction breakpoint in DR0 (a fault, resumed with
; RF), a data-write breakpoint in DR1 (a trap after the writing instruction), and
; DR6 status bits.
%include "lib.inc"

main:
    mov ecx, 1
    mov eax, db_handler
    mov edx, 0x8e00
    call set_idt_gate

    ; single-step over NOP, NOP, PUSHFD, AND and the POPFD that clears TF
    mov dword [db_count], 0
    pushfd
    or dword [esp], 0x100
    popfd
    nop
    nop
    pushfd
    and dword [esp], ~0x100
    popfd
    EXPECT [db_count], 5, 'debug: one #DB per instruction while TF is set'
    mov eax, [db_dr6]
    and eax, 0x4000
    EXPECT eax, 0x4000, 'debug: DR6.BS for single-step'

    ; instruction breakpoint on `target`: a fault before it runs, once
    mov dword [db_count], 0
    mov dword [marker], 0
    mov eax, target
    mov dr0, eax
    mov eax, 0x1                    ; L0, execute, 1 byte
    mov dr7, eax
    nop
target:
    mov dword [marker], 1
    xor eax, eax
    mov dr7, eax
    EXPECT [db_count], 1, 'debug: instruction breakpoint fires once'
    EXPECT [db_eip], target, 'debug: it is a fault at the instruction'
    EXPECT [marker], 1, 'debug: the instruction runs after RF'
    mov eax, [db_dr6]
    and eax, 0xf
    EXPECT eax, 1, 'debug: DR6.B0'

    ; data breakpoint: writes to the dword at `watched`
    mov dword [db_count], 0
    mov eax, watched
    mov dr1, eax
    mov eax, 0x00d00004             ; L1, write-only, 4 bytes
    mov dr7, eax
    mov eax, [watched]              ; a read does not trigger
    mov byte [watched + 2], 7
after_write:
    xor eax, eax
    mov dr7, eax
    EXPECT [db_count], 1, 'debug: a write hits the data breakpoint'
    EXPECT [db_eip], after_write, 'debug: it is a trap after the write'
    mov eax, [db_dr6]
    and eax, 0xf
    EXPECT eax, 2, 'debug: DR6.B1'
    ret

; #DB: count, remember DR6 and the pushed EIP, clear DR6, resume with RF set
db_handler:
    DB_RECORD
    or dword [esp + 12], 0x10000
    pop eax
    iretd

db_count equ SCRATCH + 0
db_dr6   equ SCRATCH + 4
db_eip   equ SCRATCH + 8
marker   equ SCRATCH + 12
watched  equ SCRATCH + 0x100

%include "end.inc"
