/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authz-listfile: an authz-list whose policy and rules are the JSON
 * object in 'filename'.  With 'refresh' (default true) the file is
 * watched with inotify and loaded again when it is written or
 * replaced; while the file does not load, every identity is refused.
 */
#ifndef AUTHZ_LISTFILE_H
#define AUTHZ_LISTFILE_H

#include "authz/base.h"

#define TYPE_QAUTHZ_LIST_FILE "authz-listfile"
OBJECT_DECLARE_SIMPLE_TYPE(QAuthZListFile, QAUTHZ_LIST_FILE)

struct QAuthZListFile {
    QAuthZ parent_obj;
    char *filename;
    bool refresh;
    /* The authz-list made from the file; NULL while it fails to load. */
    QAuthZ *list;
    int inotify_fd;
    char *basename;
};

#endif /* AUTHZ_LISTFILE_H */
