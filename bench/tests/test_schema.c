// SPDX-License-Identifier: MIT
// Keeps results/SCHEMA.md and the writers in step: same columns, same order, same version.
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/frag.h"
#include "dhb/recommend.h"
#include "dhb/report.h"
#include "dhb/stats.h"
#include "doctable.h"
#include "testsink.h"

#ifndef DHB_SCHEMA_MD
#error "DHB_SCHEMA_MD (path of results/SCHEMA.md) must be defined by the build"
#endif
#ifndef DHB_MANIFEST_MD
#error "DHB_MANIFEST_MD (path of results/MANIFEST.md) must be defined by the build"
#endif
#ifndef DHB_TRACE_MD
#error "DHB_TRACE_MD (path of heaps-ref/TRACE.md) must be defined by the build"
#endif

#define MAX_COLS 128

static char *read_doc(void)
{
	return tu_slurp(DHB_SCHEMA_MD);
}

/* The first cells of the table @table of @doc (doctable.h), at most MAX_COLS. */
static size_t doc_table(char *doc, const char *path, const char *table, char **names)
{
	return doc_table_names(doc, path, table, names, MAX_COLS);
}

static size_t doc_columns(char *doc, char **names)
{
	return doc_table(doc, DHB_SCHEMA_MD, "columns", names);
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

/*
 * The Versions table of SCHEMA.md names every column added after the oldest version the reader
 * reads, with the version that added it, as the writer's column table says; and the document
 * names both ends of what the reader reads.
 */
Test(schema, versions_doc_matches_writer)
{
	char *doc = read_doc(), *doc2 = read_doc(), *names[MAX_COLS], *added[MAX_COLS];
	char want[64];
	size_t n, i, j, k = 0;
	long col;

	n = doc_table_names(doc, DHB_SCHEMA_MD, "versions", names, MAX_COLS);
	cr_assert_eq(doc_table_cells(doc2, DHB_SCHEMA_MD, "versions", 1, added, MAX_COLS), n);
	for (i = 0; i < n; i++) {
		for (j = 0, col = -1; j < dhb_sink_ncolumns(); j++)
			col = strcmp(dhb_sink_column(j), names[i]) ? col : (long)j;
		cr_assert_geq(col, 0, "Versions names \"%s\", not a column", names[i]);
		snprintf(want, sizeof(want), "%u", dhb_sink_column_since((size_t)col));
		cr_assert_str_eq(added[i], want,
				 "column %s: SCHEMA.md says added in %s, the writer %s", names[i],
				 added[i], want);
	}
	for (j = 0; j < dhb_sink_ncolumns(); j++) {
		cr_assert_geq(dhb_sink_column_since(j), DHB_SCHEMA_OLDEST);
		cr_assert_leq(dhb_sink_column_since(j), DHB_SCHEMA_VERSION);
		k += dhb_sink_column_since(j) > DHB_SCHEMA_OLDEST;
	}
	cr_assert_eq(k, n, "%zu columns added after version %d, the Versions table names %zu", k,
		     DHB_SCHEMA_OLDEST, n);
	free(doc);
	free(doc2);
	doc = read_doc();
	snprintf(want, sizeof(want), "its reader reads versions %d and %d", DHB_SCHEMA_OLDEST,
		 DHB_SCHEMA_VERSION);
	cr_assert_not_null(strstr(doc, want), "%s does not say \"%s\"", DHB_SCHEMA_MD, want);
	free(doc);
}

/* The Flags table of SCHEMA.md names every DHB_FLAG_* bit, in bit order, and nothing more. */
Test(schema, flags_doc_matches_writer)
{
	char *doc = read_doc(), *names[MAX_COLS], got[32], none[16];
	size_t n, i;

	n = doc_table(doc, DHB_SCHEMA_MD, "flags", names);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++) {
		cr_assert_eq(dhb_stats_flags_format(1u << i, got, sizeof(got)), 0);
		cr_assert_str_eq(got, names[i], "flag bit %zu: writer \"%s\", SCHEMA.md \"%s\"", i,
				 got, names[i]);
	}
	cr_assert_eq(dhb_stats_flags_format(1u << n, got, sizeof(got)), 0);
	snprintf(none, sizeof(none), "bit%zu", n);
	cr_assert_str_eq(got, none, "flag bit %zu has a name the Flags table of %s lacks", n,
			 DHB_SCHEMA_MD);
	free(doc);
}

/* The leading columns @n of the rows' table and then @table's: what a CSV header must be. */
static char *expected_header(size_t n, const char *path, const char *table)
{
	char *doc = read_doc(), *other = tu_slurp(path), *names[MAX_COLS], *buf;
	size_t n_doc, i, len = 0;

	n_doc = doc_columns(doc, names);
	cr_assert_leq(n, n_doc);
	buf = calloc(1, 8192);
	cr_assert_not_null(buf);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, 8192 - len, "%s%s", i ? "," : "", names[i]);
	n_doc = doc_table(other, path, table, names);
	for (i = 0; i < n_doc; i++)
		len += (size_t)snprintf(buf + len, 8192 - len, ",%s", names[i]);
	free(doc);
	free(other);
	return buf;
}

/* First line of @text, cut there. */
static char *first_line(char *text)
{
	char *nl = strchr(text, '\n');

	cr_assert_not_null(nl);
	*nl = '\0';
	return text;
}

/* The samples file: the rows' key columns (schema_version ... unit), then the "samples" table. */
Test(schema, samples_doc_matches_writer)
{
	struct dhb_sink_config cfg = {0};
	char *want, *csv;

	cr_assert_str_eq(dhb_sink_column(dhb_sink_nkey_columns() - 1), "unit");
	want = expected_header(dhb_sink_nkey_columns(), DHB_SCHEMA_MD, "samples");
	csv = tu_write(&dhb_sink_samples_ops, &cfg, NULL, 0);
	cr_assert_str_eq(first_line(csv), want, "writer and %s (Samples) differ", DHB_SCHEMA_MD);
	free(csv);
	free(want);
}

/* frag's CSV: the run columns (schema_version ... repetition), then TRACE.md's "frag" table. */
Test(schema, frag_doc_matches_writer)
{
	char *want, *csv = NULL;
	size_t len = 0;
	FILE *fp;

	cr_assert_str_eq(dhb_sink_column(dhb_sink_nrun_columns() - 1), "repetition");
	want = expected_header(dhb_sink_nrun_columns(), DHB_TRACE_MD, "frag");
	fp = open_memstream(&csv, &len);
	cr_assert_not_null(fp);
	dhb_frag_csv_header(fp);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_str_eq(first_line(csv), want, "writer and %s (CSV) differ", DHB_TRACE_MD);
	free(csv);
	free(want);
}

/* results/MANIFEST.md documents recommend's manifest: the same keys, order and version. */
Test(schema, manifest_doc_matches_writer)
{
	char *doc = tu_slurp(DHB_MANIFEST_MD), *names[MAX_COLS], want[64];
	size_t n, i;

	snprintf(want, sizeof(want), "manifest version %d\n", DHB_REC_MANIFEST_VERSION);
	cr_assert_not_null(strstr(doc, want), "%s does not document \"%s\"", DHB_MANIFEST_MD, want);
	n = doc_table(doc, DHB_MANIFEST_MD, "manifest", names);
	cr_assert_eq(n, dhb_rec_manifest_nkeys(), "writer has %zu keys, MANIFEST.md %zu",
		     dhb_rec_manifest_nkeys(), n);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(dhb_rec_manifest_key(i), names[i], "key %zu: writer %s, doc %s", i,
				 dhb_rec_manifest_key(i), names[i]);
	free(doc);
}

/* The flags the report explains are the flags SCHEMA.md documents, in the same order. */
Test(schema, report_flags_match_doc)
{
	char *doc = read_doc(), *names[MAX_COLS];
	size_t n, i;

	n = doc_table(doc, DHB_SCHEMA_MD, "flags", names);
	cr_assert_eq(n, dhb_report_nflags(), "report explains %zu flags, SCHEMA.md %zu",
		     dhb_report_nflags(), n);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(dhb_report_flag(i), names[i]);
	free(doc);
}
