// SPDX-License-Identifier: MIT
// The export command: results files as KernelCI's KCIDB I/O data (schema v5) and as LAVA results.
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/results.h"
#include "dhb/size.h"

/*
 * KCIDB (kernelci/kcidb-io, schema v5.3, the latest it publishes; results/EXPORT.md): one
 * checkout and one build per kernel release, one test per row, DONE with the row's median and
 * unit as its number, the whole row in misc, the board in environment (the device tree's
 * compatible strings where the run recorded them). Ids start with the origin and a colon.
 */
#define KCIDB_MAJOR 5
#define KCIDB_MINOR 3
#define ROOT_PATH   "dmaheap_bench"

/* LAVA's lava-test-case: names and units of these bytes only, names at most this long. */
#define LAVA_NAME_MAX 100

struct export_settings {
	const char *kcidb;
	const char *lava;
	const char *origin;
	bool help;
};

#define OFF(field) offsetof(struct export_settings, field)

static const struct dhb_opt export_opts[] = {
	{.name = "kcidb",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(kcidb),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write the rows as KCIDB I/O data, schema v5 (- for standard output)"},
	{.name = "lava",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(lava),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "write one line per row and per skip for lava-test-case: NAME RESULT [VALUE "
		 "UNIT]"},
	{.name = "origin",
	 .metavar = "NAME",
	 .type = DHB_OPT_STRING,
	 .off = OFF(origin),
	 .def = ROOT_PATH,
	 .help = "the KCIDB origin (the submitting CI system), a-z, 0-9 and _"},
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

static int export_check(const void *settings, const struct dhb_opts_line *line, char *err,
			size_t errlen)
{
	const struct export_settings *s = settings;

	if (!s->kcidb && !s->lava)
		return snprintf(err, errlen, "give --kcidb FILE or --lava FILE (or both)"), -EINVAL;
	if (strspn(s->origin, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(s->origin))
		return snprintf(err, errlen, "--origin: '%s' is not a KCIDB origin (a-z, 0-9, _)",
				s->origin),
		       -EINVAL;
	return 0;
}

static int export_main(int argc, char **argv);

const struct dhb_opts_cmd dhb_cmd_export = {
	.name = "export",
	.summary = "results for a CI system: KCIDB (KernelCI) or LAVA test cases",
	.usage = "export (--kcidb FILE | --lava FILE) [OPTIONS] [RESULTS...]",
	.about = "Reads results files (run's CSV or JSON; - or none: standard input) and writes\n"
		 "them for KernelCI's KCIDB (I/O schema v5: a checkout and a build per kernel\n"
		 "release, a test per row, path dmaheap_bench.TEST.HEAP.SIZE.METRIC[.PARAMS]) or\n"
		 "for LAVA's lava-test-case (results/EXPORT.md).",
	.opts = export_opts,
	.n_opts = sizeof(export_opts) / sizeof(export_opts[0]),
	.operands = "RESULTS...",
	.check = export_check,
	.main = export_main,
};

/* A growing text, for names and ids. */
struct text {
	char *s;
	size_t len, cap;
};

static int put(struct text *t, const char *s, size_t n)
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
static int put_component(struct text *t, const char *s, size_t n)
{
	char c;
	size_t i;
	int ret = put(t, t->len ? "." : "", t->len ? 1 : 0);

	for (i = 0; i < n && !ret; i++) {
		c = s[i];
		if (c == '=')
			c = '-';
		else if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
			 !(c >= '0' && c <= '9') && c != '_' && c != '-')
			c = '_';
		ret = put(t, &c, 1);
	}
	return ret ? ret : n ? 0 : put(t, "_", 1);
}

/* Components of @s split at @sep, each made path-safe. */
static int put_split(struct text *t, const char *s, char sep)
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
static int row_path(struct text *t, const struct dhb_row *row)
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
		ret = put_split(t, row->metric, '.');
	if (!ret)
		ret = put_split(t, row->params, ';');
	return ret;
}

/* One column of a row as the CSV writer writes it, unquoted; NULL when out of memory. */
static char *cell(const struct dhb_results_row *r, size_t col)
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
		text = cell(r, col);
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
	if (!ret) {
		ret = add(env, "misc", misc);
		misc = NULL;
	}
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

/* The test of one row; NULL when out of memory. */
static json_object *kcidb_test(const struct export_settings *s, const struct dhb_results_row *r,
			       const char *path, const char *id)
{
	json_object *t = json_object_new_object(), *num, *misc;
	char *build = NULL, *p50_text = NULL;
	double p50 = 0;
	int ret = t ? 0 : -ENOMEM;

	if (!ret && asprintf(&build, "%s:%s", s->origin, r->run.kernel) < 0) {
		build = NULL;
		ret = -ENOMEM;
	}
	if (!ret)
		ret = add_str(t, "id", id);
	if (!ret)
		ret = add_str(t, "build_id", build);
	if (!ret)
		ret = add_str(t, "origin", s->origin);
	if (!ret)
		ret = add_str(t, "path", path);
	if (!ret)
		ret = add_str(t, "status", "DONE");
	misc = ret ? NULL : row_misc(r, &p50, &p50_text);
	if (!ret && !misc)
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
	if (!ret) {
		ret = add(t, "misc", misc);
		misc = NULL;
	}
	json_object_put(misc);
	free(p50_text);
	free(build);
	if (ret) {
		json_object_put(t);
		return NULL;
	}
	return t;
}

/* One checkout and one build for @kernel, unless the document has them. */
static int kcidb_kernel(const struct export_settings *s, json_object *checkouts,
			json_object *builds, const char *kernel)
{
	json_object *c, *b, *cm, *bm;
	char *id = NULL, comment[160];
	size_t i;
	int ret = 0;

	if (asprintf(&id, "%s:%s", s->origin, kernel) < 0)
		return -ENOMEM;
	for (i = 0; i < json_object_array_length(checkouts); i++) {
		c = json_object_array_get_idx(checkouts, i);
		if (!strcmp(json_object_get_string(json_object_object_get(c, "id")), id)) {
			free(id);
			return 0;
		}
	}
	snprintf(comment, sizeof(comment), "Linux %s (the kernel release the boards ran)", kernel);
	c = json_object_new_object();
	b = json_object_new_object();
	cm = json_object_new_object();
	bm = json_object_new_object();
	if (json_object_array_add(checkouts, c) || json_object_array_add(builds, b) || !cm || !bm) {
		ret = -ENOMEM;
	}
	if (!ret)
		ret = add_str(c, "id", id);
	if (!ret)
		ret = add_str(c, "origin", s->origin);
	if (!ret)
		ret = add_str(c, "comment", comment);
	if (!ret)
		ret = add(c, "valid", json_object_new_boolean(1));
	if (!ret)
		ret = add_str(cm, "kernel_release", kernel);
	if (!ret) {
		ret = add(c, "misc", cm);
		cm = NULL;
	}
	if (!ret)
		ret = add_str(b, "id", id);
	if (!ret)
		ret = add_str(b, "checkout_id", id);
	if (!ret)
		ret = add_str(b, "origin", s->origin);
	if (!ret)
		ret = add_str(b, "comment", comment);
	if (!ret) /* the kernel booted and ran the tests: built */
		ret = add_str(b, "status", "PASS");
	if (!ret)
		ret = add_str(bm, "kernel_release", kernel);
	if (!ret) {
		ret = add(b, "misc", bm);
		bm = NULL;
	}
	json_object_put(cm);
	json_object_put(bm);
	free(id);
	return ret;
}

/* Strings seen, for ids and names that must be unique: open addressing on FNV-1a. */
struct seen {
	char **v;
	size_t cap, n;
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* 1 when @s was seen before, 0 when added now, -ENOMEM. */
static int seen_add(struct seen *t, const char *s)
{
	char **v;
	size_t i, k;

	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;

		v = calloc(cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (i = 0; i < t->cap; i++) {
			for (k = t->v[i] ? fnv1a(t->v[i]) & (cap - 1) : 0; t->v[i] && v[k];
			     k = (k + 1) & (cap - 1))
				;
			if (t->v[i])
				v[k] = t->v[i];
		}
		free(t->v);
		t->v = v;
		t->cap = cap;
	}
	for (k = fnv1a(s) & (t->cap - 1); t->v[k]; k = (k + 1) & (t->cap - 1)) {
		if (!strcmp(t->v[k], s))
			return 1;
	}
	t->v[k] = strdup(s);
	if (!t->v[k])
		return -ENOMEM;
	t->n++;
	return 0;
}

static void seen_free(struct seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ORIGIN:HOST:TIMESTAMP:TEST:HEAP:BACKEND:SIZE:METRIC:PARAMS, unique per row of a run. */
static char *row_id(const struct export_settings *s, const struct dhb_results_row *r)
{
	const struct dhb_row *w = &r->row;
	char *id;

	if (asprintf(&id, "%s:%s:%s:%s:%s:%s:%llu:%s:%s", s->origin, r->run.hostname,
		     r->run.timestamp, w->test, w->heap, w->backend,
		     (unsigned long long)w->size_bytes, w->metric, w->params) < 0)
		return NULL;
	return id;
}

/*
 * A LAVA test case name from a path: at most LAVA_NAME_MAX bytes (a longer one keeps its start
 * and ends in '.' and 8 hex digits of its hash), unique among @names (a repeat gets "-2", "-3").
 */
static int lava_name(struct seen *names, const char *path, char *out)
{
	char base[LAVA_NAME_MAX + 1], suffix[16];
	unsigned int k;
	size_t len = strlen(path), keep;
	int ret;

	keep = LAVA_NAME_MAX - 9;
	while (keep && path[keep - 1] == '.')
		keep--; /* no empty component before the hash */
	if (len <= LAVA_NAME_MAX)
		snprintf(base, sizeof(base), "%s", path);
	else
		snprintf(base, sizeof(base), "%.*s.%08x", (int)keep, path, fnv1a(path));
	for (k = 1;; k++) {
		suffix[0] = '\0';
		if (k > 1)
			snprintf(suffix, sizeof(suffix), "-%u", k);
		keep = strlen(base);
		if (keep + strlen(suffix) > LAVA_NAME_MAX)
			keep = LAVA_NAME_MAX - strlen(suffix);
		snprintf(out, LAVA_NAME_MAX + 1, "%.*s%s", (int)keep, base, suffix);
		ret = seen_add(names, out);
		if (ret <= 0)
			return ret;
	}
}

/* A unit as LAVA's --units takes it: no blanks, '=' or '>'. */
static void lava_unit(const char *unit, char *out, size_t len)
{
	size_t i;

	for (i = 0; unit[i] && i + 1 < len; i++)
		out[i] = strchr(" \t\r\n=>", unit[i]) || (unsigned char)unit[i] < 0x20 ? '_'
										       : unit[i];
	out[i] = '\0';
}

/* The skips a JSON source records (skip.TEST.HEAP[.DEVICE].SIZE), one skip case each. */
static int lava_skips(FILE *fp, struct seen *names, const struct dhb_results_source *src)
{
	char name[LAVA_NAME_MAX + 1];
	struct text t = {0};
	size_t i;
	int ret = 0;

	for (i = 0; i < src->n_environment && !ret; i++) {
		if (strncmp(src->environment[i].key, "skip.", 5))
			continue;
		t.len = 0;
		ret = put_split(&t, src->environment[i].key + 5, '.');
		if (!ret)
			ret = lava_name(names, t.s, name);
		if (!ret)
			fprintf(fp, "%s skip\n", name);
	}
	free(t.s);
	return ret;
}

/* Every row (once: a row read twice, from a run's CSV and its JSON, is one case) and skip. */
static int write_lava(FILE *fp, const struct export_settings *s, const struct dhb_results *res)
{
	char name[LAVA_NAME_MAX + 1], unit[64], *id, *p50;
	struct seen ids = {0}, names = {0};
	struct text path = {0};
	size_t i, p50_col = 0;
	int ret = 0;

	while (strcmp(dhb_sink_column(p50_col), "p50"))
		p50_col++;
	for (i = 0; i < res->n_rows && !ret; i++) {
		const struct dhb_results_row *r = &res->rows[i];

		id = row_id(s, r);
		ret = id ? seen_add(&ids, id) : -ENOMEM;
		free(id);
		if (ret) {
			ret = ret > 0 ? 0 : ret;
			continue;
		}
		ret = row_path(&path, &r->row);
		if (!ret)
			ret = lava_name(&names, path.s, name);
		p50 = ret ? NULL : cell(r, p50_col);
		if (!ret && !p50)
			ret = -ENOMEM;
		if (ret)
			break;
		lava_unit(r->row.unit, unit, sizeof(unit));
		if (*p50 && *unit)
			fprintf(fp, "%s pass %s %s\n", name, p50, unit);
		else if (*p50)
			fprintf(fp, "%s pass %s\n", name, p50);
		else
			fprintf(fp, "%s pass\n", name);
		free(p50);
	}
	for (i = 0; i < res->n_sources && !ret; i++)
		ret = lava_skips(fp, &names, res->sources[i]);
	free(path.s);
	seen_free(&ids);
	seen_free(&names);
	return ret;
}

/* The KCIDB document: version, checkouts, builds, tests (a row read twice is one test). */
static int write_kcidb(FILE *fp, const struct export_settings *s, const struct dhb_results *res)
{
	json_object *doc = json_object_new_object(), *ver = json_object_new_object();
	json_object *checkouts = json_object_new_array(), *builds = json_object_new_array();
	json_object *tests = json_object_new_array();
	struct text path = {0};
	struct seen ids = {0};
	size_t i;
	char *id;
	int ret = doc && ver && checkouts && builds && tests ? 0 : -ENOMEM;

	if (!ret)
		ret = add(ver, "major", json_object_new_int(KCIDB_MAJOR));
	if (!ret)
		ret = add(ver, "minor", json_object_new_int(KCIDB_MINOR));
	for (i = 0; i < res->n_rows && !ret; i++) {
		const struct dhb_results_row *r = &res->rows[i];

		id = row_id(s, r);
		ret = id ? seen_add(&ids, id) : -ENOMEM;
		if (ret > 0) {
			free(id);
			ret = 0;
			continue;
		}
		path.len = 0;
		if (!ret)
			ret = put(&path, ROOT_PATH, strlen(ROOT_PATH));
		if (!ret) {
			struct text below = {0};

			ret = row_path(&below, &r->row);
			if (!ret)
				ret = put(&path, ".", 1);
			if (!ret)
				ret = put(&path, below.s, below.len);
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
	if (!ret) {
		ret = add(doc, "version", ver);
		ver = NULL;
	}
	if (!ret) {
		ret = add(doc, "checkouts", checkouts);
		checkouts = NULL;
	}
	if (!ret) {
		ret = add(doc, "builds", builds);
		builds = NULL;
	}
	if (!ret) {
		ret = add(doc, "tests", tests);
		tests = NULL;
	}
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
	seen_free(&ids);
	return ret;
}

/* Standard input, whole (at most a JSON document's bound), into the set. */
static int read_stdin(struct dhb_results *res)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;
	ssize_t n;
	int ret;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (size_t)DHB_RESULTS_MAX_JSON + 1)
				cap = (size_t)DHB_RESULTS_MAX_JSON + 1;
			if (len == cap) {
				free(buf);
				snprintf(res->error, sizeof(res->error),
					 "standard input: larger than %u bytes",
					 DHB_RESULTS_MAX_JSON);
				return -E2BIG;
			}
			p = realloc(buf, cap);
			if (!p)
				return free(buf), -ENOMEM;
			buf = p;
		}
		n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(res->error, sizeof(res->error), "standard input: %s",
				 strerror(errno));
			free(buf);
			return ret;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	ret = dhb_results_read_mem(res, "standard input", buf, len, DHB_RESULTS_AUTO);
	free(buf);
	return ret;
}

/* One output, written whole; 0 or an exit status after one line. */
static int write_out(const char *opt, const char *path, bool std, const struct export_settings *s,
		     const struct dhb_results *res,
		     int (*fn)(FILE *, const struct export_settings *, const struct dhb_results *))
{
	struct dhb_outfile of;
	int ret;

	errno = 0; /* see dhb_outfile_flush() */
	ret = dhb_outfile_open(&of, path, std);
	if (!ret) {
		ret = fn(of.fp, s, res);
		if (ret)
			dhb_outfile_abort(&of);
		else
			ret = dhb_outfile_commit(&of);
	}
	if (!ret)
		return 0;
	fprintf(stderr, "dmaheap-bench export: %s %s: %s\n", opt, std ? "(standard output)" : path,
		strerror(-ret));
	return DHB_EXIT_FAIL;
}

static int export(const struct export_settings *s, const struct dhb_opts_line *line)
{
	size_t n_in = line->n_operands ? line->n_operands : 1, i;
	struct dhb_outfile_arg *a = calloc(n_in + 2, sizeof(*a));
	struct dhb_results res;
	char err[512];
	int ret = 0;

	dhb_results_init(&res, 0);
	if (!a)
		return DHB_EXIT_FAIL;
	a[0] = (struct dhb_outfile_arg){"--kcidb", s->kcidb, DHB_OUTFILE_DASH, false};
	a[1] = (struct dhb_outfile_arg){"--lava", s->lava, DHB_OUTFILE_DASH, false};
	for (i = 0; i < n_in; i++)
		a[2 + i] = (struct dhb_outfile_arg){"RESULTS",
						    line->n_operands ? line->operands[i] : "-",
						    DHB_OUTFILE_INPUT | DHB_OUTFILE_DASH, false};
	if (dhb_outfile_check(a, n_in + 2, err, sizeof(err))) {
		fprintf(stderr, "dmaheap-bench export: %s\n", err);
		ret = DHB_EXIT_USAGE;
	} else if (!line->n_operands && isatty(STDIN_FILENO)) {
		fputs("dmaheap-bench export: no RESULTS files, and standard input is a terminal\n",
		      stderr);
		ret = DHB_EXIT_USAGE;
	}
	for (i = 0; i < n_in && !ret; i++) {
		int r = a[2 + i].std ? read_stdin(&res)
				     : dhb_results_read(&res, a[2 + i].path, DHB_RESULTS_AUTO);

		if (r) {
			fprintf(stderr, "dmaheap-bench export: %s\n", dhb_results_error(&res));
			ret = r == -ENOMEM ? DHB_EXIT_FAIL : DHB_EXIT_USAGE;
		}
	}
	if (!ret && s->kcidb)
		ret = write_out("--kcidb", s->kcidb, a[0].std, s, &res, write_kcidb);
	if (!ret && s->lava)
		ret = write_out("--lava", s->lava, a[1].std, s, &res, write_lava);
	dhb_results_free(&res);
	free(a);
	return ret;
}

static int export_main(int argc, char **argv)
{
	struct export_settings s = {0};
	struct dhb_opts_line line;
	int ret;

	ret = dhb_opts_start(&dhb_cmd_export, argc, argv, &s, &line);
	if (ret < 0)
		ret = export(&s, &line);
	dhb_opts_line_free(&line);
	return ret;
}
