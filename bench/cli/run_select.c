// SPDX-License-Identifier: MIT
// The run command's selection of sources: whether what was selected leaves anything to test.
#include <stdio.h>
#include <string.h>

#include "dhb/backend.h"
#include "run.h"

bool dhb_run_has_dma_heap(const struct dhb_instance *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (dhb_instance_has_caps(&v[i], DHB_CAP_HEAP_NODE))
			return true;
	}
	return false;
}

bool dhb_run_testable(const struct dhb_instance *v, size_t n, const bool *sel, bool explicit_sel,
		      char *why, size_t len)
{
	bool want_dmabuf = !explicit_sel, have = false, have_dmabuf = false;
	size_t i, used = 0;

	for (i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		if (dhb_instance_is_dmabuf(&v[i]) && explicit_sel)
			want_dmabuf = true;
		if (v[i].err) {
			if (used < len)
				used += (size_t)snprintf(
					why + used, len - used, "%s%s: %s", used ? ", " : "",
					*v[i].path ? v[i].path : v[i].name, strerror(-v[i].err));
			continue;
		}
		have = true;
		if (explicit_sel ? dhb_instance_is_dmabuf(&v[i])
				 : dhb_instance_has_caps(&v[i], DHB_CAP_HEAP_NODE))
			have_dmabuf = true;
	}
	if (!used || (!explicit_sel && !dhb_run_has_dma_heap(v, n)))
		snprintf(why, len, "no DMA-BUF heap: /dev/dma_heap is missing or empty");
	return want_dmabuf ? have_dmabuf : have;
}
