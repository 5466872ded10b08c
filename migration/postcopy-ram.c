/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination's postcopy memory: userfaultfd registration, the
 * fault thread, atomic page placement, the received bitmap, blocktime.
 *
 * Locking: pd->lock guards the requested bitmaps, the fault records and
 * the blocktime counters.  The received bitmaps are set atomically by
 * the placing thread and read without the lock: a stale "not received"
 * only costs a duplicate request, and a page sent twice is placed once
 * (EEXIST).
 */
#include "qemu/osdep.h"
#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qemu/userfaultfd.h"
#include "migration/postcopy-ram.h"
#include "migration/trace.h"

typedef struct PostcopyRegion {
    char *name;
    uint8_t *host;
    uint64_t len;
    uint64_t page_size;
    unsigned long *received;     /* target pages */
    unsigned long *requested;    /* host pages; pd->lock */
    bool registered;
    bool zeropage_ok;            /* UFFDIO_ZEROPAGE allowed on it */
    /*
     * Huge pages: the host page each channel is putting together from
     * target pages (a channel carries host pages whole, so the two
     * channels' host pages never mix).
     */
    struct {
        uint8_t *buf;
        uint64_t next;           /* offset of the next part, or -1 */
        bool zero;               /* every part so far was zeroes */
    } assembly[POSTCOPY_CHANNELS];
} PostcopyRegion;

/* A page some thread is waiting for (keyed by its host address). */
typedef struct PostcopyFaultRec {
    int64_t start_ns;            /* first fault seen */
} PostcopyFaultRec;

#define POSTCOPY_LATENCY_SAMPLES (1 << 20)

struct PostcopyDest {
    int uffd;
    int quit_fd;                 /* eventfd: the fault thread exits */
    PostcopyRequestFn *request;
    PostcopyDiscardFn *discard;
    void *opaque;
    GArray *regions;             /* PostcopyRegion */
    QemuThread thread;
    bool thread_running;
    void *zero_page;             /* for regions without ZEROPAGE */
    uint64_t zero_page_size;

    QemuMutex lock;
    GHashTable *faults;          /* host page -> PostcopyFaultRec */
    uint64_t requests;
    /* Fault-to-placement latencies (ns), the first samples only. */
    GArray *latency;

    /* Blocktime (ms totals kept in ns). */
    int nr_vcpus;
    uint32_t *vcpu_tids;
    uintptr_t *vcpu_waiting;     /* host page the vCPU waits on, 0: none */
    int64_t *vcpu_since;
    int64_t *vcpu_total_ns;
    int nr_blocked;
    int64_t all_since;
    int64_t all_total_ns;
};

static PostcopyRegion *region_get(PostcopyDest *pd, int i)
{
    assert(i >= 0 && i < pd->regions->len);
    return &g_array_index(pd->regions, PostcopyRegion, i);
}

bool postcopy_ram_supported_by_host(Error **errp)
{
    uint64_t features;
    Error *err = NULL;

    if (!uffd_query_features(&features, &err)) {
        error_propagate_prepend(errp, err, "Postcopy is not supported: ");
        return false;
    }
    return true;
}

PostcopyDest *postcopy_dest_new(PostcopyRequestFn *request,
                                PostcopyDiscardFn *discard, void *opaque,
                                Error **errp)
{
    uint64_t features;
    PostcopyDest *pd;
    int fd;

    if (!uffd_query_features(&features, errp)) {
        error_prepend(errp, "Postcopy is not supported: ");
        return NULL;
    }
    /* The faulting thread's id feeds blocktime; ask for it if offered. */
    fd = uffd_open(features & UFFD_FEATURE_THREAD_ID, errp);
    if (fd < 0) {
        error_prepend(errp, "Postcopy is not supported: ");
        return NULL;
    }
    pd = g_new0(PostcopyDest, 1);
    pd->uffd = fd;
    pd->quit_fd = -1;
    pd->request = request;
    pd->discard = discard;
    pd->opaque = opaque;
    pd->regions = g_array_new(false, true, sizeof(PostcopyRegion));
    pd->faults = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    pd->latency = g_array_new(false, false, sizeof(uint64_t));
    qemu_mutex_init(&pd->lock);
    return pd;
}

int postcopy_dest_add(PostcopyDest *pd, const char *name, void *host,
                      uint64_t len, uint64_t page_size)
{
    PostcopyRegion r = {
        .name = g_strdup(name),
        .host = host,
        .len = len,
        .page_size = page_size,
        .received = bitmap_new(DIV_ROUND_UP(len, TARGET_PAGE_SIZE)),
        .requested = bitmap_new(DIV_ROUND_UP(len, page_size)),
        .assembly = { { .next = UINT64_MAX }, { .next = UINT64_MAX } },
    };

    assert(page_size >= TARGET_PAGE_SIZE &&
           QEMU_IS_ALIGNED(len, page_size));
    g_array_append_val(pd->regions, r);
    if (page_size > pd->zero_page_size) {
        qemu_vfree(pd->zero_page);
        pd->zero_page = qemu_memalign(page_size, page_size);
        memset(pd->zero_page, 0, page_size);
        pd->zero_page_size = page_size;
    }
    return pd->regions->len - 1;
}

/*
 * Register @r on @fd; false, naming the region, if userfaultfd refuses it
 * or it does not allow UFFDIO_COPY (then it stays registered: the caller
 * unregisters or tears down the fd).
 */
static bool region_register(PostcopyRegion *r, int fd, uint64_t *ioctls,
                            Error **errp)
{
    Error *err = NULL;

    if (!uffd_register(fd, r->host, r->len, ioctls, &err)) {
        error_propagate_prepend(errp, err, "Postcopy: RAM block '%s' "
                                "cannot be registered with "
                                "userfaultfd: ", r->name);
        return false;
    }
    if (!(*ioctls & (1ULL << _UFFDIO_COPY))) {
        uffd_unregister(fd, r->host, r->len, NULL);
        error_setg(errp, "Postcopy: RAM block '%s' cannot be "
                   "registered with userfaultfd: its memory does not "
                   "allow UFFDIO_COPY", r->name);
        return false;
    }
    return true;
}

bool postcopy_dest_check(PostcopyDest *pd, Error **errp)
{
    int fd = uffd_open(0, errp);
    bool ok = true;

    if (fd < 0) {
        return false;
    }
    for (int i = 0; ok && i < pd->regions->len; i++) {
        PostcopyRegion *r = region_get(pd, i);
        uint64_t ioctls;

        if (!r->len) {
            continue;
        }
        /*
         * Unregistering wakes any thread that faulted meanwhile, and it
         * retries as if the range had never been registered.
         */
        ok = region_register(r, fd, &ioctls, errp) &&
             uffd_unregister(fd, r->host, r->len, errp);
    }
    close(fd);
    return ok;
}

bool postcopy_dest_register(PostcopyDest *pd, Error **errp)
{
    for (int i = 0; i < pd->regions->len; i++) {
        PostcopyRegion *r = region_get(pd, i);
        uint64_t ioctls;

        if (r->registered || !r->len) {
            continue;
        }
        if (!region_register(r, pd->uffd, &ioctls, errp)) {
            return false;
        }
        r->registered = true;
        r->zeropage_ok = ioctls & (1ULL << _UFFDIO_ZEROPAGE);
        trace_postcopy_dest_register(r->name, r->len, r->page_size);
    }
    return true;
}

/* Caller holds pd->lock.  A placed page: who waited, and for how long. */
static void fault_resolved(PostcopyDest *pd, PostcopyRegion *r,
                           uintptr_t page, int64_t now)
{
    PostcopyFaultRec *rec = g_hash_table_lookup(pd->faults,
                                                (gpointer)page);

    if (!rec) {
        return;
    }
    if (pd->latency->len < POSTCOPY_LATENCY_SAMPLES) {
        uint64_t ns = now - rec->start_ns;

        g_array_append_val(pd->latency, ns);
    }
    g_hash_table_remove(pd->faults, (gpointer)page);
    for (int v = 0; v < pd->nr_vcpus; v++) {
        if (pd->vcpu_waiting[v] != page) {
            continue;
        }
        if (pd->nr_blocked == pd->nr_vcpus) {
            pd->all_total_ns += now - pd->all_since;
        }
        pd->vcpu_total_ns[v] += now - pd->vcpu_since[v];
        pd->vcpu_waiting[v] = 0;
        pd->nr_blocked--;
    }
}

static void page_placed(PostcopyDest *pd, int region, uint64_t offset)
{
    PostcopyRegion *r = region_get(pd, region);
    uint64_t first = offset >> TARGET_PAGE_BITS;
    uint64_t n = r->page_size >> TARGET_PAGE_BITS;

    for (uint64_t i = 0; i < n; i++) {
        set_bit_atomic(first + i, r->received);
    }
    qemu_mutex_lock(&pd->lock);
    clear_bit(offset / r->page_size, r->requested);
    if (g_hash_table_size(pd->faults)) {
        fault_resolved(pd, r, (uintptr_t)(r->host + offset), get_clock());
    }
    qemu_mutex_unlock(&pd->lock);
}

static bool check_page(PostcopyRegion *r, uint64_t offset, Error **errp)
{
    if (offset >= r->len || !QEMU_IS_ALIGNED(offset, r->page_size)) {
        error_setg(errp, "Postcopy: page 0x%" PRIx64 " is not a page of "
                   "RAM block '%s' (length 0x%" PRIx64 ", page size 0x%"
                   PRIx64 ")", offset, r->name, r->len, r->page_size);
        return false;
    }
    return true;
}

bool postcopy_dest_place_page(PostcopyDest *pd, int region, uint64_t offset,
                              const void *src, Error **errp)
{
    PostcopyRegion *r = region_get(pd, region);

    if (!check_page(r, offset, errp) ||
        !uffd_copy(pd->uffd, r->host + offset, src, r->page_size, NULL,
                   errp)) {
        return false;
    }
    page_placed(pd, region, offset);
    return true;
}

bool postcopy_dest_place_zero(PostcopyDest *pd, int region, uint64_t offset,
                              Error **errp)
{
    PostcopyRegion *r = region_get(pd, region);
    bool ok;

    if (!check_page(r, offset, errp)) {
        return false;
    }
    if (r->zeropage_ok) {
        ok = uffd_zeropage(pd->uffd, r->host + offset, r->page_size, NULL,
                           errp);
    } else {
        ok = uffd_copy(pd->uffd, r->host + offset, pd->zero_page,
                       r->page_size, NULL, errp);
    }
    if (ok) {
        page_placed(pd, region, offset);
    }
    return ok;
}

bool postcopy_dest_place_part(PostcopyDest *pd, int region, int channel,
                              uint64_t offset, const void *src, Error **errp)
{
    PostcopyRegion *r = region_get(pd, region);
    uint64_t host = QEMU_ALIGN_DOWN(offset, r->page_size);
    uint64_t part = offset - host;
    typeof(r->assembly[0]) *a = &r->assembly[channel];

    assert(channel >= 0 && channel < POSTCOPY_CHANNELS);

    if (r->page_size == TARGET_PAGE_SIZE) {
        return src ? postcopy_dest_place_page(pd, region, offset, src, errp)
                   : postcopy_dest_place_zero(pd, region, offset, errp);
    }
    if (offset >= r->len || !QEMU_IS_ALIGNED(offset, TARGET_PAGE_SIZE)) {
        error_setg(errp, "Postcopy: page 0x%" PRIx64 " is not a page of "
                   "RAM block '%s' (length 0x%" PRIx64 ")", offset, r->name,
                   r->len);
        return false;
    }
    if (!part) {
        /* A new host page; one left unfinished by a broken link goes. */
        a->zero = true;
    } else if (offset != a->next) {
        error_setg(errp, "Postcopy: page 0x%" PRIx64 " of RAM block '%s' "
                   "is not the next part of its 0x%" PRIx64 "-byte host "
                   "page (the source must send host pages whole, in "
                   "order)", offset, r->name, r->page_size);
        return false;
    }
    if (!a->buf) {
        a->buf = qemu_memalign(r->page_size, r->page_size);
    }
    if (src) {
        memcpy(a->buf + part, src, TARGET_PAGE_SIZE);
        a->zero = false;
    } else {
        memset(a->buf + part, 0, TARGET_PAGE_SIZE);
    }
    a->next = offset + TARGET_PAGE_SIZE;
    if (a->next < host + r->page_size) {
        return true;
    }
    a->next = UINT64_MAX;
    return a->zero ? postcopy_dest_place_zero(pd, region, host, errp)
                   : postcopy_dest_place_page(pd, region, host, a->buf, errp);
}

bool postcopy_dest_received(PostcopyDest *pd, int region, uint64_t offset)
{
    PostcopyRegion *r = region_get(pd, region);

    return offset < r->len &&
           test_bit(offset >> TARGET_PAGE_BITS, r->received);
}

uint64_t postcopy_dest_received_count(PostcopyDest *pd, int region)
{
    PostcopyRegion *r = region_get(pd, region);

    return bitmap_count_one(r->received,
                            r->len >> TARGET_PAGE_BITS);
}

const unsigned long *postcopy_dest_received_bitmap(PostcopyDest *pd,
                                                   int region,
                                                   uint64_t *nbits)
{
    PostcopyRegion *r = region_get(pd, region);

    *nbits = r->len >> TARGET_PAGE_BITS;
    return r->received;
}

bool postcopy_dest_discard(PostcopyDest *pd, int region, uint64_t offset,
                           uint64_t len, Error **errp)
{
    PostcopyRegion *r = region_get(pd, region);
    int ret;

    if (offset > r->len || len > r->len - offset ||
        !QEMU_IS_ALIGNED(offset | len, r->page_size)) {
        error_setg(errp, "Postcopy: discard of 0x%" PRIx64 "+0x%" PRIx64
                   " is outside RAM block '%s' (length 0x%" PRIx64
                   ") or not aligned to its page size 0x%" PRIx64,
                   offset, len, r->name, r->len, r->page_size);
        return false;
    }
    if (!len) {
        return true;
    }
    trace_postcopy_dest_discard(r->name, offset, len);
    if (pd->discard) {
        ret = pd->discard(pd->opaque, region, offset, len);
    } else {
        ret = madvise(r->host + offset, len, MADV_DONTNEED) ? -errno : 0;
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Postcopy: discarding 0x%" PRIx64
                         "+0x%" PRIx64 " of RAM block '%s' failed",
                         offset, len, r->name);
        return false;
    }
    bitmap_clear(r->received, offset >> TARGET_PAGE_BITS,
                 len >> TARGET_PAGE_BITS);
    return true;
}

int postcopy_dest_find(PostcopyDest *pd, const char *name)
{
    for (int i = 0; i < pd->regions->len; i++) {
        if (!strcmp(region_get(pd, i)->name, name)) {
            return i;
        }
    }
    return -1;
}

int postcopy_dest_region_of(PostcopyDest *pd, const void *host,
                            uint64_t *offset)
{
    const uint8_t *p = host;

    for (int i = 0; i < pd->regions->len; i++) {
        PostcopyRegion *r = region_get(pd, i);

        if (p >= r->host && p < r->host + r->len) {
            *offset = p - r->host;
            return i;
        }
    }
    return -1;
}

uint64_t postcopy_dest_page_size(PostcopyDest *pd, int region)
{
    return region_get(pd, region)->page_size;
}

/* Fault thread: one fault read from the descriptor. */
static void handle_fault(PostcopyDest *pd, const UffdFault *fault)
{
    uint64_t offset;
    int i = postcopy_dest_region_of(pd, (void *)(uintptr_t)fault->address,
                                    &offset);
    PostcopyRegion *r;
    uintptr_t page;
    bool ask;
    int64_t now = get_clock();

    if (i < 0) {
        warn_report("Postcopy: fault at 0x%" PRIx64 " outside guest RAM",
                    fault->address);
        return;
    }
    r = region_get(pd, i);
    offset = QEMU_ALIGN_DOWN(offset, r->page_size);
    page = (uintptr_t)(r->host + offset);
    trace_postcopy_dest_fault(r->name, offset, fault->tid);

    qemu_mutex_lock(&pd->lock);
    /* Placed between the fault and now: the kernel already woke it. */
    if (test_bit(offset >> TARGET_PAGE_BITS, r->received)) {
        qemu_mutex_unlock(&pd->lock);
        return;
    }
    if (!g_hash_table_contains(pd->faults, (gpointer)page)) {
        PostcopyFaultRec *rec = g_new(PostcopyFaultRec, 1);

        rec->start_ns = now;
        g_hash_table_insert(pd->faults, (gpointer)page, rec);
    }
    for (int v = 0; v < pd->nr_vcpus; v++) {
        if (fault->tid && pd->vcpu_tids[v] == fault->tid &&
            !pd->vcpu_waiting[v]) {
            pd->vcpu_waiting[v] = page;
            pd->vcpu_since[v] = now;
            if (++pd->nr_blocked == pd->nr_vcpus) {
                pd->all_since = now;
            }
        }
    }
    ask = !test_and_set_bit(offset / r->page_size, r->requested);
    if (ask) {
        pd->requests++;
    }
    qemu_mutex_unlock(&pd->lock);

    if (ask) {
        pd->request(pd->opaque, i, offset, fault->tid);
    }
}

static void *postcopy_fault_thread(void *opaque)
{
    PostcopyDest *pd = opaque;

    for (;;) {
        struct pollfd pfd[2] = {
            { .fd = pd->uffd, .events = POLLIN },
            { .fd = pd->quit_fd, .events = POLLIN },
        };
        UffdFault fault;
        Error *err = NULL;
        int ret;

        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            error_report("Postcopy fault thread: poll: %s",
                         g_strerror(errno));
            break;
        }
        if (pfd[1].revents) {
            break;
        }
        while ((ret = uffd_read_fault(pd->uffd, &fault, &err)) > 0) {
            handle_fault(pd, &fault);
        }
        if (ret < 0) {
            error_report_err(err);
            break;
        }
    }
    return NULL;
}

bool postcopy_dest_start(PostcopyDest *pd, Error **errp)
{
    pd->quit_fd = eventfd(0, EFD_CLOEXEC);
    if (pd->quit_fd < 0) {
        error_setg_errno(errp, errno, "Postcopy: eventfd failed");
        return false;
    }
    qemu_thread_create(&pd->thread, "postcopy/fault",
                       postcopy_fault_thread, pd, QEMU_THREAD_JOINABLE);
    pd->thread_running = true;
    return true;
}

void postcopy_dest_rerequest(PostcopyDest *pd)
{
    for (int i = 0; i < pd->regions->len; i++) {
        PostcopyRegion *r = region_get(pd, i);
        uint64_t pages = r->len / r->page_size;
        unsigned long p;

        for (p = find_first_bit(r->requested, pages); p < pages;
             p = find_next_bit(r->requested, pages, p + 1)) {
            uint64_t offset = p * r->page_size;

            if (!postcopy_dest_received(pd, i, offset)) {
                pd->request(pd->opaque, i, offset, 0);
            }
        }
    }
}

uint64_t postcopy_dest_requests(PostcopyDest *pd)
{
    uint64_t n;

    qemu_mutex_lock(&pd->lock);
    n = pd->requests;
    qemu_mutex_unlock(&pd->lock);
    return n;
}

void postcopy_dest_set_vcpu_tids(PostcopyDest *pd, const uint32_t *tids,
                                 int n)
{
    qemu_mutex_lock(&pd->lock);
    g_free(pd->vcpu_tids);
    g_free(pd->vcpu_waiting);
    g_free(pd->vcpu_since);
    g_free(pd->vcpu_total_ns);
    pd->nr_vcpus = n;
    pd->vcpu_tids = g_memdup2(tids, n * sizeof(*tids));
    pd->vcpu_waiting = g_new0(uintptr_t, n);
    pd->vcpu_since = g_new0(int64_t, n);
    pd->vcpu_total_ns = g_new0(int64_t, n);
    pd->nr_blocked = 0;
    pd->all_total_ns = 0;
    qemu_mutex_unlock(&pd->lock);
}

uint32_t postcopy_dest_blocktime(PostcopyDest *pd, uint32_t *per_vcpu,
                                 int n)
{
    int64_t now = get_clock();
    int64_t total;

    qemu_mutex_lock(&pd->lock);
    total = pd->all_total_ns;
    if (pd->nr_vcpus && pd->nr_blocked == pd->nr_vcpus) {
        total += now - pd->all_since;
    }
    for (int v = 0; v < n; v++) {
        int64_t t = 0;

        if (v < pd->nr_vcpus) {
            t = pd->vcpu_total_ns[v];
            if (pd->vcpu_waiting[v]) {
                t += now - pd->vcpu_since[v];
            }
        }
        per_vcpu[v] = t / SCALE_MS;
    }
    qemu_mutex_unlock(&pd->lock);
    return total / SCALE_MS;
}

static int cmp_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

uint64_t postcopy_dest_fault_latency(PostcopyDest *pd, double percentile,
                                     uint64_t *count)
{
    g_autoptr(GArray) copy = NULL;
    uint64_t idx;

    qemu_mutex_lock(&pd->lock);
    copy = g_array_copy(pd->latency);
    qemu_mutex_unlock(&pd->lock);
    *count = copy->len;
    if (!copy->len) {
        return 0;
    }
    g_array_sort(copy, cmp_u64);
    idx = (uint64_t)(percentile / 100.0 * (copy->len - 1) + 0.5);
    return g_array_index(copy, uint64_t, MIN(idx, copy->len - 1));
}

void postcopy_dest_free(PostcopyDest *pd)
{
    if (!pd) {
        return;
    }
    if (pd->thread_running) {
        uint64_t one = 1;

        if (write(pd->quit_fd, &one, sizeof(one)) != sizeof(one)) {
            error_report("Postcopy: cannot stop the fault thread: %s",
                         g_strerror(errno));
        }
        qemu_thread_join(&pd->thread);
    }
    if (pd->quit_fd >= 0) {
        close(pd->quit_fd);
    }
    for (int i = 0; i < pd->regions->len; i++) {
        PostcopyRegion *r = region_get(pd, i);

        if (r->registered) {
            /* Unregistering also wakes any thread still waiting. */
            uffd_unregister(pd->uffd, r->host, r->len, &error_warn);
        }
        g_free(r->name);
        g_free(r->received);
        g_free(r->requested);
        for (int c = 0; c < POSTCOPY_CHANNELS; c++) {
            qemu_vfree(r->assembly[c].buf);
        }
    }
    close(pd->uffd);
    g_array_free(pd->regions, true);
    g_hash_table_destroy(pd->faults);
    g_array_free(pd->latency, true);
    qemu_vfree(pd->zero_page);
    g_free(pd->vcpu_tids);
    g_free(pd->vcpu_waiting);
    g_free(pd->vcpu_since);
    g_free(pd->vcpu_total_ns);
    qemu_mutex_destroy(&pd->lock);
    g_free(pd);
}
