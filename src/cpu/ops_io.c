#include "cpu/ops.h"

static const struct select_entry entries[] = {
    {ZYDIS_MNEMONIC_INVALID, NULL},
};

SELECT_TABLE(ops_io_table, entries);
