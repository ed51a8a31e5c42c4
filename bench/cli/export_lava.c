// SPDX-License-Identifier: MIT
// export --lava: one line per row and per skip, NAME RESULT [VALUE UNIT], for lava-test-case.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/sink.h"
#include "export.h"

/* LAVA's lava-test-case: names at most this long (results/EXPORT.md). */
#define LAVA_NAME_MAX 100

/*
 * A LAVA test case name from a path: at most LAVA_NAME_MAX bytes (a longer one keeps its start
 * and ends in '.' and 8 hex digits of its hash), unique among @names (a repeat gets "-2", "-3").
 */
static int lava_name(struct export_seen *names, const char *path, char *out)
{
	char base[LAVA_NAME_MAX + 1], suffix[16];
	unsigned int k;
	size_t len = strlen(path), keep;
	int ret;

	if (len <= LAVA_NAME_MAX) {
		snprintf(base, sizeof(base), "%s", path);
	} else {
		keep = LAVA_NAME_MAX - 9; /* < len: within the path */
		while (keep && path[keep - 1] == '.')
			keep--; /* no empty component before the hash */
		snprintf(base, sizeof(base), "%.*s.%08x", (int)keep, path, export_hash(path));
	}
	for (k = 1;; k++) {
		suffix[0] = '\0';
		if (k > 1)
			snprintf(suffix, sizeof(suffix), "-%u", k);
		keep = strlen(base);
		if (keep + strlen(suffix) > LAVA_NAME_MAX)
			keep = LAVA_NAME_MAX - strlen(suffix);
		snprintf(out, LAVA_NAME_MAX + 1, "%.*s%s", (int)keep, base, suffix);
		ret = export_seen_add(names, out);
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
static int lava_skips(FILE *fp, struct export_seen *names, const struct dhb_results_source *src)
{
	char name[LAVA_NAME_MAX + 1];
	struct export_text t = {0};
	size_t i;
	int ret = 0;

	for (i = 0; i < src->n_environment && !ret; i++) {
		if (strncmp(src->environment[i].key, "skip.", 5))
			continue;
		t.len = 0;
		ret = export_put_split(&t, src->environment[i].key + 5, '.');
		if (!ret)
			ret = lava_name(names, t.s, name);
		if (!ret)
			fprintf(fp, "%s skip\n", name);
	}
	free(t.s);
	return ret;
}

/* Every row (once: a row read twice, from a run's CSV and its JSON, is one case) and skip. */
int export_lava(FILE *fp, const struct export_settings *s, const struct dhb_results *res)
{
	char name[LAVA_NAME_MAX + 1], unit[64], *id, *p50;
	struct export_seen ids = {0}, names = {0};
	struct export_text path = {0};
	size_t i, p50_col = 0;
	int ret = 0;

	while (strcmp(dhb_sink_column(p50_col), "p50"))
		p50_col++;
	for (i = 0; i < res->n_rows && !ret; i++) {
		const struct dhb_results_row *r = &res->rows[i];

		id = export_row_id(s, r);
		ret = id ? export_seen_add(&ids, id) : -ENOMEM;
		free(id);
		if (ret) {
			ret = ret > 0 ? 0 : ret;
			continue;
		}
		ret = export_row_path(&path, &r->row);
		if (!ret)
			ret = lava_name(&names, path.s, name);
		p50 = ret ? NULL : export_cell(r, p50_col);
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
	export_seen_free(&ids);
	export_seen_free(&names);
	return ret;
}
