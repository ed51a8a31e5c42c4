// SPDX-License-Identifier: MIT
// Recommend: the heap each use should take, from measured rows and the compatibility matrix.
#ifndef DHB_RECOMMEND_H
#define DHB_RECOMMEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/results.h"
#include "dhb/sink.h"

/*
 * Recommend
 * ---------
 * A use is one kind of buffer: the devices that touch it and whether the CPU reads or writes it
 * (dhb_rec_add_use() documents the spelling). For each use, every source of the inputs is
 * judged in three steps, and the first that fails is the reason it is rejected:
 *   1. it must be a dma-buf heap (its backend, from the matrix or its rows, has
 *      DHB_CAP_HEAP_NODE): only a heap has a node under /dev/dma_heap/ that an alias can name;
 *   2. every device (queue) of the use must have imported its buffer in the matrix
 *      (`list --matrix --json`): a refusal or a pair that could not be tried rejects it, with
 *      the matrix's step, errno and reason; so does a device the matrix never tried it on;
 *   3. it must have a row of the use's metric at the use's size: cpu read_bw when the CPU
 *      reads the buffer, else cpu write_bw when it writes it, else alloc alloc_latency (a
 *      buffer only devices touch costs its allocation). Several rows (runs) of one heap:
 *      their median p50.
 * The heaps left are ranked by that p50 (higher bandwidth, lower latency first); the first is
 * chosen, and the evidence is its p50, the runner-up's and their ratio (the winner's advantage,
 * >= 1). Every other heap is rejected with the step that rejected it, or as slower than the
 * chosen one by its own ratio. A use no heap passes is -ESRCH: dhb_rec_write_text() says why.
 * Contiguity and caching come from the matrix's sources (their properties) and are reported;
 * what the devices need of them shows in their import results, never in a heap's name.
 */

/* A source as the matrix describes it (properties unknown: -1). */
struct dhb_rec_source {
	char *name;
	char *backend;
	char *path;
	int contiguous;
	int cached;
};

/* One pair of the matrix. */
struct dhb_rec_cell {
	char *source;
	char *device;
	char *queue;  /* NULL for a DRM card */
	char *result; /* "ok", "refused", "not_tried" */
	char *step;
	char *errname;
	char *reason;
};

/* A device of the matrix: its name, "drm" or "v4l2", and its capabilities (comma list). */
struct dhb_rec_device {
	char *name;
	char *kind;
	char *caps;
};

/* What a recommendation session holds. Fields are read-only for callers. */
struct dhb_rec;

/**
 * struct dhb_rec_evidence - why a use's heap was chosen.
 * @test: test of the metric ("cpu").
 * @metric: the metric ("read_bw").
 * @unit: its unit ("MB/s", "ns").
 * @higher_better: true for bandwidths.
 * @size_bytes: the size compared.
 * @p50: the chosen heap's p50 (median over its runs).
 * @runs: how many rows that median is of.
 * @runner_up: the next heap, or NULL when it was the only one left.
 * @runner_up_p50: its p50 (NaN without one).
 * @ratio: the chosen heap's advantage over the runner-up (>= 1; NaN without one).
 */
struct dhb_rec_evidence {
	const char *test;
	const char *metric;
	const char *unit;
	bool higher_better;
	uint64_t size_bytes;
	double p50;
	size_t runs;
	const char *runner_up;
	double runner_up_p50;
	double ratio;
};

/**
 * struct dhb_rec_verdict - one heap judged for one use.
 * @heap: its name.
 * @chosen: true for the chosen heap.
 * @stage: what rejected it: "backend", "matrix", "results", "ranked" (slower), or "" (chosen).
 * @reason: one line (empty for the chosen heap).
 * @p50: its p50 of the use's metric, NaN when it has none.
 */
struct dhb_rec_verdict {
	const char *heap;
	bool chosen;
	const char *stage;
	char reason[256];
	double p50;
};

/**
 * struct dhb_rec_result - the answer for one use.
 * @spec: the use as given.
 * @alias: the alias the chosen heap gets under /dev/dma_heap/.
 * @touch: the devices (queues) that touch the buffer, joined by ", " ("" for none).
 * @cpu: "read", "write", "read-write" or "none".
 * @heap: the chosen heap, or NULL when none passed.
 * @path: its node ("/dev/dma_heap/system").
 * @contiguous: from the matrix (-1 unknown).
 * @cached: from the matrix (-1 unknown).
 * @ev: the evidence.
 * @v: every heap judged: the chosen one first, then the ranked ones best first, then the rest
 *     in name order.
 * @n: entries in @v.
 */
struct dhb_rec_result {
	const char *spec;
	const char *alias;
	const char *touch;
	const char *cpu;
	const char *heap;
	const char *path;
	int contiguous;
	int cached;
	struct dhb_rec_evidence ev;
	const struct dhb_rec_verdict *v;
	size_t n;
};

/**
 * dhb_rec_new() - an empty session.
 * @size_bytes: the buffer size the uses are judged at.
 *
 * Return: the session, or NULL when out of memory.
 */
struct dhb_rec *dhb_rec_new(uint64_t size_bytes);

/**
 * dhb_rec_free() - release a session.
 * @r: the session, or NULL.
 */
void dhb_rec_free(struct dhb_rec *r);

/**
 * dhb_rec_add_row() - one row of a results file or of the store (counter rows and rows with
 * params are ignored: the metrics used have none).
 * @r: session.
 * @run: the row's run.
 * @row: the row.
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_rec_add_row(struct dhb_rec *r, const struct dhb_run_info *run, const struct dhb_row *row);

/**
 * dhb_rec_read_matrix() - the output of `list --matrix --json` (sources, devices, cells).
 * @r: session.
 * @path: the file.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Return: 0; -EPROTO for a file that is not that output; -ENOMEM; -errno.
 */
int dhb_rec_read_matrix(struct dhb_rec *r, const char *path, char *err, size_t errlen);

/**
 * dhb_rec_add_use() - one use: [ALIAS:]TOUCH[+TOUCH...], TOUCH one of
 *   camera[=DEV]   the capture queue of a V4L2 capture device that is not memory-to-memory
 *   decoder[=DEV]  the capture queue of a V4L2 codec (memory-to-memory, codec capability)
 *   display[=DEV]  a DRM card with KMS
 *   cpu-read, cpu-write   the CPU reads, writes the buffer
 *   DEV[/QUEUE]    a device of the matrix by name (every queue of it without /QUEUE)
 * A role without =DEV means every such device of the matrix. ALIAS ([A-Za-z0-9_.-], default
 * the touches joined by '-') is the link /dev/dma_heap/ALIAS.
 * @r: session, its matrix read when the use names a device.
 * @spec: the use.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL for a bad spelling, an unknown role or device, a role the matrix has no
 * device of, or an alias already given to another use; -ENOMEM.
 */
int dhb_rec_add_use(struct dhb_rec *r, const char *spec, char *err, size_t errlen);

/**
 * dhb_rec_run() - judge every use.
 * @r: session with its rows, matrix and uses.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Return: 0 when every use has a heap; -ESRCH when one has none (dhb_rec_write_text() says
 * why); -ENODATA when no heap has rows of a use's metric at all, -EINVAL for rows of more than
 * one board or kernel (@err says which); -ENOMEM.
 */
int dhb_rec_run(struct dhb_rec *r, char *err, size_t errlen);

/**
 * dhb_rec_n_uses() - the number of uses.
 * @r: session.
 *
 * Return: the number.
 */
size_t dhb_rec_n_uses(const struct dhb_rec *r);

/**
 * dhb_rec_result() - the answer for use @i after dhb_rec_run().
 * @r: session.
 * @i: index.
 * @out: the answer; valid until the session is freed.
 */
void dhb_rec_result(const struct dhb_rec *r, size_t i, struct dhb_rec_result *out);

/**
 * dhb_rec_run_info() - the identity of the run the rows come from (the last row's), or NULL.
 * @r: session.
 *
 * Return: the run.
 */
const struct dhb_run_info *dhb_rec_run_info(const struct dhb_rec *r);

/* Version of the manifest's layout (results/MANIFEST.md). */
#define DHB_REC_MANIFEST_VERSION 1

/* Priority of the aliases' links (udev's link_priority): above the default 0. */
#define DHB_REC_LINK_PRIORITY 50

/**
 * dhb_rec_write_manifest() - the JSON manifest (results/MANIFEST.md).
 * @r: session after a successful dhb_rec_run().
 * @fp: stream.
 */
void dhb_rec_write_manifest(const struct dhb_rec *r, FILE *fp);

/**
 * dhb_rec_write_rules() - the udev rules: one line per chosen heap, its aliases as links under
 * /dev/dma_heap/, group video, mode 0660, link_priority DHB_REC_LINK_PRIORITY.
 * @r: session after a successful dhb_rec_run().
 * @fp: stream.
 */
void dhb_rec_write_rules(const struct dhb_rec *r, FILE *fp);

/**
 * dhb_rec_write_text() - the human answer: per use the heap and the evidence line, then each
 * rejected heap and why.
 * @r: session after dhb_rec_run() (also after -ESRCH: the uses without a heap say why).
 * @fp: stream.
 */
void dhb_rec_write_text(const struct dhb_rec *r, FILE *fp);

/* The keys of a use's object in the manifest, in order (for the schema test). */
size_t dhb_rec_manifest_nkeys(void);
const char *dhb_rec_manifest_key(size_t i);

#endif /* DHB_RECOMMEND_H */
