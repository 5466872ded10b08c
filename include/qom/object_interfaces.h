/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-creatable objects: the TYPE_USER_CREATABLE interface that -object
 * and object-add accept, creation from a type name plus properties,
 * deletion by id, and the "help" listings.  Such objects live under
 * /objects/ID.
 */
#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"

/* Interface instances are the objects themselves: no struct body. */
typedef struct UserCreatable UserCreatable;

typedef struct UserCreatableClass {
    InterfaceClass parent_class;

    /* Called once every property from the user is set; may refuse. */
    void (*complete)(UserCreatable *uc, Error **errp);
    /* Return false while the object is in use (deletion is refused). */
    bool (*can_be_deleted)(UserCreatable *uc);
} UserCreatableClass;

#define USER_CREATABLE_CLASS(klass) \
    OBJECT_CLASS_CHECK(UserCreatableClass, (klass), TYPE_USER_CREATABLE)
#define USER_CREATABLE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(UserCreatableClass, (obj), TYPE_USER_CREATABLE)
#define USER_CREATABLE(obj) \
    INTERFACE_CHECK(UserCreatable, (obj), TYPE_USER_CREATABLE)

/* Run the complete() hook, if any. */
bool user_creatable_complete(UserCreatable *uc, Error **errp);
/* The can_be_deleted() answer; true without a hook. */
bool user_creatable_can_be_deleted(UserCreatable *uc);

/*
 * Create a user-creatable object of @type, set the properties named by
 * the keys of @qdict by visiting them with @v (an input visitor over
 * @qdict), add it as /objects/@id when @id is not NULL, and complete it.
 * Returns the object with the caller's reference (the container holds
 * another), or NULL with @errp set.
 */
Object *user_creatable_add_type(const char *type, const char *id,
                                const QDict *qdict, Visitor *v,
                                Error **errp);

/*
 * The same from a dictionary holding "qom-type", "id" and the properties
 * (as typed values, or all strings when @keyval).  The object's only
 * reference is then the container's.
 */
bool user_creatable_add_dict(const QDict *qdict, bool keyval, Error **errp);

/*
 * The same from a -object argument: "TYPE,id=ID,PROP=VALUE,..." (or
 * "qom-type=TYPE,...").  ",," stands for a literal comma.  Each value is
 * parsed with object_property_parse().  Returns the object, owned by
 * /objects, or NULL with @errp set.  Help requests are not handled here.
 */
Object *user_creatable_add_opts_str(const char *optarg, Error **errp);

/*
 * For -object: print the help text if @str asks for it ("help",
 * "TYPE,help"), else create the object.  True on success or help.
 */
bool user_creatable_add_from_str(const char *str, Error **errp);
/* Same, exiting the program on error (and with status 0 after help). */
void user_creatable_process_cmdline(const char *cmdline);

/*
 * If @optarg asks for help, the text to print: the list of user-creatable
 * types for "help" or "?", or the properties of TYPE for "TYPE,help".
 * NULL otherwise (with @errp set when the type in a help request is not
 * a user-creatable type).  g_free the result.
 */
char *user_creatable_help(const char *optarg, Error **errp);
/* Print user_creatable_help(@optarg) if it is a help request. */
bool user_creatable_print_help_str(const char *optarg);

/* Unparent /objects/@id unless it is in use. */
bool user_creatable_del(const char *id, Error **errp);
/* Delete every user-created object (at exit). */
void user_creatable_cleanup(void);

/*
 * QEMU's identifier rule for ids: letters, digits, '-', '.', '_',
 * starting with a letter.
 */
bool id_wellformed(const char *id);

#endif /* QOM_OBJECT_INTERFACES_H */
