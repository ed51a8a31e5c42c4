// SPDX-License-Identifier: MIT
// export --kcidb: the rows as KernelCI's KCIDB I/O data, schema v5.3 (results/EXPORT.md).
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/sink.h"
#include "export.h"

/*
 * KCIDB I/O schema v5.3 (kernelci/kcidb-io, the latest minor it publishes): one checkout and one
 * build per kernel release, one test per row, DONE with the row's median and unit as its number,
 * the whole row in misc, the board in environment (the device tree's compatible strings where
 * the run recorded them). Ids start with the origin and a colon.
 */
#define KCIDB_MAJOR 5
#define KCIDB_MINOR 3

/* A JSON number written as @text exactly, or a string. */
static json_object *cell_json(size_t col, const char *text)
{
	if (dhb_sink_column_type(col) == DHB_COLUMN_TEXT)
		return json_object_new_string(text);
	return json_object_new_double_s(strtod(text, NULL), text);
}

static int add(json_object *obj, const char *key, json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(obj, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* add() of an object the caller holds: the object moves (or is released); *@v becomes NULL. */
static int give(json_object *obj, const char *key, json_object **v)
{
	int ret = add(obj, key, *v);

	*v = NULL;
	return ret;
}

static int add_str(json_object *obj, const char *key, const char *s)
{
	return add(obj, key, json_object_new_string(s));
}

/* The whole row, every column KCIDB can hold (a missing figure has no key: no nulls). */
static json_object *row_misc(const struct dhb_results_row *r, double *p50, char **p50_text)
{
	json_object *misc = json_object_new_object();
	size_t col;
	char *text;
	int ret = misc ? 0 : -ENOMEM;

	*p50_text = NULL;
	for (col = 0; col < dhb_sink_ncolumns() && !ret; col++) {
		text = export_cell(r, col);
		if (!text) {
			ret = -ENOMEM;
			break;
		}
		if (*text || dhb_sink_column_type(col) == DHB_COLUMN_TEXT)
			ret = add(misc, dhb_sink_column(col), cell_json(col, text));
		if (!strcmp(dhb_sink_column(col), "p50") && *text) {
			*p50 = strtod(text, NULL);
			*p50_text = text;
			continue;
		}
		free(text);
	}
	if (ret) {
		json_object_put(misc);
		free(*p50_text);
		return NULL;
	}
	return misc;
}

/* A JSON source's environment value of @key, or NULL. */
static const char *env_of(const struct dhb_results_source *src, const char *key)
{
	size_t i;

	for (i = 0; src && i < src->n_environment; i++) {
		if (!strcmp(src->environment[i].key, key))
			return src->environment[i].value;
	}
	return NULL;
}

/*
 * The board: its device-tree compatible strings when the run recorded them (run's JSON,
 * dt_compatible), the board name and host in the comment and misc. A CSV file carries no
 * environment, and an x86 PC has no device tree: no compatible then.
 */
static json_object *environment(const struct dhb_results_row *r)
{
	const char *dt = env_of(r->source, "dt_compatible"), *p, *end;
	json_object *env = json_object_new_object(), *misc = json_object_new_object(), *list;
	char comment[512];
	int ret = env && misc ? 0 : -ENOMEM;

	snprintf(comment, sizeof(comment), "%s (host %s)", r->run.board, r->run.hostname);
	if (!ret)
		ret = add_str(env, "comment", comment);
	if (!ret)
		ret = add_str(misc, "board", r->run.board);
	if (!ret)
		ret = add_str(misc, "hostname", r->run.hostname);
	if (!ret)
		ret = give(env, "misc", &misc);
	if (!ret && dt && *dt) {
		list = json_object_new_array();
		ret = add(env, "compatible", list);
		for (p = dt; !ret && *p; p = *end ? end + 1 : end) {
			end = strchr(p, ' ');
			if (!end)
				end = p + strlen(p);
			if (end > p && json_object_array_add(
					       list, json_object_new_string_len(p, (int)(end - p))))
				ret = -ENOMEM;
		}
	}
	json_object_put(misc);
	if (ret) {
		json_object_put(env);
		return NULL;
	}
	return env;
}

/* A results timestamp ("2026-11-20T23:26:00Z") is an RFC 3339 date-time; "unknown" is not. */
static bool is_timestamp(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	for (i = 0; form[i]; i++) {
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return false;
	}
	return !s[i];
}

/* Members of @obj from pairs of strings: key, value; stops at the first failure. */
static int add_strs(json_object *obj, const char *const (*kv)[2], size_t n)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = add_str(obj, kv[i][0], kv[i][1]);
	return ret;
}

/* The test of one row; NULL when out of memory. */
static json_object *kcidb_test(const struct export_settings *s, const struct dhb_results_row *r,
			       const char *path, const char *id)
{
	json_object *t = json_object_new_object(), *num, *misc = NULL;
	char *build = NULL, *p50_text = NULL;
	double p50 = 0;
	int ret = t && asprintf(&build, "%s:%s", s->origin, r->run.kernel) >= 0 ? 0 : -ENOMEM;

	if (!ret) {
		const char *const kv[][2] = {{"id", id},
					     {"build_id", build},
					     {"origin", s->origin},
					     {"path", path},
					     {"status", "DONE"}};

		ret = add_strs(t, kv, sizeof(kv) / sizeof(kv[0]));
	}
	if (!ret && !(misc = row_misc(r, &p50, &p50_text)))
		ret = -ENOMEM;
	if (!ret && p50_text) {
		num = json_object_new_object();
		ret = add(t, "number", num);
		if (!ret)
			ret = add(num, "value", json_object_new_double_s(p50, p50_text));
		if (!ret && *r->row.unit)
			ret = add_str(num, "unit", r->row.unit);
	}
	if (!ret && is_timestamp(r->run.timestamp))
		ret = add_str(t, "start_time", r->run.timestamp);
	if (!ret)
		ret = add(t, "environment", environment(r));
	if (!ret)
		ret = give(t, "misc", &misc);
	json_object_put(misc);
	free(p50_text);
	free(build);
	if (ret) {
		json_object_put(t);
		return NULL;
	}
	return t;
}

/* An object of @kv's members and misc.kernel_release, added to @list; 0 or -ENOMEM. */
static int kcidb_object(json_object *list, const char *const (*kv)[2], size_t n, const char *kernel)
{
	json_object *o = json_object_new_object(), *misc = json_object_new_object();
	int ret = o && misc && !json_object_array_add(list, o) ? 0 : -ENOMEM;

	if (ret)
		json_object_put(o);
	if (!ret)
		ret = add_strs(o, kv, n);
	if (!ret)
		ret = add_str(misc, "kernel_release", kernel);
	if (!ret)
		ret = give(o, "misc", &misc);
	json_object_put(misc);
	return ret;
}

/* One checkout and one build for @kernel, unless the document has them. */
static int kcidb_kernel(const struct export_settings *s, json_object *checkouts,
			json_object *builds, const char *kernel)
{
	char *id = NULL, comment[160];
	size_t i;
	int ret;

	if (asprintf(&id, "%s:%s", s->origin, kernel) < 0)
		return -ENOMEM;
	for (i = 0; i < json_object_array_length(checkouts); i++) {
		json_object *c = json_object_array_get_idx(checkouts, i);

		if (!strcmp(json_object_get_string(json_object_object_get(c, "id")), id)) {
			free(id);
			return 0;
		}
	}
	snprintf(comment, sizeof(comment), "Linux %s (the kernel release the boards ran)", kernel);
	{
		const char *const checkout[][2] = {
			{"id", id}, {"origin", s->origin}, {"comment", comment}};
		/* the kernel booted and ran the tests: it was built */
		const char *const build[][2] = {{"id", id},
						{"checkout_id", id},
						{"origin", s->origin},
						{"comment", comment},
						{"status", "PASS"}};

		ret = kcidb_object(checkouts, checkout, 3, kernel);
		if (!ret)
			ret = add(json_object_array_get_idx(checkouts, i), "valid",
				  json_object_new_boolean(1));
		if (!ret)
			ret = kcidb_object(builds, build, 5, kernel);
	}
	free(id);
	return ret;
}

/* The KCIDB document: version, checkouts, builds, tests (a row read twice is one test). */
int export_kcidb(FILE *fp, const struct export_settings *s, const struct dhb_results *res)
{
	json_object *doc = json_object_new_object(), *ver = json_object_new_object();
	json_object *checkouts = json_object_new_array(), *builds = json_object_new_array();
	json_object *tests = json_object_new_array();
	struct export_text path = {0};
	struct export_seen ids = {0};
	size_t i;
	char *id;
	int ret = doc && ver && checkouts && builds && tests ? 0 : -ENOMEM;

	if (!ret)
		ret = add(ver, "major", json_object_new_int(KCIDB_MAJOR));
	if (!ret)
		ret = add(ver, "minor", json_object_new_int(KCIDB_MINOR));
	for (i = 0; i < res->n_rows && !ret; i++) {
		const struct dhb_results_row *r = &res->rows[i];

		id = export_row_id(s, r);
		ret = id ? export_seen_add(&ids, id) : -ENOMEM;
		if (ret > 0) {
			free(id);
			ret = 0;
			continue;
		}
		path.len = 0;
		if (!ret)
			ret = export_put(&path, EXPORT_ROOT, strlen(EXPORT_ROOT));
		if (!ret) {
			struct export_text below = {0};

			ret = export_row_path(&below, &r->row);
			if (!ret)
				ret = export_put(&path, ".", 1);
			if (!ret)
				ret = export_put(&path, below.s, below.len);
			free(below.s);
		}
		if (!ret)
			ret = kcidb_kernel(s, checkouts, builds, r->run.kernel);
		if (!ret && json_object_array_add(tests, kcidb_test(s, r, path.s, id)))
			ret = -ENOMEM;
		free(id);
	}
	for (i = 0; i < json_object_array_length(tests) && !ret; i++) {
		if (!json_object_array_get_idx(tests, i))
			ret = -ENOMEM; /* a test that could not be made */
	}
	if (!ret)
		ret = give(doc, "version", &ver);
	if (!ret)
		ret = give(doc, "checkouts", &checkouts);
	if (!ret)
		ret = give(doc, "builds", &builds);
	if (!ret)
		ret = give(doc, "tests", &tests);
	if (!ret)
		fprintf(fp, "%s\n",
			json_object_to_json_string_ext(
				doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	json_object_put(ver);
	json_object_put(checkouts);
	json_object_put(builds);
	json_object_put(tests);
	free(path.s);
	export_seen_free(&ids);
	return ret;
}
