/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the intrusive lists of qemu/queue.h.
 */
#include "qemu/osdep.h"
#include "qemu/queue.h"

typedef struct Item {
    int v;
    QLIST_ENTRY(Item) l;
    QSLIST_ENTRY(Item) sl;
    QSIMPLEQ_ENTRY(Item) sq;
    QTAILQ_ENTRY(Item) tq;
} Item;

static Item items[6];

static void init_items(void)
{
    memset(items, 0, sizeof(items));
    for (int i = 0; i < ARRAY_SIZE(items); i++) {
        items[i].v = i;
    }
}

#define COLLECT(buf, var, FOREACH, ...) do {            \
        (buf)[0] = '\0';                                \
        FOREACH(var, __VA_ARGS__) {                     \
            char d_[2] = { '0' + (var)->v, 0 };         \
            g_strlcat((buf), d_, sizeof(buf));          \
        }                                               \
    } while (0)

static void test_qlist(void)
{
    QLIST_HEAD(, Item) h = QLIST_HEAD_INITIALIZER(h);
    QLIST_HEAD(, Item) h2;
    Item *it, *next;
    char buf[16];

    init_items();
    QLIST_INIT(&h2);
    g_assert_true(QLIST_EMPTY(&h));
    QLIST_INSERT_HEAD(&h, &items[1], l);
    QLIST_INSERT_HEAD(&h, &items[0], l);
    QLIST_INSERT_AFTER(&items[1], &items[3], l);
    QLIST_INSERT_BEFORE(&items[3], &items[2], l);
    COLLECT(buf, it, QLIST_FOREACH, &h, l);
    g_assert_cmpstr(buf, ==, "0123");
    g_assert_true(QLIST_FIRST(&h) == &items[0]);
    g_assert_true(QLIST_NEXT(&items[0], l) == &items[1]);
    g_assert_true(QLIST_IS_INSERTED(&items[2], l));

    QLIST_REMOVE(&items[2], l);
    g_assert_false(QLIST_IS_INSERTED(&items[2], l));
    QLIST_SAFE_REMOVE(&items[2], l);
    COLLECT(buf, it, QLIST_FOREACH, &h, l);
    g_assert_cmpstr(buf, ==, "013");

    QLIST_SWAP(&h, &h2, l);
    g_assert_true(QLIST_EMPTY(&h));
    COLLECT(buf, it, QLIST_FOREACH, &h2, l);
    g_assert_cmpstr(buf, ==, "013");
    QLIST_REMOVE(&items[0], l);   /* head removal through the new head */
    COLLECT(buf, it, QLIST_FOREACH, &h2, l);
    g_assert_cmpstr(buf, ==, "13");

    QLIST_FOREACH_SAFE(it, &h2, l, next) {
        QLIST_REMOVE(it, l);
    }
    g_assert_true(QLIST_EMPTY(&h2));
}

static void test_qslist(void)
{
    QSLIST_HEAD(, Item) h = QSLIST_HEAD_INITIALIZER(h);
    QSLIST_HEAD(, Item) taken;
    Item *it, *next;
    char buf[16];

    init_items();
    QSLIST_INSERT_HEAD(&h, &items[3], sl);
    QSLIST_INSERT_HEAD(&h, &items[1], sl);
    QSLIST_INSERT_AFTER(&items[1], &items[2], sl);
    QSLIST_INSERT_HEAD_ATOMIC(&h, &items[0], sl);
    COLLECT(buf, it, QSLIST_FOREACH, &h, sl);
    g_assert_cmpstr(buf, ==, "0123");

    QSLIST_REMOVE(&h, &items[2], Item, sl);
    QSLIST_REMOVE_HEAD(&h, sl);
    COLLECT(buf, it, QSLIST_FOREACH, &h, sl);
    g_assert_cmpstr(buf, ==, "13");
    QSLIST_REMOVE_AFTER(&items[1], sl);
    COLLECT(buf, it, QSLIST_FOREACH, &h, sl);
    g_assert_cmpstr(buf, ==, "1");

    QSLIST_INSERT_HEAD(&h, &items[4], sl);
    QSLIST_MOVE_ATOMIC(&taken, &h);
    g_assert_true(QSLIST_EMPTY(&h));
    COLLECT(buf, it, QSLIST_FOREACH, &taken, sl);
    g_assert_cmpstr(buf, ==, "41");
    QSLIST_FOREACH_SAFE(it, &taken, sl, next) {
        QSLIST_REMOVE(&taken, it, Item, sl);
    }
    g_assert_true(QSLIST_EMPTY(&taken));
}

static void test_qsimpleq(void)
{
    QSIMPLEQ_HEAD(, Item) h = QSIMPLEQ_HEAD_INITIALIZER(h);
    QSIMPLEQ_HEAD(, Item) h2;
    Item *it, *next;
    char buf[16];

    init_items();
    QSIMPLEQ_INIT(&h2);
    g_assert_null(QSIMPLEQ_LAST(&h, Item, sq));
    QSIMPLEQ_INSERT_TAIL(&h, &items[1], sq);
    QSIMPLEQ_INSERT_HEAD(&h, &items[0], sq);
    QSIMPLEQ_INSERT_TAIL(&h, &items[3], sq);
    QSIMPLEQ_INSERT_AFTER(&h, &items[1], &items[2], sq);
    COLLECT(buf, it, QSIMPLEQ_FOREACH, &h, sq);
    g_assert_cmpstr(buf, ==, "0123");
    g_assert_true(QSIMPLEQ_LAST(&h, Item, sq) == &items[3]);

    /* Removing the tail must keep appends working. */
    QSIMPLEQ_REMOVE(&h, &items[3], Item, sq);
    QSIMPLEQ_INSERT_TAIL(&h, &items[4], sq);
    QSIMPLEQ_REMOVE_HEAD(&h, sq);
    COLLECT(buf, it, QSIMPLEQ_FOREACH, &h, sq);
    g_assert_cmpstr(buf, ==, "124");

    QSIMPLEQ_INSERT_TAIL(&h2, &items[5], sq);
    QSIMPLEQ_CONCAT(&h, &h2);
    g_assert_true(QSIMPLEQ_EMPTY(&h2));
    COLLECT(buf, it, QSIMPLEQ_FOREACH, &h, sq);
    g_assert_cmpstr(buf, ==, "1245");

    QSIMPLEQ_INSERT_TAIL(&h2, &items[0], sq);
    QSIMPLEQ_PREPEND(&h, &h2);
    COLLECT(buf, it, QSIMPLEQ_FOREACH, &h, sq);
    g_assert_cmpstr(buf, ==, "01245");
    g_assert_true(QSIMPLEQ_LAST(&h, Item, sq) == &items[5]);

    QSIMPLEQ_FOREACH_SAFE(it, &h, sq, next) {
        QSIMPLEQ_REMOVE(&h, it, Item, sq);
    }
    g_assert_true(QSIMPLEQ_EMPTY(&h));
    QSIMPLEQ_INSERT_TAIL(&h, &items[3], sq);
    g_assert_true(QSIMPLEQ_FIRST(&h) == &items[3]);
}

static void test_qtailq(void)
{
    QTAILQ_HEAD(, Item) h = QTAILQ_HEAD_INITIALIZER(h);
    QTAILQ_HEAD(, Item) h2;
    Item *it, *next;
    char buf[16];

    init_items();
    QTAILQ_INIT(&h2);
    g_assert_null(QTAILQ_LAST(&h));
    QTAILQ_INSERT_TAIL(&h, &items[2], tq);
    QTAILQ_INSERT_HEAD(&h, &items[0], tq);
    QTAILQ_INSERT_AFTER(&h, &items[0], &items[1], tq);
    QTAILQ_INSERT_AFTER(&h, &items[2], &items[4], tq);
    QTAILQ_INSERT_BEFORE(&items[4], &items[3], tq);
    COLLECT(buf, it, QTAILQ_FOREACH, &h, tq);
    g_assert_cmpstr(buf, ==, "01234");
    COLLECT(buf, it, QTAILQ_FOREACH_REVERSE, &h, tq);
    g_assert_cmpstr(buf, ==, "43210");
    g_assert_true(QTAILQ_LAST(&h) == &items[4]);
    g_assert_true(QTAILQ_PREV(&items[1], tq) == &items[0]);
    g_assert_null(QTAILQ_PREV(&items[0], tq));

    QTAILQ_REMOVE(&h, &items[4], tq);
    QTAILQ_REMOVE(&h, &items[0], tq);
    g_assert_false(QTAILQ_IN_USE(&items[0], tq));
    g_assert_true(QTAILQ_IN_USE(&items[1], tq));
    COLLECT(buf, it, QTAILQ_FOREACH_REVERSE, &h, tq);
    g_assert_cmpstr(buf, ==, "321");

    QTAILQ_INSERT_TAIL(&h2, &items[5], tq);
    QTAILQ_CONCAT(&h, &h2, tq);
    g_assert_true(QTAILQ_EMPTY(&h2));
    g_assert_true(QTAILQ_LAST(&h) == &items[5]);
    COLLECT(buf, it, QTAILQ_FOREACH, &h, tq);
    g_assert_cmpstr(buf, ==, "1235");

    QTAILQ_SWAP(&h, &h2, tq);
    g_assert_true(QTAILQ_EMPTY(&h));
    g_assert_null(QTAILQ_LAST(&h));
    COLLECT(buf, it, QTAILQ_FOREACH_REVERSE, &h2, tq);
    g_assert_cmpstr(buf, ==, "5321");

    QTAILQ_FOREACH_REVERSE_SAFE(it, &h2, tq, next) {
        if (it->v & 1) {
            QTAILQ_REMOVE(&h2, it, tq);
        }
    }
    COLLECT(buf, it, QTAILQ_FOREACH, &h2, tq);
    g_assert_cmpstr(buf, ==, "2");
    QTAILQ_FOREACH_SAFE(it, &h2, tq, next) {
        QTAILQ_REMOVE(&h2, it, tq);
    }
    g_assert_true(QTAILQ_EMPTY(&h2));
    QTAILQ_INSERT_TAIL(&h2, &items[0], tq);
    g_assert_true(QTAILQ_LAST(&h2) == &items[0]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/queue/qlist", test_qlist);
    g_test_add_func("/queue/qslist", test_qslist);
    g_test_add_func("/queue/qsimpleq", test_qsimpleq);
    g_test_add_func("/queue/qtailq", test_qtailq);
    return g_test_run();
}
