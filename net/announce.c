/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-announcements: each NIC sends a gratuitous RARP for its MAC so
 * that switches learn where the guest now is.  announce-self runs them
 * on a timer (named by "id"; the same id replaces a running one), and a
 * completed incoming migration runs them with the announce-* migration
 * parameters.  The first round goes at once; round n (from 1) waits
 * initial + (n - 1) * step ms after the previous one, at most max.
 */
#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-net.h"
#include "qapi/qapi-visit-net.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "migration/misc.h"
#include "monitor/hmp.h"
#include "net/announce.h"
#include "net/net.h"
#include "net/trace.h"

typedef struct AnnounceTimer {
    QEMUTimer *tm;
    AnnounceParameters *params;
    int round;
} AnnounceTimer;

/* Running timers by id ("" is the migration's and announce-self's). */
static GHashTable *announce_timers;

size_t announce_self_create(uint8_t *buf, const uint8_t *mac)
{
    /* Ethernet: broadcast, from the NIC, ethertype RARP. */
    memset(buf, 0xff, 6);
    memcpy(buf + 6, mac, 6);
    buf[12] = 0x80;
    buf[13] = 0x35;
    /* RARP: Ethernet/IPv4, lengths 6 and 4, opcode 3 (request reverse). */
    buf[14] = 0x00;
    buf[15] = 0x01;
    buf[16] = 0x08;
    buf[17] = 0x00;
    buf[18] = 6;
    buf[19] = 4;
    buf[20] = 0x00;
    buf[21] = 0x03;
    memcpy(buf + 22, mac, 6);
    memset(buf + 28, 0, 4);
    memcpy(buf + 32, mac, 6);
    memset(buf + 38, 0, 4);
    /* Padded to the 60-byte minimum frame (the FCS is the NIC's). */
    memset(buf + 42, 0, 18);
    return 60;
}

static bool announce_wanted(AnnounceTimer *t, NICState *nic)
{
    if (!t->params->interfaces) {
        return true;
    }
    for (strList *l = t->params->interfaces; l; l = l->next) {
        if (!strcmp(l->value, nic->nc.name)) {
            return true;
        }
    }
    return false;
}

static void announce_self_iter(NICState *nic, void *opaque)
{
    AnnounceTimer *t = opaque;
    g_autofree char *mac = NULL;
    uint8_t buf[60];
    size_t len;

    if (!announce_wanted(t, nic)) {
        return;
    }
    mac = qemu_mac_strdup_printf(nic->conf->macaddr.a);
    trace_qemu_announce_self_iter(mac);
    len = announce_self_create(buf, nic->conf->macaddr.a);
    qemu_send_packet(qemu_get_queue(nic), buf, len);
}

static void announce_timer_free(gpointer p)
{
    AnnounceTimer *t = p;

    timer_free(t->tm);
    qapi_free_AnnounceParameters(t->params);
    g_free(t);
}

static const char *announce_id(AnnounceTimer *t)
{
    return t->params->id ? t->params->id : "";
}

static void announce_self_once(void *opaque)
{
    AnnounceTimer *t = opaque;
    int64_t delay;

    qemu_foreach_nic(announce_self_iter, t);
    if (--t->round <= 0) {
        g_hash_table_remove(announce_timers, announce_id(t));
        return;
    }
    delay = t->params->initial +
            (t->params->rounds - t->round - 1) * t->params->step;
    if (delay < 0 || delay > t->params->max) {
        delay = t->params->max;
    }
    trace_qemu_announce_timer(announce_id(t), t->round, delay);
    timer_mod(t->tm, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + delay);
}

void qemu_announce_self(const AnnounceParameters *params)
{
    AnnounceTimer *t = g_new0(AnnounceTimer, 1);

    if (!announce_timers) {
        announce_timers = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                g_free, announce_timer_free);
    }
    t->params = QAPI_CLONE(AnnounceParameters, params);
    t->round = params->rounds;
    t->tm = timer_new_ms(QEMU_CLOCK_REALTIME, announce_self_once, t);
    /* A timer with the same id stops in favour of the new one. */
    g_hash_table_replace(announce_timers, g_strdup(announce_id(t)), t);
    if (params->rounds > 0) {
        announce_self_once(t);
    } else {
        g_hash_table_remove(announce_timers, announce_id(t));
    }
}

void qmp_announce_self(AnnounceParameters *params, Error **errp)
{
    if (params->initial < 0 || params->max < 0 || params->rounds < 0 ||
        params->step < 0) {
        error_setg(errp, "announce-self: initial, max, rounds and step "
                   "must not be negative");
        return;
    }
    qemu_announce_self(params);
}

static void hmp_announce_self(Monitor *mon, const QDict *qdict)
{
    AnnounceParameters params;
    const char *interfaces = qdict_get_try_str(qdict, "interfaces");
    const char *id = qdict_get_try_str(qdict, "id");
    g_auto(GStrv) names = NULL;
    strList *list = NULL;
    Error *err = NULL;

    migrate_announce_params(&params);
    if (interfaces) {
        names = g_strsplit(interfaces, ",", -1);
        for (int i = g_strv_length(names) - 1; i >= 0; i--) {
            QAPI_LIST_PREPEND(list, g_strdup(names[i]));
        }
        params.interfaces = list;
    }
    params.id = (char *)id;
    qmp_announce_self(&params, &err);
    qapi_free_strList(list);
    hmp_handle_error(mon, err);
}

static int announce_migration_done(NotifierWithReturn *n, MigrationEvent *e,
                                   Error **errp)
{
    AnnounceParameters params;

    if (e->type == MIG_EVENT_INCOMING_DONE) {
        migrate_announce_params(&params);
        qemu_announce_self(&params);
    }
    return 0;
}

static NotifierWithReturn announce_migration_notifier;

static const HMPCommand hmp_announce_cmds[] = {
    { "announce_self", "interfaces:s?,id:s?", "[interfaces] [id]",
      "Trigger GARP/RARP announcements", hmp_announce_self },
    { NULL }
};

static void announce_register(void)
{
    migration_add_notifier(&announce_migration_notifier,
                           announce_migration_done);
    hmp_register_commands(hmp_announce_cmds);
}

type_init(announce_register)
