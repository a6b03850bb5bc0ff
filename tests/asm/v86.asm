; Virtual-8086 mode: entry by IRETD with VM set, real-mode segment arithmetic, the
; IOPL-sensitive instructions (CLI, STI, PUSHF, POPF, INT n, IRET) faulting with
; #GP(0) at IOPL < 3, INT n through the IDT to ring 0 with the V86 segments
; pushed, IRET and INT 3 at IOPL 3, and port I/O through the TSS bitmap.
%include "lib.inc"

VEC_MONITOR equ 0x40
V86_CS equ 0xf000           ; the ROM alias: code runs at F000:(label - 0xF0000)
V86_SS equ 0x0900
V86_DS equ 0x0800

; enter_v86: eax = V86 entry IP, ebx = EFLAGS (VM is added). Comes back through
; the monitor (INT 0x40) or a fault caught by TRY.
enter_v86:
    ENTER_V86 v86_ret, v86_esp0

monitor:
    ; ring 0 from V86: the frame holds EIP CS EFLAGS ESP SS ES DS FS GS
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov eax, [esp + 4]
    mov [mon_cs], eax
    mov eax, [esp + 8]
    mov [mon_flags], eax
    mov eax, [esp + 16]
    mov [mon_ss], eax
    mov eax, [esp + 24]
    mov [mon_ds], eax
    mov eax, ds
    mov [mon_my_ds], eax
    mov esp, [v86_esp0]
    jmp [v86_ret]

main:
    mov ecx, VEC_MONITOR
    mov eax, monitor
    mov edx, 0xee00
    call set_idt_gate

    ; at IOPL 3 INT n goes through the IDT to ring 0
    mov dword [V86_DS * 16 + 0x10], 0
    mov eax, v86_basic - 0xf0000
    mov ebx, 0x3000
    call enter_v86
    EXPECT [V86_DS * 16 + 0x10], 0x1234, 'v86: DS-relative store at 0800:0010'
    EXPECT [mon_cs], V86_CS, 'v86: INT pushes the V86 CS'
    EXPECT [mon_ss], V86_SS, 'v86: INT pushes the V86 SS'
    EXPECT [mon_ds], V86_DS, 'v86: INT pushes the V86 DS'
    EXPECT [mon_my_ds], SEL_DATA0, 'v86: ring 0 runs with its own DS'
    mov eax, [mon_flags]
    and eax, 0x20000
    EXPECT eax, 0x20000, 'v86: pushed EFLAGS has VM'
    EXPECT [V86_DS * 16 + 0x14], 0xf000, 'v86: V86 IRET at IOPL 3 reached its target'

    ; at IOPL 0: each sensitive instruction is #GP(0)
%macro SENSITIVE 2
    TRY %%caught
    mov eax, %1 - 0xf0000
    xor ebx, ebx
    call enter_v86
%%caught:
    EXPECT [got_vector], 13, {'v86: ', %2, ' is #GP'}
    EXPECT [got_error], 0, {'v86: ', %2, ' error code 0'}
    EXPECT [got_cs], V86_CS, {'v86: ', %2, ' faults in V86 code'}
%endmacro
    SENSITIVE v86_cli, 'CLI at IOPL 0'
    SENSITIVE v86_sti, 'STI at IOPL 0'
    SENSITIVE v86_pushf, 'PUSHF at IOPL 0'
    SENSITIVE v86_popf, 'POPF at IOPL 0'
    SENSITIVE v86_int, 'INT n at IOPL 0'
    SENSITIVE v86_iret, 'IRET at IOPL 0'
    SENSITIVE v86_lgdt, 'LGDT (CPL 3)'

    ; INT3 is not IOPL-sensitive: it goes through the IDT (gate DPL 3)
    mov ecx, 3
    mov eax, monitor
    mov edx, 0xee00
    call set_idt_gate
    mov dword [mon_cs], 0
    mov eax, v86_int3 - 0xf0000
    xor ebx, ebx
    call enter_v86
    EXPECT [mon_cs], V86_CS, 'v86: INT3 at IOPL 0 reaches the monitor'

    ; port I/O in V86 mode goes by the TSS bitmap, whatever the IOPL
    call io_bitmap_setup
    TRY .io_denied
    mov eax, v86_out_denied - 0xf0000
    mov ebx, 0x3000
    call enter_v86
.io_denied:
    EXPECT [got_vector], 13, 'v86: OUT to a port denied by the bitmap is #GP'
    mov dword [mon_cs], 0
    mov eax, v86_out_allowed - 0xf0000
    mov ebx, 0
    call enter_v86
    EXPECT [mon_cs], V86_CS, 'v86: OUT to a port the bitmap allows (IOPL 0)'
    ret

; TSS0 gets a bitmap at 0x68 covering ports 0-0x3ff: all allowed but 0x80.
io_bitmap_setup:
    mov edi, TSS0 + 0x68
    mov ecx, 0x80 / 4
.z:
    mov dword [edi], 0
    add edi, 4
    dec ecx
    jnz .z
    mov byte [TSS0 + 0x68 + 0x10], 1     ; port 0x80
    mov byte [TSS0 + 0x68 + 0x80], 0xff  ; the byte past the map
    ; the TSS limit must cover the map: rewrite the descriptor and reload TR
    and dword [GDT_RAM + SEL_TSS0 + 4], ~0x200
    mov word [GDT_RAM + SEL_TSS0], 0x68 + 0x80
    mov ax, SEL_TSS0
    ltr ax
    ret

bits 16
v86_basic:
    mov ax, 0x1234
    mov [0x10], ax
    push word 0x3202
    push word V86_CS
    push word .after - 0xf0000
    iret
    hlt
.after:
    mov ax, cs
    mov [0x14], ax
    int VEC_MONITOR
v86_cli:
    cli
v86_sti:
    sti
v86_pushf:
    pushf
v86_popf:
    popf
v86_int:
    int VEC_MONITOR
v86_iret:
    iret
v86_lgdt:
    lgdt [0]
v86_int3:
    int3
v86_out_denied:
    out 0x80, al
    int VEC_MONITOR
v86_out_allowed:
    out 0x81, al
    int3
bits 32

v86_ret   equ SCRATCH + 0
v86_esp0  equ SCRATCH + 4
mon_cs    equ SCRATCH + 8
mon_flags equ SCRATCH + 12
mon_ss    equ SCRATCH + 16
mon_ds    equ SCRATCH + 20
mon_my_ds equ SCRATCH + 24

%include "end.inc"
