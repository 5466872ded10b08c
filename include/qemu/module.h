/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up registration: a file declares "type_init(fn)" and fn runs when
 * main() (or a test) calls module_call_init(MODULE_INIT_QOM).  The
 * declaration itself only records fn, from an ELF constructor, so nothing
 * depends on the order in which the linker lays out the files.
 */
#ifndef QEMU_MODULE_H
#define QEMU_MODULE_H

typedef enum {
    MODULE_INIT_MIGRATION,
    MODULE_INIT_BLOCK,
    MODULE_INIT_OPTS,
    MODULE_INIT_QOM,
    MODULE_INIT_TRACE,
    MODULE_INIT_LIBQOS,
    MODULE_INIT_FUZZ_TARGET,
    MODULE_INIT_MAX
} module_init_type;

/* Record @fn to be called by module_call_init(@type). */
void register_module_init(void (*fn)(void), module_init_type type);

/*
 * Call every function recorded for @type, in registration order.  Each
 * function runs once: a second call only runs what was recorded since.
 */
void module_call_init(module_init_type type);

#define module_init(function, type)                                     \
    static void __attribute__((constructor)) do_qemu_init_ ## function(void) \
    {                                                                   \
        register_module_init(function, type);                           \
    }

#define block_init(function) module_init(function, MODULE_INIT_BLOCK)
#define opts_init(function) module_init(function, MODULE_INIT_OPTS)
#define type_init(function) module_init(function, MODULE_INIT_QOM)
#define trace_init(function) module_init(function, MODULE_INIT_TRACE)
#define migration_init(function) module_init(function, MODULE_INIT_MIGRATION)
#define libqos_init(function) module_init(function, MODULE_INIT_LIBQOS)
#define fuzz_target_init(function) module_init(function, \
                                               MODULE_INIT_FUZZ_TARGET)

#endif /* QEMU_MODULE_H */
