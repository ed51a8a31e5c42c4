// SPDX-License-Identifier: MIT
// The results store: result rows of many runs, boards and kernels in one SQLite database.
#ifndef DHB_DB_H
#define DHB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/results.h"
#include "dhb/sink.h"

/*
 * The store
 * ---------
 * One SQLite file (results/STORE.md documents its tables and views): a table of runs (the run
 * identity of the results schema, boot and repetition included, plus the run's timer
 * overhead), a table of rows (every other column of the results schema), and views that give
 * the rows back with exactly the CSV columns (`results`) and per-kernel medians. Its tables are
 * made from the column tables below (dhb_db_ncolumns()), which bench.db checks against
 * STORE.md.
 *
 * Adding is idempotent: a run is its identity (tool_version, git_rev, timestamp, hostname, board,
 * kernel: each pass of run --repeat has its own timestamp), a row its run and key columns
 * (test ... params); what is already there is counted, not added again. What a run's first file
 * left unknown (cma_bytes, boot_id, repetition: a schema version 1 CSV; timer_overhead_ns: any
 * CSV) a later file of the same run fills in. Every add is one transaction: on any error (a unit
 * that differs from the one the store holds for the same metric, a database that is not a
 * store, a corrupt file, a full disk) nothing of it stays.
 */
#define DHB_DB_VERSION	 2 /* of the store's tables (STORE.md), in its meta table */
#define DHB_DB_ERROR_LEN 512
#define DHB_DB_DEFAULT	 "results/dmaheap.db"

struct dhb_db;

/**
 * struct dhb_db_row - one row given back by dhb_db_select().
 * @run: the run identity (strings valid during the callback only; boot_id "" and repetition 0
 *       when unknown).
 * @row: the row (likewise).
 * @timer_overhead_ns: the run's timer overhead, NaN when unknown (CSV files do not carry it).
 * @run_id: the run's number in the store.
 */
struct dhb_db_row {
	struct dhb_run_info run;
	struct dhb_row row;
	double timer_overhead_ns;
	int64_t run_id;
};

/**
 * struct dhb_db_counts - what dhb_db_add() did.
 * @runs_added: runs new to the store.
 * @rows_added: rows new to the store.
 * @rows_present: rows the store already held.
 */
struct dhb_db_counts {
	uint64_t runs_added;
	uint64_t rows_added;
	uint64_t rows_present;
};

/**
 * dhb_db_open() - open a store.
 * @path: the SQLite file.
 * @create: create the file and its tables when the file does not exist (or is empty); else
 *          open read-only.
 * @db: the store.
 * @err: one line on failure ("PATH: reason").
 * @errlen: size of @err.
 *
 * A file that is not a SQLite database, a database without the store's meta table, or one of
 * another store version is refused without being written.
 *
 * Return: 0; -ENOENT when the file does not exist and @create is false; -EPROTO for a file
 * that is not a store of this version (or corrupt); -EIO for another SQLite error; -ENOMEM.
 */
int dhb_db_open(const char *path, bool create, struct dhb_db **db, char *err, size_t errlen);

/**
 * dhb_db_close() - close a store.
 * @db: the store, or NULL.
 */
void dhb_db_close(struct dhb_db *db);

/**
 * dhb_db_add() - add every row of a set of results, in one transaction.
 * @db: a store opened with @create.
 * @res: the rows (JSON sources give their run's timer_overhead_ns).
 * @counts: what was added.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0; -EPROTO when a row's unit differs from the store's unit of its metric (nothing is
 * added); -EIO for a SQLite error (nothing is added).
 */
int dhb_db_add(struct dhb_db *db, const struct dhb_results *res, struct dhb_db_counts *counts,
	       char *err, size_t errlen);

/* Receives one row of dhb_db_select(); a nonzero return stops the selection with it. */
typedef int (*dhb_db_row_fn)(void *arg, const struct dhb_db_row *r);

/**
 * dhb_db_select() - the rows of the runs a selector names.
 * @db: the store.
 * @selector: "KEY=VALUE" conditions joined by ',', all of which a row meets; KEY one of
 *            tool_version, git_rev, timestamp, hostname, board, kernel, boot_id, repetition,
 *            test, heap, backend, metric; VALUE a SQLite GLOB pattern (exact unless it holds
 *            * ? or [; a repetition that is unknown matches no pattern).
 *            "" or "all" selects everything.
 * @fn: called for each row, in the order run, test, heap, backend, size, metric, params.
 * @arg: for @fn.
 * @n: rows given to @fn.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL for a malformed selector; -EIO for a SQLite error; or what @fn returned.
 */
int dhb_db_select(struct dhb_db *db, const char *selector, dhb_db_row_fn fn, void *arg, size_t *n,
		  char *err, size_t errlen);

/**
 * dhb_db_selector_check() - whether a text is a well-formed selector (see dhb_db_select()).
 * @selector: the text.
 * @err: one line when not.
 * @errlen: size of @err.
 *
 * Return: 0 or -EINVAL.
 */
int dhb_db_selector_check(const char *selector, char *err, size_t errlen);

/**
 * dhb_db_ncolumns() - the columns of one of the store's tables, for STORE.md's check.
 * @table: "meta", "runs" or "rows".
 *
 * Return: their number, 0 for another name.
 */
size_t dhb_db_ncolumns(const char *table);

/**
 * dhb_db_column() - one column of a table: its name and its declared SQL type.
 * @table: as for dhb_db_ncolumns().
 * @i: below dhb_db_ncolumns(@table).
 * @type: where its type goes ("TEXT", "INTEGER", "REAL").
 *
 * Return: the name, or NULL when out of range.
 */
const char *dhb_db_column(const char *table, size_t i, const char **type);

#endif /* DHB_DB_H */
