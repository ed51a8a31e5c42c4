// SPDX-License-Identifier: MIT
// The run command's devices: probed when a selected test uses them, selected by --devices.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/device.h"
#include "dhb/exit.h"
#include "dhb/workload.h"
#include "run.h"

int dhb_run_devices(const char *list, const struct dhb_test *const *tests, size_t n_tests,
		    struct dhb_device **v, size_t *n, bool **sel, char *err, size_t errlen)
{
	bool wanted = list && strcmp(list, "all");
	size_t i;
	int ret;

	*v = NULL;
	*n = 0;
	*sel = NULL;
	for (i = 0; i < n_tests; i++)
		wanted |= !!(tests[i]->needs & (DHB_NEED_DEVICE | DHB_USES_DEVICES));
	if (!wanted)
		return 0;
	ret = dhb_devices_probe(v, n);
	if (ret) {
		snprintf(err, errlen, "probing devices: %s", strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	*sel = calloc(*n ? *n : 1, sizeof(**sel));
	if (!*sel) {
		snprintf(err, errlen, "probing devices: %s", strerror(ENOMEM));
		return DHB_EXIT_FAIL;
	}
	ret = dhb_devices_select(list, *v, *n, *sel, err, errlen);
	return ret ? DHB_EXIT_USAGE : 0;
}
