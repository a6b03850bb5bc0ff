/* The command line shared by the x87 host-differential programs (test_f80_host,
 * test_f80_trans_host, test_fpu_host). They are plain programs, not cmocka, so
 * that long runs can take options:
 *   PROGRAM [--cases N] [--seed S] [--op NAME | --insn NAME] [--verbose]
 *           [--no-budget] (only where the program has budgets)
 * An environment variable named by the program sets the default case count, and
 * the options override it. Header only: include it from one test file. */
#ifndef BT86_TESTS_X87_HOST_CLI_H
#define BT86_TESTS_X87_HOST_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one program accepts. */
struct x87_host_cli {
    const char *cases_env;   /* environment variable with the default case count */
    const char *only_option; /* "--op" or "--insn": run just the one named */
    bool budget_option;      /* accepts --no-budget */
};

/* A run's settings; the program fills in its defaults before parsing. */
struct x87_host_opts {
    uint64_t cases; /* per op or instruction */
    uint64_t seed;
    const char *only; /* the op or instruction to run, or NULL for all */
    bool verbose;     /* print every mismatch, not just the first few */
    bool no_budget;   /* --no-budget: every mismatch fails */
};

/* Reads the environment default and argv into *o. Returns false after printing
 * the usage line for an unknown option or a missing value (exit status 2). */
static inline bool x87_host_parse(const struct x87_host_cli *cli, struct x87_host_opts *o, int argc,
                                  char **argv)
{
    const char *env_cases = getenv(cli->cases_env);
    if (env_cases)
        o->cases = strtoull(env_cases, NULL, 0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cases") && i + 1 < argc)
            o->cases = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            o->seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], cli->only_option) && i + 1 < argc)
            o->only = argv[++i];
        else if (!strcmp(argv[i], "--verbose"))
            o->verbose = true;
        else if (cli->budget_option && !strcmp(argv[i], "--no-budget"))
            o->no_budget = true;
        else {
            fprintf(stderr, "usage: %s [--cases N] [--seed S] [%s NAME] [--verbose]%s\n", argv[0],
                    cli->only_option, cli->budget_option ? " [--no-budget]" : "");
            return false;
        }
    }
    return true;
}

/* Whether the op or instruction called name is part of this run. */
static inline bool x87_host_selected(const struct x87_host_opts *o, const char *name)
{
    return !o->only || !strcmp(o->only, name);
}

#endif
