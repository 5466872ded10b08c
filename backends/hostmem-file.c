/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory-backend-file: memory mapped from a file (mem-path), e.g. on
 * hugetlbfs or tmpfs; share=on makes guest writes reach the file.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "system/hostmem.h"
#include "system/ram_addr.h"

typedef struct HostMemoryBackendFile {
    HostMemoryBackend parent_obj;
    char *mem_path;
    uint64_t align;
    uint64_t offset;
    bool discard_data;
    bool readonly;
    bool is_pmem;
} HostMemoryBackendFile;

#define MEMORY_BACKEND_FILE(obj) \
    OBJECT_CHECK(HostMemoryBackendFile, (obj), TYPE_MEMORY_BACKEND_FILE)

static bool file_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(backend);
    g_autofree char *name = host_memory_backend_get_name(backend);
    uint32_t flags = host_memory_backend_ram_flags(backend);

    if (!f->mem_path) {
        error_setg(errp, "mem-path property not set");
        return false;
    }
    if (f->is_pmem) {
        error_setg(errp, "pmem=on is not supported: Tern is built without "
                   "libpmem");
        return false;
    }
    if (f->readonly) {
        flags |= RAM_READONLY | RAM_READONLY_FD;
    }
    return memory_region_init_ram_from_file(&backend->mr, OBJECT(backend),
                                            name, backend->size, f->align,
                                            flags, f->mem_path, f->offset,
                                            errp);
}

static bool file_check_unset(Object *o, Error **errp)
{
    if (host_memory_backend_mr_inited(MEMORY_BACKEND(o))) {
        error_setg(errp, "cannot change property value");
        return false;
    }
    return true;
}

static char *get_mem_path(Object *o, Error **errp)
{
    return g_strdup(MEMORY_BACKEND_FILE(o)->mem_path);
}

static void set_mem_path(Object *o, const char *str, Error **errp)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(o);

    if (file_check_unset(o, errp)) {
        g_free(f->mem_path);
        f->mem_path = g_strdup(str);
    }
}

#define FILE_BOOL_PROP(field)                                              \
    static bool file_get_##field(Object *o, Error **errp)                  \
    {                                                                      \
        return MEMORY_BACKEND_FILE(o)->field;                              \
    }                                                                      \
    static void file_set_##field(Object *o, bool value, Error **errp)      \
    {                                                                      \
        if (file_check_unset(o, errp)) {                                   \
            MEMORY_BACKEND_FILE(o)->field = value;                         \
        }                                                                  \
    }

FILE_BOOL_PROP(discard_data)
FILE_BOOL_PROP(readonly)
FILE_BOOL_PROP(is_pmem)

static void file_get_size_prop(Object *o, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    visit_type_size(v, name, (uint64_t *)((char *)o + (uintptr_t)opaque),
                    errp);
}

static void file_set_size_prop(Object *o, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    uint64_t value;

    if (file_check_unset(o, errp) && visit_type_size(v, name, &value,
                                                     errp)) {
        *(uint64_t *)((char *)o + (uintptr_t)opaque) = value;
    }
}

static void file_backend_finalize(Object *o)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(o);
    HostMemoryBackend *b = MEMORY_BACKEND(o);

    /* discard-data: the file's contents are not worth keeping. */
    if (f->discard_data && host_memory_backend_mr_inited(b)) {
        RAMBlock *rb = b->mr.ram_block;
        ram_block_discard_range(rb, 0, rb->max_length);
    }
    g_free(f->mem_path);
}

static void file_backend_class_init(ObjectClass *oc, const void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = file_backend_alloc;
    object_class_property_add_str(oc, "mem-path", get_mem_path,
                                  set_mem_path);
    object_class_property_add_bool(oc, "discard-data", file_get_discard_data,
                                   file_set_discard_data);
    object_class_property_add(oc, "align", "int", file_get_size_prop,
                              file_set_size_prop, NULL,
                              (void *)offsetof(HostMemoryBackendFile, align));
    object_class_property_add(oc, "offset", "int", file_get_size_prop,
                              file_set_size_prop, NULL,
                              (void *)offsetof(HostMemoryBackendFile,
                                               offset));
    object_class_property_add_bool(oc, "pmem", file_get_is_pmem,
                                   file_set_is_pmem);
    object_class_property_add_bool(oc, "readonly", file_get_readonly,
                                   file_set_readonly);
}

static const TypeInfo file_backend_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = file_backend_class_init,
    .instance_finalize = file_backend_finalize,
    .instance_size = sizeof(HostMemoryBackendFile),
};

static void register_types(void)
{
    type_register_static(&file_backend_info);
}

type_init(register_types);
