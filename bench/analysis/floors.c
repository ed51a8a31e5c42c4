// SPDX-License-Identifier: MIT
// Which row of the same run is a result's floor: found from the rows' own data, never by name.
#include <stdio.h>
#include <string.h>

#include "analysis_priv.h"
#include "dhb/backend.h"

/*
 * The floor of a row, first rule that finds one (the rows say what they are, so compare needs
 * no test's or heap's name):
 *   1. a row of the same board, test, heap, backend and size whose params start "floor=" (the
 *      sync test's ioctl floor), with the same counter event suffix as the row;
 *   2. a row of the same board, test, size and metric whose params are "baseline_for=HEAP",
 *      HEAP the row's heap (the cpu test's malloc baseline);
 *   3. for a row of a dma-buf backend, the row of the same board, test, size, metric and
 *      params of a registered backend without DHB_CAP_DMABUF (the memfd baseline of alloc
 *      and map).
 * Floors themselves (rules' targets) have no floor.
 */

static const char *suffix(const char *metric)
{
	const char *dot = strchr(metric, '.');

	return dot ? dot : "";
}

/* Whether @backend is a registered backend, and whether it gives dma-bufs. */
static bool backend_known(const char *backend, bool *dmabuf)
{
	const struct dhb_backend_ops *ops;

	for (ops = dhb_backend_first(); ops; ops = dhb_backend_next(ops)) {
		if (!strcmp(ops->name, backend)) {
			*dmabuf = ops->caps & DHB_CAP_DMABUF;
			return true;
		}
	}
	return false;
}

static bool plain_baseline(const struct dhb_cmp_result *f)
{
	bool dmabuf;

	return backend_known(f->backend, &dmabuf) && !dmabuf;
}

bool dhb_cmp_is_floor(const struct dhb_cmp_result *r)
{
	return !strncmp(r->params, "floor=", 6) || !strncmp(r->params, "baseline_for=", 13);
}

static bool rule(int n, const struct dhb_cmp_result *r, const struct dhb_cmp_result *f)
{
	if (strcmp(r->board, f->board) || strcmp(r->test, f->test) ||
	    r->size_bytes != f->size_bytes)
		return false;
	switch (n) {
	case 1:
		return !strcmp(r->heap, f->heap) && !strcmp(r->backend, f->backend) &&
		       !strncmp(f->params, "floor=", 6) &&
		       !strcmp(suffix(r->metric), suffix(f->metric));
	case 2:
		return !strcmp(r->metric, f->metric) && !strncmp(f->params, "baseline_for=", 13) &&
		       !strcmp(f->params + 13, r->heap);
	default:
		return !strcmp(r->metric, f->metric) && !strcmp(r->params, f->params) &&
		       strcmp(r->backend, f->backend) && plain_baseline(f);
	}
}

long dhb_cmp_floor_find(const struct dhb_cmp_result *res, size_t n, size_t i, char *label,
			size_t len)
{
	const struct dhb_cmp_result *r = &res[i];
	bool dmabuf;
	size_t j;
	int k;

	if (dhb_cmp_is_floor(r) || plain_baseline(r))
		return -1;
	for (k = 1; k <= 3; k++) {
		if (k == 3 && !(backend_known(r->backend, &dmabuf) && dmabuf))
			break;
		for (j = 0; j < n; j++) {
			if (j != i && rule(k, r, &res[j])) {
				snprintf(label, len, "%s %s", res[j].heap, res[j].metric);
				return (long)j;
			}
		}
	}
	return -1;
}
