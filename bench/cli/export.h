// SPDX-License-Identifier: MIT
// The export command's parts: rows' names and ids (export_rows.c), KCIDB and LAVA writers.
#ifndef DHB_CLI_EXPORT_H
#define DHB_CLI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/results.h"

/* The root of every KCIDB path, and the default origin. */
#define EXPORT_ROOT "dmaheap_bench"

/**
 * struct export_settings - what export's command line sets (cmd_export.c).
 * @kcidb: --kcidb FILE, or NULL.
 * @lava: --lava FILE, or NULL.
 * @origin: --origin, the KCIDB origin and prefix of ids.
 * @help: --help.
 */
struct export_settings {
	const char *kcidb;
	const char *lava;
	const char *origin;
	bool help;
};

/* A growing text, for paths, names and ids; zero-initialised, freed with free(t.s). */
struct export_text {
	char *s;
	size_t len, cap;
};

/* Appends @n bytes of @s; 0 or -ENOMEM. */
int export_put(struct export_text *t, const char *s, size_t n);

/* Appends the parts of @s between the @sep bytes, each a path component; 0 or -ENOMEM. */
int export_put_split(struct export_text *t, const char *s, char sep);

/*
 * A row's path below the root, TEST.HEAP.SIZE.METRIC[.PARAMS] (a counter row's metric is two
 * components, each key=value of params one): components of [a-zA-Z0-9_-], '=' made '-' and any
 * other byte '_' (results/EXPORT.md). Replaces @t's text; 0 or -ENOMEM.
 */
int export_row_path(struct export_text *t, const struct dhb_row *row);

/* ORIGIN:HOST:TIMESTAMP:TEST:HEAP:BACKEND:SIZE:METRIC:PARAMS, unique per row; NULL: no memory. */
char *export_row_id(const struct export_settings *s, const struct dhb_results_row *r);

/* Column @col of a row as the CSV writer writes it, unquoted, malloc'd; NULL: no memory. */
char *export_cell(const struct dhb_results_row *r, size_t col);

/* Strings seen, for what must be unique; zero-initialised. */
struct export_seen {
	char **v;
	size_t cap, n;
};

/* 1 when @s was seen before, 0 when added now, -ENOMEM. */
int export_seen_add(struct export_seen *t, const char *s);
void export_seen_free(struct export_seen *t);

/* FNV-1a, 32 bits. */
uint32_t export_hash(const char *s);

/* The writers: 0 or -ENOMEM (write errors are the stream's). */
int export_kcidb(FILE *fp, const struct export_settings *s, const struct dhb_results *res);
int export_lava(FILE *fp, const struct export_settings *s, const struct dhb_results *res);

#endif /* DHB_CLI_EXPORT_H */
