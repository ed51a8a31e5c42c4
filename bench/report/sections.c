// SPDX-License-Identifier: MIT
// The report's data sections: the compatibility matrix, the flags explained, what was skipped.
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/report.h"
#include "report_priv.h"
#include "dhb/size.h"
#include "dhb/stats.h"

/* What each flag means (results/SCHEMA.md, "flags": bench.schema keeps the names in step). */
static const struct {
	const char *name;
	const char *meaning;
} flags[] = {
	{"approx", "the percentiles, mad and outliers come from the histogram (more samples than "
		   "the exact bound), within its documented error"},
	{"high_cv", "cv > 0.10: a spread beyond 10 % hides the few-percent differences that "
		    "usually matter between heaps"},
	{"timer_overhead", "the cost of reading the clock exceeds 1 % of p50"},
	{"few_samples", "n < 30: the median and mad are unstable, tail percentiles meaningless"},
	{"counter_overhead", "perf counting adds more than 1 % of p50"},
};

size_t dhb_report_nflags(void)
{
	return sizeof(flags) / sizeof(flags[0]);
}

const char *dhb_report_flag(size_t i)
{
	return flags[i].name;
}

void dhb_report_flags(FILE *fp, const struct dhb_results *res)
{
	size_t counts[sizeof(flags) / sizeof(flags[0])] = {0}, i, k, any = 0;

	for (i = 0; i < res->n_rows; i++) {
		for (k = 0; k < dhb_report_nflags(); k++) {
			if (res->rows[i].row.stats.flags & (1u << k)) {
				counts[k]++;
				any++;
			}
		}
	}
	fputs("<h2 id=\"flags\">Flags</h2>\n", fp);
	if (!any) {
		fputs("<p>No row carries a flag.</p>\n", fp);
		return;
	}
	fprintf(fp,
		"<p>Of %zu rows, these carry flags (the flags column of the CSV):</p>\n"
		"<table>\n<tr><th>flag</th><th>rows</th><th>meaning</th></tr>\n",
		res->n_rows);
	for (k = 0; k < dhb_report_nflags(); k++) {
		if (!counts[k])
			continue;
		fprintf(fp, "<tr><td>%s</td><td>%zu</td><td>", flags[k].name, counts[k]);
		dhb_report_text(fp, flags[k].meaning);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* Whether some row has @test, @heap and @size. */
static bool has_row(const struct dhb_results *res, const char *test, const char *heap,
		    uint64_t size)
{
	size_t i;

	for (i = 0; i < res->n_rows; i++) {
		const struct dhb_row *r = &res->rows[i].row;

		if (r->size_bytes == size && !strcmp(r->test, test) && !strcmp(r->heap, heap))
			return true;
	}
	return false;
}

/* Each distinct value of a row's field, in order of appearance. */
static size_t distinct(const struct dhb_results *res, const char **v, int field)
{
	size_t i, j, n = 0;

	for (i = 0; i < res->n_rows; i++) {
		const struct dhb_row *r = &res->rows[i].row;
		const char *s = field ? r->heap : r->test;

		if (field && !strcmp(r->backend, "malloc"))
			continue;
		for (j = 0; j < n && strcmp(v[j], s); j++)
			;
		if (j == n)
			v[n++] = s;
	}
	return n;
}

/* The reasons run recorded in the JSON environment (skip.TEST.SOURCE.SIZE: why). */
static void skip_reasons(FILE *fp, const struct dhb_results *res)
{
	size_t i, j, n = 0;

	for (i = 0; i < res->n_sources; i++) {
		const struct dhb_results_source *s = res->sources[i];

		for (j = 0; j < s->n_environment; j++) {
			if (strncmp(s->environment[j].key, "skip.", 5))
				continue;
			fputs(n++ ? "<tr><td>"
				  : "<table>\n<tr><th>skipped</th><th>why</th></tr>\n<tr><td>",
			      fp);
			dhb_report_text(fp, s->environment[j].key + 5);
			fputs("</td><td>", fp);
			dhb_report_text(fp, s->environment[j].value);
			fputs("</td></tr>\n", fp);
		}
	}
	if (n)
		fputs("</table>\n", fp);
}

void dhb_report_skips(FILE *fp, const struct dhb_results *res)
{
	const char **tests = calloc(res->n_rows + 1, sizeof(*tests));
	const char **heaps = calloc(res->n_rows + 1, sizeof(*heaps));
	uint64_t *sizes = calloc(res->n_rows + 1, sizeof(*sizes));
	size_t nt, nh, ns = 0, i, j, k, lines = 0;
	char buf[32];

	fputs("<h2 id=\"skips\">Skipped</h2>\n", fp);
	if (!tests || !heaps || !sizes)
		goto out;
	skip_reasons(fp, res);
	nt = distinct(res, tests, 0);
	nh = distinct(res, heaps, 1);
	for (i = 0; i < res->n_rows; i++) {
		for (j = 0; j < ns && sizes[j] != res->rows[i].row.size_bytes; j++)
			;
		if (j == ns)
			sizes[ns++] = res->rows[i].row.size_bytes;
	}
	fputs("<p>Each test and source without rows at some of the run's sizes: the test does not "
	      "apply to the source there (unsupported, or the size is over the source's limit; "
	      "the reasons above when the run recorded them).</p>\n<table>\n"
	      "<tr><th>test</th><th>source</th><th>sizes without rows</th></tr>\n",
	      fp);
	for (i = 0; i < nt; i++) {
		for (j = 0; j < nh; j++) {
			bool any = false;

			for (k = 0; k < ns; k++) {
				if (has_row(res, tests[i], heaps[j], sizes[k]))
					continue;
				if (!any) {
					fputs("<tr><td>", fp);
					dhb_report_text(fp, tests[i]);
					fputs("</td><td>", fp);
					dhb_report_text(fp, heaps[j]);
					fputs("</td><td>", fp);
				}
				dhb_size_format(sizes[k], buf, sizeof(buf));
				fprintf(fp, "%s%s", any ? ", " : "", buf);
				any = true;
			}
			if (any) {
				fputs("</td></tr>\n", fp);
				lines++;
			}
		}
	}
	fputs("</table>\n", fp);
	if (!lines)
		fputs("<p>Nothing: every test has rows for every source and size.</p>\n", fp);
out:
	free(tests);
	free(heaps);
	free(sizes);
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The cells of the matrix document, or NULL (with @err) when it is not list's output. */
static struct json_object *load(const char *path, struct json_object **doc, char *err,
				size_t errlen)
{
	struct json_object *m, *cells;

	*doc = json_object_from_file(path);
	if (!*doc) {
		snprintf(err, errlen, "%s: not JSON", path);
		return NULL;
	}
	if (!json_object_object_get_ex(*doc, "matrix", &m) ||
	    !json_object_object_get_ex(m, "cells", &cells) ||
	    !json_object_is_type(cells, json_type_array)) {
		snprintf(err, errlen, "%s: no matrix cells: not the output of list --matrix --json",
			 path);
		json_object_put(*doc);
		*doc = NULL;
		return NULL;
	}
	return cells;
}

int dhb_report_check_matrix(const char *path, char *err, size_t errlen)
{
	struct json_object *doc;

	if (!load(path, &doc, err, errlen))
		return -EPROTO;
	json_object_put(doc);
	return 0;
}

/* The column label of a cell: device, or device/queue. */
static void label(struct json_object *c, char *buf, size_t len)
{
	const char *q = str(c, "queue");

	snprintf(buf, len, "%s%s%s", str(c, "device") ? str(c, "device") : "?", q ? "/" : "",
		 q ? q : "");
}

int dhb_report_matrix(FILE *fp, const char *path, char *err, size_t errlen)
{
	struct json_object *doc, *cells = load(path, &doc, err, errlen);
	char cols[64][96], lab[96];
	size_t n, i, j, nc = 0;
	const char *row = NULL;

	if (!cells)
		return -EPROTO;
	n = json_object_array_length(cells);
	for (i = 0; i < n && nc < 64; i++) {
		label(json_object_array_get_idx(cells, i), lab, sizeof(lab));
		for (j = 0; j < nc && strcmp(cols[j], lab); j++)
			;
		if (j == nc)
			snprintf(cols[nc++], sizeof(cols[0]), "%s", lab);
	}
	fputs("<h2 id=\"matrix\">Compatibility matrix</h2>\n<p>One buffer of each source imported "
	      "once by each device (list --matrix): ok, refused, or not tried.</p>\n<table>\n"
	      "<tr><th>source</th>",
	      fp);
	for (j = 0; j < nc; j++) {
		fputs("<th>", fp);
		dhb_report_text(fp, cols[j]);
		fputs("</th>", fp);
	}
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *src = str(c, "source"), *res = str(c, "result");

		if (!src || !res)
			continue;
		if (!row || strcmp(row, src)) {
			fputs("</tr>\n<tr><td>", fp);
			dhb_report_text(fp, src);
			fputs("</td>", fp);
			row = src;
		}
		if (!strcmp(res, "ok"))
			fputs("<td class=\"ok\">ok</td>", fp);
		else if (!strcmp(res, "refused"))
			fputs("<td class=\"refused\">refused</td>", fp);
		else
			fputs("<td class=\"not_tried\">not tried</td>", fp);
	}
	fputs("</tr>\n</table>\n<ul>\n", fp);
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *res = str(c, "result");

		if (!res || !strcmp(res, "ok"))
			continue;
		label(c, lab, sizeof(lab));
		fputs("<li>", fp);
		dhb_report_text(fp, str(c, "source"));
		fputs(" on ", fp);
		dhb_report_text(fp, lab);
		fputs(": ", fp);
		dhb_report_text(fp, res);
		fputs(" at ", fp);
		dhb_report_text(fp, str(c, "step") ? str(c, "step") : "?");
		fputs(" (", fp);
		dhb_report_text(fp, str(c, "errno") ? str(c, "errno") : "?");
		fputs(")", fp);
		if (str(c, "reason")) {
			fputs(": ", fp);
			dhb_report_text(fp, str(c, "reason"));
		}
		fputs("</li>\n", fp);
	}
	fputs("</ul>\n", fp);
	json_object_put(doc);
	return 0;
}
