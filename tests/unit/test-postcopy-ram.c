/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination's postcopy memory (migration/postcopy-ram.c) on real
 * userfaultfd: other threads touch pages that have not arrived, block
 * in the kernel, and are woken by placement; requests come out of the
 * fault thread once per page; discarded pages fault again; a range that
 * cannot be registered is named.  Skips, saying why, where the host has
 * no usable userfaultfd.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include "qapi/error.h"
#include "qemu/thread.h"
#include "migration/postcopy-ram.h"

#define PAGE 4096
#define NPAGES 64

typedef struct Req {
    int region;
    uint64_t offset;
} Req;

typedef struct Fixture {
    PostcopyDest *pd;
    uint8_t *mem;
    int region;
    GAsyncQueue *reqs;
} Fixture;

static void on_request(void *opaque, int region, uint64_t offset,
                       uint32_t tid)
{
    Fixture *fx = opaque;
    Req *r = g_new(Req, 1);

    r->region = region;
    r->offset = offset;
    g_async_queue_push(fx->reqs, r);
}

static bool fixture_init(Fixture *fx)
{
    Error *err = NULL;

    if (!postcopy_ram_supported_by_host(&err)) {
        g_test_skip(error_get_pretty(err));
        error_free(err);
        return false;
    }
    fx->reqs = g_async_queue_new_full(g_free);
    fx->mem = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(fx->mem != MAP_FAILED);
    fx->pd = postcopy_dest_new(on_request, NULL, fx, &error_abort);
    fx->region = postcopy_dest_add(fx->pd, "ram", fx->mem, NPAGES * PAGE,
                                   PAGE);
    postcopy_dest_register(fx->pd, &error_abort);
    postcopy_dest_start(fx->pd, &error_abort);
    return true;
}

static void fixture_fini(Fixture *fx)
{
    postcopy_dest_free(fx->pd);
    munmap(fx->mem, NPAGES * PAGE);
    g_async_queue_unref(fx->reqs);
}

/* Pop the next request, failing after a generous wait. */
static Req *next_req(Fixture *fx)
{
    Req *r = g_async_queue_timeout_pop(fx->reqs, 30 * G_USEC_PER_SEC);

    g_assert_nonnull(r);
    return r;
}

typedef struct Reader {
    const volatile uint8_t *page;
    uint32_t tid;
    QemuSemaphore started;
    QemuSemaphore go;
    /* Result: the first byte and whether the page was uniform. */
    uint8_t first;
    bool uniform;
} Reader;

static void *reader_thread(void *opaque)
{
    Reader *rd = opaque;

    rd->tid = syscall(SYS_gettid);
    qemu_sem_post(&rd->started);
    qemu_sem_wait(&rd->go);
    rd->first = rd->page[0];
    rd->uniform = true;
    for (int i = 1; i < PAGE; i++) {
        if (rd->page[i] != rd->first) {
            rd->uniform = false;
        }
    }
    return NULL;
}

/* Start a reader of @page; it touches the page once released. */
static void start_reader_paused(Reader *rd, QemuThread *t,
                                const uint8_t *page)
{
    rd->page = page;
    qemu_sem_init(&rd->started, 0);
    qemu_sem_init(&rd->go, 0);
    qemu_thread_create(t, "reader", reader_thread, rd, QEMU_THREAD_JOINABLE);
    qemu_sem_wait(&rd->started);
}

static void start_reader(Reader *rd, QemuThread *t, const uint8_t *page)
{
    start_reader_paused(rd, t, page);
    qemu_sem_post(&rd->go);
}

static void test_fault_and_place(void)
{
    Fixture fx;
    Reader rd;
    QemuThread t;
    g_autofree uint8_t *src = g_malloc(PAGE);
    Req *r;

    if (!fixture_init(&fx)) {
        return;
    }
    start_reader(&rd, &t, fx.mem + 5 * PAGE);
    r = next_req(&fx);
    g_assert_cmpint(r->region, ==, fx.region);
    g_assert_cmphex(r->offset, ==, 5 * PAGE);
    g_free(r);
    g_assert_false(postcopy_dest_received(fx.pd, fx.region, 5 * PAGE));

    memset(src, 0xab, PAGE);
    g_assert_true(postcopy_dest_place_page(fx.pd, fx.region, 5 * PAGE, src,
                                           &error_abort));
    qemu_thread_join(&t);
    g_assert_cmphex(rd.first, ==, 0xab);
    g_assert_true(rd.uniform);
    g_assert_true(postcopy_dest_received(fx.pd, fx.region, 5 * PAGE));
    g_assert_cmpuint(postcopy_dest_received_count(fx.pd, fx.region), ==, 1);
    g_assert_cmpuint(postcopy_dest_requests(fx.pd), ==, 1);
    /* The page is the copy, not the source buffer. */
    memset(src, 0, PAGE);
    g_assert_cmphex(fx.mem[5 * PAGE], ==, 0xab);
    fixture_fini(&fx);
}

static void test_placed_before_touch(void)
{
    Fixture fx;
    g_autofree uint8_t *src = g_malloc(PAGE);
    uint64_t latency_count;

    if (!fixture_init(&fx)) {
        return;
    }
    memset(src, 0x5a, PAGE);
    g_assert_true(postcopy_dest_place_page(fx.pd, fx.region, 0, src,
                                           &error_abort));
    g_assert_true(postcopy_dest_place_zero(fx.pd, fx.region, PAGE,
                                           &error_abort));
    /* Placed twice: the second is a no-op, not an error. */
    g_assert_true(postcopy_dest_place_zero(fx.pd, fx.region, PAGE,
                                           &error_abort));
    g_assert_cmphex(fx.mem[0], ==, 0x5a);
    g_assert_cmphex(fx.mem[PAGE + 17], ==, 0);
    g_assert_cmpuint(postcopy_dest_requests(fx.pd), ==, 0);
    g_assert_cmpint(g_async_queue_length(fx.reqs), ==, 0);
    postcopy_dest_fault_latency(fx.pd, 99, &latency_count);
    g_assert_cmpuint(latency_count, ==, 0);
    fixture_fini(&fx);
}

static void test_many_waiters_one_request(void)
{
    Fixture fx;
    Reader rd[4];
    QemuThread t[4];
    g_autofree uint8_t *src = g_malloc(PAGE);
    Req *r;

    if (!fixture_init(&fx)) {
        return;
    }
    for (int i = 0; i < 4; i++) {
        start_reader(&rd[i], &t[i], fx.mem + 9 * PAGE);
    }
    r = next_req(&fx);
    g_assert_cmphex(r->offset, ==, 9 * PAGE);
    g_free(r);
    /* Give the other readers time to fault: no second request. */
    g_usleep(100 * 1000);
    g_assert_cmpint(g_async_queue_length(fx.reqs), ==, 0);
    memset(src, 0x11, PAGE);
    postcopy_dest_place_page(fx.pd, fx.region, 9 * PAGE, src, &error_abort);
    for (int i = 0; i < 4; i++) {
        qemu_thread_join(&t[i]);
        g_assert_cmphex(rd[i].first, ==, 0x11);
        g_assert_true(rd[i].uniform);
    }
    g_assert_cmpuint(postcopy_dest_requests(fx.pd), ==, 1);
    fixture_fini(&fx);
}

static void test_discard_faults_again(void)
{
    Fixture fx;
    Reader rd;
    QemuThread t;
    g_autofree uint8_t *src = g_malloc(PAGE);
    Error *err = NULL;
    Req *r;

    if (!fixture_init(&fx)) {
        return;
    }
    memset(src, 0x22, PAGE);
    postcopy_dest_place_page(fx.pd, fx.region, 3 * PAGE, src, &error_abort);
    g_assert_true(postcopy_dest_discard(fx.pd, fx.region, 2 * PAGE,
                                        2 * PAGE, &error_abort));
    g_assert_false(postcopy_dest_received(fx.pd, fx.region, 3 * PAGE));

    start_reader(&rd, &t, fx.mem + 3 * PAGE);
    r = next_req(&fx);
    g_assert_cmphex(r->offset, ==, 3 * PAGE);
    g_free(r);
    memset(src, 0x33, PAGE);
    postcopy_dest_place_page(fx.pd, fx.region, 3 * PAGE, src, &error_abort);
    qemu_thread_join(&t);
    g_assert_cmphex(rd.first, ==, 0x33);

    g_assert_false(postcopy_dest_discard(fx.pd, fx.region, 100, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Postcopy: discard of 0x64+0x1000 is outside RAM block "
                    "'ram' (length 0x40000) or not aligned to its page size "
                    "0x1000");
    error_free(err);
    err = NULL;
    g_assert_false(postcopy_dest_place_page(fx.pd, fx.region, NPAGES * PAGE,
                                            src, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Postcopy: page 0x40000 is not a page of RAM block 'ram' "
                    "(length 0x40000, page size 0x1000)");
    error_free(err);
    fixture_fini(&fx);
}

static void test_rerequest(void)
{
    Fixture fx;
    Reader rd;
    QemuThread t;
    g_autofree uint8_t *src = g_malloc0(PAGE);
    Req *r;

    if (!fixture_init(&fx)) {
        return;
    }
    start_reader(&rd, &t, fx.mem + 7 * PAGE);
    g_free(next_req(&fx));
    /* The request was lost with the link: ask again. */
    postcopy_dest_rerequest(fx.pd);
    r = next_req(&fx);
    g_assert_cmphex(r->offset, ==, 7 * PAGE);
    g_free(r);
    postcopy_dest_place_zero(fx.pd, fx.region, 7 * PAGE, &error_abort);
    qemu_thread_join(&t);
    g_assert_cmphex(rd.first, ==, 0);
    /* Nothing left to ask for. */
    postcopy_dest_rerequest(fx.pd);
    g_assert_cmpint(g_async_queue_length(fx.reqs), ==, 0);
    fixture_fini(&fx);
}

static void test_blocktime(void)
{
    Fixture fx;
    Reader rd;
    QemuThread t;
    g_autofree uint8_t *src = g_malloc0(PAGE);
    uint32_t per_vcpu[2], total;
    uint64_t count, p99;

    if (!fixture_init(&fx)) {
        return;
    }
    /* The reader is "vCPU 0", blocked at least 50 ms on a page. */
    start_reader_paused(&rd, &t, fx.mem + 11 * PAGE);
    postcopy_dest_set_vcpu_tids(fx.pd, &rd.tid, 1);
    qemu_sem_post(&rd.go);
    g_free(next_req(&fx));
    g_usleep(50 * 1000);
    postcopy_dest_place_zero(fx.pd, fx.region, 11 * PAGE, &error_abort);
    qemu_thread_join(&t);

    p99 = postcopy_dest_fault_latency(fx.pd, 99, &count);
    g_assert_cmpuint(count, ==, 1);
    g_assert_cmpuint(p99, >=, 50 * 1000 * 1000);
    total = postcopy_dest_blocktime(fx.pd, per_vcpu, 2);
    /* With one vCPU, all vCPUs were blocked exactly as long as it. */
    g_assert_cmpuint(per_vcpu[0], >=, 50);
    g_assert_cmpuint(total, ==, per_vcpu[0]);
    g_assert_cmpuint(per_vcpu[1], ==, 0);
    fixture_fini(&fx);
}

/*
 * A region of 16 KiB host pages (four target pages each): a reader of a
 * page's third part asks for the host page; parts placed one by one do
 * not wake it (nothing is mapped until the host page is whole), the last
 * one places all of it; a part out of its host page's order is refused.
 * Meanwhile the other channel (postcopy-preempt's) puts another host
 * page together and places it: the channels' host pages never mix.
 */
static void test_host_page_parts(void)
{
    const uint64_t hp = 4 * PAGE;
    g_autofree uint8_t *part = g_malloc(PAGE);
    PostcopyDest *pd;
    Fixture fx = { 0 };
    Error *err = NULL;
    Reader rd;
    QemuThread t;
    Req *r;
    int region;

    if (!postcopy_ram_supported_by_host(&err)) {
        g_test_skip(error_get_pretty(err));
        error_free(err);
        return;
    }
    fx.reqs = g_async_queue_new_full(g_free);
    fx.mem = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(fx.mem != MAP_FAILED);
    pd = postcopy_dest_new(on_request, NULL, &fx, &error_abort);
    region = postcopy_dest_add(pd, "ram", fx.mem, NPAGES * PAGE, hp);
    postcopy_dest_register(pd, &error_abort);
    postcopy_dest_start(pd, &error_abort);

    start_reader(&rd, &t, fx.mem + hp + 2 * PAGE);
    r = next_req(&fx);
    g_assert_cmpuint(r->offset, ==, hp);
    g_free(r);
    for (int i = 0; i < 3; i++) {
        memset(part, 0x10 + i, PAGE);
        g_assert_true(postcopy_dest_place_part(pd, region, 0, hp + i * PAGE,
                                               part, &error_abort));
        g_assert_false(postcopy_dest_received(pd, region, hp));
    }
    /* A part of another host page before this one is whole. */
    g_assert_false(postcopy_dest_place_part(pd, region, 0, 2 * hp + PAGE,
                                            part, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Postcopy: page 0x9000 of "
                    "RAM block 'ram' is not the next part of its 0x4000-byte "
                    "host page (the source must send host pages whole, in "
                    "order)");
    g_clear_pointer(&err, error_free);
    /* The other channel: a whole host page of its own, in between. */
    for (int i = 0; i < 4; i++) {
        memset(part, 0x20 + i, PAGE);
        g_assert_true(postcopy_dest_place_part(pd, region, 1,
                                               2 * hp + i * PAGE, part,
                                               &error_abort));
    }
    g_assert_true(postcopy_dest_received(pd, region, 2 * hp));
    g_assert_false(postcopy_dest_received(pd, region, hp));
    memset(part, 0x13, PAGE);
    g_assert_true(postcopy_dest_place_part(pd, region, 0, hp + 3 * PAGE,
                                           part, &error_abort));
    qemu_thread_join(&t);
    g_assert_cmpint(rd.first, ==, 0x12);
    g_assert_true(rd.uniform);
    for (int i = 0; i < 4; i++) {
        g_assert_true(postcopy_dest_received(pd, region, hp + i * PAGE));
        g_assert_cmpint(fx.mem[hp + i * PAGE], ==, 0x10 + i);
        g_assert_cmpint(fx.mem[2 * hp + i * PAGE], ==, 0x20 + i);
    }
    fx.pd = pd;
    fixture_fini(&fx);
}

static void test_register_error(void)
{
    PostcopyDest *pd;
    Error *err = NULL;
    uint8_t *hole;

    if (!postcopy_ram_supported_by_host(&err)) {
        g_test_skip(error_get_pretty(err));
        error_free(err);
        return;
    }
    hole = mmap(NULL, PAGE * 4, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    g_assert(hole != MAP_FAILED);
    munmap(hole, PAGE * 4);
    pd = postcopy_dest_new(on_request, NULL, NULL, &error_abort);
    postcopy_dest_add(pd, "pc.ram", hole, PAGE * 4, PAGE);
    g_assert_false(postcopy_dest_register(pd, &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "Postcopy: RAM block 'pc.ram' cannot be "
                                   "registered with userfaultfd: "
                                   "UFFDIO_REGISTER of "));
    error_free(err);
    postcopy_dest_free(pd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/postcopy-ram/fault-and-place", test_fault_and_place);
    g_test_add_func("/postcopy-ram/placed-before-touch",
                    test_placed_before_touch);
    g_test_add_func("/postcopy-ram/many-waiters-one-request",
                    test_many_waiters_one_request);
    g_test_add_func("/postcopy-ram/discard", test_discard_faults_again);
    g_test_add_func("/postcopy-ram/rerequest", test_rerequest);
    g_test_add_func("/postcopy-ram/blocktime", test_blocktime);
    g_test_add_func("/postcopy-ram/register-error", test_register_error);
    g_test_add_func("/postcopy-ram/host-page-parts", test_host_page_parts);
    return g_test_run();
}
