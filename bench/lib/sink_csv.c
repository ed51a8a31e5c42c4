// SPDX-License-Identifier: MIT
// CSV sink: long ("tidy") format, one header line per file, RFC 4180 quoting.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sink_priv.h"

/*
 * Format: RFC 4180 fields, except that records end in LF, not CRLF (every CSV reader accepts
 * both). A field is quoted when it holds a comma, a double quote, CR or LF; a quote inside is
 * doubled. Other bytes, UTF-8 included, pass through. Missing values are empty fields.
 */
void dhb_sink_csv_field(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

void dhb_sink_csv_names(FILE *fp, size_t first, size_t n)
{
	size_t i;

	for (i = first; i < first + n && i < dhb_sink_ncolumns(); i++) {
		if (i > first)
			putc(',', fp);
		fputs(dhb_sink_column(i), fp);
	}
}

void dhb_sink_csv_cells(FILE *fp, const struct dhb_run_info *run, const struct dhb_row *row,
			size_t first, size_t n)
{
	static const struct dhb_row none;
	struct dhb_cell c;
	size_t i;

	for (i = first; i < first + n && i < dhb_sink_ncolumns(); i++) {
		if (i > first)
			putc(',', fp);
		dhb_sink_cell(run, row ? row : &none, i, &c);
		if (c.type == DHB_CELL_STR)
			dhb_sink_csv_field(fp, c.text);
		else if (c.type == DHB_CELL_NUM)
			fputs(c.text, fp);
	}
}

static void csv_header(FILE *fp)
{
	dhb_sink_csv_names(fp, 0, dhb_sink_ncolumns());
	putc('\n', fp);
}

/* Whether @line (without its line end) is exactly our header. */
static bool csv_is_header(const char *line)
{
	size_t i, len;

	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		if (i && *line++ != ',')
			return false;
		len = strlen(dhb_sink_column(i));
		if (strncmp(line, dhb_sink_column(i), len))
			return false;
		line += len;
	}
	return !*line || !strcmp(line, "\n") || !strcmp(line, "\r\n");
}

/*
 * Appending: an empty file gets the header; a file that starts with the same header gets only
 * rows (so one file collects many runs); a file with any other first line is refused.
 */
static int csv_check_existing(FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	long size;
	int ret = 0, c;

	if (fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0)
		return -errno;
	if (!size)
		return 1; /* empty: write the header */
	if (fseek(fp, -1, SEEK_END))
		return -errno;
	c = getc(fp);
	rewind(fp);
	if (getline(&line, &cap, fp) < 0)
		ret = ferror(fp) ? -EIO : -EPROTO;
	else if (!csv_is_header(line))
		ret = -EPROTO;
	free(line);
	if (ret)
		return ret;
	if (fseek(fp, 0, SEEK_END))
		return -errno;
	if (c != '\n') /* an interrupted run left half a record: end it */
		putc('\n', fp);
	return 0;
}

static int csv_open(struct dhb_sink *sink)
{
	int ret = 1;

	if (sink->cfg.append && sink->own_fp) {
		ret = csv_check_existing(sink->fp);
		if (ret < 0)
			return ret;
	}
	if (ret)
		csv_header(sink->fp);
	return 0;
}

static int csv_write_row(struct dhb_sink *sink, const struct dhb_row *row)
{
	dhb_sink_csv_cells(sink->fp, sink->cfg.run, row, 0, dhb_sink_ncolumns());
	putc('\n', sink->fp);
	return 0;
}

static int csv_close(struct dhb_sink *sink)
{
	return 0;
}

const struct dhb_sink_ops dhb_sink_csv_ops = {
	.name = "csv",
	.can_append = true,
	.open = csv_open,
	.write_row = csv_write_row,
	.close = csv_close,
};
