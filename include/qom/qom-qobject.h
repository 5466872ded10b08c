/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM properties as QObjects: what QMP qom-get/qom-set and the typed
 * property helpers go through.
 */
#ifndef QOM_QOM_QOBJECT_H
#define QOM_QOM_QOBJECT_H

#include "qom/object.h"

/* The value of property @name of @obj (a new reference), or NULL. */
QObject *object_property_get_qobject(Object *obj, const char *name,
                                     Error **errp);
/* Set property @name of @obj from @value (not consumed). */
bool object_property_set_qobject(Object *obj, const char *name,
                                 QObject *value, Error **errp);

#endif /* QOM_QOM_QOBJECT_H */
