; Alignment check (#AC, vector 17; Intel SDM Vol. 3, 6.15 and table 6-7): with
; CR0.AM = 1, EFLAGS.AC = 1 and CPL 3 (protected or V86 mode) a misaligned word,
; dword or qword data access is a fault with error code 0 and EIP at the
; instruction, and nothing is written. Aligned accesses, byte accesses, CPL 0,
; AM = 0 or AC = 0 never fault, nor do the CPU's own descriptor-table reads made
; for a ring-3 segment load. An interrupt that stays at CPL 3 (a gate to
; conforming code) pushes its frame as a ring-3 stack access: checked.
%include "lib.inc"

VEC_BACK  equ 0x40          ; DPL-3 gate: ring 3 (or V86) is done, back to main
VEC_CONF  equ 0x41          ; DPL-3 gate to conforming ring-0 code: stays at CPL 3
SEL_CONF  equ 0x40          ; conforming ring-0 code segment
FLAG_AC   equ 0x40000
CR0_AM    equ 0x40000
NONE      equ 0xffffffff
V86_CS    equ 0xf000
V86_SS    equ 0x0900
V86_DS    equ 0x0800
GDT_ODD   equ 0x5002        ; a GDT copy at an address that is not 8- or 4-aligned

DATA      equ SCRATCH       ; ring-3 test data, zeroed by main

; enter_user: eax = ring-3 EIP, ebx = EFLAGS. Comes back through INT VEC_BACK, or
; to a TRY label when something faults.
enter_user:
    pop dword [u_ret]
    mov [u_esp0], esp
    mov cx, SEL_DATA3               ; DPL 3: the IRET outward keeps them
    mov ds, cx
    mov es, cx
    push dword SEL_DATA3
    push dword STACK_RING3
    push ebx
    push dword SEL_CODE3
    push eax
    iretd

; enter_v86: eax = V86 IP (CS = F000), ebx = EFLAGS (VM is added).
enter_v86:
    ENTER_V86 u_ret, u_esp0

back:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov esp, [u_esp0]
    jmp [u_ret]

; FAULTS entry, fault_eip, eflags, 'name': ring 3 at entry must take #AC(0) at
; fault_eip.
%macro FAULTS 4
    TRY %%caught
    mov eax, %1
    mov ebx, %3
    call enter_user
    END_TRY
%%caught:
    EXPECT [got_vector], 17, {'alignchk: ', %4, ' is #AC'}
    EXPECT [got_error], 0, {'alignchk: ', %4, ': error code 0'}
    EXPECT [got_eip], %2, {'alignchk: ', %4, ': EIP at the instruction'}
    EXPECT [got_cs], SEL_CODE3, {'alignchk: ', %4, ': CS of ring 3'}
%endmacro

; NO_FAULT entry, eflags, 'name': ring 3 at entry runs to INT VEC_BACK.
%macro NO_FAULT 3
    TRY %%caught
    mov eax, %1
    mov ebx, %2
    call enter_user
    END_TRY
%%caught:
    EXPECT [got_vector], NONE, {'alignchk: ', %3, ' does not fault'}
%endmacro

main:
    mov ecx, VEC_BACK
    mov eax, back
    mov edx, 0xee00                 ; interrupt gate, DPL 3
    call set_idt_gate
    mov eax, 0x0000ffff
    mov edx, 0x00cf9f00             ; conforming, readable, DPL 0
    mov ecx, SEL_CONF / 8
    call set_gdt
    mov eax, conf_handler           ; gate VEC_CONF -> SEL_CONF:conf_handler
    mov [IDT_RAM + VEC_CONF * 8], ax
    mov word [IDT_RAM + VEC_CONF * 8 + 2], SEL_CONF
    mov word [IDT_RAM + VEC_CONF * 8 + 4], 0xee00
    shr eax, 16
    mov [IDT_RAM + VEC_CONF * 8 + 6], ax
    mov edi, DATA
    mov ecx, 0x1000 / 4
    xor eax, eax
    rep stosd
    fninit

    ; CR0.AM = 0: nothing is checked, even at CPL 3 with AC = 1
    NO_FAULT u_ld32, 0x2 | FLAG_AC, 'AM = 0: misaligned dword load at CPL 3'
    mov eax, cr0
    or eax, CR0_AM
    mov cr0, eax

    ; CPL 0 with AM = AC = 1: not checked
    TRY .cpl0
    pushfd
    or dword [esp], FLAG_AC
    popfd
    mov eax, [DATA + 0x101]
    mov [DATA + 0x105], ax
    push word 0                     ; ESP is now 2 off dword alignment
    push eax
    add esp, 6
    pushfd
    and dword [esp], ~FLAG_AC
    popfd
    END_TRY
.cpl0:
    EXPECT [got_vector], NONE, 'alignchk: CPL 0 misaligned accesses do not fault'

    ; AC = 0 at CPL 3: not checked
    NO_FAULT u_ld32, 0x2, 'AC = 0: misaligned dword load at CPL 3'

    FAULTS u_ld32, u_ld32, 0x2 | FLAG_AC, 'misaligned dword load'
    FAULTS u_st32, u_st32, 0x2 | FLAG_AC, 'misaligned dword store'
    EXPECT [DATA + 0x200], 0, 'alignchk: faulting dword store wrote nothing (1)'
    EXPECT [DATA + 0x204], 0, 'alignchk: faulting dword store wrote nothing (2)'
    FAULTS u_ld16, u_ld16, 0x2 | FLAG_AC, 'misaligned word load'
    FAULTS u_st16, u_st16, 0x2 | FLAG_AC, 'misaligned word store'
    EXPECT [DATA + 0x400], 0, 'alignchk: faulting word store wrote nothing'
    FAULTS u_push, u_push_f, 0x2 | FLAG_AC, 'push to a misaligned ESP'
    FAULTS u_rmw, u_rmw, 0x2 | FLAG_AC, 'misaligned dword read-modify-write'
    FAULTS u_movs, u_movs_f, 0x2 | FLAG_AC, 'REP MOVSD from a misaligned source'
    FAULTS u_sel, u_sel, 0x2 | FLAG_AC, 'segment selector load from an odd address'
    FAULTS u_popf, u_popf_f, 0x2, 'AC set by POPF at CPL 3'
    NO_FAULT u_popf_off, 0x2 | FLAG_AC, 'AC cleared by POPF at CPL 3'
    NO_FAULT u_ok, 0x2 | FLAG_AC, 'aligned word/dword and any byte access'
    FAULTS u_fld64, u_fld64, 0x2 | FLAG_AC, 'FLD m64 at 4 mod 8'
    FAULTS u_fld80, u_fld80, 0x2 | FLAG_AC, 'FLD m80 at 4 mod 8'
    FAULTS u_fsave, u_fsave, 0x2 | FLAG_AC, 'FNSAVE (32-bit image) at 2 mod 4'
    FAULTS u_cx8, u_cx8, 0x2 | FLAG_AC, 'CMPXCHG8B at 4 mod 8'
    NO_FAULT u_fpu_ok, 0x2 | FLAG_AC, 'aligned x87 operands, FNSTENV o16 at 2 mod 4'
    NO_FAULT u_int_ok, 0x2 | FLAG_AC, 'INT to conforming code with an aligned ESP'
    EXPECT [DATA + 0xc00], 3, 'alignchk: the conforming handler ran at CPL 3'
    FAULTS u_int, u_int_f, 0x2 | FLAG_AC, 'INT to conforming code with a misaligned ESP'

    ; the CPU's own descriptor reads for a ring-3 segment load are supervisor
    ; accesses: a misaligned GDT does not make them #AC
    mov esi, GDT_RAM
    mov edi, GDT_ODD
    mov ecx, 16 * 2
    rep movsd
    lgdt [gdt_odd_ptr]
    NO_FAULT u_segload, 0x2 | FLAG_AC, 'segment load through a misaligned GDT'
    lgdt [gdt_ram_ptr]

    ; V86 mode runs at CPL 3: checked too
    mov dword [V86_DS * 16 + 0x10], 0
    TRY .v86_ok
    mov eax, v86_ok - 0xf0000
    mov ebx, 0x3000 | FLAG_AC
    call enter_v86
    END_TRY
.v86_ok:
    EXPECT [got_vector], NONE, 'alignchk: V86 aligned word/dword accesses do not fault'
    EXPECT [V86_DS * 16 + 0x10], 0x12340000, 'alignchk: V86 aligned stores landed'
%macro V86_FAULTS 3
    TRY %%caught
    mov eax, %1 - 0xf0000
    mov ebx, 0x3000 | FLAG_AC
    call enter_v86
    END_TRY
%%caught:
    EXPECT [got_vector], 17, {'alignchk: V86 ', %3, ' is #AC'}
    EXPECT [got_error], 0, {'alignchk: V86 ', %3, ': error code 0'}
    EXPECT [got_eip], %2 - 0xf0000, {'alignchk: V86 ', %3, ': IP at the instruction'}
    EXPECT [got_cs], V86_CS, {'alignchk: V86 ', %3, ': CS of the V86 code'}
%endmacro
    V86_FAULTS v86_ld, v86_ld, 'word load at an odd offset'
    V86_FAULTS v86_push, v86_push_f, 'push to an odd SP'
    TRY .v86_noac
    mov eax, v86_ld - 0xf0000
    mov ebx, 0x3000
    call enter_v86
    END_TRY
.v86_noac:
    EXPECT [got_vector], NONE, 'alignchk: V86 with AC = 0 does not fault'
    ret

gdt_odd_ptr:
    dw 16 * 8 - 1
    dd GDT_ODD

; ---- ring 3 ----
u_ld32:
    mov eax, [DATA + 0x101]
    int VEC_BACK
u_st32:
    mov dword [DATA + 0x201], 0x11223344
    int VEC_BACK
u_ld16:
    mov ax, [DATA + 0x301]
    int VEC_BACK
u_st16:
    mov word [DATA + 0x401], 0x5566
    int VEC_BACK
u_push:
    sub esp, 2
u_push_f:
    push eax
    int VEC_BACK
u_rmw:
    add [DATA + 0x502], eax
    int VEC_BACK
u_movs:
    mov esi, DATA + 0x601
    mov edi, DATA + 0x700
    mov ecx, 4
    cld
u_movs_f:
    rep movsd
    int VEC_BACK
u_sel:
    mov es, [DATA + 0x801]
    int VEC_BACK
u_popf:
    pushfd
    or dword [esp], FLAG_AC
    popfd
u_popf_f:
    mov eax, [DATA + 0x101]
    int VEC_BACK
u_popf_off:
    pushfd
    and dword [esp], ~FLAG_AC
    popfd
    mov eax, [DATA + 0x101]
    mov [DATA + 0x111], eax
    int VEC_BACK
u_ok:
    mov eax, [DATA + 0x100]
    mov [DATA + 0x104], eax
    mov ax, [DATA + 0x102]
    mov [DATA + 0x106], ax
    mov al, [DATA + 0x107]
    mov [DATA + 0x109], al
    push eax
    pop eax
    push word 0
    push word 0
    pop eax
    mov esi, DATA + 0x600
    mov edi, DATA + 0x700
    mov ecx, 4
    cld
    rep movsd
    mov esi, DATA + 0x601
    mov ecx, 3
    rep movsb
    int VEC_BACK
u_fld64:
    fld qword [DATA + 0x904]
    int VEC_BACK
u_fld80:
    fld tword [DATA + 0x924]
    int VEC_BACK
u_fsave:
    fnsave [DATA + 0xa02]
    int VEC_BACK
u_cx8:
    cmpxchg8b [DATA + 0xb04]
    int VEC_BACK
u_fpu_ok:
    fld dword [DATA + 0x904]
    fstp qword [DATA + 0x908]
    fld tword [DATA + 0x920]
    fstp tword [DATA + 0x930]
    o16 fnstenv [DATA + 0x942]
    fnsave [DATA + 0xa04]
    frstor [DATA + 0xa04]
    cmpxchg8b [DATA + 0xb08]
    int VEC_BACK
u_int_ok:
    int VEC_CONF
    int VEC_BACK
u_int:
    sub esp, 2
u_int_f:
    int VEC_CONF
    int VEC_BACK
conf_handler:
    mov eax, cs
    and eax, 3
    mov [DATA + 0xc00], eax
    iretd
u_segload:
    mov ax, SEL_DATA3
    mov ds, ax
    mov fs, ax
    int VEC_BACK

bits 16
v86_ok:
    mov ax, [0x10]
    mov [0x12], word 0x1234
    mov eax, [0x14]
    mov [0x18], eax
    push ax
    pop ax
    int VEC_BACK
v86_ld:
    mov ax, [0x11]
    int VEC_BACK
v86_push:
    dec sp
v86_push_f:
    push ax
    int VEC_BACK
bits 32

u_ret     equ SCRATCH + 0xf00
u_esp0    equ SCRATCH + 0xf04

%include "end.inc"
