// SPDX-License-Identifier: MIT
// The row store: copies of a run's result rows, strings included, in one growing array.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/store.h"

/* Points @r->row's strings at @r's own copies (again after the array moved). */
static void point_strings(struct dhb_stored_row *r)
{
	r->row.test = r->test;
	r->row.heap = r->heap;
	r->row.backend = r->backend;
	r->row.metric = r->metric;
	r->row.params = *r->params ? r->params : NULL;
	r->row.unit = r->unit;
}

int dhb_store_add(struct dhb_row_store *s, const struct dhb_row *row)
{
	struct dhb_stored_row *v, *r;
	size_t i;

	if (s->n == s->cap) {
		v = realloc(s->v, (s->cap ? s->cap * 2 : 256) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = s->cap ? s->cap * 2 : 256;
		/* The rows' string pointers pointed into the old array. */
		for (i = 0; i < s->n; i++)
			point_strings(&s->v[i]);
	}
	r = &s->v[s->n++];
	r->row = *row;
	r->row.samples = NULL; /* the recorder is gone once the row is made */
	snprintf(r->test, sizeof(r->test), "%s", row->test ? row->test : "");
	snprintf(r->heap, sizeof(r->heap), "%s", row->heap ? row->heap : "");
	snprintf(r->backend, sizeof(r->backend), "%s", row->backend ? row->backend : "");
	snprintf(r->metric, sizeof(r->metric), "%s", row->metric ? row->metric : "");
	snprintf(r->params, sizeof(r->params), "%s", row->params ? row->params : "");
	snprintf(r->unit, sizeof(r->unit), "%s", row->unit ? row->unit : "");
	point_strings(r);
	return 0;
}

void dhb_store_free(struct dhb_row_store *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
