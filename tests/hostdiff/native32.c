/* bt86-native32: runs single 32-bit instructions on the host CPU for the hostdiff
 * test. Built with gcc -m32 and linked with nothing of bt86.
 *
 * Reads struct hd_case records on stdin and writes one struct hd_result per case
 * on stdout (proto.h). For each case it fills the data window at HD_WINDOW, copies
 * the instruction to HD_CODE followed by "jmp [exit]", and enters it through a
 * trampoline that saves the helper's own registers, loads the case's registers and
 * flags (popfd on the helper's stack first, ESP last), and on the way back stores
 * every register and pushfd's the flags before restoring its own state. Faults
 * (#DE -> SIGFPE, #UD -> SIGILL, #GP/#BR -> SIGSEGV, ...) are caught on an
 * alternate signal stack, reported with the vector the kernel records (trapno) and
 * the registers at the fault, and left with siglongjmp. */
#include "proto.h"

#include <asm/ldt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef __i386__
#error "bt86-native32 must be built for i386 (-m32)"
#endif

/* The control block at HD_CTL, addressed absolutely by the trampoline. */
struct ctl {
    uint32_t in[8];      /* 0x00 */
    uint32_t in_eflags;  /* 0x20 */
    uint32_t out[8];     /* 0x24 */
    uint32_t out_eflags; /* 0x44 */
    uint32_t saved_esp;  /* 0x48 */
    uint32_t code_addr;  /* 0x4c */
    uint32_t exit_addr;  /* 0x50 */
    /* Written by the fault handler. */
    uint32_t fault_vector;
    uint32_t fault_eip;
    uint32_t fault_eflags;
    uint32_t fault_regs[8];
};

_Static_assert(HD_CTL == 0x00310000u, "the trampoline below hard-codes HD_CTL");

void hd_enter(void);
void hd_exit(void);

/* Only mov (which leaves the flags alone) runs between popfd and the instruction,
 * and between the instruction and pushfd. The final popfd of 0x202 gives the C code
 * back DF=0, AC=0, NT=0 and clear arithmetic flags. */
__asm__(".text\n"
        ".set hd_ctl, 0x00310000\n"
        ".globl hd_enter\n"
        ".type hd_enter, @function\n"
        "hd_enter:\n"
        "  pushl %ebp\n"
        "  pushl %ebx\n"
        "  pushl %esi\n"
        "  pushl %edi\n"
        "  movl %esp, hd_ctl+0x48\n"
        "  pushl hd_ctl+0x20\n"
        "  popfl\n"
        "  movl hd_ctl+0x00, %eax\n"
        "  movl hd_ctl+0x04, %ecx\n"
        "  movl hd_ctl+0x08, %edx\n"
        "  movl hd_ctl+0x0c, %ebx\n"
        "  movl hd_ctl+0x14, %ebp\n"
        "  movl hd_ctl+0x18, %esi\n"
        "  movl hd_ctl+0x1c, %edi\n"
        "  movl hd_ctl+0x10, %esp\n"
        "  jmp *hd_ctl+0x4c\n"
        ".globl hd_exit\n"
        ".type hd_exit, @function\n"
        "hd_exit:\n"
        "  movl %eax, hd_ctl+0x24\n"
        "  movl %ecx, hd_ctl+0x28\n"
        "  movl %edx, hd_ctl+0x2c\n"
        "  movl %ebx, hd_ctl+0x30\n"
        "  movl %esp, hd_ctl+0x34\n"
        "  movl %ebp, hd_ctl+0x38\n"
        "  movl %esi, hd_ctl+0x3c\n"
        "  movl %edi, hd_ctl+0x40\n"
        "  movl hd_ctl+0x48, %esp\n"
        "  pushfl\n"
        "  popl hd_ctl+0x44\n"
        "  pushl $0x202\n"
        "  popfl\n"
        "  popl %edi\n"
        "  popl %esi\n"
        "  popl %ebx\n"
        "  popl %ebp\n"
        "  ret\n");

/* The signal handler can only reach what is static; this is a standalone test
 * program with one thread. */
static sigjmp_buf fault_jmp;

static void load_fs(void)
{
    __asm__ volatile("movw %0, %%fs" : : "r"((uint16_t)HD_FS_SEL));
}

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    struct ctl *ctl = (struct ctl *)HD_CTL;
    const greg_t *g = uc->uc_mcontext.gregs;
    ctl->fault_vector = (uint32_t)g[REG_TRAPNO];
    ctl->fault_eip = (uint32_t)g[REG_EIP];
    ctl->fault_eflags = (uint32_t)g[REG_EFL];
    static const int order[8] = {REG_EAX, REG_ECX, REG_EDX, REG_EBX,
                                 REG_ESP, REG_EBP, REG_ESI, REG_EDI};
    for (int k = 0; k < 8; k++)
        ctl->fault_regs[k] = (uint32_t)g[order[k]];
    siglongjmp(fault_jmp, 1);
}

static void *map_fixed(uint32_t addr, uint32_t size, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, size, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || p != (void *)(uintptr_t)addr) {
        fprintf(stderr, "bt86-native32: cannot map %#x (+%#x): address range taken\n", addr, size);
        return NULL;
    }
    return p;
}

static int setup_signals(void)
{
    static uint8_t alt[1 << 16];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    if (sigaltstack(&ss, NULL))
        return -1;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (sigaction(sigs[k], &sa, NULL))
            return -1;
    return 0;
}

/* FS = an LDT data segment over the window (base HD_WINDOW, limit HD_FS_LIMIT), so
 * that 16-bit addresses (67h) with an FS override reach it. glibc on i386 keeps TLS
 * in GS and leaves FS alone. */
static bool setup_fs(void)
{
    struct user_desc d = {.entry_number = HD_FS_SEL >> 3,
                          .base_addr = HD_WINDOW,
                          .limit = HD_FS_LIMIT,
                          .seg_32bit = 1,
                          .useable = 1};
    if (syscall(SYS_modify_ldt, 1, &d, sizeof d) != 0)
        return false;
    load_fs();
    return true;
}

static void run_case(const struct hd_case *c, uint8_t *window, uint8_t *code, struct ctl *ctl,
                     struct hd_result *r)
{
    static uint8_t before[HD_WINDOW_SIZE];
    hd_fill(before, c);
    memcpy(window, before, HD_WINDOW_SIZE);
    uint32_t len = c->code_len > HD_CODE_MAX ? HD_CODE_MAX : c->code_len;
    memcpy(code, c->code, len);
    /* jmp dword [HD_CTL + 0x50] */
    uint32_t slot = HD_CTL + offsetof(struct ctl, exit_addr);
    code[len] = 0xff;
    code[len + 1] = 0x25;
    memcpy(code + len + 2, &slot, 4);

    memcpy(ctl->in, c->regs, sizeof ctl->in);
    /* CF PF AF ZF SF OF and DF from the case; IF stays 1 (user mode cannot change
     * it); TF, AC, NT and ID stay clear. */
    ctl->in_eflags = (c->eflags & 0x0cd5u) | 0x202u;
    memset(r, 0, sizeof *r);
    if (sigsetjmp(fault_jmp, 1) == 0) {
        hd_enter();
        memcpy(r->regs, ctl->out, sizeof r->regs);
        r->eflags = ctl->out_eflags;
        r->vector = HD_NO_VECTOR;
        r->eip = HD_CODE + len;
    } else {
        load_fs(); /* not restored by siglongjmp */
        memcpy(r->regs, ctl->fault_regs, sizeof r->regs);
        r->eflags = ctl->fault_eflags;
        r->vector = ctl->fault_vector;
        r->eip = ctl->fault_eip;
    }
    hd_summarise(before, window, r);
}

int main(void)
{
    uint8_t *window = map_fixed(HD_WINDOW, HD_WINDOW_SIZE, PROT_READ | PROT_WRITE);
    uint8_t *code = map_fixed(HD_CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    struct ctl *ctl = map_fixed(HD_CTL, 4096, PROT_READ | PROT_WRITE);
    if (!window || !code || !ctl)
        return 2;
    if (setup_signals()) {
        perror("bt86-native32: signals");
        return 2;
    }
    ctl->code_addr = HD_CODE;
    ctl->exit_addr = (uint32_t)(uintptr_t)hd_exit;

    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    uint32_t hello = HD_HELLO | (setup_fs() ? HD_CAP_FS : 0);
    if (fwrite(&hello, sizeof hello, 1, stdout) != 1)
        return 1;
    fflush(stdout);
    struct hd_case c;
    struct hd_result r;
    while (fread(&c, sizeof c, 1, stdin) == 1) {
        run_case(&c, window, code, ctl, &r);
        if (fwrite(&r, sizeof r, 1, stdout) != 1)
            return 1;
        if (c.flush)
            fflush(stdout);
    }
    fflush(stdout);
    return 0;
}
