/* hostdiff: runs random single instructions in bt86 (flat 32-bit protected mode)
 * and on the host CPU (through bt86-native32) and compares the architectural
 * results: registers, EFLAGS (undefined flags included, except where masks.c
 * documents an AMD/Intel difference), the data window and exceptions.
 *
 *   hostdiff --native PATH [--cases N] [--seed S] [--form NAME] [--list]
 *
 * Exit status: 0 without mismatches, 1 with, 2 on usage or set-up errors, 77 when
 * the native helper is not available (no multilib), so CTest reports a skip. */
#include "cpu/cpu.h"
#include "gen.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH           64
#define REPORT_PER_FORM 5
#define GUEST_RAM       (4u << 20)

/* Compared EFLAGS bits: the arithmetic flags, TF, DF, NT, AC, ID and bit 1. IF and
 * IOPL differ by design (bt86 runs at CPL 0, the helper at CPL 3), RF is set in
 * the fault image the kernel reports, VM/VIF/VIP never change here. */
#define FLAGS_COMPARED 0x00244dd7u

struct native {
    pid_t pid;
    FILE *to, *from;
    uint32_t caps; /* HD_CAP_* */
};

struct rig {
    struct phys_space ps;
    struct cpu *cpu;
};

struct options {
    uint32_t cases;
    uint64_t seed;
    const char *form;
    const char *native;
    bool list;
    bool verbose;
};

static int native_start(struct native *n, const char *path)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -1;
    n->pid = fork();
    if (n->pid < 0)
        return -1;
    if (n->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    n->to = fdopen(in[1], "wb");
    n->from = fdopen(out[0], "rb");
    if (!n->to || !n->from)
        return -1;
    uint32_t hello;
    if (fread(&hello, sizeof hello, 1, n->from) != 1 || (hello & ~0xffu) != HD_HELLO) {
        fprintf(stderr, "hostdiff: %s did not start (see its message above)\n", path);
        return -1;
    }
    n->caps = hello & 0xff;
    return 0;
}

static int native_stop(struct native *n)
{
    fclose(n->to);
    fclose(n->from);
    int st = 0;
    waitpid(n->pid, &st, 0);
    return st;
}

static bool rig_init(struct rig *r)
{
    if (!phys_init(&r->ps, GUEST_RAM))
        return false;
    r->cpu = cpu_create(&r->ps);
    if (!r->cpu)
        return false;
    struct cpu *cpu = r->cpu;
    cpu->intercept_exceptions = true; /* report the first exception, as the native side does */
    cpu_set_flat32(cpu, 0x08);        /* PE, flat 4 GiB CS (D=1) and data segments (B=1) */
    uint16_t data = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_WRITABLE | SEG_ATTR_ACCESSED | SEG_ATTR_DB;
    /* FS as in the helper: byte-granular, over the window only. */
    cpu_set_seg_cache(cpu, SEG_FS, HD_FS_SEL, HD_WINDOW, HD_FS_LIMIT,
                      data | (3 << SEG_ATTR_DPL_SHIFT));
    return true;
}

static void rig_free(struct rig *r)
{
    cpu_destroy(r->cpu);
    phys_free(&r->ps);
}

/* One case in bt86: the instruction at HD_CODE followed by HLT. */
static void bt86_run(struct rig *rig, const struct hd_case *c, struct hd_result *res)
{
    static uint8_t before[HD_WINDOW_SIZE], after[HD_WINDOW_SIZE];
    struct cpu *cpu = rig->cpu;
    hd_fill(before, c);
    phys_copy_to(&rig->ps, HD_WINDOW, before, HD_WINDOW_SIZE);
    uint8_t code[HD_CODE_MAX + 1];
    uint32_t len = c->code_len > HD_CODE_MAX ? HD_CODE_MAX : c->code_len;
    memcpy(code, c->code, len);
    code[len] = 0xf4; /* hlt */
    phys_copy_to(&rig->ps, HD_CODE, code, len + 1);
    cpu_invalidate_phys(cpu, HD_CODE, 64);

    memcpy(cpu->reg, c->regs, 8 * sizeof(uint32_t));
    cpu_set_eflags(cpu, (c->eflags & 0x0cd5u) | 0x202u);
    cpu->eip = HD_CODE;
    cpu->halted = false;
    enum cpu_exit ex = cpu_run(cpu, 64);

    memset(res, 0, sizeof *res);
    memcpy(res->regs, cpu->reg, sizeof res->regs);
    res->eflags = cpu_get_eflags(cpu);
    if (ex == CPU_EXIT_HALT) {
        res->vector = HD_NO_VECTOR;
        res->eip = cpu->eip - 1;
    } else if (ex == CPU_EXIT_EXCEPTION) {
        res->vector = (uint32_t)cpu->raised.vector;
        res->eip = cpu->eip;
    } else {
        res->vector = HD_HUNG;
        res->eip = cpu->eip;
    }
    for (uint32_t k = 0; k < HD_WINDOW_SIZE; k += PAGE_SIZE)
        memcpy(after + k, phys_page_ptr(&rig->ps, HD_WINDOW + k, false), PAGE_SIZE);
    hd_summarise(before, after, res);
}

static const char *const reg_names[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};

static void flag_names(uint32_t f, char *buf, size_t n)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } t[] = {{0x1, "CF"},    {0x4, "PF"},     {0x10, "AF"},    {0x40, "ZF"},
             {0x80, "SF"},   {0x100, "TF"},   {0x400, "DF"},   {0x800, "OF"},
             {0x4000, "NT"}, {0x40000, "AC"}, {0x200000, "ID"}};
    buf[0] = 0;
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (f & t[k].bit) {
            size_t l = strlen(buf);
            snprintf(buf + l, n - l, "%s%s", l ? " " : "", t[k].name);
        }
}

static const char *vector_name(uint32_t v, char *buf)
{
    if (v == HD_NO_VECTOR)
        return "none";
    if (v == HD_HUNG)
        return "no HLT reached";
    sprintf(buf, "exception %u", v);
    return buf;
}

/* Describes the first difference in buf; false when the results agree. */
static bool compare(const struct gen_case *gc, const struct hd_result *n, const struct hd_result *b,
                    char *buf, size_t len)
{
    char v1[32], v2[32];
    if (n->vector != b->vector) {
        snprintf(buf, len, "exception: native %s, bt86 %s", vector_name(n->vector, v1),
                 vector_name(b->vector, v2));
        return true;
    }
    if (n->eip != b->eip) {
        snprintf(buf, len, "EIP: native %08x, bt86 %08x", n->eip, b->eip);
        return true;
    }
    for (int k = 0; k < 8; k++)
        if (n->regs[k] != b->regs[k] && !(gc->ignore_regs & (1u << k))) {
            snprintf(buf, len, "%s: native %08x, bt86 %08x", reg_names[k], n->regs[k], b->regs[k]);
            return true;
        }
    uint32_t fm = FLAGS_COMPARED & ~gc->ignore_flags;
    if ((n->eflags ^ b->eflags) & fm) {
        char names[64];
        flag_names((n->eflags ^ b->eflags) & fm, names, sizeof names);
        snprintf(buf, len, "EFLAGS: native %08x, bt86 %08x (differ: %s)", n->eflags & fm,
                 b->eflags & fm, names);
        return true;
    }
    if (gc->ignore_mem)
        return false;
    uint32_t cn = n->change_count < HD_CHANGES ? n->change_count : HD_CHANGES;
    uint32_t cb = b->change_count < HD_CHANGES ? b->change_count : HD_CHANGES;
    for (uint32_t k = 0; k < (cn > cb ? cn : cb); k++) {
        const struct hd_change *x = &n->changes[k], *y = &b->changes[k];
        if (k >= cn || k >= cb || x->off != y->off || x->val != y->val) {
            uint32_t off = k < cn ? x->off : y->off;
            if (k < cb && (k >= cn || y->off < off))
                off = y->off;
            snprintf(
                buf, len,
                "memory: first differing write at window+%#x (native %u dwords changed, bt86 %u)",
                off, n->change_count, b->change_count);
            return true;
        }
    }
    if (n->change_count != b->change_count || n->hash != b->hash) {
        snprintf(buf, len, "memory: %u vs %u dwords changed (contents differ beyond the first %d)",
                 n->change_count, b->change_count, HD_CHANGES);
        return true;
    }
    return false;
}

static void print_case(const struct gen_case *gc, uint32_t index)
{
    const struct hd_case *c = &gc->c;
    printf("    case %u: bytes", index);
    for (int k = 0; k < c->code_len; k++)
        printf(" %02x", c->code[k]);
    printf("\n    in: ");
    for (int k = 0; k < 8; k++)
        printf("%s=%08x ", reg_names[k], c->regs[k]);
    printf("EFLAGS=%08x\n", (c->eflags & 0x0cd5u) | 0x202u);
    printf("    window: seed %08x, fill %u", c->seed, c->fill_kind);
    for (int k = 0; k < c->poke_count; k++)
        printf(", [+%#x]=%08x", c->pokes[k].off, c->pokes[k].val);
    printf("\n");
}

static void print_result(const char *who, const struct hd_result *r)
{
    char v[32];
    printf("    %-6s ", who);
    for (int k = 0; k < 8; k++)
        printf("%s=%08x ", reg_names[k], r->regs[k]);
    printf("EFLAGS=%08x %s\n", r->eflags, vector_name(r->vector, v));
}

struct form_stats {
    uint32_t cases, mismatches, masked, faults;
    uint32_t masked_flags; /* union of the flags masks.c left out */
    uint8_t masked_regs;
    bool masked_mem;
    uint32_t raw_flag_diff; /* union of all differing flags, masks not applied */
};

static int run_form(const struct form *f, const struct options *o, struct native *nat,
                    struct rig *rig, struct form_stats *st)
{
    static struct gen_case gcs[BATCH];
    static struct hd_result nres[BATCH];
    memset(st, 0, sizeof *st);
    for (uint32_t base = 0; base < o->cases; base += BATCH) {
        uint32_t n = o->cases - base < BATCH ? o->cases - base : BATCH;
        for (uint32_t k = 0; k < n; k++) {
            gen_case(f, o->seed, base + k, &gcs[k]);
            gcs[k].c.flush = k == n - 1;
            if (fwrite(&gcs[k].c, sizeof gcs[k].c, 1, nat->to) != 1)
                return -1;
        }
        fflush(nat->to);
        for (uint32_t k = 0; k < n; k++)
            if (fread(&nres[k], sizeof nres[k], 1, nat->from) != 1)
                return -1;
        for (uint32_t k = 0; k < n; k++) {
            struct hd_result b;
            bt86_run(rig, &gcs[k].c, &b);
            char why[200];
            st->cases++;
            if (gcs[k].ignore_flags || gcs[k].ignore_regs || gcs[k].ignore_mem)
                st->masked++;
            st->masked_flags |= gcs[k].ignore_flags & FLAGS_COMPARED;
            st->masked_regs |= gcs[k].ignore_regs;
            st->masked_mem |= gcs[k].ignore_mem;
            if (nres[k].vector == b.vector)
                st->raw_flag_diff |= (nres[k].eflags ^ b.eflags) & FLAGS_COMPARED;
            if (nres[k].vector != HD_NO_VECTOR)
                st->faults++;
            if (!compare(&gcs[k], &nres[k], &b, why, sizeof why))
                continue;
            if (st->mismatches++ < REPORT_PER_FORM) {
                printf("  MISMATCH %s: %s\n", f->name, why);
                print_case(&gcs[k], base + k);
                print_result("native", &nres[k]);
                print_result("bt86", &b);
            }
        }
    }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: hostdiff --native PATH [--cases N] [--seed S] [--form NAME] [--list] "
                 "[--verbose]\n");
}

static int parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){.cases = 5000, .seed = 0x6274383621ull};
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        const char *v = k + 1 < argc ? argv[k + 1] : NULL;
        if (!strcmp(a, "--list")) {
            o->list = true;
        } else if (!strcmp(a, "--verbose")) {
            o->verbose = true;
        } else if (v && !strcmp(a, "--cases")) {
            o->cases = (uint32_t)strtoul(v, NULL, 0);
            k++;
        } else if (v && !strcmp(a, "--seed")) {
            o->seed = strtoull(v, NULL, 0);
            k++;
        } else if (v && !strcmp(a, "--form")) {
            o->form = v;
            k++;
        } else if (v && !strcmp(a, "--native")) {
            o->native = v;
            k++;
        } else {
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse(argc, argv, &o))
        return 2;
    if (o.list) {
        for (size_t k = 0; k < hd_form_count; k++)
            printf("%-10s %s\n", hd_forms[k].name, hd_forms[k].what);
        return 0;
    }
    if (!o.native || !*o.native || access(o.native, X_OK)) {
        printf("hostdiff: native helper not available (%s): skipped\n",
               o.native && *o.native ? o.native : "gcc -m32 could not build it");
        return 77;
    }
    const struct form *only = NULL;
    if (o.form) {
        for (size_t k = 0; k < hd_form_count; k++)
            if (!strcmp(hd_forms[k].name, o.form))
                only = &hd_forms[k];
        if (!only) {
            fprintf(stderr, "hostdiff: no form '%s' (see --list)\n", o.form);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    struct native nat;
    struct rig rig = {0};
    if (native_start(&nat, o.native) || !rig_init(&rig)) {
        fprintf(stderr, "hostdiff: set-up failed: %s\n", strerror(errno));
        return 2;
    }
    uint64_t total = 0, bad = 0;
    int failed_forms = 0;
    for (size_t k = 0; k < hd_form_count; k++) {
        const struct form *f = &hd_forms[k];
        if (only && f != only)
            continue;
        if (f->needs_fs && !(nat.caps & HD_CAP_FS)) {
            printf("%-10s skipped: the helper could not install its LDT segment\n", f->name);
            continue;
        }
        struct form_stats st;
        if (run_form(f, &o, &nat, &rig, &st)) {
            fprintf(stderr, "hostdiff: the native helper stopped answering\n");
            return 2;
        }
        printf("%-10s %6u cases %6u mismatches %6u faults %6u masked", f->name, st.cases,
               st.mismatches, st.faults, st.masked);
        if (st.masked) {
            char names[64];
            flag_names(st.masked_flags, names, sizeof names);
            printf(" (%s%s%s)", names, st.masked_regs ? " +result" : "",
                   st.masked_mem ? " +memory" : "");
        }
        if (o.verbose && st.raw_flag_diff) {
            char names[64];
            flag_names(st.raw_flag_diff, names, sizeof names);
            printf(" [differing before masks: %s]", names);
        }
        printf("\n");
        fflush(stdout);
        total += st.cases;
        bad += st.mismatches;
        failed_forms += st.mismatches != 0;
    }
    int st = native_stop(&nat);
    rig_free(&rig);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "hostdiff: native helper exited abnormally (status %#x)\n", st);
        return 2;
    }
    printf("%llu cases, %llu mismatches\n", (unsigned long long)total, (unsigned long long)bad);
    return bad ? 1 : 0;
}
