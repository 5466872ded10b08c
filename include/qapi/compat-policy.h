/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the QMP server does with deprecated and unstable interfaces
 * (QEMU's -compat option).  The default accepts and shows everything.
 */
#ifndef QAPI_COMPAT_POLICY_H
#define QAPI_COMPAT_POLICY_H

#include "qapi/error.h"

typedef enum CompatPolicyInput {
    COMPAT_POLICY_INPUT_ACCEPT,
    COMPAT_POLICY_INPUT_REJECT,
    COMPAT_POLICY_INPUT_CRASH,
} CompatPolicyInput;

typedef enum CompatPolicyOutput {
    COMPAT_POLICY_OUTPUT_ACCEPT,
    COMPAT_POLICY_OUTPUT_HIDE,
} CompatPolicyOutput;

typedef struct CompatPolicy {
    CompatPolicyInput deprecated_input;
    CompatPolicyOutput deprecated_output;
    CompatPolicyInput unstable_input;
    CompatPolicyOutput unstable_output;
} CompatPolicy;

extern CompatPolicy compat_policy;

/*
 * May an input using something with @special_features (1u << QAPI_*)
 * be accepted under @policy?  If not, set @errp with @error_class to
 * "Deprecated command foo disabled by policy" (@kind "command", @name
 * "foo") and return false.  COMPAT_POLICY_INPUT_CRASH aborts.
 */
bool compat_policy_input_ok(uint64_t special_features,
                            const CompatPolicy *policy,
                            ErrorClass error_class,
                            const char *kind, const char *name,
                            Error **errp);

#endif /* QAPI_COMPAT_POLICY_H */
