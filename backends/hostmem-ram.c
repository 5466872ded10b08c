/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-ram: anonymous memory (share=on maps it MAP_SHARED). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/hostmem.h"

static bool ram_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    g_autofree char *name = host_memory_backend_get_name(backend);

    return memory_region_init_ram_flags_nomigrate(&backend->mr,
                                                  OBJECT(backend), name,
                                                  backend->size,
                                                  host_memory_backend_ram_flags(backend),
                                                  errp);
}

static void ram_backend_class_init(ObjectClass *oc, const void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = ram_backend_alloc;
}

static const TypeInfo ram_backend_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = ram_backend_class_init,
};

static void register_types(void)
{
    type_register_static(&ram_backend_info);
}

type_init(register_types);
