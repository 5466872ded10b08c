/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory-backend-memfd: memory from memfd_create(), shared by default so
 * that another process (or a restarted one) can map the same pages.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/bitops.h"
#include "system/hostmem.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

typedef struct HostMemoryBackendMemfd {
    HostMemoryBackend parent_obj;
    bool hugetlb;
    uint64_t hugetlbsize;
    bool seal;
} HostMemoryBackendMemfd;

#define MEMORY_BACKEND_MEMFD(obj) \
    OBJECT_CHECK(HostMemoryBackendMemfd, (obj), TYPE_MEMORY_BACKEND_MEMFD)

static int memfd_open(HostMemoryBackendMemfd *m, const char *name,
                      uint64_t size, Error **errp)
{
    unsigned int flags = MFD_CLOEXEC;
    int fd;

    if (m->seal) {
        flags |= MFD_ALLOW_SEALING;
    }
    if (m->hugetlb) {
        flags |= MFD_HUGETLB;
        if (m->hugetlbsize) {
            flags |= ctz64(m->hugetlbsize) << MFD_HUGE_SHIFT;
        }
    }
    fd = memfd_create(name, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd");
        return -1;
    }
    if (ftruncate(fd, size) < 0) {
        error_setg_errno(errp, errno, "failed to resize memfd to %" PRIu64,
                         size);
        close(fd);
        return -1;
    }
    /* Nobody may grow or shrink it under the guest. */
    if (m->seal && fcntl(fd, F_ADD_SEALS,
                         F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        error_setg_errno(errp, errno, "failed to seal memfd");
        close(fd);
        return -1;
    }
    return fd;
}

static bool memfd_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(backend);
    g_autofree char *name = host_memory_backend_get_name(backend);
    int fd;

    if (m->hugetlbsize && !m->hugetlb) {
        error_setg(errp, "hugetlbsize needs hugetlb=on");
        return false;
    }
    if (m->hugetlbsize && (m->hugetlbsize & (m->hugetlbsize - 1))) {
        error_setg(errp, "hugetlbsize must be a power of two");
        return false;
    }
    fd = memfd_open(m, "memory-backend-memfd", backend->size, errp);
    if (fd < 0) {
        return false;
    }
    return memory_region_init_ram_from_fd(&backend->mr, OBJECT(backend),
                                          name, backend->size,
                                          host_memory_backend_ram_flags(backend),
                                          fd, 0, errp);
}

static bool memfd_get_hugetlb(Object *o, Error **errp)
{
    return MEMORY_BACKEND_MEMFD(o)->hugetlb;
}

static void memfd_set_hugetlb(Object *o, bool value, Error **errp)
{
    MEMORY_BACKEND_MEMFD(o)->hugetlb = value;
}

static bool memfd_get_seal(Object *o, Error **errp)
{
    return MEMORY_BACKEND_MEMFD(o)->seal;
}

static void memfd_set_seal(Object *o, bool value, Error **errp)
{
    MEMORY_BACKEND_MEMFD(o)->seal = value;
}

static void memfd_get_hugetlbsize(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    visit_type_size(v, name, &MEMORY_BACKEND_MEMFD(obj)->hugetlbsize,
                    errp);
}

static void memfd_set_hugetlbsize(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    uint64_t value;

    if (host_memory_backend_mr_inited(MEMORY_BACKEND(obj))) {
        error_setg(errp, "cannot change property value");
        return;
    }
    if (!visit_type_size(v, name, &value, errp)) {
        return;
    }
    if (!value) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%" PRIu64 "'",
                   object_get_typename(obj), name, value);
        return;
    }
    MEMORY_BACKEND_MEMFD(obj)->hugetlbsize = value;
}

static void memfd_backend_init(Object *obj)
{
    MEMORY_BACKEND_MEMFD(obj)->seal = true;
    MEMORY_BACKEND(obj)->share = true;
}

static void memfd_backend_class_init(ObjectClass *oc, const void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = memfd_backend_alloc;
    object_class_property_add_bool(oc, "hugetlb", memfd_get_hugetlb,
                                   memfd_set_hugetlb);
    object_class_property_set_description(oc, "hugetlb",
                                          "Use huge pages");
    object_class_property_add(oc, "hugetlbsize", "int",
                              memfd_get_hugetlbsize, memfd_set_hugetlbsize,
                              NULL, NULL);
    object_class_property_set_description(oc, "hugetlbsize",
                                          "Huge pages size (ex: 2M, 1G)");
    object_class_property_add_bool(oc, "seal", memfd_get_seal,
                                   memfd_set_seal);
    object_class_property_set_description(oc, "seal",
                                          "Seal growing & shrinking");
}

static const TypeInfo memfd_backend_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_init = memfd_backend_init,
    .class_init = memfd_backend_class_init,
    .instance_size = sizeof(HostMemoryBackendMemfd),
};

static void register_types(void)
{
    type_register_static(&memfd_backend_info);
}

type_init(register_types);
