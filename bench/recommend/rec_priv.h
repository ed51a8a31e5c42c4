// SPDX-License-Identifier: MIT
// The recommendation session's state, shared by the engine's files.
#ifndef DHB_REC_PRIV_H
#define DHB_REC_PRIV_H

#include "dhb/recommend.h"

/* One measured p50 of a heap (a row; several runs give several). */
struct rec_row {
	char *heap;
	char *backend;
	char *test;
	char *metric;
	char *unit;
	uint64_t size;
	double p50;
};

/* One device (queue) a use needs to import the buffer. */
struct rec_touch {
	const struct dhb_rec_device *dev;
	char *queue; /* NULL: every queue of the device in the matrix */
};

struct rec_use {
	char *spec;
	char *alias;
	char *touch_text;
	struct rec_touch *t;
	size_t nt;
	bool cpu_read, cpu_write;
	/* after dhb_rec_run() */
	struct dhb_rec_verdict *v;
	size_t nv;
	const char *heap;
	char path[300];
	struct dhb_rec_evidence ev;
};

struct dhb_rec {
	uint64_t size;
	struct rec_row *rows;
	size_t nrows, caprows;
	char *tool_version, *git_rev, *timestamp, *hostname, *board, *kernel;
	struct dhb_run_info run;
	bool have_run;
	bool mixed; /* rows of more than one board or kernel */
	bool have_matrix;
	char *matrix_board, *matrix_kernel;
	uint64_t matrix_size;
	struct dhb_rec_source *src;
	size_t nsrc;
	struct dhb_rec_device *dev;
	size_t ndev;
	struct dhb_rec_cell *cells;
	size_t ncells;
	struct rec_use *uses;
	size_t nuses;
};

/* The matrix's source of that name, or NULL. */
const struct dhb_rec_source *rec_source(const struct dhb_rec *r, const char *name);

/* The chosen heap's verdict of @u, or NULL. */
const struct dhb_rec_verdict *rec_chosen(const struct rec_use *u);

#endif /* DHB_REC_PRIV_H */
