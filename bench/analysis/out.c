// SPDX-License-Identifier: MIT
// The CSV and JSON rows of compare's, track's and the detector's outputs: a column table and a cell function.
#include <stdio.h>

#include "analysis_priv.h"
#include "dhb/sink.h"

/* Room for a cell: a number needs 32 bytes at most, the detector's board 256 as before. */
#define CELL_BUF 256

void dhb_out_csv(const struct dhb_out *o, bool header, FILE *fp)
{
	char buf[CELL_BUF];
	size_t i, j;

	for (j = 0; header && j < o->ncols; j++)
		fprintf(fp, "%s%s", j ? "," : "", o->cols[j].name);
	if (header)
		fputc('\n', fp);
	for (i = 0; i < o->nrows; i++) {
		for (j = 0; j < o->ncols; j++) {
			if (j)
				fputc(',', fp);
			dhb_sink_csv_field(fp, o->cell(o->ctx, i, j, buf, sizeof(buf)));
		}
		fputc('\n', fp);
	}
}

void dhb_out_json_rows(const struct dhb_out *o, FILE *fp)
{
	char buf[CELL_BUF];
	const char *v;
	size_t i, j;

	fputs("\"rows\": [", fp);
	for (i = 0; i < o->nrows; i++) {
		fprintf(fp, "%s\n    {", i ? "," : "");
		for (j = 0; j < o->ncols; j++) {
			fprintf(fp, "%s\"%s\":", j ? "," : "", o->cols[j].name);
			v = o->cell(o->ctx, i, j, buf, sizeof(buf));
			if (o->cols[j].kind == DHB_OUT_TEXT)
				dhb_json_string(fp, v);
			else
				fputs(*v ? v : "null", fp);
		}
		fputc('}', fp);
	}
	fputs("\n  ]", fp);
}

const char *dhb_out_number(double v, char *buf, size_t len)
{
	if (dhb_sink_format_number(v, buf, len))
		buf[0] = '\0';
	return buf;
}
