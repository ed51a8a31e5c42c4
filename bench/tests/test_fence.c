// SPDX-License-Identifier: MIT
// Unit tests of the fence test's tools that need no fence: /proc state parsing, bounded poll,
// the waiter thread (on a pipe), and what they say without sw_sync or vgem.
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhb/stats.h"
#include "../workloads/fence.h"

Test(fence, task_state)
{
	char st = 0;

	cr_assert_eq(dhb_fence_task_state("42 (poll) S 1 42 42 0 -1", &st), 0);
	cr_assert_eq(st, 'S');
	/* the command name may hold spaces and parentheses: the last ')' ends it */
	cr_assert_eq(dhb_fence_task_state("7 (a) R (b)) R 1 2", &st), 0);
	cr_assert_eq(st, 'R');
	cr_assert_eq(dhb_fence_task_state("7 (x) D", &st), 0);
	cr_assert_eq(st, 'D');
	cr_assert_eq(dhb_fence_task_state("no parenthesis S", &st), -EINVAL);
	cr_assert_eq(dhb_fence_task_state("7 (x)", &st), -EINVAL);
	cr_assert_eq(dhb_fence_task_state("7 (x) ", &st), -EINVAL);
	cr_assert_eq(dhb_fence_task_state("7 (x)S", &st), -EINVAL);
}

Test(fence, poll_ready_and_bounded)
{
	int p[2];
	uint64_t t0, ms;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	cr_assert_eq(dhb_fence_poll(p[0], POLLIN, 50), -ETIMEDOUT);
	ms = (dhb_stats_now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
	cr_assert_geq(ms, 45, "returned after %llu ms", (unsigned long long)ms);
	cr_assert_lt(ms, 2000);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(dhb_fence_poll(p[0], POLLIN, 1000), 0);
	close(p[0]);
	close(p[1]);
	cr_assert_eq(dhb_fence_poll(p[0], POLLIN, 10), -EIO, "a closed fd is POLLNVAL");
}

Test(fence, waiter_sleeps_then_wakes)
{
	struct dhb_fence_waiter w;
	uint64_t t0;
	int p[2];

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(dhb_fence_waiter_start(&w, p[0], 5000), 0);
	cr_assert_eq(dhb_fence_waiter_asleep(&w, 2000), 0);
	cr_assert(w.ready);
	cr_assert_not(w.done, "it woke before anything happened");
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(dhb_fence_waiter_join(&w), 0);
	cr_assert(w.done);
	cr_assert_geq(w.woke_ns, t0);
	cr_assert_not(w.running);
	cr_assert_eq(dhb_fence_waiter_join(&w), 0, "a second join is a no-op");
	cr_assert_eq(dhb_fence_waiter_asleep(&w, 10), -EINVAL, "no waiter to watch");
	close(p[0]);
	close(p[1]);
}

Test(fence, waiter_times_out)
{
	struct dhb_fence_waiter w;
	int p[2];

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(dhb_fence_waiter_start(&w, p[0], 30), 0);
	/* it falls asleep, then its bounded poll gives up: asleep() or done, join says so */
	cr_assert_eq(dhb_fence_waiter_asleep(&w, 2000), 0);
	cr_assert_eq(dhb_fence_waiter_join(&w), -ETIMEDOUT);
	close(p[0]);
	close(p[1]);
}

Test(fence, waiter_already_done)
{
	struct dhb_fence_waiter w;
	int p[2];

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(dhb_fence_waiter_start(&w, p[0], 1000), 0);
	/* a wait that is over at once is not taken for a waiter that never sleeps */
	cr_assert_eq(dhb_fence_waiter_asleep(&w, 2000), 0);
	cr_assert_eq(dhb_fence_waiter_join(&w), 0);
	close(p[0]);
	close(p[1]);
}

Test(fence, without_sw_sync)
{
	struct dhb_fence_sw tl = {.fd = 5};
	int fd = -1;

	cr_assert_eq(dhb_fence_sw_open("/nonexistent/sync/sw_sync", &tl), -ENOENT);
	cr_assert_eq(tl.fd, -1);
	cr_assert_eq(dhb_fence_sw_signal(&tl, NULL), 0, "nothing pending, nothing to do");
	dhb_fence_sw_close(&tl); /* idempotent on a closed timeline */
	dhb_fence_sw_close(&tl);
	cr_assert_eq(dhb_fence_sw_create(&tl, &fd, NULL), -EBADF);
	cr_assert_eq(fd, -1);
}

Test(fence, not_a_sync_file)
{
	uint64_t ns = 0;
	int p[2], fd = -1;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(dhb_fence_stamp(p[0], &ns, NULL), -ENOTTY);
	cr_assert_eq(dhb_fence_merge(p[0], p[1], &fd, NULL), -ENOTTY);
	cr_assert_eq(dhb_fence_export(p[0], 1, &fd, NULL), -ENOTTY);
	cr_assert_eq(dhb_fence_import(p[0], 1, p[1], NULL), -ENOTTY);
	cr_assert_eq(fd, -1);
	close(p[0]);
	close(p[1]);
}

Test(fence, vgem_found_by_driver_and_ioctl)
{
	struct dhb_device v[3];
	bool sel[3] = {true, true, false};
	struct dhb_device_set set = {.v = v, .n = 3, .sel = sel};
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	memset(v, 0, sizeof(v));
	v[0].kind = DHB_DEV_DRM;
	strcpy(v[0].driver, "vkms");
	v[0].caps = DHB_DEVCAP_PRIME_IMPORT;
	v[0].fd = fd;
	v[1] = v[0];
	strcpy(v[1].driver, "vgem");
	v[2] = v[1];
	cr_assert_null(dhb_fence_vgem_find(NULL));
	/* vkms is never asked; a "vgem" that does not answer ENOENT (here /dev/null) is no vgem */
	cr_assert_null(dhb_fence_vgem_find(&set));
	cr_assert_eq(v[0].ioctl_retries + v[1].ioctl_retries, 0);
	close(fd);
}
