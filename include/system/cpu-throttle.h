/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU throttling for auto-converge: at N percent every vCPU thread
 * sleeps N/(100-N) of each 10 ms of running, so the guest gets (100-N)
 * percent of its CPU time and dirties memory that much slower.
 */
#ifndef SYSTEM_CPU_THROTTLE_H
#define SYSTEM_CPU_THROTTLE_H

#define CPU_THROTTLE_PCT_MIN 1
#define CPU_THROTTLE_PCT_MAX 99
#define CPU_THROTTLE_TIMESLICE_NS 10000000

/* Create the throttle timer (main thread, once). */
void cpu_throttle_init(void);

/* Throttle at @pct percent, clamped to 1..99; starts at once. */
void cpu_throttle_set(int pct);
/* No more throttling (sleeps under way end at their slice). */
void cpu_throttle_stop(void);
bool cpu_throttle_active(void);
/* The current percentage, 0 when not throttling. */
int cpu_throttle_get_percentage(void);

/*
 * In @cpu's thread with the BQL held (run_on_cpu work): sleep @ns with
 * the BQL dropped, ending early when the vCPU is asked to stop, so that
 * a throttle never holds up vm_stop.  Returns the nanoseconds slept.
 * Also the sleep of the dirty page rate limit (system/dirtylimit.c).
 */
int64_t cpu_throttle_sleep_ns(CPUState *cpu, int64_t ns);

/* Nanoseconds vCPU threads have slept for the throttle, all summed. */
uint64_t cpu_throttle_slept_ns(void);

#endif /* SYSTEM_CPU_THROTTLE_H */
