/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug logging selected with -d ITEMS and sent to -D FILE (or stderr).
 * Unlike error_report(), these messages are for developers and off by
 * default: qemu_log_mask(LOG_GUEST_ERROR, ...) prints only when the
 * matching item was enabled.  Writes are serialised, so lines from several
 * threads do not interleave.
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

/* Mask bits: the same values as QEMU's, for those that apply here. */
#define CPU_LOG_INT         (1 << 4)    /* interrupts and exceptions */
#define CPU_LOG_EXEC        (1 << 5)    /* vCPU exits and entries */
#define CPU_LOG_TB_CPU      (1 << 8)    /* CPU registers with the above */
#define CPU_LOG_RESET       (1 << 9)    /* CPU state at reset */
#define LOG_UNIMP           (1 << 10)   /* unimplemented functionality */
#define LOG_GUEST_ERROR     (1 << 11)   /* guest misbehaviour */
#define CPU_LOG_MMU         (1 << 12)   /* guest memory mapping changes */
#define CPU_LOG_PAGE        (1 << 14)   /* host memory allocation */
#define LOG_TRACE           (1 << 15)   /* trace events, via the log */
#define LOG_INVALID_MEM     (1 << 23)   /* accesses to unassigned memory */

/* The enabled mask; read it through the helpers below. */
extern int qemu_loglevel;

/* True when any item is enabled, i.e. qemu_log() writes somewhere. */
static inline bool qemu_log_enabled(void)
{
    return qemu_loglevel != 0;
}

static inline bool qemu_loglevel_mask(int mask)
{
    return (qemu_loglevel & mask) != 0;
}

/* Write to the log when logging is enabled; one call is written whole. */
void qemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void qemu_log_vprintf(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

#define qemu_log_mask(MASK, FMT, ...) do {              \
        if (unlikely(qemu_loglevel_mask(MASK))) {       \
            qemu_log(FMT, ## __VA_ARGS__);              \
        }                                               \
    } while (0)

/*
 * Hold the log for several writes that must stay together.  Returns NULL
 * (and holds nothing) when logging is off; otherwise a FILE to write to,
 * to be handed back to qemu_log_unlock().
 */
FILE *qemu_log_trylock(void);
void qemu_log_unlock(FILE *logfile);

/*
 * Parse a comma-separated list of item names ("guest_errors,unimp", or
 * "all").  Returns the mask, or 0 when any item is unknown.
 */
int qemu_str_to_log_mask(const char *str);

/* Enable exactly @log_flags, opening the log file if one was named. */
bool qemu_set_log(int log_flags, Error **errp);

/*
 * Log to @filename instead of stderr; a "%d" in the name is replaced by
 * the process id.  NULL goes back to stderr.  The file is opened (and
 * truncated) at once, so a bad path fails here; on failure the log goes
 * to stderr.
 */
bool qemu_set_log_filename(const char *filename, Error **errp);

/* Flush and close the log file, leaving the mask as it is. */
void qemu_log_close(void);

/* The -d help text: each item with its description. */
void qemu_print_log_usage(FILE *f);

#endif /* QEMU_LOG_H */
