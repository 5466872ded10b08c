/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for notifier lists (qemu/notify.h).
 */
#include "qemu/osdep.h"
#include "qemu/notify.h"
#include "qapi/error.h"

typedef struct {
    Notifier n;
    char tag;
    bool remove_self;
} TestNotifier;

static GString *trace;

static void record(Notifier *n, void *data)
{
    TestNotifier *t = container_of(n, TestNotifier, n);

    g_string_append_c(trace, t->tag);
    g_string_append(trace, data);
    if (t->remove_self) {
        notifier_remove(n);
    }
}

static void test_order(void)
{
    NotifierList list = NOTIFIER_LIST_INITIALIZER(list);
    TestNotifier a = { { record }, 'a' }, b = { { record }, 'b' },
                 c = { { record }, 'c' };

    trace = g_string_new("");
    g_assert_true(notifier_list_empty(&list));
    notifier_list_add(&list, &a.n);
    notifier_list_add(&list, &b.n);
    notifier_list_add(&list, &c.n);
    g_assert_false(notifier_list_empty(&list));

    /* The newest notifier is called first, each with the data. */
    notifier_list_notify(&list, (void *)"!");
    g_assert_cmpstr(trace->str, ==, "c!b!a!");

    g_string_truncate(trace, 0);
    notifier_remove(&b.n);
    notifier_remove(&b.n);          /* removing twice is harmless */
    notifier_list_notify(&list, (void *)".");
    g_assert_cmpstr(trace->str, ==, "c.a.");

    notifier_remove(&a.n);
    notifier_remove(&c.n);
    g_assert_true(notifier_list_empty(&list));
    g_string_free(trace, true);
}

static void test_remove_during_notify(void)
{
    NotifierList list;
    TestNotifier a = { { record }, 'a' }, b = { { record }, 'b', true },
                 c = { { record }, 'c', true };

    trace = g_string_new("");
    notifier_list_init(&list);
    notifier_list_add(&list, &a.n);
    notifier_list_add(&list, &b.n);
    notifier_list_add(&list, &c.n);

    notifier_list_notify(&list, (void *)"");
    g_assert_cmpstr(trace->str, ==, "cba");
    /* b and c took themselves off: only a is left. */
    g_string_truncate(trace, 0);
    notifier_list_notify(&list, (void *)"");
    g_assert_cmpstr(trace->str, ==, "a");
    g_string_free(trace, true);
}

typedef struct {
    NotifierWithReturn n;
    char tag;
    int ret;
} TestRetNotifier;

static int record_ret(NotifierWithReturn *n, void *data, Error **errp)
{
    TestRetNotifier *t = container_of(n, TestRetNotifier, n);

    g_string_append_c(trace, t->tag);
    if (t->ret) {
        error_setg(errp, "notifier %c refused %s", t->tag, (char *)data);
    }
    return t->ret;
}

static void test_with_return(void)
{
    NotifierWithReturnList list =
        NOTIFIER_WITH_RETURN_LIST_INITIALIZER(list);
    TestRetNotifier a = { { record_ret }, 'a', 0 },
                    b = { { record_ret }, 'b', -EBUSY },
                    c = { { record_ret }, 'c', 0 };
    Error *err = NULL;

    trace = g_string_new("");
    notifier_with_return_list_add(&list, &a.n);
    notifier_with_return_list_add(&list, &b.n);
    notifier_with_return_list_add(&list, &c.n);

    /* c runs, b fails, a is never asked. */
    g_assert_cmpint(notifier_with_return_list_notify(&list, (void *)"setup",
                                                     &err), ==, -EBUSY);
    g_assert_cmpstr(trace->str, ==, "cb");
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "notifier b refused setup");
    error_free(err);
    err = NULL;

    g_string_truncate(trace, 0);
    notifier_with_return_remove(&b.n);
    g_assert_cmpint(notifier_with_return_list_notify(&list, (void *)"x",
                                                     &err), ==, 0);
    g_assert_cmpstr(trace->str, ==, "ca");
    g_assert_null(err);

    /* errp may be NULL: the failure still shows in the return value. */
    notifier_with_return_list_add(&list, &b.n);
    g_assert_cmpint(notifier_with_return_list_notify(&list, (void *)"y",
                                                     NULL), ==, -EBUSY);
    g_string_free(trace, true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/notify/order", test_order);
    g_test_add_func("/notify/remove-during-notify",
                    test_remove_during_notify);
    g_test_add_func("/notify/with-return", test_with_return);
    return g_test_run();
}
