// SPDX-License-Identifier: MIT
// Keeps results/SCHEMA.md and the writers in step: same columns, same order, same version.
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testsink.h"

#ifndef DHB_SCHEMA_MD
#error "DHB_SCHEMA_MD (path of results/SCHEMA.md) must be defined by the build"
#endif

#define MAX_COLS 128

static char *read_doc(void)
{
	return tu_slurp(DHB_SCHEMA_MD);
}

/*
 * Column names from the Markdown table between the dhb:columns markers: the first cell of each
 * row after the heading and the |---| line, without blanks and backticks.
 */
static size_t doc_columns(char *doc, char **names)
{
	char *p = strstr(doc, "<!-- dhb:columns:begin -->"), *end, *line, *next, *cell, *q;
	size_t n = 0;
	int row = 0;

	cr_assert_not_null(p, "no <!-- dhb:columns:begin --> in %s", DHB_SCHEMA_MD);
	end = strstr(p, "<!-- dhb:columns:end -->");
	cr_assert_not_null(end, "no <!-- dhb:columns:end --> in %s", DHB_SCHEMA_MD);
	*end = '\0';
	for (line = strchr(p, '\n'); line; line = next) {
		line++;
		next = strchr(line, '\n');
		if (next)
			*next = '\0';
		if (line[0] != '|')
			continue;
		if (row++ < 2) /* heading and separator */
			continue;
		cell = line + 1;
		q = strchr(cell, '|');
		cr_assert_not_null(q, "bad table line: %s", line);
		*q = '\0';
		while (*cell == ' ' || *cell == '`')
			cell++;
		q = cell + strlen(cell);
		while (q > cell && (q[-1] == ' ' || q[-1] == '`'))
			*--q = '\0';
		cr_assert_lt(n, MAX_COLS);
		names[n++] = cell;
	}
	return n;
}

Test(schema, doc_matches_writer)
{
	struct dhb_sink_config cfg = {0};
	char *doc = read_doc(), *csv, *header, *tok, *save = NULL;
	char *names[MAX_COLS];
	size_t n, i;

	n = doc_columns(doc, names);
	csv = tu_write(&dhb_sink_csv_ops, &cfg, NULL, 0);
	header = strtok_r(csv, "\n", &save);
	cr_assert_not_null(header);
	for (i = 0, tok = strtok_r(header, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save), i++) {
		cr_assert_lt(i, n, "CSV column %zu \"%s\" is not in %s", i, tok, DHB_SCHEMA_MD);
		cr_assert_str_eq(tok, names[i], "column %zu: writer \"%s\", SCHEMA.md \"%s\"", i,
				 tok, names[i]);
		cr_assert_str_eq(dhb_sink_column(i), names[i]);
	}
	cr_assert_eq(i, n, "writer has %zu columns, SCHEMA.md %zu", i, n);
	cr_assert_eq(dhb_sink_ncolumns(), n);
	free(csv);
	free(doc);
}

Test(schema, doc_version_matches)
{
	char *doc = read_doc(), want[64];

	snprintf(want, sizeof(want), "schema version %d\n", DHB_SCHEMA_VERSION);
	cr_assert_not_null(strstr(doc, want), "%s does not document \"%s\"", DHB_SCHEMA_MD, want);
	free(doc);
}
