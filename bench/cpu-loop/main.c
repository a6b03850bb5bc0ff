/* Guest-instruction throughput of the interpreter on tight loops, in guest MIPS
 * (million retired guest instructions per host second). Not a test: it prints
 * figures. Usage: bench-cpu-loop [SECONDS_PER_LOOP | --count N]
 * --count N runs exactly N guest instructions per loop, for instruction-count
 * profiling under callgrind (host instructions per guest instruction). */
#include "cpu/cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CODE_ADDR 0x10000u
#define DATA_ADDR 0x40000u
#define STACK_TOP 0x80000u

struct loop {
    const char *name;
    const uint8_t *code;
    size_t len;
};

/* Each program counts ECX down from a large value and halts. */
static const uint8_t alu_loop[] = {
    0xb9, 0x00, 0x00, 0x00, 0x10, /* mov ecx, 0x10000000 */
    0x01, 0xd8,                   /* L: add eax, ebx */
    0x31, 0xc2,                   /* xor edx, eax */
    0x83, 0xeb, 0x03,             /* sub ebx, 3 */
    0x46,                         /* inc esi */
    0x21, 0xf7,                   /* and edi, esi */
    0x49,                         /* dec ecx */
    0x75, 0xf3,                   /* jnz L */
    0xf4,                         /* hlt */
};

static const uint8_t memory_loop[] = {
    0xb9, 0x00, 0x00, 0x00, 0x10,       /* mov ecx, 0x10000000 */
    0xbf, 0x00, 0x00, 0x04, 0x00,       /* mov edi, DATA_ADDR */
    0x31, 0xf6,                         /* xor esi, esi */
    0x8b, 0x04, 0x37,                   /* L: mov eax, [edi+esi] */
    0x40,                               /* inc eax */
    0x89, 0x44, 0x37, 0x04,             /* mov [edi+esi+4], eax */
    0x83, 0xc6, 0x04,                   /* add esi, 4 */
    0x81, 0xe6, 0xfc, 0x3f, 0x00, 0x00, /* and esi, 0x3ffc */
    0x49,                               /* dec ecx */
    0x75, 0xec,                         /* jnz L */
    0xf4,
};

static const uint8_t string_loop[] = {
    0xbb, 0x00, 0x00, 0x00, 0x10, /* mov ebx, 0x10000000 */
    0xbe, 0x00, 0x00, 0x04, 0x00, /* L: mov esi, DATA_ADDR */
    0xbf, 0x00, 0x20, 0x04, 0x00, /* mov edi, DATA_ADDR + 0x2000 */
    0xb9, 0x00, 0x04, 0x00, 0x00, /* mov ecx, 1024 */
    0xf3, 0xa5,                   /* rep movsd */
    0x4b,                         /* dec ebx */
    0x75, 0xec,                   /* jnz L */
    0xf4,
};

static const uint8_t call_loop[] = {
    0xb9, 0x00, 0x00, 0x00, 0x10, /* mov ecx, 0x10000000 */
    0xe8, 0x04, 0x00, 0x00, 0x00, /* L: call f */
    0x49,                         /* dec ecx */
    0x75, 0xf8,                   /* jnz L */
    0xf4,                         /* hlt */
    0x40,                         /* f: inc eax */
    0xc3,                         /* ret */
};

static const struct loop loops[] = {
    {"alu", alu_loop, sizeof alu_loop},
    {"memory", memory_loop, sizeof memory_loop},
    {"call/ret", call_loop, sizeof call_loop},
};

/* REP MOVSD counts one instruction per element (virtual time), so its figure is
 * elements per second and stays out of the mean. */
static const struct loop string = {"string (rep movsd, M elements/s)", string_loop,
                                   sizeof string_loop};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs one loop for about `seconds` of host time; returns guest MIPS. */
static double measure(struct phys_space *ps, const struct loop *l, double seconds, uint64_t count,
                      uint64_t *insns_out)
{
    struct cpu *cpu = cpu_create(ps);
    if (!cpu) {
        fprintf(stderr, "bench-cpu-loop: out of memory\n");
        exit(1);
    }
    phys_copy_to(ps, CODE_ADDR, l->code, l->len);
    cpu_set_flat32(cpu, 0x08);
    cpu->eip = CODE_ADDR;
    cpu->reg[REG_ESP] = STACK_TOP;
    double start = now(), elapsed;
    do {
        int32_t budget = 10000000;
        if (count && count - cpu->icount < (uint64_t)budget)
            budget = (int32_t)(count - cpu->icount);
        if (cpu_run(cpu, budget) == CPU_EXIT_HALT) {
            fprintf(stderr, "bench-cpu-loop: %s finished early; make the count larger\n", l->name);
            break;
        }
        elapsed = now() - start;
    } while (count ? cpu->icount < count : elapsed < seconds);
    elapsed = now() - start;
    *insns_out = cpu->icount;
    double mips = (double)cpu->icount / elapsed / 1e6;
    cpu_destroy(cpu);
    return mips;
}

int main(int argc, char **argv)
{
    double seconds = 2.0;
    uint64_t count = 0;
    if (argc > 2 && strcmp(argv[1], "--count") == 0)
        count = strtoull(argv[2], NULL, 10);
    else if (argc > 1)
        seconds = atof(argv[1]);
    if (!(seconds > 0) || (argc > 2 && !count)) {
        fprintf(stderr, "usage: bench-cpu-loop [SECONDS_PER_LOOP | --count N]\n");
        return 2;
    }
    struct phys_space ps;
    if (!phys_init(&ps, 4u << 20)) {
        fprintf(stderr, "bench-cpu-loop: out of memory\n");
        return 1;
    }
    printf("bt86 interpreter, guest MIPS (%.1f s per loop)\n", seconds);
    double log_sum = 0;
    int n = 0;
    for (size_t k = 0; k < sizeof loops / sizeof loops[0]; k++) {
        uint64_t insns;
        double mips = measure(&ps, &loops[k], seconds, count, &insns);
        printf("  %-34s %8.1f MIPS  (%llu instructions)\n", loops[k].name, mips,
               (unsigned long long)insns);
        if (mips > 0) {
            log_sum += __builtin_log(mips);
            n++;
        }
    }
    if (n)
        printf("  %-34s %8.1f MIPS\n", "geometric mean", __builtin_exp(log_sum / n));
    uint64_t elements;
    printf("  %-34s %8.1f\n", string.name, measure(&ps, &string, seconds, count, &elements));
    phys_free(&ps);
    return 0;
}
