// SPDX-License-Identifier: MIT
// The GStreamer peer's reports: fpsdisplaysink's counts in the lines gst-launch-1.0 -v prints.
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"

bool dhb_gst_report(const char *line, uint64_t *rendered)
{
	static const char key[] = "last-message = rendered: ";
	const char *at = strstr(line, key);
	unsigned long long v;
	char *end;

	if (!at)
		return false;
	at += sizeof(key) - 1;
	if (*at < '0' || *at > '9')
		return false;
	errno = 0;
	v = strtoull(at, &end, 10);
	if (errno || *end != ',')
		return false;
	*rendered = v;
	return true;
}
