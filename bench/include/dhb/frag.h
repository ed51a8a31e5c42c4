// SPDX-License-Identifier: MIT
// Fragmentation replay: allocation traces, workload generators, replay on the model and on heaps.
#ifndef DHB_FRAG_H
#define DHB_FRAG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/sink.h"
#include "dhr_alloc.h"

/*
 * A trace (format: heaps-ref/TRACE.md) is parsed whole into memory before anything is replayed,
 * so that replay speed measures the allocator and not the parser. Buffer ids are mapped to dense
 * slots on the way in: a slot names one live buffer, is reused only after its free, and indexes a
 * plain array during replay (no hashing in the timed loop). Generators build traces through the
 * same builder, so a generated trace and the same trace written and parsed again are identical.
 */

#define DHB_FRAG_ALLOC 0
#define DHB_FRAG_FREE  1

/*
 * Limits of a trace (heaps-ref/TRACE.md), so that no input can take unbounded memory and no
 * total can overflow. A line holds at most DHB_FRAG_MAX_LINE bytes before its line end (/dev/zero
 * stops there); a trace at most DHB_FRAG_MAX_OPS operations (32 bytes each in memory, about
 * 300 MiB at most with the parser's tables); a size or an alignment at most DHB_FRAG_MAX_SIZE.
 * So any live total, even with every size rounded up to a granule of at most DHB_FRAG_MAX_SIZE,
 * is at most 2^62 bytes.
 */
#define DHB_FRAG_MAX_LINE 4096
#define DHB_FRAG_MAX_OPS  (1 << 22)    /* 4194304 */
#define DHB_FRAG_MAX_SIZE (1ULL << 40) /* 1 TiB */

/**
 * struct dhb_frag_op - one operation of a trace.
 * @time_ns: nanoseconds since the start of the trace.
 * @size: bytes asked for (for a free: the size of the buffer freed).
 * @align: alignment in bytes, 0 for the heap's default.
 * @slot: the live-buffer slot (0 .. &dhb_frag_trace.n_slots - 1).
 * @op: DHB_FRAG_ALLOC or DHB_FRAG_FREE.
 */
struct dhb_frag_op {
	uint64_t time_ns;
	uint64_t size;
	uint64_t align;
	uint32_t slot;
	uint32_t op;
};

/**
 * struct dhb_frag_trace - a trace in memory, and the builder's state.
 * @ops: operations in order.
 * @n: number of operations.
 * @cap: room in @ops.
 * @n_slots: slots used (the most buffers live at once).
 * @slot_size: size of the buffer live in each slot.
 * @slot_align: alignment of the buffer live in each slot.
 * @slot_live: whether each slot holds a live buffer.
 * @free_slots: stack of released slots, reused last-in first-out.
 * @n_free: entries in @free_slots.
 * @cap_slots: room in the slot arrays.
 */
struct dhb_frag_trace {
	struct dhb_frag_op *ops;
	size_t n;
	size_t cap;
	uint32_t n_slots;
	uint64_t *slot_size;
	uint64_t *slot_align;
	bool *slot_live;
	uint32_t *free_slots;
	uint32_t n_free;
	uint32_t cap_slots;
};

/**
 * dhb_frag_trace_alloc() - append an allocation; it gets a free slot.
 * @tr: trace (zero-initialised to start).
 * @time_ns: time; must not be before the previous operation's.
 * @size: bytes, at least 1.
 * @align: 0 or a power of two.
 * @slot: the slot it got.
 *
 * Return: 0, -EINVAL (time going backwards, zero size, a size or alignment above
 * DHB_FRAG_MAX_SIZE, bad alignment), -E2BIG (DHB_FRAG_MAX_OPS operations already) or -ENOMEM.
 */
int dhb_frag_trace_alloc(struct dhb_frag_trace *tr, uint64_t time_ns, uint64_t size, uint64_t align,
			 uint32_t *slot);

/**
 * dhb_frag_trace_free() - append the free of the buffer live in @slot.
 * @tr: trace.
 * @time_ns: time; must not be before the previous operation's.
 * @slot: a slot holding a live buffer.
 *
 * Return: 0, -EINVAL (time going backwards, slot not live), -E2BIG or -ENOMEM.
 */
int dhb_frag_trace_free(struct dhb_frag_trace *tr, uint64_t time_ns, uint32_t slot);

/**
 * dhb_frag_trace_release() - free a trace's memory; it is left empty (and reusable).
 * @tr: trace.
 */
void dhb_frag_trace_release(struct dhb_frag_trace *tr);

/**
 * dhb_frag_trace_parse() - read a whole trace in the CSV format of heaps-ref/TRACE.md.
 * @fp: stream, read to its end.
 * @tr: result (zero-initialised); released again on failure.
 * @line: on failure, the 1-based line number the error is about.
 * @err: on failure, one line saying what is wrong (without file name and line).
 * @errlen: size of @err.
 *
 * Lines are read with a bounded buffer: a line longer than DHB_FRAG_MAX_LINE bytes, a trace of
 * more than DHB_FRAG_MAX_OPS operations and a size beyond DHB_FRAG_MAX_SIZE are malformed. A read
 * error is reported as one (with its errno's text in @err), never taken for the end of the file.
 *
 * Return: 0; -EINVAL for a malformed trace; -ENOMEM; -EIO when @fp could not be read.
 */
int dhb_frag_trace_parse(FILE *fp, struct dhb_frag_trace *tr, unsigned long *line, char *err,
			 size_t errlen);

/**
 * dhb_frag_trace_write() - write a trace in the CSV format; ids are slot numbers.
 * @tr: trace.
 * @comment: a line written as a "# " comment before the header, or NULL.
 * @fp: stream.
 *
 * Return: 0, or -errno when writing failed (-EIO when the stream's errno is lost).
 */
int dhb_frag_trace_write(const struct dhb_frag_trace *tr, const char *comment, FILE *fp);

/**
 * dhb_frag_trace_peak() - the most bytes live at once.
 * @tr: trace.
 * @round: every size is rounded up to a multiple of this power of two first (1: none).
 *
 * Return: the peak in bytes.
 */
uint64_t dhb_frag_trace_peak(const struct dhb_frag_trace *tr, uint64_t round);

/* Workload generators; DHB_FRAG_NR_WORKLOADS counts them (not a workload). */
enum dhb_frag_workload { DHB_FRAG_VIDEO, DHB_FRAG_CAMERA, DHB_FRAG_RANDOM, DHB_FRAG_NR_WORKLOADS };

/**
 * struct dhb_frag_gen_cfg - what a generator is asked for.
 * @workload: which generator.
 * @seed: PRNG seed; the same configuration gives the same trace on every platform.
 * @region: bytes of the region the trace is meant for.
 * @granule: sizes count rounded up to this (a power of two) towards the live total.
 * @util: target live total as a fraction of @region, in (0, 1).
 * @ops: number of operations to emit.
 */
struct dhb_frag_gen_cfg {
	enum dhb_frag_workload workload;
	uint64_t seed;
	uint64_t region;
	uint64_t granule;
	double util;
	uint64_t ops;
};

/**
 * dhb_frag_workload_name() - the name of a workload, what --workload takes.
 * @w: the workload.
 *
 * Return: "video", "camera", "random"; NULL for DHB_FRAG_NR_WORKLOADS and beyond.
 */
const char *dhb_frag_workload_name(enum dhb_frag_workload w);

/**
 * dhb_frag_workload_parse() - a workload by name ("video", "camera", "random").
 * @name: name.
 * @w: the workload.
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int dhb_frag_workload_parse(const char *name, enum dhb_frag_workload *w);

/**
 * dhb_frag_generate() - generate a trace.
 * @cfg: configuration.
 * @tr: result (zero-initialised); released again on failure.
 *
 * Every generator keeps the live total (sizes rounded up to the granule) at or just around
 * @cfg->util * @cfg->region once it has filled up, and emits exactly @cfg->ops operations.
 *
 * Return: 0, -EINVAL for a bad configuration, -ERANGE when the region is too small for the
 * workload (video: not one pool of six 720p frames fits), or -ENOMEM.
 */
int dhb_frag_generate(const struct dhb_frag_gen_cfg *cfg, struct dhb_frag_trace *tr);

/**
 * struct dhb_frag_row - the state at one point of a replay (one CSV row).
 * @op_index: operations applied so far.
 * @time_ns: trace time of the last one applied.
 * @live_allocs: buffers live (by the replay's own count).
 * @requested: bytes asked for by the live buffers.
 * @failed_allocs: allocations that failed so far.
 * @skipped_frees: frees skipped so far because their allocation had failed.
 * @has_stats: whether @st holds allocator figures (the model, or a heap that publishes them).
 * @st: allocator figures.
 * @utilisation: @st.used / @st.total with figures, else @requested / the replay's region.
 * @trace_utilisation: what the trace holds live at this point (every allocation counted, failed
 *	or not, sizes rounded up to the granule) / the replay's region: the same for every policy.
 * @lat_n: allocations timed since the previous row (heaps only; 0 for the model).
 * @lat_mean_ns: their mean latency.
 * @lat_max_ns: their largest latency.
 */
struct dhb_frag_row {
	uint64_t op_index;
	uint64_t time_ns;
	uint64_t live_allocs;
	uint64_t requested;
	uint64_t failed_allocs;
	uint64_t skipped_frees;
	bool has_stats;
	struct dhr_stats st;
	double utilisation;
	double trace_utilisation;
	uint64_t lat_n;
	double lat_mean_ns;
	double lat_max_ns;
};

/**
 * dhb_frag_row_start() - a row's position and the replay's own counts; the rest zeroed.
 * @row: the row to fill.
 * @tr: the trace.
 * @i: operations applied so far.
 * @live: buffers live.
 * @requested: bytes asked for by them.
 * @failed: allocations failed so far.
 * @skipped: frees skipped so far.
 */
void dhb_frag_row_start(struct dhb_frag_row *row, const struct dhb_frag_trace *tr, size_t i,
			uint64_t live, uint64_t requested, uint64_t failed, uint64_t skipped);

/**
 * struct dhb_frag_result - rows and totals of one replay (one policy, or one heap).
 * @source: "model" or the heap's name.
 * @policy: the policy's name (dhr_policy_name()), or what the heap publishes ("" when nothing).
 * @rows: rows, one every interval and one at the end.
 * @n_rows: number of rows.
 * @ops: operations applied.
 * @failed_allocs: allocations that failed.
 * @skipped_frees: frees skipped.
 * @ops_per_s: replay speed: median over the timed runs (model), or of the one run (heap).
 * @runs: timed runs behind @ops_per_s.
 */
struct dhb_frag_result {
	char source[64];
	char policy[32];
	struct dhb_frag_row *rows;
	size_t n_rows;
	uint64_t ops;
	uint64_t failed_allocs;
	uint64_t skipped_frees;
	double ops_per_s;
	unsigned int runs;
};

/**
 * dhb_frag_result_free() - free a result's rows.
 * @r: result; left empty.
 */
void dhb_frag_result_free(struct dhb_frag_result *r);

/**
 * dhb_frag_interval() - the default row interval: about 200 rows over a trace.
 * @n_ops: operations in the trace.
 *
 * Return: ceil(@n_ops / 200), at least 1.
 */
uint64_t dhb_frag_interval(uint64_t n_ops);

/**
 * struct dhb_frag_model_cfg - a model replay.
 * @policy: placement policy.
 * @region: bytes in the region (a multiple of @granule).
 * @granule: allocation unit, a power of two.
 * @interval: a row every this many operations (and one at the end); at least 1.
 * @repeat: timed runs for the speed (their median); 0 for no timing.
 */
struct dhb_frag_model_cfg {
	enum dhr_policy policy;
	uint64_t region;
	uint64_t granule;
	uint64_t interval;
	unsigned int repeat;
};

/**
 * dhb_frag_replay_model() - replay a trace on the allocator model.
 * @tr: trace.
 * @cfg: configuration.
 * @res: result (zero-initialised): rows from one untimed run, then the speed of @cfg->repeat
 *	timed runs (CLOCK_MONOTONIC, rows not taken); free with dhb_frag_result_free().
 *
 * A failed allocation (no fit, or larger than the region) is counted and its buffer is not live;
 * its later free is skipped and counted. An alignment below the granule is the granule's.
 *
 * Return: 0, -EINVAL for a bad configuration, -ENOMEM, or -EUCLEAN if the allocator's own check
 * fails at the end (a bug in the core).
 */
int dhb_frag_replay_model(const struct dhb_frag_trace *tr, const struct dhb_frag_model_cfg *cfg,
			  struct dhb_frag_result *res);

/**
 * struct dhb_frag_heap_cfg - a replay on a dma-buf heap.
 * @path: the heap's node, /dev/dma_heap/NAME.
 * @name: the heap's name (the source column).
 * @region: bytes the utilisation is relative to when the heap publishes no figures.
 * @granule: sizes are rounded up to this for the trace utilisation.
 * @interval: a row every this many operations (and one at the end).
 * @stop: set to a signal number to stop early (everything is released), or NULL.
 */
struct dhb_frag_heap_cfg {
	const char *path;
	const char *name;
	uint64_t region;
	uint64_t granule;
	uint64_t interval;
	const volatile sig_atomic_t *stop;
};

/**
 * dhb_frag_replay_heap() - replay a trace on a dma-buf heap: DMA_HEAP_IOCTL_ALLOC per
 *	allocation, close() per free.
 * @tr: trace.
 * @cfg: configuration.
 * @res: result (zero-initialised), rows up to where it stopped.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Alignment is not asked of the heap (the ioctl has no such field). Every buffer is closed before
 * it returns, on every path.
 *
 * Return: 0 (also when stopped by @cfg->stop), -ENOENT/-EACCES/-EPERM when the node cannot be
 * opened, -ENOMEM.
 */
int dhb_frag_replay_heap(const struct dhb_frag_trace *tr, const struct dhb_frag_heap_cfg *cfg,
			 struct dhb_frag_result *res, char *err, size_t errlen);

/**
 * dhb_frag_csv_header() - write the CSV header line: the results schema's run columns
 * (schema_version ... cma_bytes, results/SCHEMA.md), then frag's own (heaps-ref/TRACE.md).
 * @fp: stream.
 */
void dhb_frag_csv_header(FILE *fp);

/**
 * dhb_frag_csv_rows() - write a result's rows as CSV, each starting with the run's identity.
 * @res: result.
 * @run: identity of the command's run (the same on every row), as `run` writes it.
 * @fp: stream.
 */
void dhb_frag_csv_rows(const struct dhb_frag_result *res, const struct dhb_run_info *run, FILE *fp);

/**
 * dhb_frag_summary() - print the human summary of several results.
 * @res: results.
 * @n: how many.
 * @util: threshold of the "mean at target" column: rows whose @trace_utilisation reaches it.
 * @fp: stream.
 */
void dhb_frag_summary(const struct dhb_frag_result *res, size_t n, double util, FILE *fp);

#endif /* DHB_FRAG_H */
