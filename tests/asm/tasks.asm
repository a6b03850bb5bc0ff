; Hardware task switches: JMP to a TSS and back, CALL with NT and the back link,
; IRET to the outer task, a task gate in the IDT for INT n and for a fault with an
; error code, busy TSSs refused, and CR0.TS set by every switch.
%include "lib.inc"

SEL_TASKGATE equ 0x38       ; task gate -> TSS1 (DPL 0)

; init_tss1: task B starts at eax with its own stack, flat ring-0 segments
init_tss1:
    push edi
    push ecx
    mov edi, TSS1
    mov ecx, 0x68 / 4
.zero:
    mov dword [edi], 0
    add edi, 4
    dec ecx
    jnz .zero
    mov ecx, cr3
    mov [TSS1 + 0x1c], ecx
    mov [TSS1 + 0x20], eax
    mov dword [TSS1 + 0x24], 2
    mov dword [TSS1 + 0x38], STACK_TASK
    mov dword [TSS1 + 0x4c], SEL_CODE0
    mov dword [TSS1 + 0x48], SEL_DATA0
    mov dword [TSS1 + 0x50], SEL_DATA0
    mov dword [TSS1 + 0x54], SEL_DATA0
    mov dword [TSS1 + 0x58], SEL_DATA0
    mov dword [TSS1 + 0x5c], SEL_DATA0
    mov word [TSS1 + 0x66], 0x68
    ; TSS1 descriptor available again
    and dword [GDT_RAM + SEL_TSS1 + 4], ~0x200
    pop ecx
    pop edi
    ret

main:
    ; JMP to task B, which JMPs back
    mov eax, task_jmp
    call init_tss1
    clts
    mov eax, 0x11111111
    jmp SEL_TSS1:0
    EXPECT eax, 0x11111111, 'tasks: JMP back restores EAX from TSS0'
    EXPECT [b_ran], 1, 'tasks: task B ran'
    mov eax, [GDT_RAM + SEL_TSS1 + 4]
    and eax, 0x200
    EXPECT eax, 0, 'tasks: JMP away clears the busy bit'
    mov eax, [GDT_RAM + SEL_TSS0 + 4]
    and eax, 0x200
    EXPECT eax, 0x200, 'tasks: the current TSS is busy'
    mov eax, cr0
    and eax, 8
    EXPECT eax, 8, 'tasks: a switch sets CR0.TS'
    str ax
    movzx eax, ax
    EXPECT eax, SEL_TSS0, 'tasks: TR is TSS0 again'

    ; CALL nests: NT and back link, IRET returns
    mov eax, task_call
    call init_tss1
    call SEL_TSS1:0
    EXPECT [b_nt], 0x4000, 'tasks: CALL sets NT in the new task'
    EXPECT [b_link], SEL_TSS0, 'tasks: CALL stores the back link'
    EXPECT [b_busy0], 0x200, 'tasks: CALL keeps the caller busy'
    mov eax, [GDT_RAM + SEL_TSS1 + 4]
    and eax, 0x200
    EXPECT eax, 0, 'tasks: IRET frees the nested task'
    pushfd
    pop eax
    and eax, 0x4000
    EXPECT eax, 0, 'tasks: the caller has NT clear'

    ; INT n through a task gate
    mov eax, task_call
    call init_tss1
    mov ecx, 0x50
    mov eax, 0
    mov edx, 0x8500
    call set_idt_gate
    mov word [IDT_RAM + 0x50 * 8 + 2], SEL_TSS1
    mov dword [b_ran], 0
    int 0x50
    EXPECT [b_ran], 1, 'tasks: INT through a task gate runs the task'
    EXPECT [b_link], SEL_TSS0, 'tasks: the task gate nests'

    ; a fault with an error code through a task gate
    mov eax, task_fault
    call init_tss1
    mov ecx, 11
    mov eax, 0
    mov edx, 0x8500
    call set_idt_gate
    mov word [IDT_RAM + 11 * 8 + 2], SEL_TSS1
    mov eax, 0x0000ffff             ; 0x38: data segment, not present
    mov edx, 0x00cf1300
    mov ecx, SEL_TASKGATE / 8
    call set_gdt
    mov ax, SEL_TASKGATE
    mov fs, ax
    EXPECT [b_error], SEL_TASKGATE, 'tasks: #NP error code on the handler task stack'

    ; a busy TSS cannot be entered
    TRY .busy
    jmp SEL_TSS0:0
    END_TRY
.busy:
    EXPECT [got_vector], 13, 'tasks: JMP to a busy TSS is #GP'
    EXPECT [got_error], SEL_TSS0, 'tasks: error code is the TSS selector'
    clts
    ret

task_jmp:
    mov dword [b_ran], 1
    jmp SEL_TSS0:0

task_call:
    mov dword [b_ran], 1
    pushfd
    pop eax
    and eax, 0x4000
    mov [b_nt], eax
    movzx eax, word [TSS1]
    mov [b_link], eax
    mov eax, [GDT_RAM + SEL_TSS0 + 4]
    and eax, 0x200
    mov [b_busy0], eax
    iretd

task_fault:
    pop eax
    mov [b_error], eax
    ; resume the outer task after its faulting MOV FS, AX (2 bytes): its saved
    ; EIP is in TSS0
    add dword [TSS0 + 0x20], 2
    iretd

b_ran   equ SCRATCH + 0
b_nt    equ SCRATCH + 4
b_link  equ SCRATCH + 8
b_busy0 equ SCRATCH + 12
b_error equ SCRATCH + 16

%include "end.inc"
