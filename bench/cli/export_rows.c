// SPDX-License-Identifier: MIT
// export's rows: their KCIDB paths (also LAVA's names), ids and cells, and a set of strings.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "dhb/sink.h"
#include "export.h"

int export_put(struct export_text *t, const char *s, size_t n)
{
	char *p;

	if (t->len + n + 1 > t->cap) {
		p = realloc(t->s, (t->len + n + 1) * 2);
		if (!p)
			return -ENOMEM;
		t->s = p;
		t->cap = (t->len + n + 1) * 2;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
	return 0;
}

/*
 * One component of a dot-separated path: KCIDB takes [a-zA-Z0-9_-]+ between the dots; '='
 * becomes '-' (a parameter's key and value), any other byte '_'.
 */
static int put_component(struct export_text *t, const char *s, size_t n)
{
	char c;
	size_t i;
	int ret = export_put(t, t->len ? "." : "", t->len ? 1 : 0);

	for (i = 0; i < n && !ret; i++) {
		c = s[i];
		if (c == '=')
			c = '-';
		else if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
			 !(c >= '0' && c <= '9') && c != '_' && c != '-')
			c = '_';
		ret = export_put(t, &c, 1);
	}
	return ret ? ret : n ? 0 : export_put(t, "_", 1);
}

/* Components of @s split at @sep, each made path-safe. */
int export_put_split(struct export_text *t, const char *s, char sep)
{
	const char *end;
	int ret = 0;

	while (*s && !ret) {
		end = strchr(s, sep);
		if (!end)
			end = s + strlen(s);
		ret = put_component(t, s, (size_t)(end - s));
		s = *end ? end + 1 : end;
	}
	return ret;
}

/* TEST.HEAP.SIZE.METRIC[.PARAMS]: a row's path below the root (counter rows: METRIC.EVENT). */
int export_row_path(struct export_text *t, const struct dhb_row *row)
{
	char size[DHB_SIZE_FMT_LEN];
	int ret;

	t->len = 0;
	ret = put_component(t, row->test, strlen(row->test));
	if (!ret)
		ret = put_component(t, row->heap, strlen(row->heap));
	if (!ret && dhb_size_format(row->size_bytes, size, sizeof(size)))
		snprintf(size, sizeof(size), "%llu", (unsigned long long)row->size_bytes);
	if (!ret)
		ret = put_component(t, size, strlen(size));
	if (!ret)
		ret = export_put_split(t, row->metric, '.');
	if (!ret)
		ret = export_put_split(t, row->params, ';');
	return ret;
}

/* One column of a row as the CSV writer writes it, unquoted; NULL when out of memory. */
char *export_cell(const struct dhb_results_row *r, size_t col)
{
	char *buf = NULL, *out, *o;
	const char *p;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return NULL;
	dhb_sink_csv_cells(fp, &r->run, &r->row, col, 1);
	if (fclose(fp))
		return free(buf), NULL;
	if (buf[0] != '"')
		return buf;
	for (p = buf + 1, o = out = buf; *p; p++) { /* "a ""b""" -> a "b" */
		if (*p == '"' && p[1] == '"')
			p++;
		else if (*p == '"')
			break;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

uint32_t export_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* 1 when @s was seen before, 0 when added now, -ENOMEM. */
int export_seen_add(struct export_seen *t, const char *s)
{
	char **v;
	size_t i, k;

	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;

		v = calloc(cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (i = 0; i < t->cap; i++) {
			for (k = t->v[i] ? export_hash(t->v[i]) & (cap - 1) : 0; t->v[i] && v[k];
			     k = (k + 1) & (cap - 1))
				;
			if (t->v[i])
				v[k] = t->v[i];
		}
		free(t->v);
		t->v = v;
		t->cap = cap;
	}
	for (k = export_hash(s) & (t->cap - 1); t->v[k]; k = (k + 1) & (t->cap - 1)) {
		if (!strcmp(t->v[k], s))
			return 1;
	}
	t->v[k] = strdup(s);
	if (!t->v[k])
		return -ENOMEM;
	t->n++;
	return 0;
}

void export_seen_free(struct export_seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ORIGIN:HOST:TIMESTAMP:TEST:HEAP:BACKEND:SIZE:METRIC:PARAMS, unique per row of a run. */
char *export_row_id(const struct export_settings *s, const struct dhb_results_row *r)
{
	const struct dhb_row *w = &r->row;
	char *id;

	if (asprintf(&id, "%s:%s:%s:%s:%s:%s:%llu:%s:%s", s->origin, r->run.hostname,
		     r->run.timestamp, w->test, w->heap, w->backend,
		     (unsigned long long)w->size_bytes, w->metric, w->params) < 0)
		return NULL;
	return id;
}
