/* bt86-cputest: runs SingleStepTests MOO vectors (80286 real mode) against bt86's
 * CPU. Exit status: 0 all passed, 1 some failed, 2 usage or input error. */
#include "exclusions.h"
#include "harness.h"
#include "metadata.h"
#include "moo.h"
#include "revoked.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_FAILED 1
#define EXIT_INPUT  2
#define EXIT_SKIP   77 /* CTest's SKIP_RETURN_CODE */

static const char usage[] =
    "usage: bt86-cputest [--metadata FILE] [--revoked FILE] [--verbose] [--skip-missing]\n"
    "                    FILE_OR_DIR...\n"
    "       bt86-cputest --list-exclusions\n"
    "Runs MOO test vectors (*.MOO or *.MOO.gz; a directory means all of them in it,\n"
    "sorted) against bt86's CPU. metadata.json and revocation_list.txt are looked for\n"
    "beside the test files unless given. Ends with 'N passed, N failed, N skipped'.\n"
    "--skip-missing: a FILE_OR_DIR that does not exist means the vectors are not\n"
    "installed: say so and exit 77 (CTest's skip code) instead of 2.\n";

struct options {
    const char *metadata, *revoked;
    bool verbose, list_exclusions, skip_missing;
    char **paths;
    int path_count;
};

struct file_list {
    char **names;
    size_t count, cap;
};

/* The metadata and revocation list that apply to the current file. */
struct context {
    struct metadata meta;
    struct revoked revoked;
    char *dir; /* directory the defaults came from, NULL for explicit files */
    bool have_meta;
    bool note_pending; /* say once that no metadata was found */
};

struct counts {
    unsigned long long passed, failed, skipped;
};

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    if (!o->paths)
        return -1;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--metadata") == 0 || strcmp(a, "--revoked") == 0) {
            if (k + 1 >= argc) {
                fprintf(stderr, "bt86-cputest: %s needs a file\n", a);
                return -1;
            }
            *(a[2] == 'm' ? &o->metadata : &o->revoked) = argv[++k];
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = true;
        } else if (strcmp(a, "--skip-missing") == 0) {
            o->skip_missing = true;
        } else if (strcmp(a, "--list-exclusions") == 0) {
            o->list_exclusions = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "bt86-cputest: unknown option '%s'\n", a);
            return -1;
        } else {
            o->paths[o->path_count++] = argv[k];
        }
    }
    if (!o->path_count && !o->list_exclusions) {
        fprintf(stderr, "bt86-cputest: no test files given\n");
        return -1;
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int add_name(struct file_list *l, char *name)
{
    if (!name)
        return -1;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 512;
        char **n = realloc(l->names, cap * sizeof *n);
        if (!n) {
            free(name);
            return -1;
        }
        l->names = n;
        l->cap = cap;
    }
    l->names[l->count++] = name;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends path, or the MOO files of directory path in sorted order. */
static int expand(struct file_list *l, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bt86-cputest: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return add_name(l, strdup(path));
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "bt86-cputest: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t first = l->count;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!ends_with(e->d_name, ".MOO.gz") && !ends_with(e->d_name, ".MOO"))
            continue;
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *full = malloc(len);
        if (full)
            snprintf(full, len, "%s/%s", path, e->d_name);
        if (add_name(l, full)) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    if (l->count == first) {
        fprintf(stderr, "bt86-cputest: %s: no *.MOO or *.MOO.gz files\n", path);
        return -1;
    }
    qsort(l->names + first, l->count - first, sizeof *l->names, cmp_str);
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Loads the metadata and revocation list for a file in dir: the ones named on
 * the command line, else those beside it (once per directory). */
static int context_for(struct context *c, const struct options *o, const char *file)
{
    char *dir = dir_of(file);
    if (!dir)
        return -1;
    if (c->dir && strcmp(c->dir, dir) == 0) {
        free(dir);
        return 0;
    }
    metadata_free(&c->meta);
    revoked_free(&c->revoked);
    free(c->dir);
    c->dir = dir;
    c->have_meta = false;

    char err[256], def_meta[4096], def_rev[4096];
    snprintf(def_meta, sizeof def_meta, "%s/metadata.json", dir);
    snprintf(def_rev, sizeof def_rev, "%s/revocation_list.txt", dir);
    const char *meta = o->metadata ? o->metadata : file_exists(def_meta) ? def_meta : NULL;
    const char *rev = o->revoked ? o->revoked : file_exists(def_rev) ? def_rev : NULL;
    if (meta) {
        if (metadata_load(&c->meta, meta, err, sizeof err)) {
            fprintf(stderr, "bt86-cputest: %s: %s\n", meta, err);
            return -1;
        }
        c->have_meta = true;
    } else {
        c->note_pending = true;
    }
    if (rev && revoked_load(&c->revoked, rev, err, sizeof err)) {
        fprintf(stderr, "bt86-cputest: %s: %s\n", rev, err);
        return -1;
    }
    return 0;
}

/* "80.3.MOO.gz" -> "80.3" */
static void stem_of(const char *file, char *stem, size_t len)
{
    snprintf(stem, len, "%s", base_of(file));
    char *dot = strstr(stem, ".MOO");
    if (dot)
        *dot = '\0';
}

/* The metadata entry for a test: the file's own key ("80.3"), or for a group
 * opcode stored in one file ("8F") the entry of the test's ModRM.reg. */
static const struct meta_entry *meta_for(const struct context *c, const char *stem,
                                         const struct insn_view *v)
{
    if (!c->have_meta)
        return NULL;
    const struct meta_entry *e = metadata_find(&c->meta, stem);
    if (e && e->has_reg && v->modrm >= 0) {
        char key[sizeof e->key + 4];
        snprintf(key, sizeof key, "%.15s.%d", stem, (v->modrm >> 3) & 7);
        const struct meta_entry *r = metadata_find(&c->meta, key);
        if (r)
            return r;
    }
    return e;
}

static int run_file(struct harness *h, struct context *c, const char *path, const struct options *o,
                    struct counts *total)
{
    struct moo_file f;
    char err[256];
    if (moo_load(path, &f, err, sizeof err)) {
        fprintf(stderr, "bt86-cputest: %s: %s\n", path, err);
        moo_free(&f);
        return -1;
    }
    if (c->note_pending) {
        fprintf(stderr,
                "bt86-cputest: note: no metadata.json in %s: undefined flags are "
                "compared too\n",
                c->dir);
        c->note_pending = false;
    }
    char stem[256];
    stem_of(path, stem, sizeof stem);
    const char *name = base_of(path);
    struct counts n = {0};
    for (uint32_t k = 0; k < f.test_count; k++) {
        const struct moo_test *t = &f.tests[k];
        struct insn_view v;
        struct excl_result ex;
        char diff[256];
        if (t->has_hash && revoked_has(&c->revoked, t->hash)) {
            if (o->verbose)
                printf("skip %s #%u (idx %u): revoked\n", name, k, t->index);
            n.skipped++;
            continue;
        }
        if (!insn_view_from_test(&v, t)) {
            printf("FAIL %s #%u (idx %u) %.*s: no opcode in the test's bytes\n", name, k, t->index,
                   (int)t->name_len, t->name);
            n.failed++;
            continue;
        }
        exclusions_match(&v, &ex);
        if (ex.skip) {
            if (o->verbose)
                printf("skip %s #%u (idx %u) %.*s: [%s]\n", name, k, t->index, (int)t->name_len,
                       t->name, ex.skip->id);
            n.skipped++;
            continue;
        }
        const struct meta_entry *me = meta_for(c, stem, &v);
        struct compare_opts co = {
            .flags_mask = me && me->has_mask ? me->flags_mask : 0xffff,
            .initial_flags_clear = ex.initial_flags_clear,
            .final_flags_ignore = ex.final_flags_ignore,
            .ss_fault_13 = ex.ss_fault_13,
        };
        if (harness_run(h, &f, t, &co, diff, sizeof diff)) {
            n.passed++;
        } else {
            printf("FAIL %s #%u (idx %u) %.*s: %s\n", name, k, t->index, (int)t->name_len, t->name,
                   diff);
            n.failed++;
        }
    }
    if (o->verbose)
        printf("%s: %llu passed, %llu failed, %llu skipped\n", name, n.passed, n.failed, n.skipped);
    total->passed += n.passed;
    total->failed += n.failed;
    total->skipped += n.skipped;
    moo_free(&f);
    return 0;
}

static void list_exclusions(void)
{
    size_t n;
    const struct exclusion *e = exclusions_list(&n);
    for (size_t k = 0; k < n; k++) {
        printf("%s: ", e[k].id);
        if (e[k].opcode >= 0)
            printf("opcode %02X", e[k].opcode);
        else
            printf("any opcode");
        if (e[k].reg_set)
            printf(" reg-set 0x%02x", e[k].reg_set);
        printf(":\n  %s\n", e[k].reason);
    }
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_args(argc, argv, &o)) {
        fputs(usage, stderr);
        free(o.paths);
        return EXIT_INPUT;
    }
    if (o.list_exclusions) {
        list_exclusions();
        free(o.paths);
        return 0;
    }
    int rc = EXIT_INPUT;
    struct file_list files = {0};
    struct context ctx = {0};
    struct harness h;
    bool harness_ok = false;
    for (int k = 0; k < o.path_count; k++) {
        if (o.skip_missing && !file_exists(o.paths[k])) {
            printf("skipped: %s is absent (test vectors not installed)\n", o.paths[k]);
            rc = EXIT_SKIP;
            goto out;
        }
        if (expand(&files, o.paths[k]))
            goto out;
    }
    if (harness_init(&h)) {
        fprintf(stderr, "bt86-cputest: cannot create the CPU (out of memory)\n");
        goto out;
    }
    harness_ok = true;
    struct counts total = {0};
    for (size_t k = 0; k < files.count; k++) {
        if (context_for(&ctx, &o, files.names[k]))
            goto out;
        if (run_file(&h, &ctx, files.names[k], &o, &total))
            goto out;
    }
    printf("%llu passed, %llu failed, %llu skipped\n", total.passed, total.failed, total.skipped);
    rc = total.failed ? EXIT_FAILED : 0;
out:
    fflush(stdout);
    if (harness_ok)
        harness_free(&h);
    metadata_free(&ctx.meta);
    revoked_free(&ctx.revoked);
    free(ctx.dir);
    for (size_t k = 0; k < files.count; k++)
        free(files.names[k]);
    free(files.names);
    free(o.paths);
    return rc;
}
