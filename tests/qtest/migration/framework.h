/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the migration qtests: start a source/destination
 * pair, drive the QMP migration commands, wait for states bounded in time,
 * and compare guest memory of two processes through qtest.
 */
#ifndef TESTS_QTEST_MIGRATION_FRAMEWORK_H
#define TESTS_QTEST_MIGRATION_FRAMEWORK_H

#include "libqtest.h"
#include "qobject/qdict.h"

/* Bound on any single wait; generous because CI hosts are slow. */
#define MIG_WAIT_SECS 120

/* The test guest's page range when a test runs it (see guest.S). */
#define MIG_GUEST_START (1 * 1024 * 1024)
#define MIG_GUEST_END   (32 * 1024 * 1024)

typedef struct MigrateStart {
    const char *machine;        /* source machine, default "none" */
    const char *machine_dst;    /* destination machine, default = source */
    const char *mem;            /* source -m, default "64M" */
    const char *mem_dst;        /* destination -m, default = source */
    bool guest;                 /* run the test guest (under KVM) */
    const char *accel;          /* the guest's accelerator, default kvm */
    const char *accel_dst;      /* the destination's, default = source */
    bool events;                /* 'events' capability on both sides */
    bool return_path;           /* 'return-path' capability on both */
    bool only_target;           /* keep *from, start only a destination */
    const char *uuid_src;       /* -uuid for the source */
    const char *uuid_dst;       /* -uuid for the destination */
    const char *opts_source;    /* extra source arguments */
    const char *opts_target;    /* extra destination arguments */
} MigrateStart;

/* Environment, probed once by migration_framework_init(). */
void migration_framework_init(void);
const char *mig_tmpdir(void);
bool mig_have_kvm(void);
/* Why not (for a skip message). */
const char *mig_no_kvm_reason(void);
bool mig_have_ipv6(void);
/* A connected unix stream socket to @path (asserts that it connects). */
int mig_unix_connect(const char *path);
/* KVM here takes a dirty ring of @entries per vCPU. */
bool mig_have_dirty_ring(uint32_t entries);
const char *mig_guest_image(void);      /* NULL when not built */

/* Entries of /proc/PID/SUB ("task": threads, "fd": open fds). */
int mig_proc_count(pid_t pid, const char *sub);
/* Open fds of @pid, without the pagemap fd RAM keeps once it migrated. */
int mig_proc_fds(pid_t pid);
/* VmRSS of @pid, in bytes. */
uint64_t mig_proc_rss(pid_t pid);

/*
 * A QMP client of its own on a monitor socket at @path (a second
 * monitor given with opts_source), line by line, every wait bounded.
 */
typedef struct MigQmpClient {
    int fd;
    GString *rx;
} MigQmpClient;
/* Connect, read the greeting, negotiate (with the 'oob' capability). */
void mig_qmp_client_open(MigQmpClient *c, const char *path, bool oob);
/* The next message; NULL when the server closed the connection. */
QDict *mig_qmp_client_recv(MigQmpClient *c);
void mig_qmp_client_send(MigQmpClient *c, const char *json);
/* The next reply with @id (any reply if NULL); events are skipped. */
QDict *mig_qmp_client_reply(MigQmpClient *c, const char *id);
void mig_qmp_client_close(MigQmpClient *c);
/*
 * Postcopy needs userfaultfd on the destination: if it does not work
 * here, the current test is skipped with the reason.
 */
bool mig_uffd_ok(void);
/*
 * Can the test guest run here with the source under @accel and the
 * destination under @accel_dst ("kvm", "tcg")?  If not, the current test
 * is skipped with the reason (no /dev/kvm, no guest image, no machine).
 */
bool mig_guest_ok(const char *accel, const char *accel_dst);
/*
 * The accelerator for a guest test that does not care which: "kvm"
 * where /dev/kvm works, else "tcg" (as QEMU's tests run "-accel kvm
 * -accel tcg"), so the test runs on every machine.
 */
const char *mig_guest_accel(void);

/*
 * Start a source (unless args->only_target) and a destination listening
 * on @incoming ("defer" or a URI).  On a KVM guest test without /dev/kvm
 * the caller must have skipped first.
 */
void migrate_start(QTestState **from, QTestState **to, const char *incoming,
                   const MigrateStart *args);
/* Quit both (either may be NULL) and remove the serial files. */
void migrate_end(QTestState *from, QTestState *to);

/* Serial file (-serial file:) of a process started by migrate_start(). */
const char *mig_vm_serial(QTestState *who);

/* ---- QMP wrappers (all assert success unless said otherwise) ---- */
QDict *migrate_query(QTestState *who);
char *migrate_query_status(QTestState *who);
char *migrate_query_error(QTestState *who);     /* error-desc or NULL */
int64_t migrate_ram_stat(QTestState *who, const char *field);
char *query_runstate(QTestState *who);

void migrate_qmp(QTestState *who, const char *uri, const char *channels);
/* migrate that must be refused; returns the error description. */
char *migrate_qmp_fail(QTestState *who, const char *uri,
                       const char *channels);
void migrate_incoming_qmp(QTestState *to, const char *uri,
                          const char *channels);
void migrate_continue(QTestState *who, const char *state);
void migrate_cancel(QTestState *who);

void migrate_set_capability(QTestState *who, const char *cap, bool on);
bool migrate_get_capability(QTestState *who, const char *cap);
void migrate_set_parameter_int(QTestState *who, const char *param,
                               int64_t value);
int64_t migrate_get_parameter_int(QTestState *who, const char *param);
void migrate_set_parameter_bool(QTestState *who, const char *param,
                                bool value);
void migrate_set_parameter_str(QTestState *who, const char *param,
                               const char *value);
char *migrate_get_parameter_str(QTestState *who, const char *param);
QDict *migrate_query_parameters(QTestState *who);
/* A command that must succeed. */
void qmp_ok_fmt(QTestState *who, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A command that must fail: returns the error description. */
char *qmp_expect_error(QTestState *who, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Make the migration finish at once / keep it iterating. */
void migrate_ensure_converge(QTestState *who);
void migrate_ensure_non_converge(QTestState *who);

/* "tcp:HOST:PORT" or "unix:PATH" from the destination's socket-address. */
char *migrate_get_listen_uri(QTestState *to);

/* ---- waits, each bounded by MIG_WAIT_SECS ---- */
/*
 * Wait until @who's migration status is @goal; fail the test at once if
 * it becomes one of @ungoals (NULL-terminated; NULL means "failed and
 * cancelled unless they are the goal").
 */
void migrate_wait_status(QTestState *who, const char *goal,
                         const char * const *ungoals);
void migrate_wait_complete(QTestState *who);
/* Wait for 'failed'; returns error-desc (asserted non-empty). */
char *migrate_wait_failed(QTestState *who);
void wait_runstate(QTestState *who, const char *state);
/* Wait until dirty-sync-count reaches @n. */
void migrate_wait_passes(QTestState *who, int64_t n);

/*
 * MIGRATION events received so far by @who, in order, as a
 * space-separated string of statuses ("setup active device completed").
 */
char *migrate_collect_events(QTestState *who);

/* ---- guest memory ---- */
/*
 * Write a deterministic pattern over [base, base + size): every page gets
 * a non-zero body derived from (seed, page index); pages selected by the
 * seed also get pseudo-random bytes.  @rand_every: one page in that many
 * gets random bytes (1 = all pages).
 */
void mig_ram_fill(QTestState *who, uint64_t base, uint64_t size,
                  uint32_t seed, unsigned rand_every);
/* Rewrite @npages pseudo-random pages of the range with new random data. */
void mig_ram_dirty_some(QTestState *who, uint64_t base, uint64_t size,
                        GRand *rand, unsigned npages);
/*
 * Compare every page of two processes; on a mismatch fail with the first
 * differing page and the number of differing pages.
 */
void mig_ram_compare(QTestState *a, QTestState *b, uint64_t base,
                     uint64_t size);

/*
 * The end of a postcopy over [0, size): every page read on the running
 * destination (the missing ones fault and are requested), both ends
 * completed, the source in postmigrate, and the memory equal again.
 */
void mig_postcopy_finish(QTestState *from, QTestState *to, uint64_t size);
/*
 * A broken postcopy: both ends postcopy-paused, the source stopped, the
 * guest running on the destination.
 */
void mig_postcopy_wait_paused(QTestState *from, QTestState *to);

/* ---- the KVM test guest ---- */
/* Number of 'B' markers in a serial file (asserts only 'B's). */
size_t mig_serial_passes(const char *path);
/* Wait until the serial file has more than @n markers. */
void mig_wait_serial_grows(const char *path, size_t n);
/*
 * Stop @who, read the first byte of every page of the guest's range and
 * check the n+1...n+1 n...n invariant, then resume it if it was running.
 */
void mig_check_guest_pattern(QTestState *who);
/*
 * A destination that loaded the test guest: wait until it runs, let it
 * make two more passes, and check its pattern.
 */
void mig_check_guest_runs_on(QTestState *to);

#endif
