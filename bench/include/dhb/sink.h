// SPDX-License-Identifier: MIT
// Result sinks: one row per measured metric, written as a terminal table, tidy CSV or JSON.
#ifndef DHB_SINK_H
#define DHB_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "dhb/stats.h"

/*
 * Rows and schema
 * ---------------
 * Every sink receives the same rows. A row is one metric of one (test, heap, backend, size,
 * params) combination, plus the identity of its run; the columns, their order and their types
 * are schema version DHB_SCHEMA_VERSION, documented in results/SCHEMA.md (a unit test keeps the
 * two in step). CSV and JSON write every column of every row; the table shows a readable subset.
 *
 * Numbers are written the same way in CSV and JSON: integral values below 2^53 as integers
 * ("1234"), other finite values in the shortest "%.Ng" form (N <= 17) that reads back to the
 * same double ("0.0123", "1234.5"); NaN and infinities are an empty CSV field and JSON null.
 * Writers assume the C numeric locale (the tool never calls setlocale for LC_NUMERIC).
 *
 * Usage: fill a struct dhb_sink_config, dhb_sink_open() each wanted sink (an array of sinks is
 * the "multi-sink"), dhb_sinks_write() every row, dhb_sinks_close(). A sink remembers its first
 * error; later writes return it without writing, and close reports it.
 */
#define DHB_SCHEMA_VERSION 2 /* what the writers write */
#define DHB_SCHEMA_OLDEST  1 /* the oldest version the results reader still reads */

/**
 * struct dhb_kv - one free-form key/value pair for the JSON "settings" or "environment".
 * @key: key; keys of one object must be unique (not checked).
 * @value: value, written as a JSON string; NULL is written as null.
 */
struct dhb_kv {
	const char *key;
	const char *value;
};

/**
 * struct dhb_run_info - what identifies a run; repeated on every row. NULL strings are empty.
 * @tool_version: dmaheap-bench version, e.g. "0.1.0".
 * @git_rev: git revision of the tool ("g1a2b3c4", "-dirty" appended when modified).
 * @timestamp: start of the run, ISO-8601 UTC ("2026-11-20T23:26:00Z"); see dhb_sink_timestamp().
 * @hostname: host name.
 * @board: board or machine model (device-tree model or DMI product name).
 * @kernel: kernel release (uname -r).
 * @cma_bytes: CMA size in bytes (CmaTotal), or -1 when unknown.
 * @boot_id: the boot that measured (/proc/sys/kernel/random/boot_id); NULL or "" when unknown.
 * @repetition: which pass over the plan this run is (`run --repeat`), from 1; 0 when unknown.
 *
 * Since schema version 2 every row carries @boot_id and @repetition; a version 1 file read back
 * may leave them unknown (results/SCHEMA.md, "Versions").
 */
struct dhb_run_info {
	const char *tool_version;
	const char *git_rev;
	const char *timestamp;
	const char *hostname;
	const char *board;
	const char *kernel;
	int64_t cma_bytes;
	const char *boot_id;
	uint64_t repetition;
};

/**
 * struct dhb_row - one measured metric.
 * @test: test name ("alloc", "map", "cpu_write" ...).
 * @heap: heap name ("system", "reserved" ...).
 * @backend: how the buffer was obtained ("dma-heap", "udmabuf", "memfd" ...).
 * @size_bytes: buffer size in bytes.
 * @metric: metric name ("alloc_latency", "write_bw" ...).
 * @params: further parameters as "key=value" pairs joined by ';' ("direction=rw"), or NULL.
 * @unit: unit of every figure of @stats ("ns", "MB/s" ...).
 * @stats: the figures, in @unit; @stats.flags (DHB_FLAG_*) is the flags column, so callers put
 *         the result of dhb_stats_trust() there.
 * @samples: the recorder the figures come from, for the samples sink (dhb_sink_samples_ops);
 *           NULL when the samples are not at hand (rows kept or read back). Other sinks ignore it.
 * @samples_scale: factor from a sample to @unit (1e-6 for MB/s from bytes per second); 0 is 1.
 */
struct dhb_row {
	const char *test;
	const char *heap;
	const char *backend;
	uint64_t size_bytes;
	const char *metric;
	const char *params;
	const char *unit;
	struct dhb_stats_summary stats;
	const struct dhb_stats *samples;
	double samples_scale;
};

/**
 * struct dhb_sink_config - where and what a sink writes.
 * @path: file to write; NULL or "-" means @fp, or stdout when @fp is NULL too.
 * @fp: stream to write when @path is NULL; not closed by the sink.
 * @append: append to @path. CSV then writes its header only into an empty file and refuses
 *          (-EPROTO) a file whose first line is another header; formats that cannot be
 *          appended to (JSON: one document per file) refuse with -EINVAL before opening.
 *          Appended rows are flushed one by one: they survive a crash, and a write error
 *          shows at once.
 * @run: identity of the run (required).
 * @settings: options of the run, for JSON "settings".
 * @n_settings: entries in @settings.
 * @environment: extra facts for JSON "environment" (after the run identity).
 * @n_environment: entries in @environment.
 */
struct dhb_sink_config {
	const char *path;
	FILE *fp;
	bool append;
	const struct dhb_run_info *run;
	const struct dhb_kv *settings;
	size_t n_settings;
	const struct dhb_kv *environment;
	size_t n_environment;
};

struct dhb_sink;

/**
 * struct dhb_sink_ops - one output format.
 * @name: format name ("table", "csv", "json").
 * @can_append: the format can be appended to an existing file (struct dhb_sink_config.append).
 * @open: write what precedes the rows; the stream is open in sink->fp.
 * @write_row: write one row.
 * @close: write what follows the rows and free sink->priv; the stream is closed by the caller.
 */
struct dhb_sink_ops {
	const char *name;
	bool can_append;
	int (*open)(struct dhb_sink *sink);
	int (*write_row)(struct dhb_sink *sink, const struct dhb_row *row);
	int (*close)(struct dhb_sink *sink);
};

/**
 * struct dhb_sink - an open sink; fields are private to the sink code.
 * @ops: format.
 * @cfg: copy of the configuration (pointers in it must outlive the sink).
 * @fp: output stream.
 * @own_fp: @fp was opened by the sink and is closed by dhb_sink_close().
 * @priv: format state.
 * @rows: rows written.
 * @err: first error (0 or -errno).
 */
struct dhb_sink {
	const struct dhb_sink_ops *ops;
	struct dhb_sink_config cfg;
	FILE *fp;
	bool own_fp;
	void *priv;
	uint64_t rows;
	int err;
};

/*
 * The formats: aligned table for a terminal (written at close), tidy CSV, JSON document, and
 * the samples CSV: every sample of every row that carries its recorder (struct dhb_row.samples),
 * or its histogram's buckets past the exact bound, keyed by the row's key columns
 * (dhb_sink_nkey_columns()); it reads nothing of the row's figures, so a row may be written
 * to it before they are computed (results/SCHEMA.md, "Samples").
 */
extern const struct dhb_sink_ops dhb_sink_table_ops;
extern const struct dhb_sink_ops dhb_sink_csv_ops;
extern const struct dhb_sink_ops dhb_sink_json_ops;
extern const struct dhb_sink_ops dhb_sink_samples_ops;

/**
 * dhb_sink_find() - look a format up by name.
 * @name: "table", "csv", "json" or "samples".
 *
 * Return: the format, or NULL.
 */
const struct dhb_sink_ops *dhb_sink_find(const char *name);

/**
 * dhb_sink_open() - open the output and write what precedes the rows.
 * @sink: sink to set up.
 * @ops: format.
 * @cfg: configuration, copied; the strings and arrays it points to must outlive the sink.
 *
 * Return: 0 or -errno (from fopen, -EINVAL, -EPROTO, -ENOMEM, -EIO); on failure nothing is
 * left open.
 */
int dhb_sink_open(struct dhb_sink *sink, const struct dhb_sink_ops *ops,
		  const struct dhb_sink_config *cfg);

/**
 * dhb_sink_write() - write one row.
 * @sink: open sink.
 * @row: row.
 *
 * Return: 0, or the sink's first error (-EIO, -ENOMEM ...).
 */
int dhb_sink_write(struct dhb_sink *sink, const struct dhb_row *row);

/**
 * dhb_sink_close() - finish the output and close what the sink opened.
 * @sink: open sink; closed even on error.
 *
 * Return: 0, or the first error the sink met.
 */
int dhb_sink_close(struct dhb_sink *sink);

/**
 * dhb_sinks_write() - write one row to every sink of an array.
 * @sinks: open sinks.
 * @n: number of sinks.
 * @row: row.
 *
 * Every sink gets the row even when an earlier one fails.
 *
 * Return: 0, or the first error.
 */
int dhb_sinks_write(struct dhb_sink *sinks, size_t n, const struct dhb_row *row);

/**
 * dhb_sinks_close() - close every sink of an array.
 * @sinks: open sinks.
 * @n: number of sinks.
 *
 * Return: 0, or the first error.
 */
int dhb_sinks_close(struct dhb_sink *sinks, size_t n);

/**
 * dhb_sink_ncolumns() - number of columns of the schema.
 *
 * Return: number of columns.
 */
size_t dhb_sink_ncolumns(void);

/**
 * dhb_sink_column() - name of a column of the schema, in CSV order.
 * @i: column index, below dhb_sink_ncolumns().
 *
 * Return: the name, or NULL when @i is out of range.
 */
const char *dhb_sink_column(size_t i);

/**
 * dhb_sink_nrun_columns() - number of leading columns that identify the run: schema_version and
 * the run identity (tool_version ... repetition). Every CSV file the tool writes starts with them.
 *
 * Return: number of columns.
 */
size_t dhb_sink_nrun_columns(void);

/**
 * dhb_sink_nkey_columns() - number of leading columns that identify a row: the run columns, then
 * test ... unit (every column before the figures n ... flags).
 *
 * Return: number of columns.
 */
size_t dhb_sink_nkey_columns(void);

/**
 * dhb_sink_csv_field() - write one CSV field: as is, or quoted when it holds a comma, a double
 * quote, CR or LF (each quote inside doubled), as every CSV file of the tool does.
 * @fp: stream.
 * @s: text.
 */
void dhb_sink_csv_field(FILE *fp, const char *s);

/**
 * dhb_sink_csv_names() - write the names of columns [@first, @first + @n) joined by commas, without
 * a line end, for the header of a CSV file that shares the schema's leading columns.
 * @fp: stream.
 * @first: first column.
 * @n: number of columns; clipped to the schema.
 */
void dhb_sink_csv_names(FILE *fp, size_t first, size_t n);

/**
 * dhb_sink_csv_cells() - write columns [@first, @first + @n) of a row as CSV fields joined by
 * commas, without a line end, exactly as the CSV sink writes them.
 * @fp: stream.
 * @run: run identity.
 * @row: row; may be NULL when every column asked for is a run column (dhb_sink_nrun_columns()).
 * @first: first column.
 * @n: number of columns; clipped to the schema.
 */
void dhb_sink_csv_cells(FILE *fp, const struct dhb_run_info *run, const struct dhb_row *row,
			size_t first, size_t n);

/* Types of the schema's columns (results/SCHEMA.md): int, real (a figure) and text. */
enum dhb_column_type {
	DHB_COLUMN_INT,
	DHB_COLUMN_REAL,
	DHB_COLUMN_TEXT,
};

/**
 * dhb_sink_column_type() - type of a column of the schema.
 * @i: column index, below dhb_sink_ncolumns().
 *
 * Return: the type; DHB_COLUMN_TEXT when @i is out of range.
 */
enum dhb_column_type dhb_sink_column_type(size_t i);

/**
 * dhb_sink_column_is_run() - whether a column is part of the run identity (struct
 * dhb_run_info: tool_version ... repetition), which JSON also writes into "environment".
 * @i: column index.
 *
 * Return: true for a run identity column; false otherwise or when @i is out of range.
 */
bool dhb_sink_column_is_run(size_t i);

/**
 * dhb_sink_column_since() - the schema version that added a column (results/SCHEMA.md,
 * "Versions"): a file of version V has exactly the columns added in V or before, in the
 * order of the current table.
 * @i: column index, below dhb_sink_ncolumns().
 *
 * Return: the version (DHB_SCHEMA_OLDEST ... DHB_SCHEMA_VERSION); 0 when @i is out of range.
 */
unsigned int dhb_sink_column_since(size_t i);

/**
 * dhb_sink_cell_parse() - the inverse of writing a cell: store one column's text into a row.
 * @run: run identity to fill (for the run columns).
 * @row: row to fill (for the others).
 * @col: column index, below dhb_sink_ncolumns().
 * @text: the cell's text as the CSV field holds it after unquoting ("" when empty). Text
 *        columns keep the pointer, so it must outlive @run and @row.
 *
 * What it accepts is what the writers write: int columns decimal digits only (no sign); real
 * columns what dhb_sink_parse_number() accepts; flags what dhb_stats_flags_parse() accepts.
 * An empty field is missing: cma_bytes -1, repetition 0, a real NaN, a text ""; the other int
 * columns (schema_version, size_bytes, n, outliers) cannot be missing. A repetition counts from
 * 1. schema_version is checked against the versions the reader reads (DHB_SCHEMA_OLDEST ...
 * DHB_SCHEMA_VERSION); whether it is the version of its file is the reader's to check.
 *
 * Return: 0; -ENODATA for an empty field that cannot be missing; -EINVAL for a malformed
 * number or an unknown flag; -ERANGE for a number out of the column's range (or not finite);
 * -EPROTO for a schema_version the reader does not read.
 */
int dhb_sink_cell_parse(struct dhb_run_info *run, struct dhb_row *row, size_t col,
			const char *text);

/**
 * dhb_sink_parse_number() - read a figure written by dhb_sink_format_number().
 * @text: the text: -?D+(.D+)?([eE][+-]?D+)?, nothing before or after (no blanks, no '+' sign,
 *        no "nan" or "inf", no hexadecimal).
 * @v: the value (unchanged on error).
 *
 * Return: 0, -EINVAL for another form, -ERANGE when the value is not a finite double.
 */
int dhb_sink_parse_number(const char *text, double *v);

/**
 * dhb_sink_parse_uint() - read a decimal integer of an int column.
 * @text: one or more decimal digits, nothing else.
 * @v: the value (unchanged on error).
 *
 * Return: 0, -EINVAL for another form, -ERANGE above UINT64_MAX.
 */
int dhb_sink_parse_uint(const char *text, uint64_t *v);

/**
 * dhb_sink_timestamp() - format a time as ISO-8601 UTC, "2026-11-20T23:26:00Z".
 * @t: time.
 * @buf: destination (21 bytes suffice).
 * @len: size of @buf.
 *
 * Return: 0, -EINVAL when the time cannot be converted, -ENOSPC when @buf is too small.
 */
int dhb_sink_timestamp(time_t t, char *buf, size_t len);

/**
 * dhb_sink_format_number() - format a figure the way CSV and JSON write it (see above).
 * @v: value.
 * @buf: destination (32 bytes suffice).
 * @len: size of @buf.
 *
 * Return: 0 (NaN and infinities give ""), or -ENOSPC.
 */
int dhb_sink_format_number(double v, char *buf, size_t len);

/**
 * dhb_json_string() - write a string as a JSON string literal, escaped as the JSON sink does.
 * @fp: stream.
 * @str: text (UTF-8; invalid bytes become U+FFFD); NULL writes null.
 *
 * For other JSON documents of the tool (e.g. `list --json`), so every JSON it writes escapes
 * alike.
 */
void dhb_json_string(FILE *fp, const char *str);

/**
 * dhb_utf8_len() - the length of the valid UTF-8 sequence at @s, whose lead byte is 0x80 or
 * more: 2 to 4, or 0 when it is invalid (a stray continuation byte, a truncated sequence, an
 * overlong form, a surrogate or past U+10FFFF). dhb_json_string() writes U+FFFD for each byte
 * of an invalid sequence, and the results reader refuses a JSON string with one, so what it
 * reads is what the sink writes back.
 * @s: text, NUL-terminated (the NUL ends a sequence).
 */
size_t dhb_utf8_len(const unsigned char *s);

#endif /* DHB_SINK_H */
