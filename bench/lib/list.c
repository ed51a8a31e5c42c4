// SPDX-License-Identifier: MIT
// Comma lists on the command line: the walker every selection option uses.
#include <stdio.h>
#include <string.h>

#include "dhb/list.h"

bool dhb_list_next(const char **p, char *buf, size_t len, bool *too_long)
{
	const char *s = *p, *e, *end;

	if (!s)
		return false;
	end = strchr(s, ',');
	e = end ? end : s + strlen(s);
	*p = end ? end + 1 : NULL;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*too_long = (size_t)(e - s) >= len;
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return true;
}

bool dhb_list_is_all(const char *list)
{
	return !list || !strcmp(list, "all");
}
