// SPDX-License-Identifier: MIT
// The fence test's tools (fence.h): sw_sync and vgem fence ioctls, and the waiter.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dhb/compat.h"
#include "dhb/stats.h"
#include "fence.h"

int dhb_fence_sw_open(const char *path, struct dhb_fence_sw *tl)
{
	tl->value = tl->next = 0;
	tl->fd = open(path, O_RDWR | O_CLOEXEC);
	return tl->fd < 0 ? -errno : 0;
}

int dhb_fence_sw_create(struct dhb_fence_sw *tl, int *fd, uint64_t *retries)
{
	struct sw_sync_create_fence_data d = {.value = tl->next + 1};
	int ret;

	snprintf(d.name, sizeof(d.name), "dhb-%u", d.value);
	ret = dhb_ioctl(tl->fd, SW_SYNC_IOC_CREATE_FENCE, &d, retries);
	if (ret < 0)
		return ret;
	tl->next = d.value;
	*fd = d.fence;
	return 0;
}

int dhb_fence_sw_signal(struct dhb_fence_sw *tl, uint64_t *retries)
{
	uint32_t inc = tl->next - tl->value;
	int ret;

	if (tl->fd < 0 || !inc)
		return 0;
	ret = dhb_ioctl(tl->fd, SW_SYNC_IOC_INC, &inc, retries);
	if (ret < 0)
		return ret;
	tl->value = tl->next;
	return 0;
}

void dhb_fence_sw_close(struct dhb_fence_sw *tl)
{
	if (tl->fd < 0)
		return;
	dhb_fence_sw_signal(tl, NULL);
	close(tl->fd);
	tl->fd = -1;
}

struct dhb_device *dhb_fence_vgem_find(const struct dhb_device_set *devs)
{
	struct drm_vgem_fence_attach probe = {.handle = 0};
	struct dhb_device *d;
	size_t i;

	for (i = 0; devs && i < devs->n; i++) {
		d = &devs->v[i];
		if (!devs->sel[i] || d->kind != DHB_DEV_DRM || d->err || d->fd < 0 ||
		    !(d->caps & DHB_DEVCAP_PRIME_IMPORT) || strcmp(d->driver, "vgem"))
			continue;
		/* No GEM object has handle 0: a vgem with fences says ENOENT, before it makes one. */
		if (dhb_ioctl(d->fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &probe, &d->ioctl_retries) ==
		    -ENOENT)
			return d;
	}
	return NULL;
}

int dhb_fence_vgem_attach(struct dhb_device *d, uint32_t handle, uint32_t *fence)
{
	struct drm_vgem_fence_attach a = {.handle = handle, .flags = VGEM_FENCE_WRITE};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &a, &d->ioctl_retries);

	if (ret < 0)
		return ret;
	*fence = a.out_fence;
	return 0;
}

int dhb_fence_vgem_signal(struct dhb_device *d, uint32_t fence)
{
	struct drm_vgem_fence_signal a = {.fence = fence};
	int ret = dhb_ioctl(d->fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &a, &d->ioctl_retries);

	return ret < 0 ? ret : 0;
}

static void *waiter_main(void *arg)
{
	struct dhb_fence_waiter *w = arg;

	w->tid = (pid_t)syscall(SYS_gettid);
	__atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
	w->err = dhb_fence_poll(w->fd, POLLIN, w->timeout_ms);
	w->woke_ns = dhb_stats_now_ns(CLOCK_MONOTONIC);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int dhb_fence_waiter_start(struct dhb_fence_waiter *w, int fd, int timeout_ms)
{
	sigset_t all, old;
	int ret;

	w->fd = fd;
	w->timeout_ms = timeout_ms;
	w->tid = 0;
	w->ready = 0;
	w->done = 0;
	w->err = 0;
	w->woke_ns = 0;
	w->running = false;
	sigfillset(&all);
	ret = -pthread_sigmask(SIG_BLOCK, &all, &old);
	if (ret)
		return ret;
	ret = -pthread_create(&w->th, NULL, waiter_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	w->running = !ret;
	return ret;
}

int dhb_fence_task_state(const char *stat, char *state)
{
	const char *p = strrchr(stat, ')');

	if (!p || p[1] != ' ' || !p[2] || p[2] == ' ')
		return -EINVAL;
	*state = p[2];
	return 0;
}

/* The state letter of thread @tid of this process into *@state. */
static int thread_state(pid_t tid, char *state)
{
	char path[64], buf[512];
	ssize_t n;
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	buf[n] = '\0';
	return dhb_fence_task_state(buf, state);
}

int dhb_fence_waiter_asleep(struct dhb_fence_waiter *w, int timeout_ms)
{
	const struct timespec pause = {.tv_nsec = 20000};
	uint64_t end = dhb_stats_now_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000;
	char state = 0;
	int ret;

	if (!w->running)
		return -EINVAL;
	do {
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			return 0; /* poll already returned (an error, or a fence already signalled) */
		if (__atomic_load_n(&w->ready, __ATOMIC_ACQUIRE)) {
			ret = thread_state(w->tid, &state);
			if (ret == -ENOENT)
				return 0; /* it has already ended: join tells how */
			if (ret)
				return ret;
			if (state == 'S')
				return 0;
		}
		nanosleep(&pause, NULL);
	} while (dhb_stats_now_ns(CLOCK_MONOTONIC) < end);
	return -ETIMEDOUT;
}

int dhb_fence_waiter_join(struct dhb_fence_waiter *w)
{
	if (!w->running)
		return 0;
	pthread_join(w->th, NULL);
	w->running = false;
	return w->err;
}
