/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMState engine: walks a VMStateDescription's fields to save a
 * device's state, load it back (with version, count and size checks on
 * everything the stream says) and describe it in the vmdesc JSON.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitops.h"
#include "migration/vmstate.h"

static int vmstate_subsection_save(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, JSONWriter *vmdesc,
                                   Error **errp);
static int vmstate_subsection_load(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, Error **errp);

static bool vmstate_field_exists(const VMStateField *field, void *opaque,
                                 int version_id)
{
    if (field->field_exists) {
        return field->field_exists(opaque, version_id);
    }
    return field->version_id <= version_id;
}

/* Element count; -1 (with @errp) if the count field is negative. */
static int64_t vmstate_n_elems(void *opaque, const VMStateField *field,
                               Error **errp)
{
    int64_t n = 1;

    if (field->flags & VMS_ARRAY) {
        n = field->num;
    } else if (field->flags & VMS_VARRAY_INT32) {
        n = *(int32_t *)((char *)opaque + field->num_offset);
    } else if (field->flags & VMS_VARRAY_UINT32) {
        n = *(uint32_t *)((char *)opaque + field->num_offset);
    } else if (field->flags & VMS_VARRAY_UINT16) {
        n = *(uint16_t *)((char *)opaque + field->num_offset);
    } else if (field->flags & VMS_VARRAY_UINT8) {
        n = *(uint8_t *)((char *)opaque + field->num_offset);
    }
    if (field->flags & VMS_MULTIPLY_ELEMENTS) {
        n *= field->num;
    }
    if (n < 0) {
        error_setg(errp, "negative element count %" PRId64, n);
        return -1;
    }
    return n;
}

/* Element size; -1 (with @errp) if a size field is negative. */
static int64_t vmstate_size(void *opaque, const VMStateField *field,
                            Error **errp)
{
    int64_t size = field->size;

    if (field->flags & VMS_VBUFFER) {
        size = *(int32_t *)((char *)opaque + field->size_offset);
        if (size < 0) {
            error_setg(errp, "negative buffer size %" PRId64, size);
            return -1;
        }
        if (field->flags & VMS_MULTIPLY) {
            size *= field->size;
        }
    }
    return size;
}

/* Bytes the data occupies (bits are rounded up for bitmaps). */
static int64_t vmstate_bytes(const VMStateField *field, int64_t n,
                             int64_t size)
{
    if (field->info == &vmstate_info_bitmap) {
        size = DIV_ROUND_UP(size, BITS_PER_LONG) * sizeof(unsigned long);
    }
    return n * size;
}

/*
 * Locate the first element for loading: check counts against capacity
 * and allocate VMS_ALLOC data.  Returns false with @errp set.
 */
static bool vmstate_load_prepare(const VMStateField *field, void *opaque,
                                 int64_t n, int64_t size, void **first,
                                 Error **errp)
{
    void *base = (char *)opaque + field->offset;
    int64_t bytes = vmstate_bytes(field, n, size);

    if (field->capacity && !(field->flags & VMS_ALLOC) &&
        bytes > (int64_t)field->capacity) {
        error_setg(errp, "%" PRId64 " bytes do not fit in %zu",
                   bytes, field->capacity);
        return false;
    }
    if (field->flags & VMS_POINTER) {
        if (field->flags & VMS_ALLOC) {
            if (bytes > VMSTATE_ALLOC_MAX) {
                error_setg(errp, "%" PRId64 " bytes exceed the allocation "
                           "limit of %" PRId64, bytes,
                           (int64_t)VMSTATE_ALLOC_MAX);
                return false;
            }
            g_free(*(void **)base);
            *(void **)base = bytes ? g_try_malloc0(bytes) : NULL;
            if (bytes && !*(void **)base) {
                error_setg(errp, "cannot allocate %" PRId64 " bytes", bytes);
                return false;
            }
        }
        base = *(void **)base;
        if (!base && bytes) {
            error_setg(errp, "NULL pointer for %" PRId64 " bytes", bytes);
            return false;
        }
    }
    *first = base;
    return true;
}

static int vmstate_load_field(QEMUFile *f, const VMStateDescription *vmsd,
                              const VMStateField *field, void *opaque,
                              Error **errp)
{
    int64_t n, size;
    void *first;

    n = vmstate_n_elems(opaque, field, errp);
    size = n < 0 ? -1 : vmstate_size(opaque, field, errp);
    if (size < 0 ||
        !vmstate_load_prepare(field, opaque, n, size, &first, errp)) {
        return -EINVAL;
    }
    for (int64_t i = 0; i < n; i++) {
        void *curr = (char *)first + size * i;
        int ret;

        if (field->flags & VMS_ARRAY_OF_POINTER) {
            curr = *(void **)curr;
        }
        if (!curr && size) {
            ret = vmstate_info_nullptr.get(f, curr, size, field, errp);
        } else if (field->flags & VMS_STRUCT) {
            ret = vmstate_load_state(f, field->vmsd, curr,
                                     field->vmsd->version_id, errp);
        } else if (field->flags & VMS_VSTRUCT) {
            ret = vmstate_load_state(f, field->vmsd, curr,
                                     field->struct_version_id, errp);
        } else {
            ret = field->info->get(f, curr, size, field, errp);
        }
        if (ret >= 0) {
            ret = qemu_file_get_error_obj(f, errp);
        }
        if (ret < 0) {
            if (errp && !*errp) {
                error_setg(errp, "load failed: %s", strerror(-ret));
            }
            qemu_file_set_error(f, ret);
            return ret;
        }
    }
    return 0;
}

int vmstate_load_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, int version_id, Error **errp)
{
    ERRP_GUARD();
    const VMStateField *field;
    int ret;

    if (version_id > vmsd->version_id) {
        error_setg(errp, "VMState %s: incoming version_id %d is newer than "
                   "local version_id %d", vmsd->name, version_id,
                   vmsd->version_id);
        return -EINVAL;
    }
    if (version_id < vmsd->minimum_version_id) {
        error_setg(errp, "VMState %s: incoming version_id %d is too old for "
                   "local minimum version_id %d", vmsd->name, version_id,
                   vmsd->minimum_version_id);
        return -EINVAL;
    }
    if (vmsd->pre_load_errp) {
        if (!vmsd->pre_load_errp(opaque, errp)) {
            error_prepend(errp, "VMState %s: pre_load: ", vmsd->name);
            return -EINVAL;
        }
    } else if (vmsd->pre_load) {
        ret = vmsd->pre_load(opaque);
        if (ret < 0) {
            error_setg(errp, "VMState %s: pre_load failed: %s", vmsd->name,
                       strerror(-ret));
            return ret;
        }
    }

    for (field = vmsd->fields; field && field->name; field++) {
        if (vmstate_field_exists(field, opaque, version_id)) {
            ret = vmstate_load_field(f, vmsd, field, opaque, errp);
            if (ret < 0) {
                error_prepend(errp, "VMState %s: field %s: ", vmsd->name,
                              field->name);
                return ret;
            }
        } else if (field->flags & VMS_MUST_EXIST) {
            error_setg(errp, "VMState %s: field %s: input validation failed",
                       vmsd->name, field->name);
            return -EINVAL;
        }
    }

    ret = vmstate_subsection_load(f, vmsd, opaque, errp);
    if (ret) {
        qemu_file_set_error(f, ret);
        return ret;
    }

    if (vmsd->post_load_errp) {
        if (!vmsd->post_load_errp(opaque, version_id, errp)) {
            error_prepend(errp, "VMState %s: post_load: ", vmsd->name);
            return -EINVAL;
        }
    } else if (vmsd->post_load) {
        ret = vmsd->post_load(opaque, version_id);
        if (ret < 0) {
            error_setg(errp, "VMState %s: post_load failed: %s", vmsd->name,
                       strerror(-ret));
            return ret;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- save */

static const char *vmfield_type_name(const VMStateField *field)
{
    if (field->flags & VMS_STRUCT) {
        return "struct";
    }
    if (field->flags & VMS_VSTRUCT) {
        return "vstruct";
    }
    return field->info && field->info->name ? field->info->name : "unknown";
}

/*
 * Whether an array can be described once with "array_len" instead of
 * one entry per element: not when elements may come and go.
 */
static bool vmsd_can_compress(const VMStateField *field)
{
    if (field->field_exists) {
        return false;
    }
    if (field->flags & VMS_STRUCT) {
        for (const VMStateField *sf = field->vmsd->fields; sf && sf->name;
             sf++) {
            if (!vmsd_can_compress(sf)) {
                return false;
            }
        }
    }
    return true;
}

/* "name", or "name[k]" when k earlier fields share the name. */
static char *vmsd_field_desc_name(const VMStateDescription *vmsd,
                                  const VMStateField *field)
{
    int before = 0, total = 0;

    for (const VMStateField *o = vmsd->fields; o->name; o++) {
        if (!strcmp(o->name, field->name)) {
            if (o < field) {
                before++;
            }
            total++;
        }
    }
    if (total > 1) {
        return g_strdup_printf("%s[%d]", field->name, before);
    }
    return g_strdup(field->name);
}

static void vmsd_desc_field_start(const VMStateDescription *vmsd,
                                  JSONWriter *vmdesc,
                                  const VMStateField *field,
                                  int64_t i, int64_t max)
{
    g_autofree char *name = NULL;

    if (!vmdesc) {
        return;
    }
    name = vmsd_field_desc_name(vmsd, field);
    json_writer_start_object(vmdesc, NULL);
    json_writer_str(vmdesc, "name", name);
    if (max > 1) {
        if (vmsd_can_compress(field)) {
            json_writer_int64(vmdesc, "array_len", max);
        } else {
            json_writer_int64(vmdesc, "index", i);
        }
    }
    json_writer_str(vmdesc, "type", vmfield_type_name(field));
    if (field->flags & VMS_STRUCT) {
        json_writer_start_object(vmdesc, "struct");
    }
}

static void vmsd_desc_field_end(JSONWriter *vmdesc,
                                const VMStateField *field, uint64_t size)
{
    if (!vmdesc) {
        return;
    }
    if (field->flags & VMS_STRUCT) {
        json_writer_end_object(vmdesc);
    }
    json_writer_int64(vmdesc, "size", size);
    json_writer_end_object(vmdesc);
}

static int vmstate_save_field(QEMUFile *f, const VMStateDescription *vmsd,
                              const VMStateField *field, void *opaque,
                              JSONWriter *vmdesc, Error **errp)
{
    void *first = (char *)opaque + field->offset;
    int64_t n, size;

    n = vmstate_n_elems(opaque, field, errp);
    size = n < 0 ? -1 : vmstate_size(opaque, field, errp);
    if (size < 0) {
        return -EINVAL;
    }
    if (field->flags & VMS_POINTER) {
        first = *(void **)first;
        if (!first && n && size) {
            error_setg(errp, "NULL pointer for %" PRId64 " elements", n);
            return -EINVAL;
        }
    }
    for (int64_t i = 0; i < n; i++) {
        void *curr = (char *)first + size * i;
        uint64_t start = qemu_file_transferred(f);
        int ret;

        vmsd_desc_field_start(vmsd, vmdesc, field, i, n);
        if (field->flags & VMS_ARRAY_OF_POINTER) {
            curr = *(void **)curr;
        }
        if (!curr && size) {
            ret = vmstate_info_nullptr.put(f, curr, size, field, vmdesc,
                                           errp);
        } else if (field->flags & VMS_STRUCT) {
            ret = vmstate_save_state(f, field->vmsd, curr, vmdesc, errp);
        } else if (field->flags & VMS_VSTRUCT) {
            ret = vmstate_save_state_v(f, field->vmsd, curr, vmdesc,
                                       field->struct_version_id, errp);
        } else {
            ret = field->info->put(f, curr, size, field, vmdesc, errp);
        }
        if (ret < 0) {
            return ret;
        }
        vmsd_desc_field_end(vmdesc, field, qemu_file_transferred(f) - start);
        /* A compressible array is described by its first element. */
        if (vmdesc && vmsd_can_compress(field)) {
            vmdesc = NULL;
        }
    }
    return 0;
}

int vmstate_save_state_v(QEMUFile *f, const VMStateDescription *vmsd,
                         void *opaque, JSONWriter *vmdesc, int version_id,
                         Error **errp)
{
    ERRP_GUARD();
    const VMStateField *field;
    int ret = 0;

    if (vmsd->pre_save_errp) {
        if (!vmsd->pre_save_errp(opaque, errp)) {
            error_prepend(errp, "VMState %s: pre_save: ", vmsd->name);
            return -EINVAL;
        }
    } else if (vmsd->pre_save) {
        ret = vmsd->pre_save(opaque);
        if (ret < 0) {
            error_setg(errp, "VMState %s: pre_save failed: %s", vmsd->name,
                       strerror(-ret));
            return ret;
        }
    }

    if (vmdesc) {
        json_writer_str(vmdesc, "vmsd_name", vmsd->name);
        json_writer_int64(vmdesc, "version", version_id);
        json_writer_start_list(vmdesc, "fields");
    }
    for (field = vmsd->fields; field && field->name; field++) {
        if (vmstate_field_exists(field, opaque, version_id)) {
            ret = vmstate_save_field(f, vmsd, field, opaque, vmdesc, errp);
            if (ret < 0) {
                error_prepend(errp, "VMState %s: field %s: ", vmsd->name,
                              field->name);
                break;
            }
        } else if (field->flags & VMS_MUST_EXIST) {
            error_setg(errp, "VMState %s: field %s: output validation "
                       "failed", vmsd->name, field->name);
            ret = -EINVAL;
            break;
        }
    }
    if (ret == 0) {
        if (vmdesc) {
            json_writer_end_list(vmdesc);
        }
        ret = vmstate_subsection_save(f, vmsd, opaque, vmdesc, errp);
    }
    if (vmsd->post_save) {
        int ps_ret = vmsd->post_save(opaque);

        if (ps_ret < 0 && ret == 0) {
            error_setg(errp, "VMState %s: post_save failed: %s", vmsd->name,
                       strerror(-ps_ret));
            ret = ps_ret;
        }
    }
    if (ret == 0) {
        ret = qemu_file_get_error(f);
        if (ret < 0) {
            Error *local_err = NULL;

            qemu_file_get_error_obj(f, &local_err);
            if (local_err) {
                error_propagate_prepend(errp, local_err, "VMState %s: ",
                                        vmsd->name);
            } else {
                error_setg(errp, "VMState %s: stream error: %s", vmsd->name,
                           strerror(-ret));
            }
        }
    }
    return ret;
}

int vmstate_save_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, JSONWriter *vmdesc, Error **errp)
{
    return vmstate_save_state_v(f, vmsd, opaque, vmdesc, vmsd->version_id,
                                errp);
}

/* --------------------------------------------------------- subsections */

bool vmstate_section_needed(const VMStateDescription *vmsd, void *opaque)
{
    return !vmsd->needed || vmsd->needed(opaque);
}

static int vmstate_subsection_save(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, JSONWriter *vmdesc,
                                   Error **errp)
{
    const VMStateDescription * const *sub = vmsd->subsections;
    bool listed = false;

    for (; sub && *sub; sub++) {
        const VMStateDescription *s = *sub;
        int ret;

        if (!vmstate_section_needed(s, opaque)) {
            continue;
        }
        if (vmdesc) {
            if (!listed) {
                json_writer_start_list(vmdesc, "subsections");
                listed = true;
            }
            json_writer_start_object(vmdesc, NULL);
        }
        qemu_put_byte(f, QEMU_VM_SUBSECTION);
        qemu_put_counted_string(f, s->name);
        qemu_put_be32(f, s->version_id);
        ret = vmstate_save_state(f, s, opaque, vmdesc, errp);
        if (ret < 0) {
            return ret;
        }
        if (vmdesc) {
            json_writer_end_object(vmdesc);
        }
    }
    if (listed) {
        json_writer_end_list(vmdesc);
    }
    return 0;
}

static const VMStateDescription *
vmstate_find_subsection(const VMStateDescription * const *sub,
                        const char *name)
{
    for (; sub && *sub; sub++) {
        if (!strcmp((*sub)->name, name)) {
            return *sub;
        }
    }
    return NULL;
}

/*
 * Load the subsections that follow a body.  The stream says nothing about
 * where a body ends, so peek: a subsection marker followed by a name that
 * starts with our name is ours; anything else belongs to the caller.
 */
static int vmstate_subsection_load(QEMUFile *f,
                                   const VMStateDescription *vmsd,
                                   void *opaque, Error **errp)
{
    size_t plen = strlen(vmsd->name);

    while (qemu_peek_byte(f, 0) == QEMU_VM_SUBSECTION) {
        const VMStateDescription *sub;
        char name[256];
        uint8_t *peeked;
        size_t len = qemu_peek_byte(f, 1);
        uint32_t version_id;
        size_t i;
        int ret;

        if (len < plen + 1) {
            break;
        }
        /*
         * The marker may be data of an enclosing description near the
         * end of the stream: match our name a byte at a time before
         * peeking the whole name, so as not to read past that end.
         */
        for (i = 0; i < plen; i++) {
            if (qemu_peek_byte(f, 2 + i) != (uint8_t)vmsd->name[i]) {
                break;
            }
        }
        if (i < plen) {
            break;
        }
        if (qemu_peek_buffer(f, &peeked, len, 2) != len) {
            break;
        }
        memcpy(name, peeked, len);
        name[len] = '\0';
        if (strncmp(vmsd->name, name, plen) != 0) {
            break;
        }
        sub = vmstate_find_subsection(vmsd->subsections, name);
        if (!sub) {
            error_setg(errp, "VMState %s: unknown subsection %s",
                       vmsd->name, name);
            return -ENOENT;
        }
        qemu_file_skip(f, 2 + len);
        version_id = qemu_get_be32(f);
        if (qemu_file_get_error(f)) {
            break;
        }
        if (version_id > INT_MAX) {
            error_setg(errp, "VMState %s: subsection %s: bad version_id "
                       "%" PRIu32, vmsd->name, name, version_id);
            return -EINVAL;
        }
        /* The subsection's name already says whose it is. */
        ret = vmstate_load_state(f, sub, opaque, version_id, errp);
        if (ret) {
            return ret;
        }
    }
    /* A read error while peeking is reported by the caller's checks. */
    if (qemu_file_get_error(f)) {
        Error *local_err = NULL;
        int ret = qemu_file_get_error_obj(f, &local_err);

        if (local_err) {
            error_propagate_prepend(errp, local_err, "VMState %s: ",
                                    vmsd->name);
        } else {
            error_setg(errp, "VMState %s: stream error: %s", vmsd->name,
                       strerror(-ret));
        }
        return ret;
    }
    return 0;
}

bool vmstate_check_only_migratable(const VMStateDescription *vmsd)
{
    const VMStateDescription * const *sub = vmsd->subsections;

    if (vmsd->unmigratable) {
        return false;
    }
    for (; sub && *sub; sub++) {
        if (!vmstate_check_only_migratable(*sub)) {
            return false;
        }
    }
    return true;
}
