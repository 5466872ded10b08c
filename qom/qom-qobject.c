/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM property values as QObjects, through the QObject visitors: the base
 * of the typed property helpers and of QMP qom-get/qom-set.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qom/object.h"
#include "qom/qom-qobject.h"

QObject *object_property_get_qobject(Object *obj, const char *name,
                                     Error **errp)
{
    QObject *ret = NULL;
    Visitor *v = qobject_output_visitor_new(&ret);

    if (object_property_get(obj, name, v, errp)) {
        visit_complete(v, &ret);
    }
    visit_free(v);
    return ret;
}

bool object_property_set_qobject(Object *obj, const char *name,
                                 QObject *value, Error **errp)
{
    Visitor *v = qobject_input_visitor_new(value);
    bool ok = object_property_set(obj, name, v, errp);

    visit_free(v);
    return ok;
}
