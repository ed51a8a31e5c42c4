// SPDX-License-Identifier: MIT
// The compatibility matrix as `list --matrix --json` writes it, read for recommend.
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "rec_priv.h"

/* A member's string, copied; NULL when absent or null. */
static char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

/* Whether the array @key of @o holds the string @word: 1, 0, or -1 without the array. */
static int has_word(struct json_object *o, const char *key, const char *word)
{
	struct json_object *a;
	size_t i;

	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(a); i++) {
		if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), word))
			return 1;
	}
	return 0;
}

/* -1 unknown, else whether the properties say @yes (and not @no). */
static int property(struct json_object *o, const char *yes, const char *no)
{
	if (has_word(o, "properties", yes) == 1)
		return 1;
	return has_word(o, "properties", no) == 1 ? 0 : -1;
}

static int read_sources(struct dhb_rec *r, struct json_object *a)
{
	size_t i, n = json_object_array_length(a);

	r->src = calloc(n ? n : 1, sizeof(*r->src));
	if (!r->src)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct dhb_rec_source *s = &r->src[r->nsrc];

		s->name = str_of(o, "name");
		s->backend = str_of(o, "backend");
		s->path = str_of(o, "path");
		s->contiguous = property(o, "contiguous", "non-contiguous");
		s->cached = property(o, "cached", "uncached");
		r->nsrc++;
		if (!s->name || !s->backend)
			return -EPROTO;
	}
	return 0;
}

/* The capabilities' text: a comma list, as `list` writes it. */
static int read_devices(struct dhb_rec *r, struct json_object *a)
{
	size_t i, n = json_object_array_length(a);

	r->dev = calloc(n ? n : 1, sizeof(*r->dev));
	if (!r->dev)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct dhb_rec_device *d = &r->dev[r->ndev++];

		d->name = str_of(o, "name");
		d->kind = str_of(o, "kind");
		d->caps = str_of(o, "capabilities");
		if (!d->caps)
			d->caps = strdup("");
		if (!d->name || !d->kind || !d->caps)
			return -EPROTO;
	}
	return 0;
}

static int read_cells(struct dhb_rec *r, struct json_object *m)
{
	struct json_object *a, *v;
	size_t i, n;

	if (!json_object_object_get_ex(m, "cells", &a) || !json_object_is_type(a, json_type_array))
		return -EPROTO;
	if (json_object_object_get_ex(m, "size_bytes", &v))
		r->matrix_size = (uint64_t)json_object_get_int64(v);
	n = json_object_array_length(a);
	r->cells = calloc(n ? n : 1, sizeof(*r->cells));
	if (!r->cells)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct dhb_rec_cell *c = &r->cells[r->ncells++];

		c->source = str_of(o, "source");
		c->device = str_of(o, "device");
		c->queue = str_of(o, "queue");
		c->result = str_of(o, "result");
		c->step = str_of(o, "step");
		c->errname = str_of(o, "errno");
		c->reason = str_of(o, "reason");
		if (!c->source || !c->device || !c->result)
			return -EPROTO;
	}
	return 0;
}

int dhb_rec_read_matrix(struct dhb_rec *r, const char *path, char *err, size_t errlen)
{
	struct json_object *doc, *a, *m;
	int ret = -EPROTO;

	if (r->have_matrix) {
		snprintf(err, errlen, "%s: only one matrix", path);
		return -EINVAL;
	}
	doc = json_object_from_file(path);
	if (!doc) {
		const char *why = json_util_get_last_err();

		snprintf(err, errlen, "%s: not JSON (%.*s)", path,
			 why ? (int)strcspn(why, "\n") : 0, why ? why : "");
		return -EPROTO;
	}
	if (!json_object_object_get_ex(doc, "matrix", &m)) {
		snprintf(err, errlen, "%s: no \"matrix\": not the output of list --matrix --json",
			 path);
		goto out;
	}
	if (!json_object_object_get_ex(doc, "sources", &a) ||
	    !json_object_is_type(a, json_type_array))
		goto bad;
	ret = read_sources(r, a);
	if (!ret && (!json_object_object_get_ex(doc, "devices", &a) ||
		     !json_object_is_type(a, json_type_array)))
		ret = -EPROTO;
	if (!ret)
		ret = read_devices(r, a);
	if (!ret)
		ret = read_cells(r, m);
	r->matrix_board = str_of(doc, "board");
	r->matrix_kernel = str_of(doc, "kernel");
	if (!ret) {
		r->have_matrix = true;
		goto out;
	}
	if (ret == -ENOMEM) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
bad:
	ret = -EPROTO;
	snprintf(err, errlen,
		 "%s: sources, devices or cells missing or malformed: not the output "
		 "of list --matrix --json",
		 path);
out:
	json_object_put(doc);
	return ret;
}
