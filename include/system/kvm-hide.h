/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TERN_HIDE_KVM: when it is set to anything but "" or "0", Tern behaves
 * as if /dev/kvm could not be opened.  make check sets it for its nokvm
 * suite, so that a KVM host also tests the paths that machines without
 * KVM take (docs/devel/migration-testing.md).
 */
#ifndef SYSTEM_KVM_HIDE_H
#define SYSTEM_KVM_HIDE_H

#define KVM_HIDE_ENV "TERN_HIDE_KVM"

static inline bool kvm_hidden_by_env(void)
{
    const char *v = g_getenv(KVM_HIDE_ENV);

    return v && *v && strcmp(v, "0") != 0;
}

#endif /* SYSTEM_KVM_HIDE_H */
