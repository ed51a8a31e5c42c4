// SPDX-License-Identifier: MIT
// ioctl() that retries EINTR and EAGAIN, counting each retry for the timed sections.
#include <errno.h>
#include <sys/ioctl.h>

#include "dhb/ioctl.h"

int dhb_ioctl_via(dhb_ioctl_fn fn, int fd, unsigned long req, void *arg, uint64_t *retries)
{
	unsigned int tries = 0;
	int ret;

	for (;;) {
		ret = fn(fd, req, arg);
		if (ret >= 0)
			return ret;
		ret = -errno;
		if ((ret != -EINTR && ret != -EAGAIN) || tries++ >= DHB_IOCTL_MAX_RETRIES)
			return ret;
		if (retries)
			(*retries)++;
	}
}

int dhb_ioctl(int fd, unsigned long req, void *arg, uint64_t *retries)
{
	return dhb_ioctl_via(ioctl, fd, req, arg, retries);
}
