// SPDX-License-Identifier: MIT
// Results reader: the CSV and JSON files `dmaheap-bench run` writes, read back into rows.
#ifndef DHB_RESULTS_H
#define DHB_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "dhb/sink.h"

/*
 * Reading results
 * ---------------
 * A struct dhb_results is a set of rows read from any number of files, CSV or JSON, of schema
 * versions DHB_SCHEMA_OLDEST to DHB_SCHEMA_VERSION (results/SCHEMA.md, "Reading results",
 * "Versions"). The column table of the writers (dhb_sink_column(), dhb_sink_column_since(),
 * dhb_sink_column_type(), dhb_sink_cell_parse()) decides the columns of each version, their
 * order and what each accepts, so the reader takes exactly what the writers write: rows written
 * by the sinks read back equal (text byte for byte, numbers as the same doubles, an empty field
 * as missing: cma_bytes -1, repetition 0, a figure NaN, a text ""). A row of an older version
 * has the columns it lacks unknown (version 1: boot_id "", but a JSON document's environment
 * fact boot_id; repetition 0).
 *
 * The input is not trusted. A file is read whole or not at all: a refusal leaves the set as it
 * was and puts one line into dhb_results_error(), "FILE:LINE: reason" (CSV and JSON syntax) or
 * "FILE: rows[I]: reason" (JSON content, I counting from 0). Bounds: a CSV record (one line, or
 * several inside quotes) of DHB_RESULTS_MAX_RECORD bytes with its line end, a JSON document of
 * DHB_RESULTS_MAX_JSON bytes, and the set's row limit (DHB_RESULTS_MAX_ROWS by default).
 *
 * Usage: dhb_results_init(), dhb_results_read() each file, use res->rows[0 .. n_rows - 1],
 * dhb_results_free(). All strings belong to the set.
 */
#ifndef DHB_RESULTS_MAX_RECORD /* the fuzz targets build the reader with smaller bounds */
#define DHB_RESULTS_MAX_RECORD 65536u
#endif
#ifndef DHB_RESULTS_MAX_JSON
#define DHB_RESULTS_MAX_JSON (64u << 20)
#endif
#define DHB_RESULTS_MAX_ROWS  (1u << 21)
#define DHB_RESULTS_ERROR_LEN 512

/**
 * enum dhb_results_format - how to read a file.
 * @DHB_RESULTS_AUTO: JSON when the first byte is '{', '[' or JSON white space, else CSV.
 * @DHB_RESULTS_CSV: the CSV `run --csv` writes (appended runs included).
 * @DHB_RESULTS_JSON: the JSON document `run --json` writes.
 */
enum dhb_results_format {
	DHB_RESULTS_AUTO,
	DHB_RESULTS_CSV,
	DHB_RESULTS_JSON,
};

/**
 * struct dhb_results_source - one file read into the set.
 * @name: its name as given (a path, or the name given to dhb_results_read_mem()).
 * @format: DHB_RESULTS_CSV or DHB_RESULTS_JSON.
 * @run: JSON: the run identity of its "environment" (every row carries the same); CSV: empty
 *       strings and cma_bytes -1 (a CSV file may hold many runs; each row carries its own).
 * @settings: JSON "settings" in document order (a value is NULL for null); CSV: none.
 * @n_settings: entries in @settings.
 * @environment: JSON "environment" after the run identity, in document order (a value is
 *               NULL for null); CSV: none.
 * @n_environment: entries in @environment.
 * @first_row: index in struct dhb_results.rows of its first row.
 * @n_rows: number of its rows.
 */
struct dhb_results_source {
	const char *name;
	enum dhb_results_format format;
	struct dhb_run_info run;
	const struct dhb_kv *settings;
	size_t n_settings;
	const struct dhb_kv *environment;
	size_t n_environment;
	size_t first_row;
	size_t n_rows;
};

/**
 * struct dhb_results_row - one row read back.
 * @run: the run identity columns (strings never NULL; cma_bytes -1, repetition 0 when missing).
 * @row: the other columns (strings never NULL, "" when empty; a missing figure is NaN;
 *       row.stats.flags holds the DHB_FLAG_* bits of the flags column).
 * @source: the file it came from.
 * @line: CSV: the line its record starts on; JSON: 0.
 */
struct dhb_results_row {
	struct dhb_run_info run;
	struct dhb_row row;
	const struct dhb_results_source *source;
	unsigned long line;
};

struct dhb_results_chunk;

/**
 * struct dhb_results - a set of rows read from results files.
 * @rows: the rows, in file order and, within a file, in row order.
 * @n_rows: number of rows.
 * @sources: the files read, in order.
 * @n_sources: number of files.
 * @max_rows: most rows the set takes (all files together).
 * @error: the reason of the last refusal or error, one line ("" when none).
 * @cap_rows: private: allocated length of @rows.
 * @cap_sources: private: allocated length of @sources.
 * @chunks: private: storage of the strings and sources.
 */
struct dhb_results {
	struct dhb_results_row *rows;
	size_t n_rows;
	struct dhb_results_source **sources;
	size_t n_sources;
	size_t max_rows;
	char error[DHB_RESULTS_ERROR_LEN];
	size_t cap_rows;
	size_t cap_sources;
	struct dhb_results_chunk *chunks;
};

/**
 * dhb_results_init() - prepare an empty set.
 * @res: set.
 * @max_rows: most rows it may hold; 0 means DHB_RESULTS_MAX_ROWS.
 *
 * Allocates nothing.
 */
void dhb_results_init(struct dhb_results *res, size_t max_rows);

/**
 * dhb_results_read() - read one results file into the set.
 * @res: set.
 * @path: file.
 * @format: its format, or DHB_RESULTS_AUTO.
 *
 * The file's rows are appended to @res->rows, and a source to @res->sources. On any failure
 * the set is left as it was and dhb_results_error() says why, in one line starting with @path.
 *
 * Return: 0; -EPROTO when the content is refused (a schema version it does not read, an unknown or
 * missing column, a malformed record or value, a run identity that differs inside a JSON
 * document); -E2BIG past a bound (record length, JSON size, row limit); -ENOMEM; or the
 * -errno of opening or reading the file.
 */
int dhb_results_read(struct dhb_results *res, const char *path, enum dhb_results_format format);

/**
 * dhb_results_read_mem() - read results held in memory into the set.
 * @res: set.
 * @name: name for the source and the messages.
 * @data: the bytes (need not be NUL-terminated).
 * @len: their number.
 * @format: their format, or DHB_RESULTS_AUTO.
 *
 * Like dhb_results_read() on a file holding @data.
 *
 * Return: as dhb_results_read().
 */
int dhb_results_read_mem(struct dhb_results *res, const char *name, const void *data, size_t len,
			 enum dhb_results_format format);

/**
 * dhb_results_error() - why the last read failed.
 * @res: set.
 *
 * Return: one line without a line end, "" when no read has failed.
 */
const char *dhb_results_error(const struct dhb_results *res);

/**
 * dhb_results_row_equal() - whether two rows hold the same columns.
 * @a: a row.
 * @b: another row.
 *
 * Compares every column (text exactly, numbers as doubles or integers, a missing figure equal
 * only to a missing one, the flags as bits); not where the rows came from.
 *
 * Return: true when equal.
 */
bool dhb_results_row_equal(const struct dhb_results_row *a, const struct dhb_results_row *b);

/**
 * dhb_results_free() - release everything the set holds and empty it.
 * @res: set (initialised); it can be read into again.
 */
void dhb_results_free(struct dhb_results *res);

/**
 * struct dhb_results_sample - one line of a samples file (`run --samples`, SCHEMA.md "Samples").
 * @tool_version: of its row's run (strings valid during the callback only, never NULL).
 * @git_rev: likewise.
 * @timestamp: likewise.
 * @hostname: likewise.
 * @board: likewise.
 * @kernel: likewise.
 * @boot_id: likewise ("" when unknown: a file of schema version 1).
 * @repetition: likewise (0 when unknown: a file of schema version 1).
 * @test: its row's key.
 * @heap: likewise.
 * @backend: likewise.
 * @size_bytes: likewise.
 * @metric: likewise.
 * @params: likewise ("" when none).
 * @unit: likewise.
 * @index: the sample's position in the order recorded, from 0 (for a pipeline's metric with a
 *         sample per frame, the frame's); a bucket's position in increasing order of value.
 * @value: the sample, or a histogram bucket's value.
 * @count: 1 for a sample, else the bucket's count.
 * @low: the bucket's lower bound, NaN for an exact sample.
 * @high: the bucket's upper bound, NaN for an exact sample.
 */
struct dhb_results_sample {
	const char *tool_version, *git_rev, *timestamp, *hostname, *board, *kernel, *boot_id;
	uint64_t repetition;
	const char *test, *heap, *backend;
	uint64_t size_bytes;
	const char *metric, *params, *unit;
	uint64_t index;
	double value;
	uint64_t count;
	double low, high;
};

/* Receives one line of dhb_results_read_samples(); a nonzero return stops the read with it. */
typedef int (*dhb_results_sample_fn)(void *arg, const struct dhb_results_sample *s);

/**
 * dhb_results_read_samples() - every line of a samples file, in order, to @fn.
 * @res: where a failure's one line goes (dhb_results_error()); no rows are added.
 * @path: the file.
 * @fn: called per line.
 * @arg: for @fn.
 *
 * The header must be a samples file's of a schema version this reader reads; records are read
 * as dhb_results_read() reads CSV (bounded, RFC 4180), every field checked as the writer writes
 * it. The lines before a malformed one have been given to @fn.
 *
 * Return: 0; -EPROTO for a malformed file; -E2BIG for a record past the bound; -errno when it
 * cannot be read; or what @fn returned.
 */
int dhb_results_read_samples(struct dhb_results *res, const char *path, dhb_results_sample_fn fn,
			     void *arg);

/**
 * dhb_results_read_samples_mem() - dhb_results_read_samples() on bytes held in memory.
 * @res: where a failure's one line goes.
 * @name: name for the messages.
 * @data: the bytes (need not be NUL-terminated).
 * @len: their number.
 * @fn: called per line.
 * @arg: for @fn.
 *
 * Return: as dhb_results_read_samples().
 */
int dhb_results_read_samples_mem(struct dhb_results *res, const char *name, const void *data,
				 size_t len, dhb_results_sample_fn fn, void *arg);

/*
 * Receives one record of dhb_results_read_table(): its @n fields (unquoted, valid during the
 * call only) and the line it starts on. A nonzero return stops the read with it.
 */
typedef int (*dhb_results_record_fn)(void *arg, const char *const *fields, size_t n,
				     unsigned long line);

/**
 * dhb_results_read_table() - every record of another CSV file the tool writes (frag's rows over
 * time, compare's CSV), the header first, in order, to @fn.
 * @res: where a failure's one line goes (dhb_results_error()); no rows are added.
 * @path: the file.
 * @fn: called per record; it checks the header and the fields itself.
 * @arg: for @fn.
 *
 * Records are read as dhb_results_read() reads CSV (RFC 4180, bounded, the last one ended), at
 * most 128 fields each.
 *
 * Return: 0; -EPROTO for a malformed file; -E2BIG past a bound; -errno when it cannot be read;
 * or what @fn returned.
 */
int dhb_results_read_table(struct dhb_results *res, const char *path, dhb_results_record_fn fn,
			   void *arg);

#endif /* DHB_RESULTS_H */
