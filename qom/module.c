/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up registration lists (include/qemu/module.h).  Constructors append
 * to per-type lists before main() runs; module_call_init() drains them.
 */
#include "qemu/osdep.h"
#include "qemu/module.h"

typedef struct ModuleEntry {
    void (*init)(void);
    bool done;
} ModuleEntry;

/* Filled by constructors, so plain static arrays: no locking needed. */
static GArray *init_lists[MODULE_INIT_MAX];

void register_module_init(void (*fn)(void), module_init_type type)
{
    ModuleEntry e = { .init = fn };

    assert(type < MODULE_INIT_MAX);
    if (!init_lists[type]) {
        init_lists[type] = g_array_new(false, true, sizeof(ModuleEntry));
    }
    g_array_append_val(init_lists[type], e);
}

void module_call_init(module_init_type type)
{
    GArray *l = init_lists[type];

    assert(type < MODULE_INIT_MAX);
    /* Index, not pointer: an init function may register more entries. */
    for (guint i = 0; l && i < l->len; i++) {
        ModuleEntry *e = &g_array_index(l, ModuleEntry, i);

        if (!e->done) {
            e->done = true;
            e->init();
            l = init_lists[type];
        }
    }
}
