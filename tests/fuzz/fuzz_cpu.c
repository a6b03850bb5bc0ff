/* libFuzzer harness for the CPU core: test_cpu_stress's machine (tests/unit/
 * stress_build.h), with the fuzzer's input as the guest code. Input layout: 8
 * bytes seed the generator that builds the CPU state (tables, registers, control
 * registers), 1 byte picks the mode (enum stress_mode), the rest is placed at the
 * entry point. A case that breaks a rule aborts, which libFuzzer reports.
 * Built only with -DBT86_FUZZ=ON and clang (see tests/fuzz/CMakeLists.txt):
 *   build/fuzz/tests/fuzz/fuzz_cpu -max_total_time=600 corpus/ */
#include "stress_build.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9)
        return 0;
    struct stress *s = stress_create();
    if (!s)
        return 0;
    uint64_t seed;
    memcpy(&seed, data, 8);
    stress_rng_seed(s, seed);
    s->code = data + 9;
    s->code_len = size - 9;
    if (stress_build(s, (enum stress_mode)(data[8] % STRESS_MODES))) {
        int runs;
        enum cpu_exit e;
        const char *why = stress_run(s, 3000, &runs, &e);
        if (why) {
            fprintf(stderr, "fuzz_cpu: %s\n", why);
            stress_dump(s);
            abort();
        }
    }
    stress_teardown(s);
    stress_destroy(s);
    return 0;
}
