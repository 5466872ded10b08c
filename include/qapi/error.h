/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Error API: how a function tells its caller what went wrong.
 *
 * Conventions, as in QEMU:
 * - A function that can fail takes "Error **errp" as its last argument and
 *   returns bool (true on success) or a pointer (NULL on failure), so a
 *   caller can test the return value without looking at *errp.
 * - On failure it sets *errp exactly once with error_setg() and friends.
 *   @errp may be NULL (ignore the error), &error_abort (abort on error,
 *   for callers that know it cannot fail) or &error_fatal (report and exit).
 * - A function that needs to look at an error from a callee before passing
 *   it on starts with ERRP_GUARD(); then *errp may be tested directly.
 * - Messages are one sentence, no trailing period or newline.  Hints that
 *   help a human go in error_append_hint().
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

/* Same order and names as QapiErrorClass in qapi/common.json. */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
    ERROR_CLASS__MAX,
} ErrorClass;

/* The QMP name of @klass ("GenericError", ...). */
const char *error_class_name(ErrorClass klass);

const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
Error *error_copy(const Error *err);
void error_free(Error *err);
/* Free @err, which must be set; for tests that expect an error. */
void error_free_or_abort(Error **errp);

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);
void error_set_internal(Error **errp, const char *src, int line,
                        const char *func, ErrorClass err_class,
                        const char *fmt, ...)
    G_GNUC_PRINTF(6, 7);
void error_vsetg_internal(Error **errp, const char *src, int line,
                          const char *func, const char *fmt, va_list ap)
    G_GNUC_PRINTF(5, 0);

#define error_setg(errp, fmt, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        (fmt), ## __VA_ARGS__)
#define error_vsetg(errp, fmt, ap) \
    error_vsetg_internal((errp), __FILE__, __LINE__, __func__, (fmt), (ap))
#define error_setg_errno(errp, os_errno, fmt, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_errno), (fmt), ## __VA_ARGS__)
#define error_set(errp, err_class, fmt, ...) \
    error_set_internal((errp), __FILE__, __LINE__, __func__, \
                       (err_class), (fmt), ## __VA_ARGS__)

/* An error for a QAPI parameter whose value is bad. */
#define error_setg_param_invalid(errp, name, expected) \
    error_setg((errp), "Parameter '%s' expects %s", (name), (expected))

/*
 * Move @local_err into *@dst_errp.  If *@dst_errp is already set, the new
 * error is dropped (the first error wins).  @local_err may be NULL.
 */
void error_propagate(Error **dst_errp, Error *local_err);
void error_propagate_prepend(Error **dst_errp, Error *local_err,
                             const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Prefix the message of *@errp, if it is set. */
void error_prepend(Error *const *errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
void error_vprepend(Error *const *errp, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
/* Add a human hint shown after the message by error_report_err(). */
void error_append_hint(Error *const *errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Report @err with error_report() and free it. */
void error_report_err(Error *err);
void warn_report_err(Error *err);
void error_reportf_err(Error *err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * Special values for an errp argument: abort or exit(1) when an error is
 * set through them.
 */
extern Error *error_abort;
extern Error *error_fatal;
/* Errors set through &error_warn are reported as warnings and dropped. */
extern Error *error_warn;

/*
 * ERRP_GUARD(): make *errp safe to dereference in this function.  When the
 * caller passed NULL, &error_abort or &error_fatal, errp is redirected to a
 * local Error that is handed back when the function returns.
 */
typedef struct ErrorPropagator {
    Error *local_err;
    Error **errp;
} ErrorPropagator;

static inline void error_propagator_cleanup(ErrorPropagator *prop)
{
    error_propagate(prop->errp, prop->local_err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ErrorPropagator, error_propagator_cleanup);

#define ERRP_GUARD()                                            \
    g_auto(ErrorPropagator) _auto_errp_prop = {.errp = errp};   \
    do {                                                        \
        if (!errp || errp == &error_fatal || errp == &error_abort) { \
            errp = &_auto_errp_prop.local_err;                  \
        }                                                       \
    } while (0)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif /* QAPI_ERROR_H */
