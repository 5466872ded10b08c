/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-test-certs DIR: make the test credential tree of crypto-tls-certs.h
 * in DIR, for test scripts (the QEMU 7.2 TLS interop test).  Exits 1 with
 * the reason when certtool is missing or fails.
 */
#include "qemu/osdep.h"
#include "crypto-tls-certs.h"

int main(int argc, char **argv)
{
    g_autofree char *reason = NULL;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    if (!tls_test_certs_create(argv[1], &reason)) {
        fprintf(stderr, "%s\n", reason);
        return 1;
    }
    return 0;
}
