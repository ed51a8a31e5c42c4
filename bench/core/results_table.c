// SPDX-License-Identifier: MIT
// Results reader, other tables: any CSV file the tool writes (frag's rows, compare's CSV), by field.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/* Most fields a record of such a table may have. */
#define MAX_FIELDS 128

int dhb_results_read_table(struct dhb_results *res, const char *path, dhb_results_record_fn fn,
			   void *arg)
{
	struct dhb_results_source src = {.name = path};
	struct results_ctx c = {.res = res, .src = &src, .row = -1};
	struct results_csv_rec *rec = malloc(sizeof(*rec));
	struct results_in *in = calloc(1, sizeof(*in));
	const char *f[MAX_FIELDS], *p;
	unsigned long next;
	size_t i;
	int ret;

	if (!rec || !in) {
		ret = results_fail(&c, -ENOMEM, "out of memory");
		goto out_free;
	}
	in->fp = fopen(path, "r");
	if (!in->fp) {
		ret = results_fail(&c, -errno, "%s", strerror(errno));
		goto out_free;
	}
	c.line = 1;
	ret = results_csv_record(&c, in, rec);
	if (!ret)
		ret = results_fail(&c, -EPROTO, "empty file, no header line");
	while (ret > 0) {
		next = c.line;
		c.line = rec->line;
		if (rec->nfields > MAX_FIELDS) {
			ret = results_fail(&c, -EPROTO, "%zu fields, at most %d", rec->nfields,
					   MAX_FIELDS);
			break;
		}
		for (i = 0, p = rec->buf; i < rec->nfields; i++, p += strlen(p) + 1)
			f[i] = p;
		ret = fn(arg, f, rec->nfields, rec->line);
		if (ret)
			break;
		c.line = next;
		ret = results_csv_record(&c, in, rec);
	}
	fclose(in->fp);
out_free:
	free(rec);
	free(in);
	return ret;
}
