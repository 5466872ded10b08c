/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host memory backends: user-creatable objects that own a RAM
 * MemoryRegion (-object memory-backend-ram,id=m0,size=1G), used as guest
 * RAM with -machine memory-backend=m0.
 *
 * The region is allocated when the object is completed.  Its RAMBlock is
 * named after the object's id ("m0"), or its canonical path with
 * x-use-canonical-path-for-ramblock-id=on, and becomes migratable when a
 * machine maps it.
 */
#ifndef SYSTEM_HOSTMEM_H
#define SYSTEM_HOSTMEM_H

#include "qom/object.h"
#include "system/memory.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"

typedef struct HostMemoryBackend HostMemoryBackend;

typedef struct HostMemoryBackendClass {
    ObjectClass parent_class;
    /* Set up backend->mr (size, share etc. are already set). */
    bool (*alloc)(HostMemoryBackend *backend, Error **errp);
} HostMemoryBackendClass;

struct HostMemoryBackend {
    Object parent;

    uint64_t size;
    bool merge;
    bool dump;
    bool use_canonical_path;
    bool prealloc;
    bool share;
    bool reserve;
    uint32_t prealloc_threads;
    bool is_mapped;
    MemoryRegion mr;
};

#define MEMORY_BACKEND(obj) \
    OBJECT_CHECK(HostMemoryBackend, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_GET_CLASS(obj) \
    OBJECT_GET_CLASS(HostMemoryBackendClass, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_CLASS(klass) \
    OBJECT_CLASS_CHECK(HostMemoryBackendClass, (klass), TYPE_MEMORY_BACKEND)

bool host_memory_backend_mr_inited(HostMemoryBackend *backend);
/* The region (NULL until the object is complete). */
MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend);
/* In use by a machine: deletion is refused while mapped. */
void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped);
bool host_memory_backend_is_mapped(HostMemoryBackend *backend);
size_t host_memory_backend_pagesize(HostMemoryBackend *memdev);
/* The RAMBlock name: the id, or the canonical path if asked. */
char *host_memory_backend_get_name(HostMemoryBackend *backend);
/* RAM flags from share/reserve. */
uint32_t host_memory_backend_ram_flags(HostMemoryBackend *backend);

#endif /* SYSTEM_HOSTMEM_H */
