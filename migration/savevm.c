/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration stream: handler registration, the header and the
 * configuration record, START/PART/END/FULL sections with footers,
 * QEMU_VM_COMMAND records, EOF and the vmdesc trailer on the source;
 * the load loop on the destination.  The bytes are QEMU 7.2's
 * (docs/devel/migration-stream.md, "Format reference"); what the loader
 * refuses beyond QEMU is listed there too.
 */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/return-path.h"
#include "migration/postcopy-in.h"
#include "migration/trace.h"
#include "io/channel-buffer.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/queue.h"
#include "qobject/json-writer.h"
#include "qom/object.h"
#include "hw/qdev-core.h"
#include "system/memory.h"
#include "system/ramblock.h"

typedef struct SaveStateEntry {
    QTAILQ_ENTRY(SaveStateEntry) entry;
    char idstr[256];
    uint32_t instance_id;
    int alias_id;
    int version_id;
    /* The id this entry's sections carry on the source. */
    uint32_t section_id;
    const SaveVMHandlers *ops;
    const VMStateDescription *vmsd;
    void *opaque;
    Object *obj;
    /* Destination: the version and id of the section being loaded. */
    int load_version_id;
    bool is_ram;
} SaveStateEntry;

typedef struct SaveState {
    QTAILQ_HEAD(, SaveStateEntry) handlers;
    /* Last entry of each priority, for ordered insertion. */
    SaveStateEntry *handler_pri_head[MIG_PRI_MAX + 1];
    uint32_t global_section_id;
    bool uuid_set;
    QemuUUID uuid;
} SaveState;

static SaveState savevm_state = {
    .handlers = QTAILQ_HEAD_INITIALIZER(savevm_state.handlers),
};

void qemu_savevm_set_uuid(const QemuUUID *uuid)
{
    savevm_state.uuid_set = uuid != NULL;
    savevm_state.uuid = uuid ? *uuid : (QemuUUID) { 0 };
}

const QemuUUID *qemu_savevm_get_uuid(void)
{
    return &savevm_state.uuid;
}

/* ------------------------------------------------------- registration */

static MigrationPriority save_state_priority(SaveStateEntry *se)
{
    return se->vmsd ? se->vmsd->priority : MIG_PRI_DEFAULT;
}

/* Insert after the last entry of the same priority, or before lower. */
static void savevm_state_handler_insert(SaveStateEntry *nse)
{
    MigrationPriority priority = save_state_priority(nse);
    SaveStateEntry *se;
    int i;

    assert(priority <= MIG_PRI_MAX);
    for (i = priority - 1; i >= 0; i--) {
        se = savevm_state.handler_pri_head[i];
        if (se) {
            assert(save_state_priority(se) < priority);
            break;
        }
    }
    if (i >= 0) {
        QTAILQ_INSERT_BEFORE(se, nse, entry);
    } else {
        QTAILQ_INSERT_TAIL(&savevm_state.handlers, nse, entry);
    }
    if (!savevm_state.handler_pri_head[priority]) {
        savevm_state.handler_pri_head[priority] = nse;
    }
}

static void savevm_state_handler_remove(SaveStateEntry *se)
{
    MigrationPriority priority = save_state_priority(se);
    SaveStateEntry *next;

    if (savevm_state.handler_pri_head[priority] == se) {
        next = QTAILQ_NEXT(se, entry);
        savevm_state.handler_pri_head[priority] =
            (next && save_state_priority(next) == priority) ? next : NULL;
    }
    QTAILQ_REMOVE(&savevm_state.handlers, se, entry);
}

/* One more than the highest instance of @idstr, or 0. */
static uint32_t calculate_new_instance_id(const char *idstr)
{
    SaveStateEntry *se;
    uint32_t instance_id = 0;

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (strcmp(idstr, se->idstr) == 0 && instance_id <= se->instance_id) {
            instance_id = se->instance_id + 1;
        }
    }
    return instance_id;
}

int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque)
{
    SaveStateEntry *se = g_new0(SaveStateEntry, 1);

    assert(strlen(idstr) < sizeof(se->idstr));
    pstrcpy(se->idstr, sizeof(se->idstr), idstr);
    se->version_id = version_id;
    /*
     * A START with id 0 trips QEMU's loader (migration-stream.md,
     * "Section ids"): live handlers never get it.
     */
    if (ops->save_setup && savevm_state.global_section_id == 0) {
        savevm_state.global_section_id++;
    }
    se->section_id = savevm_state.global_section_id++;
    se->ops = ops;
    se->opaque = opaque;
    se->alias_id = -1;
    se->is_ram = ops->save_setup != NULL && ops->save_live_iterate != NULL;
    se->instance_id = instance_id == (uint32_t)VMSTATE_INSTANCE_ID_ANY ?
                      calculate_new_instance_id(idstr) : instance_id;
    savevm_state_handler_insert(se);
    trace_vmstate_register(se->idstr, se->instance_id, se->section_id);
    return 0;
}

void unregister_savevm(Object *obj, const char *idstr, void *opaque)
{
    SaveStateEntry *se, *next;

    QTAILQ_FOREACH_SAFE(se, &savevm_state.handlers, entry, next) {
        if (strcmp(se->idstr, idstr) == 0 && se->opaque == opaque) {
            savevm_state_handler_remove(se);
            g_free(se);
        }
    }
}

/* @dev_path: the device's bus address that prefixes the idstr, or NULL. */
static int vmstate_register_at(Object *obj, const char *dev_path,
                               uint32_t instance_id,
                               const VMStateDescription *vmsd,
                               void *opaque, int alias_id,
                               int required_for_version, Error **errp)
{
    SaveStateEntry *se;

    /* An alias only helps streams older than required_for_version. */
    assert(alias_id == -1 || required_for_version >= vmsd->minimum_version_id);
    if (strlen(vmsd->name) >= sizeof(se->idstr)) {
        error_setg(errp, "VMState name '%s' is too long", vmsd->name);
        return -EINVAL;
    }
    se = g_new0(SaveStateEntry, 1);
    se->obj = obj;
    se->version_id = vmsd->version_id;
    se->section_id = savevm_state.global_section_id++;
    se->opaque = opaque;
    se->vmsd = vmsd;
    se->alias_id = alias_id;
    /*
     * As QEMU, a device on a bus prefixes the idstr with its bus path
     * ("0000:00:03.0/e1000"); bus-less devices keep the plain name.
     */
    if (dev_path) {
        if (strlen(dev_path) + 1 + strlen(vmsd->name) >= sizeof(se->idstr)) {
            error_setg(errp, "VMState id '%s/%s' is too long", dev_path,
                       vmsd->name);
            g_free(se);
            return -EINVAL;
        }
        pstrcpy(se->idstr, sizeof(se->idstr), dev_path);
        pstrcat(se->idstr, sizeof(se->idstr), "/");
    }
    pstrcat(se->idstr, sizeof(se->idstr), vmsd->name);
    se->instance_id = instance_id == (uint32_t)VMSTATE_INSTANCE_ID_ANY ?
                      calculate_new_instance_id(se->idstr) : instance_id;
    savevm_state_handler_insert(se);
    trace_vmstate_register(se->idstr, se->instance_id, se->section_id);
    return 0;
}

int vmstate_register_with_alias_id(Object *obj, uint32_t instance_id,
                                   const VMStateDescription *vmsd,
                                   void *opaque, int alias_id,
                                   int required_for_version,
                                   Error **errp)
{
    return vmstate_register_at(obj, NULL, instance_id, vmsd, opaque,
                               alias_id, required_for_version, errp);
}

void vmstate_unregister(Object *obj, const VMStateDescription *vmsd,
                        void *opaque)
{
    SaveStateEntry *se, *next;

    QTAILQ_FOREACH_SAFE(se, &savevm_state.handlers, entry, next) {
        if (se->vmsd == vmsd && se->opaque == opaque) {
            savevm_state_handler_remove(se);
            g_free(se);
        }
    }
}

void vmstate_register_ram(MemoryRegion *mr, DeviceState *dev)
{
    qemu_ram_set_idstr(memory_region_get_ram_block(mr),
                       memory_region_name(mr), dev, &error_abort);
    qemu_ram_set_migratable(memory_region_get_ram_block(mr));
}

void vmstate_unregister_ram(MemoryRegion *mr, DeviceState *dev)
{
    qemu_ram_unset_idstr(memory_region_get_ram_block(mr));
    qemu_ram_unset_migratable(memory_region_get_ram_block(mr));
}

void vmstate_register_ram_global(MemoryRegion *mr)
{
    vmstate_register_ram(mr, NULL);
}

static bool savevm_qdev_register(DeviceState *dev,
                                 const VMStateDescription *vmsd,
                                 Error **errp)
{
    g_autofree char *dev_path = qdev_get_dev_path(dev);

    return vmstate_register_at(OBJECT(dev), dev_path,
                               VMSTATE_INSTANCE_ID_ANY, vmsd, dev,
                               dev->instance_id_alias,
                               dev->alias_required_for_version,
                               errp) == 0;
}

static void savevm_qdev_unregister(DeviceState *dev,
                                   const VMStateDescription *vmsd)
{
    vmstate_unregister(OBJECT(dev), vmsd, dev);
}

static const QdevVMStateHooks savevm_qdev_hooks = {
    .register_vmsd = savevm_qdev_register,
    .unregister_vmsd = savevm_qdev_unregister,
};

void savevm_install_qdev_hooks(void)
{
    qdev_set_vmstate_hooks(&savevm_qdev_hooks);
}

/* ------------------------------------------------------ configuration */

static char *savevm_machine_type_name(void)
{
    const char *type = object_get_typename(qdev_get_machine());
    const char *suffix = "-machine";
    size_t len = strlen(type), slen = strlen(suffix);

    if (len > slen && strcmp(type + len - slen, suffix) == 0) {
        return g_strndup(type, len - slen);
    }
    return g_strdup(type);
}

static bool savevm_suppress_vmdesc(void)
{
    Object *machine = qdev_get_machine();

    return object_property_find(machine, "suppress-vmdesc") &&
           object_property_get_bool(machine, "suppress-vmdesc", NULL);
}

static void put_subsection_header(QEMUFile *f, const char *name)
{
    qemu_put_byte(f, QEMU_VM_SUBSECTION);
    qemu_put_counted_string(f, name);
    qemu_put_be32(f, 1);
}

/*
 * The configuration record's body: machine name, then the subsections
 * 7.2 would send.  Written by hand rather than through VMState because
 * 7.2 does not describe it in the vmdesc trailer.
 */
static void savevm_put_configuration(QEMUFile *f)
{
    g_autofree char *name = savevm_machine_type_name();

    qemu_put_be32(f, strlen(name));
    qemu_put_buffer(f, (const uint8_t *)name, strlen(name));
    /* target-page-bits: never on x86 (12 is the target minimum). */
    if (migrate_ignore_shared()) {
        /* x-ignore-shared is the only capability 7.2 validates. */
        put_subsection_header(f, "configuration/capabilities");
        qemu_put_be32(f, 1);
        qemu_put_counted_string(f, "x-ignore-shared");
    }
    if (migrate_validate_uuid() && savevm_state.uuid_set) {
        put_subsection_header(f, "configuration/uuid");
        qemu_put_buffer(f, savevm_state.uuid.data, 16);
    }
}

/* Read a str8 into @buf; false (with @errp) when empty or truncated. */
static bool get_str8(QEMUFile *f, char buf[256], const char *what,
                     Error **errp)
{
    size_t len = qemu_get_counted_string(f, buf);

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended while reading %s", what);
        return false;
    }
    if (!len) {
        error_setg(errp, "Empty %s", what);
        return false;
    }
    return true;
}

static bool load_configuration_caps(QEMUFile *f, bool *got_ignore_shared,
                                    Error **errp)
{
    uint32_t count = qemu_get_be32(f), i;
    char name[256];

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended in configuration/capabilities");
        return false;
    }
    if (count > MIGRATION_CAPABILITY__MAX) {
        error_setg(errp, "Received %u capabilities, more than the %d known",
                   count, MIGRATION_CAPABILITY__MAX);
        return false;
    }
    for (i = 0; i < count; i++) {
        if (!get_str8(f, name, "capability name", errp)) {
            return false;
        }
        if (qapi_enum_parse(&MigrationCapability_lookup, name, -1,
                            NULL) < 0) {
            error_setg(errp, "Received unknown capability %s", name);
            return false;
        }
        if (strcmp(name, "x-ignore-shared") == 0) {
            *got_ignore_shared = true;
        }
    }
    return true;
}

static bool load_configuration_uuid(QEMUFile *f, Error **errp)
{
    QemuUUID uuid;
    char got[UUID_STR_LEN], local[UUID_STR_LEN];

    if (qemu_get_buffer(f, uuid.data, 16) != 16) {
        error_setg(errp, "Stream ended in configuration/uuid");
        return false;
    }
    qemu_uuid_unparse(&uuid, got);
    if (!savevm_state.uuid_set) {
        warn_report("UUID is received %s, but local uuid isn't set", got);
        return true;
    }
    if (!qemu_uuid_is_equal(&uuid, &savevm_state.uuid)) {
        qemu_uuid_unparse(&savevm_state.uuid, local);
        error_setg(errp, "UUID received is %s and local is %s", got, local);
        return false;
    }
    return true;
}

static bool qemu_loadvm_configuration(QEMUFile *f, Error **errp)
{
    g_autofree char *local = savevm_machine_type_name();
    char received[257], sub[256];
    uint32_t len;
    bool got_ignore_shared = false;

    if (qemu_get_byte(f) != QEMU_VM_CONFIGURATION) {
        error_setg(errp, qemu_file_get_error(f) ?
                   "Stream ended before the configuration section" :
                   "Configuration section missing");
        return false;
    }
    len = qemu_get_be32(f);
    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended in the configuration section");
        return false;
    }
    if (len > 256) {
        error_setg(errp, "Machine type name of %u bytes is too long", len);
        return false;
    }
    if (qemu_get_buffer(f, (uint8_t *)received, len) != len) {
        error_setg(errp, "Stream ended in the configuration section");
        return false;
    }
    received[len] = 0;
    /*
     * QEMU compares only the received length (so "pc" matches
     * "pc-i440fx-7.2" and "" matches anything); we keep that for interop.
     */
    if (strncmp(received, local, len) != 0 || memchr(received, 0, len)) {
        error_setg(errp, "Machine type received is '%s' and local is '%s'",
                   received, local);
        return false;
    }
    while (qemu_peek_byte(f, 0) == QEMU_VM_SUBSECTION) {
        uint8_t *buf;
        int nlen = qemu_peek_byte(f, 1);
        uint32_t version;

        if (qemu_peek_buffer(f, &buf, nlen, 2) != nlen) {
            break;      /* truncated: the next read reports it */
        }
        if (nlen < 13 || memcmp(buf, "configuration", 13) != 0) {
            break;      /* not ours: left for the record loop */
        }
        qemu_file_skip(f, 1);
        if (!get_str8(f, sub, "configuration subsection name", errp)) {
            return false;
        }
        version = qemu_get_be32(f);
        if (qemu_file_get_error(f)) {
            error_setg(errp, "Stream ended in configuration subsection %s",
                       sub);
            return false;
        }
        if (version != 1) {
            error_setg(errp, "Configuration subsection %s: unsupported "
                       "version %u", sub, version);
            return false;
        }
        if (strcmp(sub, "configuration/capabilities") == 0) {
            if (!load_configuration_caps(f, &got_ignore_shared, errp)) {
                return false;
            }
        } else if (strcmp(sub, "configuration/uuid") == 0) {
            if (!load_configuration_uuid(f, errp)) {
                return false;
            }
        } else if (strcmp(sub, "configuration/target-page-bits") == 0) {
            uint32_t bits = qemu_get_be32(f);

            if (qemu_file_get_error(f)) {
                error_setg(errp, "Stream ended in %s", sub);
                return false;
            }
            if (bits != TARGET_PAGE_BITS) {
                error_setg(errp, "Received TARGET_PAGE_BITS is %u but local "
                           "is %d", bits, TARGET_PAGE_BITS);
                return false;
            }
        } else {
            /* QEMU fails here without a word (ENOENT); we say why. */
            error_setg(errp, "Unknown configuration subsection '%s'", sub);
            return false;
        }
    }
    if (got_ignore_shared != migrate_ignore_shared()) {
        error_setg(errp, "Capability x-ignore-shared is %s, but received "
                   "capability is %s",
                   migrate_ignore_shared() ? "on" : "off",
                   got_ignore_shared ? "on" : "off");
        return false;
    }
    return true;
}

/* --------------------------------------------------------- the source */

static void save_section_header(QEMUFile *f, SaveStateEntry *se,
                                uint8_t section_type)
{
    qemu_put_byte(f, section_type);
    qemu_put_be32(f, se->section_id);
    if (section_type == QEMU_VM_SECTION_FULL ||
        section_type == QEMU_VM_SECTION_START) {
        qemu_put_counted_string(f, se->idstr);
        qemu_put_be32(f, se->instance_id);
        qemu_put_be32(f, se->version_id);
    }
}

static void save_section_footer(QEMUFile *f, SaveStateEntry *se)
{
    if (migrate_send_section_footer()) {
        qemu_put_byte(f, QEMU_VM_SECTION_FOOTER);
        qemu_put_be32(f, se->section_id);
    }
}

static bool se_is_active(SaveStateEntry *se)
{
    return !se->ops || !se->ops->is_active || se->ops->is_active(se->opaque);
}

bool qemu_savevm_state_blocked(Error **errp)
{
    SaveStateEntry *se;

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (se->vmsd && se->vmsd->unmigratable) {
            error_setg(errp, "State blocked by non-migratable device '%s'",
                       se->idstr);
            return true;
        }
    }
    return false;
}

void qemu_savevm_non_migratable_list(strList **reasons)
{
    SaveStateEntry *se;

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (se->vmsd && se->vmsd->unmigratable) {
            QAPI_LIST_PREPEND(*reasons,
                              g_strdup_printf("non-migratable device: %s",
                                              se->idstr));
        }
    }
}

void qemu_savevm_state_header(QEMUFile *f)
{
    trace_savevm_state_header();
    qemu_put_be32(f, QEMU_VM_FILE_MAGIC);
    qemu_put_be32(f, QEMU_VM_FILE_VERSION);
    if (migrate_send_configuration()) {
        qemu_put_byte(f, QEMU_VM_CONFIGURATION);
        savevm_put_configuration(f);
    }
}

void qemu_savevm_command_send(QEMUFile *f, enum qemu_vm_cmd command,
                              uint16_t len, const uint8_t *data)
{
    trace_savevm_send_command(command, len);
    qemu_put_byte(f, QEMU_VM_COMMAND);
    qemu_put_be16(f, command);
    qemu_put_be16(f, len);
    qemu_put_buffer(f, data, len);
    qemu_fflush(f);
}

void qemu_savevm_send_open_return_path(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_OPEN_RETURN_PATH, 0, NULL);
}

void qemu_savevm_send_colo_enable(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_ENABLE_COLO, 0, NULL);
}

void qemu_savevm_send_ping(QEMUFile *f, uint32_t value)
{
    uint8_t buf[4];

    stl_be_p(buf, value);
    qemu_savevm_command_send(f, MIG_CMD_PING, sizeof(buf), buf);
}

int qemu_savevm_state_setup(QEMUFile *f, Error **errp)
{
    ERRP_GUARD();
    SaveStateEntry *se;
    int ret;

    trace_savevm_state_setup();
    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (!se->ops || !se->ops->save_setup || !se_is_active(se)) {
            continue;
        }
        trace_savevm_section_start(se->idstr, se->section_id);
        save_section_header(f, se, QEMU_VM_SECTION_START);
        ret = se->ops->save_setup(f, se->opaque, errp);
        save_section_footer(f, se);
        trace_savevm_section_end(se->idstr, se->section_id, ret);
        if (ret < 0) {
            if (!*errp) {
                /* A write that failed: the channel knows why. */
                qemu_file_get_error_obj(f, errp);
            }
            if (!*errp) {
                error_setg_errno(errp, -ret, "setup failed");
            }
            error_prepend(errp, "%s: ", se->idstr);
            qemu_file_set_error(f, ret);
            return ret;
        }
    }
    ret = qemu_file_get_error_obj(f, errp);
    return ret;
}

int qemu_savevm_state_iterate(QEMUFile *f, bool postcopy)
{
    SaveStateEntry *se;
    int ret = 1;

    trace_savevm_state_iterate();
    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (!se->ops || !se->ops->save_live_iterate || !se_is_active(se)) {
            continue;
        }
        if (se->ops->is_active_iterate &&
            !se->ops->is_active_iterate(se->opaque)) {
            continue;
        }
        if (postcopy && !(se->ops->has_postcopy &&
                          se->ops->has_postcopy(se->opaque))) {
            continue;
        }
        trace_savevm_section_start(se->idstr, se->section_id);
        save_section_header(f, se, QEMU_VM_SECTION_PART);
        ret = se->ops->save_live_iterate(f, se->opaque);
        save_section_footer(f, se);
        trace_savevm_section_end(se->idstr, se->section_id, ret);
        if (ret < 0) {
            error_report("failed to save SaveStateEntry with id(name): "
                         "%d(%s): %d", se->section_id, se->idstr, ret);
            qemu_file_set_error(f, ret);
            return ret;
        }
        if (ret == 0) {
            /* This one has more to send: finish it before the next. */
            break;
        }
    }
    return ret;
}

static void savevm_pending(bool exact, uint64_t *must_precopy,
                           uint64_t *can_postcopy)
{
    SaveStateEntry *se;

    *must_precopy = 0;
    *can_postcopy = 0;
    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        void (*fn)(void *, uint64_t *, uint64_t *);

        if (!se->ops || !se_is_active(se)) {
            continue;
        }
        fn = exact ? se->ops->state_pending_exact
                   : se->ops->state_pending_estimate;
        if (fn) {
            fn(se->opaque, must_precopy, can_postcopy);
        }
    }
}

void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy)
{
    savevm_pending(false, must_precopy, can_postcopy);
}

void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy)
{
    savevm_pending(true, must_precopy, can_postcopy);
}

static int vmstate_save(QEMUFile *f, SaveStateEntry *se, JSONWriter *vmdesc,
                        Error **errp)
{
    uint64_t start;

    if (se->vmsd) {
        return vmstate_save_state(f, se->vmsd, se->opaque, vmdesc, errp);
    }
    start = qemu_file_transferred(f);
    se->ops->save_state(f, se->opaque);
    if (vmdesc) {
        uint64_t size = qemu_file_transferred(f) - start;

        json_writer_int64(vmdesc, "size", size);
        json_writer_start_list(vmdesc, "fields");
        json_writer_start_object(vmdesc, NULL);
        json_writer_str(vmdesc, "name", "data");
        json_writer_int64(vmdesc, "size", size);
        json_writer_str(vmdesc, "type", "buffer");
        json_writer_end_object(vmdesc);
        json_writer_end_list(vmdesc);
    }
    return qemu_file_get_error(f);
}

/* END of each live section (only the postcopy-capable ones if asked). */
static int savevm_complete_iterables(QEMUFile *f, bool postcopy_only,
                                     Error **errp)
{
    SaveStateEntry *se;
    int ret;

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (!se->ops || !se->ops->save_live_complete_precopy ||
            !se_is_active(se)) {
            continue;
        }
        if (postcopy_only && !(se->ops->has_postcopy &&
                               se->ops->has_postcopy(se->opaque))) {
            continue;
        }
        trace_savevm_section_start(se->idstr, se->section_id);
        save_section_header(f, se, QEMU_VM_SECTION_END);
        ret = se->ops->save_live_complete_precopy(f, se->opaque);
        save_section_footer(f, se);
        trace_savevm_section_end(se->idstr, se->section_id, ret);
        if (ret < 0) {
            Error *ferr = NULL;

            /* the channel's own error says why ("Broken pipe", ...) */
            if (qemu_file_get_error_obj(f, &ferr) && ferr) {
                error_propagate_prepend(errp, ferr, "Failed to complete "
                                        "section '%s': ", se->idstr);
            } else {
                error_setg_errno(errp, -ret, "Failed to complete section "
                                 "'%s'", se->idstr);
            }
            qemu_file_set_error(f, ret);
            return ret;
        }
    }
    return 0;
}

/*
 * Every non-iterative section; then EOF if @eof (not in postcopy, where
 * the RAM stream goes on after them) and the vmdesc trailer if @trailer.
 */
static int savevm_complete_devices(QEMUFile *f, bool eof, bool trailer,
                                   Error **errp)
{
    ERRP_GUARD();
    g_autoptr(JSONWriter) vmdesc = json_writer_new_spaced();
    SaveStateEntry *se;
    int ret;

    json_writer_start_object(vmdesc, NULL);
    json_writer_int64(vmdesc, "page_size", TARGET_PAGE_SIZE);
    json_writer_start_list(vmdesc, "devices");
    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (!se->vmsd && (!se->ops || !se->ops->save_state)) {
            continue;
        }
        if (se->vmsd && !vmstate_section_needed(se->vmsd, se->opaque)) {
            continue;
        }
        json_writer_start_object(vmdesc, NULL);
        json_writer_str(vmdesc, "name", se->idstr);
        json_writer_int64(vmdesc, "instance_id", se->instance_id);
        trace_savevm_section_start(se->idstr, se->section_id);
        save_section_header(f, se, QEMU_VM_SECTION_FULL);
        ret = vmstate_save(f, se, vmdesc, errp);
        trace_savevm_section_end(se->idstr, se->section_id, ret);
        if (ret) {
            if (!*errp) {
                error_setg_errno(errp, -ret, "stream error");
            }
            error_prepend(errp, "Failed to save '%s': ", se->idstr);
            qemu_file_set_error(f, ret);
            return ret;
        }
        save_section_footer(f, se);
        json_writer_end_object(vmdesc);
    }
    json_writer_end_list(vmdesc);
    json_writer_end_object(vmdesc);

    if (!eof) {
        return 0;
    }
    qemu_put_byte(f, QEMU_VM_EOF);
    if (trailer && !savevm_suppress_vmdesc()) {
        const char *text = json_writer_get(vmdesc);
        size_t len = strlen(text);

        qemu_put_byte(f, QEMU_VM_VMDESCRIPTION);
        qemu_put_be32(f, len);
        qemu_put_buffer(f, (const uint8_t *)text, len);
    }
    return 0;
}

int qemu_savevm_state_complete_precopy(QEMUFile *f, bool iterable_only,
                                       Error **errp)
{
    int ret;

    trace_savevm_state_complete_precopy();
    ret = savevm_complete_iterables(f, false, errp);

    if (ret < 0) {
        return ret;
    }
    if (!iterable_only) {
        ret = savevm_complete_devices(f, true, true, errp);
        if (ret < 0) {
            return ret;
        }
    }
    qemu_fflush(f);
    return qemu_file_get_error_obj(f, errp);
}

int qemu_savevm_state_postcopy_devices(QEMUFile *f, Error **errp)
{
    int ret = savevm_complete_devices(f, false, false, errp);

    return ret < 0 ? ret : qemu_file_get_error_obj(f, errp);
}

int qemu_save_device_state(QEMUFile *f, bool trailer, Error **errp)
{
    int ret = savevm_complete_devices(f, true, trailer, errp);

    if (ret < 0) {
        return ret;
    }
    qemu_fflush(f);
    return qemu_file_get_error_obj(f, errp);
}

int qemu_savevm_state_complete_postcopy(QEMUFile *f, Error **errp)
{
    int ret = savevm_complete_iterables(f, true, errp);

    if (ret < 0) {
        return ret;
    }
    qemu_put_byte(f, QEMU_VM_EOF);
    qemu_fflush(f);
    return qemu_file_get_error_obj(f, errp);
}

void qemu_savevm_state_cleanup(void)
{
    SaveStateEntry *se;

    trace_savevm_state_cleanup();
    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (se->ops && se->ops->save_cleanup) {
            se->ops->save_cleanup(se->opaque);
        }
    }
}

int qemu_savevm_state(QEMUFile *f, Error **errp)
{
    int ret;

    qemu_savevm_state_header(f);
    ret = qemu_savevm_state_setup(f, errp);
    if (ret == 0) {
        while (qemu_file_get_error(f) == 0 &&
               qemu_savevm_state_iterate(f, false) <= 0) {
            /* Loop until every live handler has sent all it has. */
        }
        ret = qemu_file_get_error_obj(f, errp);
    }
    if (ret == 0) {
        ret = qemu_savevm_state_complete_precopy(f, false, errp);
    }
    qemu_savevm_state_cleanup();
    return ret;
}

/* ---------------------------------------------------- the destination */

/*
 * Returned by the record loop when POSTCOPY_RUN ends the main stream:
 * the listen thread reads the rest.
 */
#define LOADVM_QUIT POSTCOPY_LOADVM_QUIT

typedef struct LoadState {
    /* section id (as sent) -> SaveStateEntry bound by START/FULL */
    GHashTable *sections;
    /* The last section loaded whole: where a stream that stops was. */
    SaveStateEntry *last;
} LoadState;

/* COLO: the initial load's sections, kept for the checkpoints. */
static LoadState *colo_ls;

static SaveStateEntry *find_se(const char *idstr, uint32_t instance_id)
{
    SaveStateEntry *se;

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (strcmp(idstr, se->idstr) == 0 &&
            (instance_id == se->instance_id ||
             (se->alias_id >= 0 && instance_id == (uint32_t)se->alias_id))) {
            return se;
        }
    }
    return NULL;
}

static int vmstate_load(QEMUFile *f, SaveStateEntry *se, int version_id,
                        Error **errp)
{
    ERRP_GUARD();
    int ret;

    if (se->vmsd) {
        ret = vmstate_load_state(f, se->vmsd, se->opaque, version_id, errp);
    } else {
        ret = se->ops->load_state(f, se->opaque, version_id, errp);
        if (ret < 0 && !*errp) {
            error_setg_errno(errp, -ret, "load failed");
        }
    }
    if (ret == 0 && qemu_file_get_error(f)) {
        ret = qemu_file_get_error_obj(f, errp);
        if (!*errp) {
            error_setg(errp, "stream ended inside the section");
        }
    }
    if (ret < 0 && !*errp) {
        error_setg_errno(errp, -ret, "load failed");
    }
    return ret;
}

static int check_section_footer(QEMUFile *f, SaveStateEntry *se,
                                uint32_t section_id, Error **errp)
{
    uint8_t byte;
    uint32_t id;

    if (!migrate_send_section_footer()) {
        return 0;
    }
    byte = qemu_get_byte(f);
    if (!qemu_file_get_error(f) && byte != QEMU_VM_SECTION_FOOTER) {
        error_setg(errp, "Missing section footer for %s", se->idstr);
        return -EINVAL;
    }
    id = qemu_get_be32(f);
    if (qemu_file_get_error(f)) {
        /* Usually the source went away (cancel, crash): say so. */
        error_setg(errp, "Stream ended before the footer of section '%s'",
                   se->idstr);
        return qemu_file_get_error(f);
    }
    if (id != section_id) {
        error_setg(errp, "Mismatched section id in footer for %s -- read "
                   "0x%x expected 0x%x", se->idstr, id, section_id);
        return -EINVAL;
    }
    return 0;
}

static int qemu_loadvm_section_start_full(QEMUFile *f, LoadState *ls,
                                          Error **errp)
{
    uint32_t section_id, instance_id;
    int version_id, ret;
    char idstr[256];
    SaveStateEntry *se, *bound;

    section_id = qemu_get_be32(f);
    if (!qemu_get_counted_string(f, idstr)) {
        error_setg(errp, "Unable to read ID string for section %u",
                   section_id);
        return -EINVAL;
    }
    instance_id = qemu_get_be32(f);
    version_id = qemu_get_be32(f);
    ret = qemu_file_get_error(f);
    if (ret) {
        error_setg(errp, "Stream ended in the header of section %u ('%s')",
                   section_id, idstr);
        return ret;
    }
    trace_qemu_loadvm_state_section_startfull(section_id, idstr,
                                              instance_id, version_id);
    se = find_se(idstr, instance_id);
    if (!se) {
        error_setg(errp, "Unknown savevm section or instance '%s' %u. "
                   "Make sure that your current VM setup matches your "
                   "saved VM setup, including any hotplugged devices",
                   idstr, instance_id);
        return -EINVAL;
    }
    if (version_id < 0 || version_id > se->version_id) {
        error_setg(errp, "savevm: unsupported version %d for '%s' v%d",
                   version_id, idstr, se->version_id);
        return -EINVAL;
    }
    /*
     * Routing is by an explicit id -> handler binding, so QEMU's id-0
     * trap (migration-stream.md, "Section ids") cannot happen here; one
     * id naming two handlers is refused instead of misrouted.
     */
    bound = g_hash_table_lookup(ls->sections, GUINT_TO_POINTER(section_id));
    if (bound && bound != se) {
        error_setg(errp, "Section id %u of '%s' is already used by '%s'",
                   section_id, idstr, bound->idstr);
        return -EINVAL;
    }
    g_hash_table_insert(ls->sections, GUINT_TO_POINTER(section_id), se);
    se->load_version_id = version_id;

    ret = vmstate_load(f, se, version_id, errp);
    if (ret < 0) {
        error_prepend(errp, SAVEVM_LOAD_ERR_FMT, instance_id, idstr);
        return ret;
    }
    ls->last = se;
    return check_section_footer(f, se, section_id, errp);
}

static int qemu_loadvm_section_part_end(QEMUFile *f, LoadState *ls,
                                        Error **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    SaveStateEntry *se;
    int ret;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended in a section header");
        return -EIO;
    }
    trace_qemu_loadvm_state_section_partend(section_id);
    se = g_hash_table_lookup(ls->sections, GUINT_TO_POINTER(section_id));
    if (!se) {
        error_setg(errp, "Unknown savevm section %u", section_id);
        return -EINVAL;
    }
    ret = vmstate_load(f, se, se->load_version_id, errp);
    if (ret < 0) {
        error_prepend(errp, SAVEVM_LOAD_ERR_FMT, se->instance_id, se->idstr);
        return ret;
    }
    ls->last = se;
    return check_section_footer(f, se, section_id, errp);
}

static int qemu_loadvm_state_main(QEMUFile *f, LoadState *ls, Error **errp);

/* PACKAGED: the blob is a record sequence of its own, ending in EOF. */
static int loadvm_handle_cmd_packaged(QEMUFile *f, LoadState *ls,
                                      Error **errp)
{
    uint32_t length = qemu_get_be32(f);
    g_autoptr(QIOChannelBuffer) bioc = NULL;
    QEMUFile *packf;
    int ret;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended in CMD_PACKAGED");
        return -EIO;
    }
    if (length > MAX_VM_CMD_PACKAGED_SIZE) {
        error_setg(errp, "Unreasonably large packaged state: %u", length);
        return -EINVAL;
    }
    /*
     * Grow the blob as its bytes arrive rather than allocating the claimed
     * length first: a stream that claims 16 MiB and ends costs only what
     * it sent.
     */
    bioc = qio_channel_buffer_new(0);
    while (bioc->usage < length) {
        size_t chunk = MIN(length - bioc->usage, MAX(bioc->usage, 64 * KiB));

        bioc->capacity = bioc->usage + chunk;
        bioc->data = g_realloc(bioc->data, bioc->capacity);
        if (qemu_get_buffer(f, bioc->data + bioc->usage, chunk) != chunk) {
            error_setg(errp, "Stream ended in a packaged blob of %u bytes",
                       length);
            return -EIO;
        }
        bioc->usage += chunk;
    }
    packf = qemu_file_new_input(QIO_CHANNEL(bioc));
    ret = qemu_loadvm_state_main(packf, ls, errp);
    qemu_fclose(packf);
    if (ret < 0) {
        error_prepend(errp, "In a packaged blob: ");
    }
    return ret;
}

static const struct {
    const char *name;
    int len;            /* -1: variable */
} mig_cmd_args[MIG_CMD_MAX] = {
    [MIG_CMD_INVALID] = { "INVALID", -1 },
    [MIG_CMD_OPEN_RETURN_PATH] = { "OPEN_RETURN_PATH", 0 },
    [MIG_CMD_PING] = { "PING", 4 },
    [MIG_CMD_POSTCOPY_ADVISE] = { "POSTCOPY_ADVISE", -1 },
    [MIG_CMD_POSTCOPY_LISTEN] = { "POSTCOPY_LISTEN", 0 },
    [MIG_CMD_POSTCOPY_RUN] = { "POSTCOPY_RUN", 0 },
    [MIG_CMD_POSTCOPY_RAM_DISCARD] = { "POSTCOPY_RAM_DISCARD", -1 },
    [MIG_CMD_PACKAGED] = { "PACKAGED", 4 },
    [MIG_CMD_ENABLE_COLO] = { "ENABLE_COLO", 0 },
    [MIG_CMD_POSTCOPY_RESUME] = { "POSTCOPY_RESUME", 0 },
    [MIG_CMD_RECV_BITMAP] = { "RECV_BITMAP", -1 },
};

/* The main load's sections, handed to the postcopy listen thread. */
static LoadState *postcopy_ls;

static void loadvm_cleanup(void);

static int postcopy_listen_load(QEMUFile *f, Error **errp)
{
    return qemu_loadvm_state_main(f, postcopy_ls, errp);
}

static void postcopy_listen_cleanup(void)
{
    loadvm_cleanup();
    g_hash_table_destroy(postcopy_ls->sections);
    g_clear_pointer(&postcopy_ls, g_free);
}

/* A postcopy command: its payload, whole, to postcopy-in.c. */
static int loadvm_postcopy_command(QEMUFile *f, LoadState *ls, uint16_t cmd,
                                   uint16_t len, Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    g_autofree uint8_t *buf = g_malloc(len + 1);
    bool ok;

    if (len && qemu_get_buffer(f, buf, len) != len) {
        error_setg(errp, "Stream ended in %s", mig_cmd_args[cmd].name);
        return -EIO;
    }
    switch (cmd) {
    case MIG_CMD_POSTCOPY_ADVISE:
        ok = postcopy_in_handle_advise(buf, len, errp);
        break;
    case MIG_CMD_POSTCOPY_RAM_DISCARD:
        ok = postcopy_in_handle_discard(buf, len, errp);
        break;
    case MIG_CMD_POSTCOPY_LISTEN:
        postcopy_ls = g_memdup2(ls, sizeof(*ls));
        ok = postcopy_in_handle_listen(mis->from_src_file,
                                       postcopy_listen_load,
                                       postcopy_listen_cleanup, errp);
        if (!ok) {
            g_clear_pointer(&postcopy_ls, g_free);
        }
        break;
    case MIG_CMD_POSTCOPY_RUN:
        return postcopy_in_handle_run(errp) ? LOADVM_QUIT : -EINVAL;
    case MIG_CMD_POSTCOPY_RESUME:
        ok = postcopy_in_handle_resume(errp);
        break;
    case MIG_CMD_RECV_BITMAP:
        ok = postcopy_in_handle_recv_bitmap(buf, len, errp);
        break;
    default:
        g_assert_not_reached();
    }
    return ok ? 0 : -EINVAL;
}

static int loadvm_process_command(QEMUFile *f, LoadState *ls, Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    uint16_t cmd = qemu_get_be16(f);
    uint16_t len = qemu_get_be16(f);
    uint32_t value;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended in a command header");
        return -EIO;
    }
    if (cmd >= MIG_CMD_MAX || cmd == MIG_CMD_INVALID) {
        error_setg(errp, "MIG_CMD 0x%x unknown (len 0x%x)", cmd, len);
        return -EINVAL;
    }
    trace_loadvm_process_command(mig_cmd_args[cmd].name, len);
    if (mig_cmd_args[cmd].len != -1 && mig_cmd_args[cmd].len != len) {
        error_setg(errp, "%s received with bad length - expecting %d, got %d",
                   mig_cmd_args[cmd].name, mig_cmd_args[cmd].len, len);
        return -EINVAL;
    }
    switch (cmd) {
    case MIG_CMD_OPEN_RETURN_PATH:
        if (mis->to_src_file) {
            error_setg(errp, "CMD_OPEN_RETURN_PATH called when RP already "
                       "open");
            return -EINVAL;
        }
        mis->to_src_file = qemu_file_get_return_path(f);
        if (!mis->to_src_file) {
            error_setg(errp, "CMD_OPEN_RETURN_PATH failed");
            return -EINVAL;
        }
        return 0;
    case MIG_CMD_PING:
        value = qemu_get_be32(f);
        if (qemu_file_get_error(f)) {
            error_setg(errp, "Stream ended in CMD_PING");
            return -EIO;
        }
        trace_loadvm_process_command_ping(value);
        if (!mis->to_src_file) {
            error_setg(errp, "CMD_PING (0x%x) received with no return path",
                       value);
            return -EINVAL;
        }
        migrate_send_rp_pong(mis, value);
        return 0;
    case MIG_CMD_PACKAGED:
        return loadvm_handle_cmd_packaged(f, ls, errp);
    case MIG_CMD_ENABLE_COLO:
        if (!migrate_colo()) {
            error_setg(errp, "ENABLE_COLO command come in migration stream"
                       ", but x-colo capability is not set");
            return -EINVAL;
        }
        mis->colo_enabled = true;
        return 0;
    default:
        return loadvm_postcopy_command(f, ls, cmd, len, errp);
    }
}

static int qemu_loadvm_state_main(QEMUFile *f, LoadState *ls, Error **errp)
{
    int ret = 0;

    while (ret == 0) {
        uint8_t type = qemu_get_byte(f);

        if (qemu_file_get_error(f)) {
            Error *err = NULL;
            g_autofree char *where = ls->last ?
                g_strdup_printf(" (at the record after section '%s' %u)",
                                ls->last->idstr, ls->last->instance_id) :
                g_strdup("");

            ret = qemu_file_get_error_obj(f, &err);
            if (err && !qemu_file_error_is_eof(f)) {
                /* The channel said why: that beats a generic EOF. */
                error_propagate_prepend(errp, err,
                                        "Stream failed before QEMU_VM_EOF%s: ",
                                        where);
            } else {
                error_free(err);
                error_setg(errp, "Stream ended before QEMU_VM_EOF%s", where);
            }
            return ret;
        }
        trace_qemu_loadvm_state_section(type);
        switch (type) {
        case QEMU_VM_SECTION_START:
        case QEMU_VM_SECTION_FULL:
            ret = qemu_loadvm_section_start_full(f, ls, errp);
            break;
        case QEMU_VM_SECTION_PART:
        case QEMU_VM_SECTION_END:
            ret = qemu_loadvm_section_part_end(f, ls, errp);
            break;
        case QEMU_VM_COMMAND:
            ret = loadvm_process_command(f, ls, errp);
            break;
        case QEMU_VM_EOF:
            return 0;
        default:
            error_setg(errp, "Unknown savevm section type %d", type);
            return -EINVAL;
        }
    }
    return ret;
}

/* After EOF: read and drop the trailer, as QEMU does (never parsed). */
static void qemu_loadvm_skip_vmdesc(QEMUFile *f)
{
    int type = qemu_get_byte(f);
    uint32_t len;
    uint8_t scratch[4096];

    if (qemu_file_get_error(f)) {
        warn_report("Expected vmdescription section, but got end of stream");
        return;
    }
    if (type != QEMU_VM_VMDESCRIPTION) {
        warn_report("Expected vmdescription section, but got %d", type);
        return;
    }
    len = qemu_get_be32(f);
    trace_loadvm_vmdesc(type, len);
    if (len > MAX_VMDESC_SIZE) {
        warn_report("vmdescription of %u bytes ignored", len);
        return;
    }
    while (len && !qemu_file_get_error(f)) {
        uint8_t *buf = scratch;
        size_t chunk = qemu_get_buffer_in_place(f, &buf,
                                                MIN(len, sizeof(scratch)));

        if (!chunk) {
            break;
        }
        len -= chunk;
    }
}

static void loadvm_cleanup(void)
{
    SaveStateEntry *se;

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (se->ops && se->ops->load_cleanup) {
            se->ops->load_cleanup(se->opaque);
        }
    }
}

int qemu_loadvm_state(QEMUFile *f, Error **errp)
{
    ERRP_GUARD();
    LoadState ls = { .sections = g_hash_table_new(NULL, NULL) };
    SaveStateEntry *se;
    uint32_t v;
    int ret = 0;

    postcopy_in_start_load();
    v = qemu_get_be32(f);
    if (v != QEMU_VM_FILE_MAGIC) {
        /* A channel that failed (a TLS peer gone) is not a bad stream. */
        if (qemu_file_get_error(f) && !qemu_file_error_is_eof(f) &&
            qemu_file_get_error_obj(f, errp) && *errp) {
            error_prepend(errp, "Stream failed before its header: ");
        } else {
            error_setg(errp, "Not a migration stream");
        }
        ret = -EINVAL;
        goto out;
    }
    v = qemu_get_be32(f);
    if (v == QEMU_VM_FILE_VERSION_COMPAT) {
        error_setg(errp, "SaveVM v2 format is obsolete and don't work "
                   "anymore");
        ret = -ENOTSUP;
        goto out;
    }
    if (v != QEMU_VM_FILE_VERSION) {
        error_setg(errp, "Unsupported migration stream version");
        ret = -ENOTSUP;
        goto out;
    }
    if (migrate_send_configuration() &&
        !qemu_loadvm_configuration(f, errp)) {
        ret = -EINVAL;
        goto out;
    }

    QTAILQ_FOREACH(se, &savevm_state.handlers, entry) {
        if (se->ops && se->ops->load_setup) {
            ret = se->ops->load_setup(f, se->opaque, errp);
            if (ret < 0) {
                if (!*errp) {
                    error_setg_errno(errp, -ret, "load_setup failed");
                }
                error_prepend(errp, "Load state of device %s failed: ",
                             se->idstr);
                qemu_file_set_error(f, ret);
                loadvm_cleanup();
                goto out;
            }
        }
    }
    ret = qemu_loadvm_state_main(f, &ls, errp);
    trace_qemu_loadvm_state_post_main(ret);
    if (ret == LOADVM_QUIT) {
        /* Postcopy: the listen thread owns the stream and the sections. */
        postcopy_in_main_load_done();
        return LOADVM_QUIT;
    }
    if (ret < 0 && postcopy_ls) {
        /* LISTEN, then a device refused: the sections stay ours. */
        postcopy_in_main_load_failed();
        g_clear_pointer(&postcopy_ls, g_free);
    }
    if (ret == 0) {
        qemu_loadvm_skip_vmdesc(f);
    }
    if (ret == 0 && migration_incoming_get_current()->colo_enabled) {
        /* COLO: the checkpoints go on with these sections and handlers. */
        colo_ls = g_memdup2(&ls, sizeof(ls));
        return 0;
    }
    loadvm_cleanup();

out:
    /*
     * A failed load latches its error on @f: the SHUT message that
     * migration_incoming_state_destroy() sends on the return path says
     * "failed" from it.
     */
    if (ret < 0) {
        qemu_file_set_error(f, ret);
    }
    g_hash_table_destroy(ls.sections);
    return ret;
}

/* ------------------------------------------------------------ COLO */

int qemu_loadvm_colo_load(QEMUFile *f, Error **errp)
{
    if (!colo_ls) {
        error_setg(errp, "COLO: no initial migration to continue");
        return -EINVAL;
    }
    return qemu_loadvm_state_main(f, colo_ls, errp);
}

void qemu_loadvm_colo_end(void)
{
    if (!colo_ls) {
        return;
    }
    loadvm_cleanup();
    g_hash_table_destroy(colo_ls->sections);
    g_clear_pointer(&colo_ls, g_free);
}
