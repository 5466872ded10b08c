/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QString: an immutable, NUL-terminated string QObject.
 *
 * Strings from the JSON parser are valid UTF-8, except that U+0000
 * (written "\u0000" in JSON) is stored as the two bytes 0xC0 0x80
 * ("modified UTF-8") so that the C string stays NUL-terminated; the JSON
 * writer turns those bytes back into \u0000.
 */
#ifndef QOBJECT_QSTRING_H
#define QOBJECT_QSTRING_H

#include "qobject/qobject.h"

struct QString {
    struct QObjectBase_ base;
    const char *string;
    size_t length;              /* strlen(string) */
};

/* An empty string. */
QString *qstring_new(void);
QString *qstring_from_str(const char *str);
/* The bytes str[start] .. str[end - 1]. */
QString *qstring_from_substr(const char *str, size_t start, size_t end);
/* Takes over @gstr's buffer and frees @gstr. */
QString *qstring_from_gstring(GString *gstr);

const char *qstring_get_str(const QString *qstring);
size_t qstring_get_length(const QString *qstring);
/* The string of @qstring if it is a QString, else NULL. */
const char *qobject_get_try_str(const QObject *qstring);

bool qstring_is_equal(const QObject *x, const QObject *y);
void qstring_destroy_obj(QObject *obj);

/* g_autoptr(QString) support (GLib needs a real function). */
static inline void qobject_unref_QString(QString *obj)
{
    qobject_unref(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QString, qobject_unref_QString)

#endif /* QOBJECT_QSTRING_H */
