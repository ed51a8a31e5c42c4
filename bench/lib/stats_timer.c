// SPDX-License-Identifier: MIT
// Timing helpers and the trust verdict: clock choice, timer overhead, warning flags.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dhb/stats.h"

clockid_t dhb_stats_clock(void)
{
#ifdef CLOCK_MONOTONIC_RAW
	struct timespec ts;

	if (!clock_gettime(CLOCK_MONOTONIC_RAW, &ts))
		return CLOCK_MONOTONIC_RAW;
#endif
	return CLOCK_MONOTONIC;
}

uint64_t dhb_stats_now_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int dhb_stats_timer_overhead(clockid_t clk, unsigned int pairs, double *median_ns)
{
	struct timespec a, b;
	struct dhb_stats st;
	unsigned int i;
	int64_t d;
	int ret = 0;

	if (!pairs)
		pairs = 10000;
	if (clock_gettime(clk, &a))
		return -EINVAL;
	dhb_stats_init(&st, pairs);
	for (i = 0; i < pairs && !ret; i++) {
		clock_gettime(clk, &a);
		clock_gettime(clk, &b);
		d = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
		ret = dhb_stats_add(&st, d > 0 ? (uint64_t)d : 0);
	}
	if (!ret)
		ret = dhb_stats_percentile(&st, 50, median_ns);
	dhb_stats_fini(&st);
	return ret;
}

unsigned int dhb_stats_trust(const struct dhb_stats_summary *s, double timer_overhead_ns,
			     const struct dhb_trust_limits *lim)
{
	static const struct dhb_trust_limits defaults = {
		.max_cv = DHB_TRUST_MAX_CV,
		.max_timer_frac = DHB_TRUST_MAX_TIMER_FRAC,
		.min_samples = DHB_TRUST_MIN_SAMPLES,
	};
	unsigned int flags = s->flags;

	if (!lim)
		lim = &defaults;
	if (s->n < lim->min_samples)
		flags |= DHB_FLAG_FEW_SAMPLES;
	if (s->n && !(s->cv <= lim->max_cv))
		flags |= DHB_FLAG_HIGH_CV;
	if (s->n && timer_overhead_ns >= 0 && !(timer_overhead_ns <= lim->max_timer_frac * s->p50))
		flags |= DHB_FLAG_TIMER_OVERHEAD;
	return flags;
}

/* Names of the DHB_FLAG_* bits, in bit order; other bits are "bitN". */
static const char *const flag_names[] = {"approx", "high_cv", "timer_overhead", "few_samples",
					 "counter_overhead"};

#define NFLAG_NAMES (sizeof(flag_names) / sizeof(flag_names[0]))

int dhb_stats_flags_format(unsigned int flags, char *buf, size_t len)
{
	size_t used = 0;
	char extra[16];
	const char *name;
	unsigned int bit;
	int w;

	if (len)
		buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		if (bit < NFLAG_NAMES) {
			name = flag_names[bit];
		} else {
			snprintf(extra, sizeof(extra), "bit%u", bit);
			name = extra;
		}
		w = snprintf(buf + used, len > used ? len - used : 0, "%s%s", used ? ";" : "",
			     name);
		if (w < 0 || (size_t)w >= (len > used ? len - used : 0))
			return -ENOSPC;
		used += (size_t)w;
	}
	return 0;
}

/* The bit of one flag name of @len bytes at @s: a name above or "bitN" (N < 32, no leading 0). */
static int flag_bit(const char *s, size_t len)
{
	unsigned int bit = 0;
	size_t i;

	for (i = 0; i < NFLAG_NAMES; i++) {
		if (strlen(flag_names[i]) == len && !memcmp(flag_names[i], s, len))
			return (int)i;
	}
	if (len < 4 || len > 5 || memcmp(s, "bit", 3) || (len == 5 && s[3] == '0'))
		return -EINVAL;
	for (i = 3; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		bit = bit * 10 + (unsigned int)(s[i] - '0');
	}
	return bit < 32 ? (int)bit : -EINVAL;
}

int dhb_stats_flags_parse(const char *text, unsigned int *flags)
{
	unsigned int bits = 0;
	const char *end;
	size_t len;
	int bit;

	*flags = 0;
	if (!*text)
		return 0;
	for (;;) {
		end = strchr(text, ';');
		len = end ? (size_t)(end - text) : strlen(text);
		bit = flag_bit(text, len);
		if (bit < 0)
			return bit;
		bits |= 1u << bit;
		if (!end)
			break;
		text = end + 1;
	}
	*flags = bits;
	return 0;
}
