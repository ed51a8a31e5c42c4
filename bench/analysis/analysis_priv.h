// SPDX-License-Identifier: MIT
// What compare's, track's and the detector's files share inside bench/analysis/.
#ifndef DHB_ANALYSIS_PRIV_H
#define DHB_ANALYSIS_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "dhb/analysis.h"

/*
 * dhb_cmp_floor_find() - the index of result @i's floor among @res[0..n) (floors.c says by
 * which rules), -1 when it has none; @label gets "HEAP METRIC" of the floor.
 */
long dhb_cmp_floor_find(const struct dhb_cmp_result *res, size_t n, size_t i, char *label,
			size_t len);

/* dhb_cmp_is_floor() - whether a result is itself a floor row (floor= or baseline_for=). */
bool dhb_cmp_is_floor(const struct dhb_cmp_result *r);

#endif /* DHB_ANALYSIS_PRIV_H */
