/* Random guest code under the sanitizers: the product rule that guest code never
 * crashes bt86, never makes it touch host memory outside guest memory, and never
 * hangs it. Each case builds a machine in one of several CPU states (real mode,
 * 16- and 32-bit protected mode at CPL 0 and 3, 2-level and PAE paging with page
 * tables that point past RAM, V86 mode), randomizes registers, segment caches,
 * descriptor tables and control registers, fills the code area with random bytes
 * and fragments of system instructions, and runs a few thousand instructions with
 * a fake port bus that returns random values and raises INTR at random.
 *
 * A case passes when every cpu_run returns one of the defined exits within its
 * budget (plus one block), and the state keeps its invariants; ASan/UBSan (the
 * asan preset) catch the rest. Triple faults are fine. Cases are independent and
 * reproducible from (seed, case number):
 *   test_cpu_stress [--cases N] [--seed S] [--case K] [--mode M] [--verbose]
 * BT86_STRESS_CASES sets the default case count (CTest runs a short campaign).
 *
 * A plain program (not cmocka) so that long campaigns can take options. */
#include "stress_build.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CASES 2000
#define CASE_BUDGET   3000 /* instructions per case */
#define HANG_SECONDS  20   /* one case taking this long is a hang */

/* The case in progress, for the SIGALRM report (a signal handler sees only
 * globals; this is the test program's own state, not bt86's). */
static volatile sig_atomic_t current_case = -1;
static volatile sig_atomic_t current_mode = -1;

static void on_alarm(int sig)
{
    char msg[96];
    int n = snprintf(msg, sizeof msg, "test_cpu_stress: HANG in case %d (mode %d)\n",
                     (int)current_case, (int)current_mode);
    if (write(2, msg, (size_t)n) < 0)
        _exit(3);
    _exit(3);
}

/* Runs one case; returns false (after printing why) when it broke a rule. */
static bool run_case(struct stress *s, uint64_t seed, uint64_t index, int mode_only, bool verbose)
{
    stress_rng_seed(s, seed ^ (index * 0x9e3779b97f4a7c15ull));
    int mode = mode_only >= 0 ? mode_only : (int)(stress_rand(s) % STRESS_MODES);
    current_case = (sig_atomic_t)index;
    current_mode = mode;
    if (!stress_build(s, (enum stress_mode)mode)) {
        fprintf(stderr, "case %llu: cannot build the machine\n", (unsigned long long)index);
        return false;
    }
    int runs = 0;
    enum cpu_exit e = CPU_EXIT_BUDGET;
    const char *why = stress_run(s, CASE_BUDGET, &runs, &e);
    if (why) {
        fprintf(stderr, "case %llu (mode %d): %s\n", (unsigned long long)index, mode, why);
        stress_dump(s);
        return false;
    }
    if (verbose)
        printf("case %llu: mode %s, %d runs, last exit %d, %llu instructions\n",
               (unsigned long long)index, stress_mode_name((enum stress_mode)mode), runs, (int)e,
               (unsigned long long)cpu_retired(s->cpu));
    s->exits[e]++;
    return true;
}

int main(int argc, char **argv)
{
    uint64_t cases = DEFAULT_CASES, seed = 0x5eed0bad86ull, first = 0;
    int mode_only = -1;
    bool verbose = false;
    const char *env = getenv("BT86_STRESS_CASES");
    if (env)
        cases = strtoull(env, NULL, 0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cases") && i + 1 < argc) {
            cases = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--case") && i + 1 < argc) {
            first = strtoull(argv[++i], NULL, 0);
            cases = 1;
            verbose = true;
        } else if (!strcmp(argv[i], "--first") && i + 1 < argc) {
            first = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
            mode_only = atoi(argv[++i]);
            if (mode_only < 0 || mode_only >= STRESS_MODES) {
                fprintf(stderr, "--mode: 0 to %d\n", STRESS_MODES - 1);
                return 2;
            }
        } else if (!strcmp(argv[i], "--verbose")) {
            verbose = true;
        } else {
            fprintf(stderr,
                    "usage: %s [--cases N] [--seed S] [--case K | --first K] [--mode M] "
                    "[--verbose]\n",
                    argv[0]);
            return 2;
        }
    }
    signal(SIGALRM, on_alarm);
    struct stress *s = stress_create();
    if (!s)
        return 1;
    uint64_t failures = 0;
    for (uint64_t k = first; k < first + cases; k++) {
        alarm(HANG_SECONDS);
        if (!run_case(s, seed, k, mode_only, verbose))
            failures++;
        stress_teardown(s);
        if ((k - first + 1) % 100000 == 0) {
            printf("test_cpu_stress: %llu cases done, %llu failed\n",
                   (unsigned long long)(k - first + 1), (unsigned long long)failures);
            fflush(stdout);
        }
    }
    alarm(0);
    printf("test_cpu_stress: %llu cases from %llu, seed %#llx: %llu failed; exits: budget %llu, "
           "halt %llu, shutdown %llu, exception %llu, request %llu\n",
           (unsigned long long)cases, (unsigned long long)first, (unsigned long long)seed,
           (unsigned long long)failures, (unsigned long long)s->exits[CPU_EXIT_BUDGET],
           (unsigned long long)s->exits[CPU_EXIT_HALT],
           (unsigned long long)s->exits[CPU_EXIT_SHUTDOWN],
           (unsigned long long)s->exits[CPU_EXIT_EXCEPTION],
           (unsigned long long)s->exits[CPU_EXIT_REQUEST]);
    stress_destroy(s);
    return failures ? 1 : 0;
}
