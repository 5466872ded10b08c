/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What main-loop.c needs from async.c (bottom halves); private to util/.
 */
#ifndef UTIL_MAIN_LOOP_INTERNAL_H
#define UTIL_MAIN_LOOP_INTERNAL_H

/* Whether a bottom half is scheduled (so the loop must not sleep). */
bool qemu_bh_pending(void);
/*
 * Run the bottom halves scheduled when called (one scheduled while they
 * run waits for the next call); true if any ran.  BQL, main thread.
 */
bool qemu_bh_poll(void);

#endif /* UTIL_MAIN_LOOP_INTERNAL_H */
