/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The only environment the allocator core sees: types, errno values and a few helpers, taken from
 * the kernel when built as kernel code and from libc otherwise.
 */
#ifndef DHR_SHIM_H
#define DHR_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/bitops.h>
#include <linux/math64.h>

/* Index of the least significant set bit; @x must be nonzero. */
static inline unsigned int dhr_ctz64(u64 x)
{
	return __ffs64(x);
}

/* Index of the most significant set bit; @x must be nonzero. */
static inline unsigned int dhr_log2_64(u64 x)
{
	return fls64(x) - 1;
}

static inline u64 dhr_div64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

#else /* !__KERNEL__ */

#include <stdint.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <stdbool.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

#ifndef U64_MAX
#define U64_MAX UINT64_MAX
#endif

/* glibc's <sys/cdefs.h> defines __always_inline as the kernel does. */
#include <sys/cdefs.h>

#ifndef container_of
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#endif

/* Index of the least significant set bit; @x must be nonzero. */
static inline unsigned int dhr_ctz64(u64 x)
{
	return (unsigned int)__builtin_ctzll(x);
}

/* Index of the most significant set bit; @x must be nonzero. */
static inline unsigned int dhr_log2_64(u64 x)
{
	return 63u - (unsigned int)__builtin_clzll(x);
}

static inline u64 dhr_div64(u64 a, u64 b)
{
	return a / b;
}

#endif /* __KERNEL__ */

#endif /* DHR_SHIM_H */
