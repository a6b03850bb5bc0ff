; I/O breakpoints and the PAE PDPTE registers on the whole machine (Intel SDM
; Vol. 3, 17.2.4, 17.3.1.2 and 4.4.1): DR7 R/W = 10 with CR4.DE = 1 traps after an
; OUT to the port, once per iteration of REP OUTSB; with CR4.DE = 0 it matches
; nothing (bt86's choice for the undefined case); CR4.DE makes MOV DR4 #UD. With PAE
; paging the walk uses the PDPTEs loaded at MOV to CR3, and a present PDPTE with a
; reserved bit makes that MOV #GP(0).
%include "lib.inc"

PDPT  equ SCRATCH + 0x1000      ; 32-byte aligned
PDPT2 equ SCRATCH + 0x1020
PD_A  equ SCRATCH + 0x2000      ; 0-4 MiB, 2 MiB pages
PD_B  equ SCRATCH + 0x3000      ; 0x40000000 -> 0x400000
PD_C  equ SCRATCH + 0x4000      ; 0x40000000 -> 0x600000

main:
    mov ecx, 1
    mov eax, db_handler
    mov edx, 0x8e00
    call set_idt_gate

    ; DR0 = port 0x80, L0, R/W = 10, LEN 1; CR4.DE still 0
    mov dword [db_count], 0
    mov eax, 0x80
    mov dr0, eax
    mov eax, 0x00020001
    mov dr7, eax
    xor eax, eax
    out 0x80, al
    EXPECT [db_count], 0, 'debugio: R/W=10 without CR4.DE matches nothing'

    mov eax, cr4
    or eax, 8
    mov cr4, eax
    xor eax, eax
    out 0x81, al
    EXPECT [db_count], 0, 'debugio: a port outside the range does not hit'
    out 0x80, al
after_out:
    EXPECT [db_count], 1, 'debugio: OUT to the port traps'
    EXPECT [db_eip], after_out, 'debugio: the trap follows the OUT'
    mov eax, [db_dr6]
    and eax, 0xf
    EXPECT eax, 1, 'debugio: DR6.B0'

    mov dword [db_count], 0
    mov esi, SCRATCH
    mov ecx, 4
    mov edx, 0x80
    rep outsb
    EXPECT [db_count], 4, 'debugio: REP OUTSB traps after every iteration'
    EXPECT ecx, 0, 'debugio: and finishes'
    EXPECT esi, SCRATCH + 4, 'debugio: with every byte sent once'

    TRY .ud
    mov eax, dr4
    END_TRY
.ud:
    EXPECT [got_vector], 6, 'debugio: MOV from DR4 with CR4.DE is #UD'

    xor eax, eax
    mov dr7, eax
    mov eax, cr4
    and eax, ~8
    mov cr4, eax

    ; PAE tables (SCRATCH is zero at power-on)
    mov dword [PDPT], PD_A | 1
    mov dword [PDPT + 8], PD_B | 1
    mov dword [PD_A], 0x000083
    mov dword [PD_A + 8], 0x200083
    mov dword [PD_B], 0x400083
    mov dword [PD_C], 0x600083
    mov dword [0x400000], 0xb0b0b0b0
    mov dword [0x600000], 0xc0c0c0c0
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr4
    or eax, 0x20
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov dword [PDPT + 8], PD_C | 1
    invlpg [0x40000000]
    EXPECT [0x40000000], 0xb0b0b0b0, 'pae: a PDPT write waits for the next load'
    mov eax, cr3
    mov cr3, eax
    EXPECT [0x40000000], 0xc0c0c0c0, 'pae: MOV to CR3 loads the PDPTEs'

    mov dword [PDPT2], PD_A | 1
    mov dword [PDPT2 + 16], PD_C | 1 | 4  ; bit 2: reserved in a PDPTE
    TRY .gp
    mov eax, PDPT2
    mov cr3, eax
    END_TRY
.gp:
    EXPECT [got_vector], 13, 'pae: a reserved PDPTE bit makes MOV to CR3 #GP'
    EXPECT [got_error], 0, 'pae: with error code 0'
    mov eax, cr3
    EXPECT eax, PDPT, 'pae: and CR3 keeps its value'

    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    mov eax, cr4
    and eax, ~0x20
    mov cr4, eax
    ret

; #DB: count, remember DR6 and the pushed EIP, clear DR6, resume
db_handler:
    DB_RECORD
    pop eax
    iretd

db_count equ VARS + 0x40
db_dr6   equ VARS + 0x44
db_eip   equ VARS + 0x48

%include "end.inc"
