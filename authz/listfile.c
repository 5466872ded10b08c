/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authz-listfile (see include/authz/listfile.h).  The directory, not the
 * file, is watched: editors and config tools replace a file by renaming
 * a new one over it, which a watch on the old inode would miss.
 */
#include "qemu/osdep.h"
#include <sys/inotify.h>
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"
#include "authz/listfile.h"
#include "authz/trace.h"

static bool listfile_is_allowed(QAuthZ *authz, const char *identity,
                                Error **errp)
{
    QAuthZListFile *f = QAUTHZ_LIST_FILE(authz);

    return f->list && qauthz_is_allowed(f->list, identity, errp);
}

static QAuthZ *listfile_load(QAuthZListFile *f, Error **errp)
{
    g_autoptr(GError) gerr = NULL;
    g_autofree gchar *content = NULL;
    g_autoptr(QObject) obj = NULL;
    QDict *dict;
    Visitor *v;
    Object *list;
    gsize len;

    trace_qauthz_list_file_load(f, f->filename);
    if (!g_file_get_contents(f->filename, &content, &len, &gerr)) {
        error_setg(errp, "Unable to read '%s': %s", f->filename,
                   gerr->message);
        return NULL;
    }
    obj = qobject_from_json(content, errp);
    if (!obj) {
        return NULL;
    }
    dict = qobject_to(QDict, obj);
    if (!dict) {
        error_setg(errp, "File '%s' must contain a JSON object",
                   f->filename);
        return NULL;
    }
    v = qobject_input_visitor_new(obj);
    list = user_creatable_add_type(TYPE_QAUTHZ_LIST, NULL, dict, v, errp);
    visit_free(v);
    return list ? QAUTHZ(list) : NULL;
}

static void listfile_reload(QAuthZListFile *f)
{
    Error *err = NULL;

    object_unref(f->list);
    f->list = listfile_load(f, &err);
    trace_qauthz_list_file_refresh(f, f->filename, f->list != NULL);
    if (!f->list) {
        error_report_err(err);
    }
}

static void listfile_inotify_read(void *opaque)
{
    QAuthZListFile *f = opaque;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool changed = false;
    ssize_t len;

    while ((len = read(f->inotify_fd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + len;) {
            struct inotify_event *ev = (struct inotify_event *)p;

            if (ev->len && g_str_equal(ev->name, f->basename)) {
                changed = true;
            }
            p += sizeof(*ev) + ev->len;
        }
    }
    if (changed) {
        listfile_reload(f);
    }
}

static bool listfile_watch(QAuthZListFile *f, Error **errp)
{
    g_autofree char *dir = g_path_get_dirname(f->filename);

    if (g_str_equal(dir, ".")) {
        error_setg(errp, "Filename must be an absolute path");
        return false;
    }
    f->basename = g_path_get_basename(f->filename);
    if (g_str_equal(f->basename, ".")) {
        error_setg(errp, "Path has no trailing filename component");
        return false;
    }
    f->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (f->inotify_fd < 0) {
        error_setg_errno(errp, errno, "Unable to initialize inotify");
        return false;
    }
    if (inotify_add_watch(f->inotify_fd, dir,
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                          IN_DELETE | IN_MOVED_FROM) < 0) {
        error_setg_errno(errp, errno, "Unable to watch '%s'", dir);
        return false;
    }
    qemu_set_fd_handler(f->inotify_fd, listfile_inotify_read, NULL, f);
    return true;
}

static void listfile_complete(UserCreatable *uc, Error **errp)
{
    QAuthZListFile *f = QAUTHZ_LIST_FILE(uc);

    if (!f->filename) {
        error_setg(errp, "filename not provided");
        return;
    }
    f->list = listfile_load(f, errp);
    if (f->list && f->refresh) {
        listfile_watch(f, errp);
    }
}

static char *listfile_get_filename(Object *obj, Error **errp)
{
    return g_strdup(QAUTHZ_LIST_FILE(obj)->filename);
}

static void listfile_set_filename(Object *obj, const char *value,
                                  Error **errp)
{
    QAuthZListFile *f = QAUTHZ_LIST_FILE(obj);

    g_free(f->filename);
    f->filename = g_strdup(value);
}

static bool listfile_get_refresh(Object *obj, Error **errp)
{
    return QAUTHZ_LIST_FILE(obj)->refresh;
}

static void listfile_set_refresh(Object *obj, bool value, Error **errp)
{
    QAUTHZ_LIST_FILE(obj)->refresh = value;
}

static void listfile_init(Object *obj)
{
    QAuthZListFile *f = QAUTHZ_LIST_FILE(obj);

    f->inotify_fd = -1;
    f->refresh = true;
}

static void listfile_finalize(Object *obj)
{
    QAuthZListFile *f = QAUTHZ_LIST_FILE(obj);

    if (f->inotify_fd >= 0) {
        qemu_set_fd_handler(f->inotify_fd, NULL, NULL, NULL);
        close(f->inotify_fd);
    }
    object_unref(f->list);
    g_free(f->filename);
    g_free(f->basename);
}

static void listfile_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = listfile_complete;
    QAUTHZ_CLASS(oc)->is_allowed = listfile_is_allowed;
    object_class_property_add_str(oc, "filename", listfile_get_filename,
                                  listfile_set_filename);
    object_class_property_add_bool(oc, "refresh", listfile_get_refresh,
                                   listfile_set_refresh);
}

static const TypeInfo listfile_info = {
    .name = TYPE_QAUTHZ_LIST_FILE,
    .parent = TYPE_QAUTHZ,
    .instance_size = sizeof(QAuthZListFile),
    .instance_init = listfile_init,
    .instance_finalize = listfile_finalize,
    .class_size = sizeof(QAuthZClass),
    .class_init = listfile_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void listfile_register_types(void)
{
    type_register_static(&listfile_info);
}

type_init(listfile_register_types);
