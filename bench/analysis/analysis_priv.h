// SPDX-License-Identifier: MIT
// What compare's, track's and the detector's files share inside bench/analysis/.
#ifndef DHB_ANALYSIS_PRIV_H
#define DHB_ANALYSIS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/analysis.h"

/*
 * dhb_cmp_floor_find() - the index of result @i's floor among @res[0..n) (floors.c says by
 * which rules), -1 when it has none; @label gets "HEAP METRIC" of the floor.
 */
long dhb_cmp_floor_find(const struct dhb_cmp_result *res, size_t n, size_t i, char *label,
			size_t len);

/* dhb_cmp_is_floor() - whether a result is itself a floor row (floor= or baseline_for=). */
bool dhb_cmp_is_floor(const struct dhb_cmp_result *r);

/* A comparison's raw samples (samples.c), for keys with one run a side. */
struct cmp_samples;

/* The most values one side of one key expands to (buckets count their samples). */
#define DHB_CMP_MAX_SAMPLES (1u << 20)

/* Add one samples-file line (@count samples of value @v) of key @key, run @run; 0 or -ENOMEM. */
int dhb_cmp_samples_add(struct cmp_samples **s, int side, const char *key, const char *run,
			double v, uint64_t count);
/* Sort the samples for dhb_cmp_samples_get(); NULL is no samples. */
void dhb_cmp_samples_sort(struct cmp_samples *s);
/* The samples of (@key, @run, @side), malloc'd into *@out (NULL when none); their number. */
size_t dhb_cmp_samples_get(const struct cmp_samples *s, const char *key, const char *run, int side,
			   double **out);
void dhb_cmp_samples_free(struct cmp_samples *s);

/* The key of an observation as compare sorts it (malloc'd), NULL without memory. */
char *dhb_cmp_make_key(const struct dhb_cmp_obs *o);

#endif /* DHB_ANALYSIS_PRIV_H */
