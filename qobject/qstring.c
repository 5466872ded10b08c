/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QString: immutable string QObject.
 */
#include "qemu/osdep.h"
#include "qobject/qstring.h"

/* Takes over @str, a g_malloc'd string of @length bytes. */
static QString *qstring_take(char *str, size_t length)
{
    QString *qs = g_new(QString, 1);

    qobject_init(QOBJECT(qs), QTYPE_QSTRING);
    qs->string = str;
    qs->length = length;
    return qs;
}

QString *qstring_new(void)
{
    return qstring_take(g_strdup(""), 0);
}

QString *qstring_from_str(const char *str)
{
    return qstring_from_substr(str, 0, strlen(str));
}

QString *qstring_from_substr(const char *str, size_t start, size_t end)
{
    assert(start <= end);
    return qstring_take(g_strndup(str + start, end - start),
                        strnlen(str + start, end - start));
}

QString *qstring_from_gstring(GString *gstr)
{
    size_t len = strlen(gstr->str);

    return qstring_take(g_string_free(gstr, false), len);
}

const char *qstring_get_str(const QString *qstring)
{
    return qstring->string;
}

size_t qstring_get_length(const QString *qstring)
{
    return qstring->length;
}

const char *qobject_get_try_str(const QObject *qstring)
{
    QString *qs = qobject_to(QString, qstring);

    return qs ? qs->string : NULL;
}

bool qstring_is_equal(const QObject *x, const QObject *y)
{
    const QString *a = qobject_to(QString, x);
    const QString *b = qobject_to(QString, y);

    return a->length == b->length && !memcmp(a->string, b->string, a->length);
}

void qstring_destroy_obj(QObject *obj)
{
    QString *qs = qobject_to(QString, obj);

    g_free((char *)qs->string);
    g_free(qs);
}
