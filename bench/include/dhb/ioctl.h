// SPDX-License-Identifier: MIT
// The one ioctl wrapper: retries EINTR and EAGAIN and counts the retries (backends, devices).
#ifndef DHB_IOCTL_H
#define DHB_IOCTL_H

#include <stdint.h>

/**
 * dhb_ioctl() - ioctl() that retries EINTR and EAGAIN and counts the retries.
 * @fd: descriptor.
 * @req: request.
 * @arg: argument.
 * @retries: incremented once per retry, may be NULL.
 *
 * Gives up after DHB_IOCTL_MAX_RETRIES retries and returns the last error.
 *
 * Return: the ioctl's non-negative result, or -errno.
 */
int dhb_ioctl(int fd, unsigned long req, void *arg, uint64_t *retries);
#define DHB_IOCTL_MAX_RETRIES 1000

/* An ioctl entry point: ioctl(2) itself, or a library's (libv4l2's v4l2_ioctl). */
typedef int (*dhb_ioctl_fn)(int fd, unsigned long req, ...);

/**
 * dhb_ioctl_via() - dhb_ioctl() through @fn instead of ioctl(2).
 * @fn: the entry point.
 * @fd: descriptor.
 * @req: request.
 * @arg: argument.
 * @retries: incremented once per retry, may be NULL.
 *
 * Return: the non-negative result, or -errno.
 */
int dhb_ioctl_via(dhb_ioctl_fn fn, int fd, unsigned long req, void *arg, uint64_t *retries);

#endif /* DHB_IOCTL_H */
