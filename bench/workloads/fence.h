// SPDX-License-Identifier: MIT
// The fence test's tools: sw_sync timelines, vgem fences and a waiter thread that sleeps in
// poll() until a fence signals; the sync_file and dma-buf fence ioctls are dhb/sync_file.h's.
#ifndef DHB_WORKLOADS_FENCE_H
#define DHB_WORKLOADS_FENCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dhb/device.h"
#include "dhb/sync_file.h"

/* Where the kernel offers sw_sync timelines (debugfs, CONFIG_SW_SYNC, root). */
#define DHB_FENCE_SW_SYNC_PATH "/sys/kernel/debug/sync/sw_sync"

/*
 * Every wait is bounded: a poll() that sees no signal in this long fails with -ETIMEDOUT, well
 * before a vgem fence's own 10 s timeout.
 */
#define DHB_FENCE_POLL_MS 5000

/**
 * struct dhb_fence_sw - one sw_sync timeline.
 * @fd: the open timeline (debugfs sync/sw_sync), or -1.
 * @value: the timeline's value: fences up to it are signalled.
 * @next: the highest fence value created; @next > @value while a fence is unsignalled.
 */
struct dhb_fence_sw {
	int fd;
	uint32_t value;
	uint32_t next;
};

/* Open a new timeline at @path (DHB_FENCE_SW_SYNC_PATH); @tl->fd -1 and -errno on failure. */
int dhb_fence_sw_open(const char *path, struct dhb_fence_sw *tl);
/* A new unsignalled fence on @tl (at @tl->value + 1 and beyond), as a sync_file in *@fd. */
int dhb_fence_sw_create(struct dhb_fence_sw *tl, int *fd, uint64_t *retries);
/* Signal every fence of @tl (SW_SYNC_IOC_INC up to @tl->next); 0 when none was pending. */
int dhb_fence_sw_signal(struct dhb_fence_sw *tl, uint64_t *retries);
/* Signal every fence of @tl, then close it (closing alone would signal them too); idempotent. */
void dhb_fence_sw_close(struct dhb_fence_sw *tl);

/*
 * vgem: the selected DRM device whose driver is vgem and that answers its fence ioctls, or
 * NULL. The driver's name decides before any ioctl is tried: driver-private ioctl numbers mean
 * something else on every other driver.
 */
struct dhb_device *dhb_fence_vgem_find(const struct dhb_device_set *devs);
/* DRM_IOCTL_VGEM_FENCE_ATTACH: a new unsignalled write fence on GEM @handle, its id in *@fence. */
int dhb_fence_vgem_attach(struct dhb_device *d, uint32_t handle, uint32_t *fence);
/* DRM_IOCTL_VGEM_FENCE_SIGNAL of fence @fence. */
int dhb_fence_vgem_signal(struct dhb_device *d, uint32_t fence);

/**
 * struct dhb_fence_waiter - a thread asleep in poll() on one descriptor.
 * @th: the thread.
 * @fd: what it polls (POLLIN).
 * @timeout_ms: its poll's bound.
 * @tid: its thread id, once @ready.
 * @ready: set (atomically) right before it calls poll().
 * @done: set (atomically) once poll() has returned.
 * @err: its outcome (dhb_fence_poll()), valid after dhb_fence_waiter_join().
 * @woke_ns: CLOCK_MONOTONIC right after poll() returned.
 * @running: started and not yet joined.
 */
struct dhb_fence_waiter {
	pthread_t th;
	int fd;
	int timeout_ms;
	pid_t tid;
	int ready;
	int done;
	int err;
	uint64_t woke_ns;
	bool running;
};

/* Start a waiter on @fd, every signal blocked in it (they go to the other threads). */
int dhb_fence_waiter_start(struct dhb_fence_waiter *w, int fd, int timeout_ms);
/*
 * Wait up to @timeout_ms until the waiter sleeps (/proc/self/task/TID/stat says S after it
 * said it was about to poll); -ETIMEDOUT when it does not.
 */
int dhb_fence_waiter_asleep(struct dhb_fence_waiter *w, int timeout_ms);
/* Join the waiter (a no-op when it is not running); its outcome, @w->err. */
int dhb_fence_waiter_join(struct dhb_fence_waiter *w);

/*
 * The state letter of a /proc/PID/stat line ("R", "S", "D", ...) into *@state: the field after
 * the command name, whose parentheses may enclose anything; -EINVAL when @stat is not one.
 */
int dhb_fence_task_state(const char *stat, char *state);

#endif /* DHB_WORKLOADS_FENCE_H */
