; Ring 3 <-> ring 0: IRET outward (data segments nulled), INT n through a DPL-3
; interrupt gate with the stack from the TSS, a DPL-0 gate refused from ring 3,
; call gates with parameter copy and RETF n back, conforming code, and the
; IOPL/CPL rules for privileged instructions.
%include "lib.inc"

VEC_SYSCALL equ 0x40
VEC_KERNEL  equ 0x41

SEL_GATE    equ 0x38        ; call gate (32-bit, DPL 3, 2 parameters) -> gate_target
SEL_CONF    equ 0x40        ; conforming ring-0 code segment

main:
    mov ecx, VEC_SYSCALL
    mov eax, syscall_handler
    mov edx, 0xee00                 ; interrupt gate, DPL 3
    call set_idt_gate
    ; call gate: offset gate_target, selector 0x08, 2 dword parameters
    mov eax, gate_target
    and eax, 0xffff
    or eax, SEL_CODE0 << 16
    mov edx, gate_target
    and edx, 0xffff0000
    or edx, 0xec02
    mov ecx, SEL_GATE / 8
    call set_gdt
    mov eax, 0x0000ffff
    mov edx, 0x00cf9f00             ; conforming, readable, DPL 0
    mov ecx, SEL_CONF / 8
    call set_gdt

    mov [main_esp], esp
    push dword SEL_DATA3
    push dword STACK_RING3
    push dword 0x202
    push dword SEL_CODE3
    push dword user
    iretd

; ---- ring 3 ----
user:
    mov eax, ds
    mov [ss:user_ds], eax           ; DS (DPL 0) was nulled by the IRET outward
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    mov eax, cs
    mov [user_cs], eax
    mov eax, 0x5a5a
    int VEC_SYSCALL
    mov [after_int], eax
    push dword 0x1111
    push dword 0x2222
    call SEL_GATE | 3 : 0
    mov [after_gate_esp], esp
    mov [after_gate_eax], eax
    call SEL_CONF : conforming
    mov [conf_cpl], eax
    ; back to ring 0 for good: a syscall with EAX = 0 returns to main
    xor eax, eax
    int VEC_SYSCALL
    ud2

; ---- ring 0 ----
syscall_handler:
    test eax, eax
    jz .to_main
    mov ebx, [esp + 4]
    mov [ss:int_cs], ebx
    mov ebx, [esp + 12]
    mov [ss:int_esp], ebx
    mov ebx, [esp + 16]
    mov [ss:int_ss], ebx
    mov [ss:int_my_esp], esp
    mov ebx, ss
    mov [ss:int_my_ss], ebx
    pushfd
    pop ebx
    mov [ss:int_flags], ebx
    add eax, 1
    iretd
.to_main:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [main_esp]
    jmp checks

gate_target:
    mov eax, [esp + 8]
    mov [ss:gate_p0], eax
    mov eax, [esp + 12]
    mov [ss:gate_p1], eax
    mov eax, [esp + 20]
    mov [ss:gate_old_ss], eax
    mov eax, cs
    retf 8

conforming:
    mov eax, cs
    and eax, 3
    retf

checks:
    EXPECT [user_ds], 0, 'rings: IRET to ring 3 nulls a DPL-0 DS'
    EXPECT [user_cs], SEL_CODE3, 'rings: running at CPL 3'
    EXPECT [int_cs], SEL_CODE3, 'rings: INT pushes the ring-3 CS'
    EXPECT [int_esp], STACK_RING3, 'rings: INT pushes the ring-3 ESP'
    EXPECT [int_ss], SEL_DATA3, 'rings: INT pushes the ring-3 SS'
    EXPECT [int_my_esp], STACK_RING0 - 20, 'rings: handler stack from TSS.ESP0'
    EXPECT [int_my_ss], SEL_DATA0, 'rings: handler SS from TSS.SS0'
    mov eax, [int_flags]
    and eax, 0x200
    EXPECT eax, 0, 'rings: interrupt gate clears IF'
    EXPECT [after_int], 0x5a5b, 'rings: IRET back to ring 3'
    EXPECT [gate_p0], 0x2222, 'rings: call gate copies parameter 0'
    EXPECT [gate_p1], 0x1111, 'rings: call gate copies parameter 1'
    EXPECT [gate_old_ss], SEL_DATA3, 'rings: call gate pushes the caller SS'
    EXPECT [after_gate_eax], SEL_CODE0, 'rings: call gate runs at ring 0'
    EXPECT [after_gate_esp], STACK_RING3, 'rings: RETF 8 pops the parameters'
    EXPECT [conf_cpl], 3, 'rings: conforming code keeps CPL 3'

    ; a DPL-0 gate is refused to INT n from ring 3
    TRY .gp
    push dword SEL_DATA3
    push dword STACK_RING3
    push dword 0x2
    push dword SEL_CODE3
    push dword .user2
    iretd
.user2:
    int VEC_KERNEL
    ud2
.gp:
    EXPECT [got_vector], 13, 'rings: INT to a DPL-0 gate from ring 3 is #GP'
    EXPECT [got_error], VEC_KERNEL * 8 + 2, 'rings: error code names the IDT entry'

    ; privileged instructions at CPL 3
    TRY .priv
    push dword SEL_DATA3
    push dword STACK_RING3
    push dword 0x2
    push dword SEL_CODE3
    push dword .user3
    iretd
.user3:
    mov eax, cr0
    ud2
.priv:
    EXPECT [got_vector], 13, 'rings: MOV from CR0 at CPL 3 is #GP'
    TRY .cli
    push dword SEL_DATA3
    push dword STACK_RING3
    push dword 0x2
    push dword SEL_CODE3
    push dword .user4
    iretd
.user4:
    cli
    ud2
.cli:
    EXPECT [got_vector], 13, 'rings: CLI at CPL 3 > IOPL is #GP'
    ret

main_esp:       equ SCRATCH + 0
user_ds:        equ SCRATCH + 4
user_cs:        equ SCRATCH + 8
int_cs:         equ SCRATCH + 12
int_esp:        equ SCRATCH + 16
int_ss:         equ SCRATCH + 20
int_my_esp:     equ SCRATCH + 24
int_my_ss:      equ SCRATCH + 28
int_flags:      equ SCRATCH + 32
after_int:      equ SCRATCH + 36
gate_p0:        equ SCRATCH + 40
gate_p1:        equ SCRATCH + 44
gate_old_ss:    equ SCRATCH + 48
after_gate_esp: equ SCRATCH + 52
after_gate_eax: equ SCRATCH + 56
conf_cpl:       equ SCRATCH + 60

%include "end.inc"
