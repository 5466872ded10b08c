/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TYPE_MEMORY_BACKEND: the abstract host memory backend (properties,
 * completion, mapping state); hostmem-{ram,memfd,file}.c allocate.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qom/object_interfaces.h"
#include "hw/boards.h"
#include "system/hostmem.h"
#include "system/ram_addr.h"

bool host_memory_backend_mr_inited(HostMemoryBackend *backend)
{
    return backend->mr.ram_block != NULL;
}

MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend)
{
    return host_memory_backend_mr_inited(backend) ? &backend->mr : NULL;
}

void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped)
{
    backend->is_mapped = mapped;
}

bool host_memory_backend_is_mapped(HostMemoryBackend *backend)
{
    return backend->is_mapped;
}

size_t host_memory_backend_pagesize(HostMemoryBackend *memdev)
{
    RAMBlock *rb = memdev->mr.ram_block;

    return rb ? qemu_ram_pagesize(rb) : qemu_real_host_page_size();
}

char *host_memory_backend_get_name(HostMemoryBackend *backend)
{
    if (!backend->use_canonical_path) {
        return object_get_canonical_path_component(OBJECT(backend));
    }
    return object_get_canonical_path(OBJECT(backend));
}

uint32_t host_memory_backend_ram_flags(HostMemoryBackend *backend)
{
    return (backend->share ? RAM_SHARED : 0) |
           (backend->reserve ? 0 : RAM_NORESERVE);
}

/* Properties are fixed once the memory exists. */
static bool backend_check_unset(Object *obj, const char *name, Error **errp)
{
    if (host_memory_backend_mr_inited(MEMORY_BACKEND(obj))) {
        error_setg(errp, "cannot change property '%s' of %s", name,
                   object_get_typename(obj));
        return false;
    }
    return true;
}

static void backend_get_size(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint64_t value = MEMORY_BACKEND(obj)->size;

    visit_type_size(v, name, &value, errp);
}

static void backend_set_size(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint64_t value;

    if (!backend_check_unset(obj, name, errp) ||
        !visit_type_size(v, name, &value, errp)) {
        return;
    }
    if (!value) {
        error_setg(errp, "property '%s' of %s doesn't take value '%" PRIu64
                   "'", name, object_get_typename(obj), value);
        return;
    }
    MEMORY_BACKEND(obj)->size = value;
}

static void backend_get_prealloc_threads(Object *obj, Visitor *v,
                                         const char *name, void *opaque,
                                         Error **errp)
{
    visit_type_uint32(v, name, &MEMORY_BACKEND(obj)->prealloc_threads,
                      errp);
}

static void backend_set_prealloc_threads(Object *obj, Visitor *v,
                                         const char *name, void *opaque,
                                         Error **errp)
{
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (!value) {
        error_setg(errp, "property '%s' of %s doesn't take value '0'",
                   name, object_get_typename(obj));
        return;
    }
    MEMORY_BACKEND(obj)->prealloc_threads = value;
}

#define BACKEND_BOOL_PROP(field, propname)                                 \
    static bool backend_get_##field(Object *obj, Error **errp)             \
    {                                                                      \
        return MEMORY_BACKEND(obj)->field;                                 \
    }                                                                      \
    static void backend_set_##field(Object *obj, bool value, Error **errp) \
    {                                                                      \
        if (backend_check_unset(obj, propname, errp)) {                    \
            MEMORY_BACKEND(obj)->field = value;                            \
        }                                                                  \
    }

BACKEND_BOOL_PROP(share, "share")
BACKEND_BOOL_PROP(reserve, "reserve")
BACKEND_BOOL_PROP(use_canonical_path, "x-use-canonical-path-for-ramblock-id")

/* merge, dump and prealloc also apply to existing memory. */
static bool backend_get_merge(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->merge;
}

static void backend_apply_merge_dump(HostMemoryBackend *b)
{
    void *ptr = memory_region_get_ram_ptr(&b->mr);
    uint64_t sz = memory_region_size(&b->mr);

    madvise(ptr, sz, b->merge ? MADV_MERGEABLE : MADV_UNMERGEABLE);
    madvise(ptr, sz, b->dump ? MADV_DODUMP : MADV_DONTDUMP);
}

static void backend_set_merge(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    b->merge = value;
    if (host_memory_backend_mr_inited(b)) {
        backend_apply_merge_dump(b);
    }
}

static bool backend_get_dump(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->dump;
}

static void backend_set_dump(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    b->dump = value;
    if (host_memory_backend_mr_inited(b)) {
        backend_apply_merge_dump(b);
    }
}

/* Fault every page in now, so the guest never waits for the host. */
static bool backend_prealloc(HostMemoryBackend *b, Error **errp)
{
    uint8_t *ptr = memory_region_get_ram_ptr(&b->mr);
    uint64_t sz = memory_region_size(&b->mr);
    size_t page = host_memory_backend_pagesize(b);

#ifdef MADV_POPULATE_WRITE
    if (madvise(ptr, sz, MADV_POPULATE_WRITE) == 0) {
        return true;
    }
    if (errno != EINVAL) {
        error_setg_errno(errp, errno, "preallocating memory of %s failed",
                         object_get_typename(OBJECT(b)));
        return false;
    }
#endif
    /* Old kernels: touch each page (a read then a write of the same byte). */
    for (uint64_t off = 0; off < sz; off += page) {
        volatile uint8_t *p = ptr + off;
        *p = *p;
    }
    return true;
}

static bool backend_get_prealloc(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->prealloc;
}

static void backend_set_prealloc(Object *obj, bool value, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (host_memory_backend_mr_inited(b) && value && !b->prealloc &&
        !backend_prealloc(b, errp)) {
        return;
    }
    b->prealloc = value;
}

static void backend_init(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    /* The machine's choices are the defaults, as in QEMU. */
    b->merge = current_machine ? current_machine->mem_merge : true;
    b->dump = current_machine ? current_machine->dump_guest_core : true;
    b->reserve = true;
    b->prealloc_threads = 1;
}

static void backend_post_init(Object *obj)
{
    object_apply_compat_props(obj);
}

static void backend_finalize(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (host_memory_backend_mr_inited(b)) {
        memory_region_finalize(&b->mr);
    }
}

static void backend_complete(UserCreatable *uc, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(uc);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(uc);
    g_autofree char *name = NULL;

    if (!b->size) {
        error_setg(errp, "can't create backend with size 0");
        return;
    }
    if (!bc->alloc(b, errp)) {
        return;
    }
    backend_apply_merge_dump(b);
    if (b->prealloc && !backend_prealloc(b, errp)) {
        goto fail;
    }
    name = host_memory_backend_get_name(b);
    if (!qemu_ram_set_idstr(b->mr.ram_block, name, NULL, errp)) {
        goto fail;
    }
    return;

fail:
    memory_region_finalize(&b->mr);
}

static bool backend_can_be_deleted(UserCreatable *uc)
{
    return !host_memory_backend_is_mapped(MEMORY_BACKEND(uc));
}

static void backend_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);
    ObjectProperty *op;

    ucc->complete = backend_complete;
    ucc->can_be_deleted = backend_can_be_deleted;

    object_class_property_add_bool(oc, "merge", backend_get_merge,
                                   backend_set_merge);
    object_class_property_set_description(oc, "merge",
        "Mark memory as mergeable (KSM)");
    object_class_property_add_bool(oc, "dump", backend_get_dump,
                                   backend_set_dump);
    object_class_property_set_description(oc, "dump",
        "Include memory in a core dump");
    object_class_property_add_bool(oc, "prealloc", backend_get_prealloc,
                                   backend_set_prealloc);
    object_class_property_set_description(oc, "prealloc",
        "Preallocate memory");
    object_class_property_add(oc, "prealloc-threads", "int",
                              backend_get_prealloc_threads,
                              backend_set_prealloc_threads, NULL, NULL);
    object_class_property_set_description(oc, "prealloc-threads",
        "Number of CPU threads to use for prealloc (accepted; Tern "
        "preallocates from one thread)");
    op = object_class_property_add(oc, "size", "int", backend_get_size,
                                   backend_set_size, NULL, NULL);
    (void)op;
    object_class_property_set_description(oc, "size",
        "Size of the memory region (ex: 500M)");
    object_class_property_add_bool(oc, "share", backend_get_share,
                                   backend_set_share);
    object_class_property_set_description(oc, "share",
        "Mark the memory as private to QEMU or shared");
    object_class_property_add_bool(oc, "reserve", backend_get_reserve,
                                   backend_set_reserve);
    object_class_property_set_description(oc, "reserve",
        "Reserve swap space (or huge pages) if applicable");
    object_class_property_add_bool(oc,
        "x-use-canonical-path-for-ramblock-id",
        backend_get_use_canonical_path, backend_set_use_canonical_path);
}

static const TypeInfo host_memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(HostMemoryBackendClass),
    .class_init = backend_class_init,
    .instance_size = sizeof(HostMemoryBackend),
    .instance_init = backend_init,
    .instance_post_init = backend_post_init,
    .instance_finalize = backend_finalize,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void register_types(void)
{
    type_register_static(&host_memory_backend_info);
}

type_init(register_types);
