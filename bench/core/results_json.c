// SPDX-License-Identifier: MIT
// Results reader, JSON: the document parsed by json-c, checked against the column table.
#include <errno.h>
#include <json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results_priv.h"

/*
 * json-c parses (strict RFC 8259, UTF-8 validated, nesting at most MAX_DEPTH); this file only
 * checks what the document holds against results/SCHEMA.md:
 *  - the top level is an object with exactly "schema_version" (checked first, so another
 *    version is named as such: one this reader reads, the document's), "settings",
 *    "environment" and "rows";
 *  - "settings": string or null values; "environment": the run identity (the run columns of
 *    the document's version, typed as in a row), then string or null values (version 1: the
 *    fact "boot_id" is the run's boot, as version 2's column is; no other fact may be named
 *    like a run column);
 *  - "rows": an array of objects with exactly the columns of the document's version as keys
 *    (in any order): text columns strings, the others numbers or null. A number's text as
 *    json-c parsed it goes through dhb_sink_cell_parse(), like a CSV field, so both formats
 *    accept the same values; every row's run identity must equal the environment's (one run
 *    per document), or be one of its passes (run --repeat: see pass_of()).
 * json-c's limits show here: a duplicate key keeps its last value; an integer beyond the
 * 64-bit range is clamped by json-c to INT64_MIN or UINT64_MAX, so those two values are refused
 * as out of range; a string holding U+0000 is refused (it cannot be a C string).
 * json-c keeps no positions of values, so content errors name the place as rows[I] (from 0)
 * or the member; syntax errors name the line.
 */
#define MAX_DEPTH 8 /* the document nests 3 deep */

static const char *const members[] = {"schema_version", "settings", "environment", "rows"};

/* Line of byte @off of @data, from 1. */
static unsigned long line_of(const char *data, size_t off)
{
	unsigned long line = 1;
	const char *p = data, *end = data + off;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		line++;
		p++;
	}
	return line;
}

/*
 * 0, or results_fail() when @text (NUL-terminated) is not UTF-8 by the sink's rule
 * (dhb_utf8_len()): json-c's own check lets an overlong form or an encoded surrogate through,
 * which the sink would write back as U+FFFD.
 */
static int json_utf8(struct results_ctx *c, const char *what, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n;

	while (*s) {
		n = *s < 0x80 ? 1 : dhb_utf8_len(s);
		if (!n)
			return results_fail(c, -EPROTO,
					    "%s is not valid UTF-8 (byte 0x%02x at %zu)", what, *s,
					    (size_t)(s - (const unsigned char *)text));
		s += n;
	}
	return 0;
}

/* The string of @v, UTF-8 without NUL bytes, or results_fail(); @what names it in a message. */
static int json_text(struct results_ctx *c, struct json_object *v, const char *what,
		     const char **text, size_t *len)
{
	*text = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	if (strlen(*text) != *len)
		return results_fail(c, -EPROTO, "%s holds a NUL character (\\u0000)", what);
	return json_utf8(c, what, *text);
}

/* The text of @v as a CSV field of column @col would hold it, or results_fail(). */
static int cell_text(struct results_ctx *c, size_t col, struct json_object *v, const char **text,
		     size_t *len)
{
	const char *name = dhb_sink_column(col);
	enum json_type t = json_object_get_type(v);
	char what[64];

	snprintf(what, sizeof(what), "column \"%s\"", name);
	if (dhb_sink_column_type(col) == DHB_COLUMN_TEXT) {
		if (t != json_type_string)
			return results_fail(c, -EPROTO, "column \"%s\" is %s, not a string", name,
					    json_type_to_name(t));
		return json_text(c, v, what, text, len);
	}
	if (t == json_type_null) {
		*text = "";
		*len = 0;
		return 0;
	}
	if (t != json_type_int && t != json_type_double)
		return results_fail(c, -EPROTO, "column \"%s\" is %s, not a number or null", name,
				    json_type_to_name(t));
	/* an int's decimal form; a double's text as it was in the file */
	*text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	if (!*text)
		return results_fail(c, -ENOMEM, "out of memory");
	*len = strlen(*text);
	if (t == json_type_int &&
	    (!strcmp(*text, "18446744073709551615") || !strcmp(*text, "-9223372036854775808")))
		return results_fail(c, -EPROTO, "column \"%s\": %s is out of range", name, *text);
	return 0;
}

/* Key/value pairs of object @obj (values strings or null) into arena memory. */
static int read_kvs(struct results_ctx *c, struct json_object *obj, const char *what, bool skip_run,
		    const struct dhb_kv **out, size_t *n_out)
{
	struct json_object_iterator it = json_object_iter_begin(obj),
				    end = json_object_iter_end(obj);
	size_t n = (size_t)json_object_object_length(obj), i = 0, len;
	struct json_object *v;
	struct dhb_kv *kv;
	const char *key, *text;
	char q[160], kw[192];
	long col;
	int ret;

	kv = results_zalloc(c->res, (n ? n : 1) * sizeof(*kv));
	if (!kv)
		return results_fail(c, -ENOMEM, "out of memory");
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		v = json_object_iter_peek_value(&it);
		col = results_column(key);
		if (skip_run && col >= 0 && dhb_sink_column_is_run((size_t)col) &&
		    results_in_version((size_t)col, c->version))
			continue;
		results_quote(key, strlen(key), q, sizeof(q));
		snprintf(kw, sizeof(kw), "%s: a key", what);
		ret = json_utf8(c, kw, key);
		if (ret)
			return ret;
		if (json_object_get_type(v) == json_type_null) {
			text = NULL;
		} else if (json_object_get_type(v) == json_type_string) {
			snprintf(kw, sizeof(kw), "%s: %s", what, q);
			ret = json_text(c, v, kw, &text, &len);
			if (ret)
				return ret;
			text = results_strdup(c->res, text, len);
			if (!text)
				return results_fail(c, -ENOMEM, "out of memory");
		} else {
			return results_fail(c, -EPROTO, "%s: %s is %s, not a string or null", what,
					    q, json_type_to_name(json_object_get_type(v)));
		}
		kv[i].key = results_strdup(c->res, key, strlen(key));
		if (!kv[i].key)
			return results_fail(c, -ENOMEM, "out of memory");
		kv[i++].value = text;
	}
	*out = kv;
	*n_out = i;
	return 0;
}

/*
 * A version 1 environment's facts: "boot_id" becomes the run's boot (version 2's column) and
 * leaves the facts; a fact named like another run column of a later version is refused, as
 * no writer of version 1 wrote one.
 */
static int lift_facts(struct results_ctx *c)
{
	struct dhb_results_source *src = c->src;
	struct dhb_kv *kv = (struct dhb_kv *)src->environment;
	size_t i, n = 0;
	long col;

	for (i = 0; i < src->n_environment; i++) {
		col = results_column(kv[i].key);
		if (col < 0 || !dhb_sink_column_is_run((size_t)col)) {
			kv[n++] = kv[i];
		} else if (!strcmp(kv[i].key, "boot_id")) {
			src->run.boot_id = kv[i].value ? kv[i].value : "";
		} else {
			return results_fail(c, -EPROTO,
					    "environment: \"%s\" is a column of schema version %u, "
					    "not a fact of version %u",
					    kv[i].key, dhb_sink_column_since((size_t)col),
					    c->version);
		}
	}
	src->n_environment = n;
	return 0;
}

/* The run identity from "environment" into c->src->run, then its other pairs. */
static int read_environment(struct results_ctx *c, struct json_object *env)
{
	struct dhb_results_row tmp = {0};
	struct json_object *v;
	const char *text;
	size_t col, len;
	int ret;

	for (col = 0; col < dhb_sink_ncolumns(); col++) {
		if (!dhb_sink_column_is_run(col))
			continue;
		if (!results_in_version(col, c->version)) {
			ret = results_cell(c, &tmp, col, "", 0);
			if (ret)
				return ret;
			continue;
		}
		if (!json_object_object_get_ex(env, dhb_sink_column(col), &v))
			return results_fail(c, -EPROTO, "environment: missing \"%s\"",
					    dhb_sink_column(col));
		ret = cell_text(c, col, v, &text, &len);
		if (!ret)
			ret = results_cell(c, &tmp, col, text, len);
		if (ret)
			return ret;
	}
	c->src->run = tmp.run;
	ret = read_kvs(c, env, "environment", true, &c->src->environment, &c->src->n_environment);
	if (!ret && c->version < 2)
		ret = lift_facts(c);
	return ret;
}

/* The environment's fact @key, NULL when absent (or null). */
static const char *fact(const struct dhb_results_source *src, const char *key)
{
	size_t i;

	for (i = 0; i < src->n_environment; i++) {
		if (!strcmp(src->environment[i].key, key))
			return src->environment[i].value;
	}
	return NULL;
}

/* Whether entry @i (from 0) of the ' '-joined @list is @ts; any entry when @i is SIZE_MAX. */
static bool listed(const char *list, size_t i, const char *ts)
{
	size_t len = strlen(ts), k = 0;
	const char *p = list;

	while (p) {
		if ((i == SIZE_MAX || k == i) && !strncmp(p, ts, len) && (p[len] == ' ' || !p[len]))
			return true;
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
		k++;
	}
	return false;
}

/*
 * Whether row identity @a is one of the passes of the document's run (run --repeat): the same
 * as the environment's but for its timestamp and repetition, the timestamp being entry
 * `repetition` of the environment's repetition_timestamps, or any entry when the repetition is
 * unknown (version 1, and a version 1 document written again).
 */
static bool pass_of(const struct results_ctx *c, const struct dhb_run_info *a)
{
	const struct dhb_run_info *b = &c->src->run;
	const char *list = fact(c->src, "repetition_timestamps");
	struct dhb_run_info t = *a;

	t.timestamp = b->timestamp;
	t.repetition = b->repetition;
	if (!list || !a->timestamp || !*a->timestamp || !results_run_equal(&t, b))
		return false;
	return listed(list, a->repetition ? a->repetition - 1 : SIZE_MAX, a->timestamp);
}

static int read_row(struct results_ctx *c, struct json_object *o)
{
	size_t ncols = dhb_sink_ncolumns(), col, len;
	long k;
	struct json_object_iterator it, end;
	struct dhb_results_row *r;
	struct json_object *v;
	const char *key, *text;
	char q[160];
	int ret;

	if (!json_object_is_type(o, json_type_object))
		return results_fail(c, -EPROTO, "a row is %s, not an object",
				    json_type_to_name(json_object_get_type(o)));
	it = json_object_iter_begin(o);
	end = json_object_iter_end(o);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		k = results_column(key);
		results_quote(key, strlen(key), q, sizeof(q));
		if (k < 0)
			return results_fail(c, -EPROTO,
					    "unknown column %s (this reader reads schema %s)", q,
					    results_versions());
		if (!results_in_version((size_t)k, c->version))
			return results_fail(c, -EPROTO,
					    "column %s is not one of schema version %u's (the "
					    "document's)",
					    q, c->version);
	}
	ret = results_new_row(c, &r);
	if (ret)
		return ret;
	for (col = 0; col < ncols; col++) {
		if (!results_in_version(col, c->version))
			continue;
		if (!json_object_object_get_ex(o, dhb_sink_column(col), &v))
			return results_fail(c, -EPROTO,
					    "missing column \"%s\" (of schema version %u; this "
					    "reader reads %s)",
					    dhb_sink_column(col), c->version, results_versions());
		ret = cell_text(c, col, v, &text, &len);
		if (!ret)
			ret = results_cell(c, r, col, text, len);
		if (ret)
			return ret;
	}
	ret = results_absent(c, r);
	if (ret)
		return ret;
	if (c->version < 2)
		r->run.boot_id = c->src->run.boot_id; /* the environment's fact */
	if (!results_run_equal(&r->run, &c->src->run) && !pass_of(c, &r->run))
		return results_fail(c, -EPROTO,
				    "run identity differs from the document's \"environment\" "
				    "(a JSON document holds one run, its passes listed in "
				    "repetition_timestamps)");
	return 0;
}

/* Member @name of the top level, of type @type; or results_fail(). */
static int member(struct results_ctx *c, struct json_object *doc, const char *name,
		  enum json_type type, struct json_object **v)
{
	if (!json_object_object_get_ex(doc, name, v))
		return results_fail(c, -EPROTO, "missing member \"%s\"", name);
	if (!json_object_is_type(*v, type))
		return results_fail(c, -EPROTO, "\"%s\" is %s, not %s", name,
				    json_type_to_name(json_object_get_type(*v)),
				    json_type_to_name(type));
	return 0;
}

static int read_doc(struct results_ctx *c, struct json_object *doc)
{
	struct json_object_iterator it, end;
	struct json_object *v;
	const char *key, *text;
	size_t i, n, len;
	char q[160];
	bool known;
	int ret;

	if (!json_object_is_type(doc, json_type_object))
		return results_fail(c, -EPROTO,
				    "not a dmaheap-bench results document: the top level is %s, "
				    "not an object",
				    json_type_to_name(json_object_get_type(doc)));
	if (!json_object_object_get_ex(doc, "schema_version", &v))
		return results_fail(c, -EPROTO,
				    "not a dmaheap-bench results document: no \"schema_version\"");
	/* the row's schema_version column parses it: version first, whatever else is wrong */
	ret = cell_text(c, 0, v, &text, &len);
	if (!ret)
		ret = results_cell(c, &(struct dhb_results_row){0}, 0, text, len);
	if (ret)
		return ret;
	it = json_object_iter_begin(doc);
	end = json_object_iter_end(doc);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		for (i = 0, known = false; i < sizeof(members) / sizeof(members[0]); i++)
			known |= !strcmp(key, members[i]);
		if (!known) {
			results_quote(key, strlen(key), q, sizeof(q));
			return results_fail(c, -EPROTO,
					    "unknown member %s (this reader reads schema %s)", q,
					    results_versions());
		}
	}
	ret = member(c, doc, "settings", json_type_object, &v);
	if (!ret)
		ret = read_kvs(c, v, "settings", false, &c->src->settings, &c->src->n_settings);
	if (!ret)
		ret = member(c, doc, "environment", json_type_object, &v);
	if (!ret)
		ret = read_environment(c, v);
	if (!ret)
		ret = member(c, doc, "rows", json_type_array, &v);
	if (ret)
		return ret;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		c->row = (long)i;
		ret = read_row(c, json_object_array_get_idx(v, i));
		if (ret)
			return ret;
	}
	c->row = -1;
	return 0;
}

int results_json_read(struct results_ctx *c, const char *data, size_t len)
{
	struct json_tokener *tok;
	struct json_object *doc;
	enum json_tokener_error err;
	const char *nul;
	int ret;

	if (!len)
		return results_fail(c, -EPROTO, "empty file, no JSON document");
	if (len > DHB_RESULTS_MAX_JSON)
		return results_fail(c, -E2BIG, "larger than %u bytes (the JSON limit)",
				    DHB_RESULTS_MAX_JSON);
	nul = memchr(data, '\0', len);
	if (nul) {
		c->line = line_of(data, (size_t)(nul - data));
		return results_fail(c, -EPROTO, "NUL byte");
	}
	tok = json_tokener_new_ex(MAX_DEPTH);
	if (!tok)
		return results_fail(c, -ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, data, (int)len);
	err = json_tokener_get_error(tok);
	if (!doc || err != json_tokener_success) {
		c->line = line_of(data, json_tokener_get_parse_end(tok));
		if (err == json_tokener_continue || err == json_tokener_success)
			ret = results_fail(c, -EPROTO,
					   "JSON document incomplete (the file ends early)");
		else
			ret = results_fail(c, -EPROTO, "JSON syntax: %s",
					   json_tokener_error_desc(err));
		goto out_free;
	}
	if (json_tokener_get_parse_end(tok) < len) {
		c->line = line_of(data, json_tokener_get_parse_end(tok));
		ret = results_fail(c, -EPROTO, "data after the JSON document");
		goto out_free;
	}
	ret = read_doc(c, doc);
out_free:
	json_object_put(doc);
	json_tokener_free(tok);
	return ret;
}
