// SPDX-License-Identifier: MIT
// What compare's, track's and the detector's files share inside bench/analysis/.
#ifndef DHB_ANALYSIS_PRIV_H
#define DHB_ANALYSIS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/analysis.h"

/*
 * dhb_cmp_floor_find() - the index of result @i's floor among @res[0..n) (floors.c says by
 * which rules), -1 when it has none; @label gets "HEAP METRIC" of the floor.
 */
long dhb_cmp_floor_find(const struct dhb_cmp_result *res, size_t n, size_t i, char *label,
			size_t len);

/* dhb_cmp_is_floor() - whether a result is itself a floor row (floor= or baseline_for=). */
bool dhb_cmp_is_floor(const struct dhb_cmp_result *r);

/* A comparison's raw samples (samples.c), for keys with one run a side. */
struct cmp_samples;

/* The most values one side of one key expands to (buckets count their samples). */
#define DHB_CMP_MAX_SAMPLES (1u << 20)

/* Add one samples-file line (@count samples of value @v) of key @key, run @run; 0 or -ENOMEM. */
int dhb_cmp_samples_add(struct cmp_samples **s, int side, const char *key, const char *run,
			double v, uint64_t count);
/* Sort the samples for dhb_cmp_samples_get(); NULL is no samples. */
void dhb_cmp_samples_sort(struct cmp_samples *s);
/* The samples of (@key, @run, @side), malloc'd into *@out (NULL when none); their number. */
size_t dhb_cmp_samples_get(const struct cmp_samples *s, const char *key, const char *run, int side,
			   double **out);
void dhb_cmp_samples_free(struct cmp_samples *s);

/* The key of an observation as compare sorts it (malloc'd), NULL without memory. */
char *dhb_cmp_make_key(const struct dhb_cmp_obs *o);

/*
 * The CSV and JSON rows of an output (out.c): compare's, track's and the detector's are each a
 * column table (COMPARE.md, TRACK.md) and a cell function over their rows.
 */
enum dhb_out_kind {
	DHB_OUT_TEXT, /* a CSV field, a JSON string */
	DHB_OUT_NUM,  /* a number as the results files write it; "" is missing (JSON null) */
};

struct dhb_out_col {
	const char *name;
	enum dhb_out_kind kind;
};

/* Cell @col of row @row of @ctx as text, in @buf (@len bytes, 256) or elsewhere. */
typedef const char *(*dhb_out_cell_fn)(const void *ctx, size_t row, size_t col, char *buf,
				       size_t len);

/**
 * struct dhb_out - an output's rows.
 * @cols: the columns, in order.
 * @ncols: their number.
 * @nrows: the rows.
 * @cell: the text of one cell.
 * @ctx: for @cell.
 */
struct dhb_out {
	const struct dhb_out_col *cols;
	size_t ncols;
	size_t nrows;
	dhb_out_cell_fn cell;
	const void *ctx;
};

/* The rows as CSV (RFC 4180 fields, as the results files), after the header when @header. */
void dhb_out_csv(const struct dhb_out *o, bool header, FILE *fp);

/* The member "rows": [ one object a row, the columns as keys, on a line each ], no line end. */
void dhb_out_json_rows(const struct dhb_out *o, FILE *fp);

/* @v as the results files write a number, into @buf; "" when missing (NaN). */
const char *dhb_out_number(double v, char *buf, size_t len);

#endif /* DHB_ANALYSIS_PRIV_H */
