// SPDX-License-Identifier: MIT
// Round trip of results read back: a source's rows written again by the sinks, read, compared.
#ifndef DHB_RESULTS_RT_H
#define DHB_RESULTS_RT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/results.h"

/*
 * Shared by the unit tests (bench/tests/test_results.c) and the fuzz targets (bench/fuzz), so
 * both check the same promise: rows the reader accepted, written by the real sinks (CSV rows
 * each with their own run; JSON with the source's settings and environment), read back equal.
 */

/* Write the rows of source @src of @res with @ops into *@out (malloc'd, *@len bytes). */
static inline int rt_write(const struct dhb_results *res, const struct dhb_results_source *src,
			   const struct dhb_sink_ops *ops, char **out, size_t *len)
{
	struct dhb_run_info run = src->run; /* each row's run is put here before it is written */
	struct dhb_sink_config cfg = {
		.run = &run,
		.settings = src->settings,
		.n_settings = src->n_settings,
		.environment = src->environment,
		.n_environment = src->n_environment,
	};
	struct dhb_sink sink;
	size_t i;
	int ret, r;

	*out = NULL;
	*len = 0;
	cfg.fp = open_memstream(out, len);
	if (!cfg.fp)
		return -errno;
	ret = dhb_sink_open(&sink, ops, &cfg);
	if (ret)
		goto out_close;
	for (i = src->first_row; i < src->first_row + src->n_rows && !ret; i++) {
		run = res->rows[i].run;
		ret = dhb_sink_write(&sink, &res->rows[i].row);
	}
	r = dhb_sink_close(&sink);
	if (!ret)
		ret = r;
out_close:
	if (fclose(cfg.fp) && !ret)
		ret = -EIO;
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

static inline bool rt_kvs_equal(const struct dhb_kv *a, size_t na, const struct dhb_kv *b,
				size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (strcmp(a[i].key, b[i].key) || !a[i].value != !b[i].value ||
		    (a[i].value && strcmp(a[i].value, b[i].value)))
			return false;
	}
	return true;
}

/*
 * Write source @src of @res with @ops, read the text back (as @ops's format) and compare.
 * Return: 0 when equal, -EPROTO when not (@why says how), or an error of writing or reading.
 */
static inline int rt_check(const struct dhb_results *res, const struct dhb_results_source *src,
			   const struct dhb_sink_ops *ops, char *why, size_t why_len)
{
	enum dhb_results_format fmt =
		strcmp(ops->name, "json") ? DHB_RESULTS_CSV : DHB_RESULTS_JSON;
	struct dhb_results_row ra = {0}, rb = {0}; /* run identities only */
	const struct dhb_results_source *s2;
	struct dhb_results back;
	size_t len, i;
	char *text;
	int ret;

	snprintf(why, why_len, "ok");
	ret = rt_write(res, src, ops, &text, &len);
	if (ret) {
		snprintf(why, why_len, "writing back: %s", strerror(-ret));
		return ret;
	}
	dhb_results_init(&back, res->max_rows);
	ret = dhb_results_read_mem(&back, "written-back", text, len, fmt);
	if (ret) {
		snprintf(why, why_len, "reading back: %s", dhb_results_error(&back));
		goto out_free;
	}
	ret = -EPROTO;
	s2 = back.sources[0];
	if (back.n_rows != src->n_rows) {
		snprintf(why, why_len, "%zu rows read back, %zu written", back.n_rows, src->n_rows);
		goto out_free;
	}
	for (i = 0; i < src->n_rows; i++) {
		if (!dhb_results_row_equal(&res->rows[src->first_row + i], &back.rows[i])) {
			snprintf(why, why_len, "row %zu differs", i);
			goto out_free;
		}
	}
	if (fmt == DHB_RESULTS_JSON &&
	    (!rt_kvs_equal(src->settings, src->n_settings, s2->settings, s2->n_settings) ||
	     !rt_kvs_equal(src->environment, src->n_environment, s2->environment,
			   s2->n_environment))) {
		snprintf(why, why_len, "settings or environment differ");
		goto out_free;
	}
	ra.run = src->run;
	rb.run = s2->run;
	if (fmt == DHB_RESULTS_JSON && !dhb_results_row_equal(&ra, &rb)) {
		snprintf(why, why_len, "run identity differs");
		goto out_free;
	}
	ret = 0;
out_free:
	dhb_results_free(&back);
	free(text);
	return ret;
}

#endif /* DHB_RESULTS_RT_H */
