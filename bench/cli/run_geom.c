// SPDX-License-Identifier: MIT
// The run command's --geometry: the picture asked of the sources whose buffers are pictures.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dhb/backend.h"
#include "dhb/geom.h"
#include "dhb/size.h"
#include "run.h"

int dhb_run_geometry(const char *spec, bool sizes_given, struct dhb_size_list *sizes,
		     struct dhb_instance *v, size_t n, const bool *sel, char *err, size_t errlen)
{
	char why[384], txt[DHB_SIZE_FMT_LEN];
	struct dhb_geom g;
	size_t i, used = 0;

	if (!spec)
		return 0;
	if (dhb_geom_parse(spec, &g, why, sizeof(why))) {
		snprintf(err, errlen, "--geometry: %s", why);
		return -EINVAL;
	}
	/* A whole picture is the size of the run. */
	if (g.height && sizes_given) {
		snprintf(err, errlen,
			 "--geometry %s sets the buffer size (%" PRIu64 " bytes): give --sizes "
			 "only with a width alone",
			 spec, dhb_geom_bytes(&g));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!sel[i] || !dhb_instance_has_caps(&v[i], DHB_CAP_GEOMETRY))
			continue;
		v[i].want = g;
		used++;
	}
	if (!used) {
		snprintf(err, errlen,
			 "--geometry: no selected source makes pictures (drm-dumb:CARD, "
			 "v4l2-mmap:NODE; dmaheap-bench list shows those here)");
		return -EINVAL;
	}
	if (!g.height)
		return 0;
	snprintf(txt, sizeof(txt), "%" PRIu64, dhb_geom_bytes(&g));
	dhb_sizes_free(sizes);
	if (dhb_sizes_parse_list(txt, sizes, why, sizeof(why))) {
		snprintf(err, errlen, "--geometry: %s", why);
		return -EINVAL;
	}
	return 0;
}
