; Paging: translation, A/D bits, #PF error codes and CR2, CR0.WP, U/S, global pages
; across a CR3 reload, INVLPG, and an access that crosses into a missing page.
%include "lib.inc"

PAGE_TAB1 equ 0x12000       ; maps 0x400000-0x7fffff

main:
    ; page directory, table 0 and table 1 are contiguous: clear them, then map
    ; 0-4 MiB one to one (user, writable)
    xor eax, eax
    mov edi, PAGE_DIR
    mov ecx, 3 * 1024
.clear:
    mov [edi], eax
    add edi, 4
    dec ecx
    jnz .clear
    mov edi, PAGE_TAB0
    mov eax, 7
    mov ecx, 1024
.ident:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    dec ecx
    jnz .ident
    mov dword [PAGE_DIR], PAGE_TAB0 | 7
    mov dword [PAGE_DIR + 4], PAGE_TAB1 | 7
    mov dword [PAGE_TAB1 + 0], 0x200000 | 3   ; 0x400000: supervisor, writable
    mov dword [PAGE_TAB1 + 4], 0x201000 | 1   ; 0x401000: supervisor, read-only
    mov dword [PAGE_TAB1 + 8], 0x202000 | 7   ; 0x402000: user, writable
    mov dword [0x200000], 0x1234
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov eax, [0x400000]
    EXPECT eax, 0x1234, 'paging: translation'
    mov eax, [PAGE_TAB1]
    and eax, 0x60
    EXPECT eax, 0x20, 'paging: a read sets A, not D'
    mov dword [0x400004], 5
    mov eax, [PAGE_TAB1]
    and eax, 0x60
    EXPECT eax, 0x60, 'paging: a write sets D'
    mov eax, [PAGE_DIR + 4]
    and eax, 0x20
    EXPECT eax, 0x20, 'paging: the walk sets A in the PDE'

    TRY .np
    mov eax, [0x800010]
    END_TRY
.np:
    EXPECT [got_vector], 14, 'paging: not present is #PF'
    EXPECT [got_error], 0, 'paging: error code 0 for a supervisor read'
    mov eax, cr2
    EXPECT eax, 0x800010, 'paging: CR2 holds the address'

    TRY .wp0
    mov dword [0x401000], 1
    END_TRY
.wp0:
    EXPECT [got_vector], 0xffffffff, 'paging: WP=0 lets ring 0 write a read-only page'
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    TRY .wp1
    mov dword [0x401000], 1
    END_TRY
.wp1:
    EXPECT [got_vector], 14, 'paging: WP=1 write to read-only is #PF'
    EXPECT [got_error], 3, 'paging: error code P|W'

    ; ring 3: a user page works, a supervisor page faults with U set
    TRY .user_fault
    push dword SEL_DATA3
    push dword STACK_RING3
    push dword 2
    push dword SEL_CODE3
    push dword .user
    iretd
.user:
    mov ax, SEL_DATA3
    mov ds, ax
    mov dword [0x402000], 0x77
    mov eax, [0x400000]
    ud2
.user_fault:
    EXPECT [got_vector], 14, 'paging: user read of a supervisor page is #PF'
    EXPECT [got_error], 5, 'paging: error code P|U'
    EXPECT [0x202000], 0x77, 'paging: user write to a user page'
    mov eax, [PAGE_TAB1 + 8]
    and eax, 0x60
    EXPECT eax, 0x60, 'paging: user write set A and D'

    ; global pages survive a CR3 reload; INVLPG drops them
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    mov dword [PAGE_TAB1 + 12], 0x203000 | 0x103   ; 0x403000: global
    mov dword [0x203000], 0xa1
    mov dword [0x204000], 0xb1
    mov dword [0x200000], 0xa0
    mov dword [0x205000], 0xb0
    mov eax, [0x403000]
    mov eax, [0x400000]
    mov dword [PAGE_TAB1 + 12], 0x204000 | 0x103
    mov dword [PAGE_TAB1 + 0], 0x205000 | 0x3
    mov eax, cr3
    mov cr3, eax
    mov eax, [0x400000]
    EXPECT eax, 0xb0, 'paging: MOV CR3 flushes non-global pages'
    mov eax, [0x403000]
    EXPECT eax, 0xa1, 'paging: MOV CR3 keeps global pages'
    invlpg [0x403000]
    mov eax, [0x403000]
    EXPECT eax, 0xb1, 'paging: INVLPG drops a global page'

    ; a dword write across into a missing page writes nothing
    mov dword [0x205ffc], 0x11111111
    TRY .cross
    mov dword [0x400ffe], 0x22222222
    END_TRY
.cross:
    EXPECT [got_vector], 14, 'paging: page-crossing write faults'
    mov eax, cr2
    EXPECT eax, 0x401000, 'paging: CR2 is the second page'
    EXPECT [0x205ffc], 0x11111111, 'paging: nothing written before the fault'

    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    ret

%include "end.inc"
