// SPDX-License-Identifier: MIT
// Test helper: the cells of a Markdown table between <!-- dhb:NAME:begin/end --> markers.
#ifndef DHB_TESTS_DOCTABLE_H
#define DHB_TESTS_DOCTABLE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/*
 * Cell @col (from 0) of every row of the table between the markers of @table in @doc (@path for
 * messages), without blanks and backticks, into @cells (at most @max); @doc is modified.
 */
static inline size_t doc_table_cells(char *doc, const char *path, const char *table, int col,
				     char **cells, size_t max)
{
	char begin[64], fin[64], *p, *end, *line, *next, *cell, *q;
	size_t n = 0;
	int row = 0, i;

	snprintf(begin, sizeof(begin), "<!-- dhb:%s:begin -->", table);
	snprintf(fin, sizeof(fin), "<!-- dhb:%s:end -->", table);
	p = strstr(doc, begin);
	cr_assert_not_null(p, "no %s in %s", begin, path);
	end = strstr(p, fin);
	cr_assert_not_null(end, "no %s in %s", fin, path);
	*end = '\0';
	for (line = strchr(p, '\n'); line; line = next) {
		line++;
		next = strchr(line, '\n');
		if (next)
			*next = '\0';
		if (line[0] != '|' || row++ < 2)
			continue;
		cell = line + 1;
		for (i = 0; i < col; i++) {
			cell = strchr(cell, '|');
			cr_assert_not_null(cell, "bad table line: %s", line);
			cell++;
		}
		q = strchr(cell, '|');
		cr_assert_not_null(q, "bad table line: %s", line);
		*q = '\0';
		while (*cell == ' ' || *cell == '`')
			cell++;
		q = cell + strlen(cell);
		while (q > cell && (q[-1] == ' ' || q[-1] == '`'))
			*--q = '\0';
		cr_assert_lt(n, max);
		cells[n++] = cell;
	}
	return n;
}

/* The first cell of every row of the table @table (see doc_table_cells()). */
static inline size_t doc_table_names(char *doc, const char *path, const char *table, char **names,
				     size_t max)
{
	return doc_table_cells(doc, path, table, 0, names, max);
}

#endif /* DHB_TESTS_DOCTABLE_H */
