// SPDX-License-Identifier: MIT
// Plots: the data of each figure, selected from results, samples, frag rows or compare's CSV.
#ifndef DHB_PLOT_H
#define DHB_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/results.h"
#include "dhb/sink.h"

/*
 * Plots
 * -----
 * The C code never draws. A plot session (struct dhb_plot) takes the inputs (rows of results
 * files or of the store, lines of samples files, frag's rows over time, compare's CSV), picks
 * the figures of the kinds asked for (dhb_plot_select()), writes each figure's data as a plain
 * text file (dhb_plot_write_data()) and runs the figure's gnuplot script from plots/ on it
 * (dhb_plot_render()), which writes the SVG or PNG on its standard output. plots/README.md
 * documents the data files and the scripts' arguments, so a script also runs by hand.
 *
 * What each kind takes is found from the rows' own data, as compare finds floors, never from a
 * heap's or a test's name (one exception: pipeline rows are the rows of the test `pipeline`):
 *   latency   rows in ns (not counter rows METRIC.EVENT): one figure per test, metric and
 *             params; x the size, a series per heap: p50, whiskers p90 to p99
 *   bandwidth rows in MB/s: one figure per test, metric and params; a series per heap (p50);
 *             the rows whose params are baseline_for=HEAP (cpu's malloc baseline) are one more
 *             series, the limit line (the median of them per size)
 *   sync      the ns rows of a test that measures its own floor (rows whose params start
 *             floor=: sync's ioctl floor): one figure per params (direction), a series per heap
 *             and metric (start, end), and the floor (median of the heaps per size)
 *   ecdf      samples (run --samples): one figure per test, metric, params and size; a series
 *             per heap, its empirical distribution (baseline rows pooled as one series)
 *   frag      frag --csv files: one figure per file; ext_frag over the operations, a series
 *             per source and policy, and the trace's own utilisation
 *   ratio     compare --format csv: one figure per board, test, metric and params; x the size,
 *             a series per heap: the ratio new/base with its 95 % interval, filled where the
 *             verdict is a regression or an improvement; the malloc baseline's ratio as a
 *             reference; a line at 1
 *   pipeline  rows of the test pipeline: one figure per params and size; its metrics in ns side
 *             by side in the order of their rows, a series per heap (buffer source), p50 with
 *             whiskers p90 to p99, labelled with the source's counts (its rows not in ns: fps,
 *             late_frames ...); the display's frame period (params rate=HZ) as a limit line
 *   frames    samples of the test pipeline (pipeline --samples): one figure per metric with a
 *             sample per frame (frame_time, end_to_end_latency), params and size; x the frame
 *             (the sample's index), a line per heap (buffer source), the frame period as above
 * Several runs in one figure: each point is the median over the runs of each figure (p50,
 * p90, p99), and the subtitle says how many runs. A figure never mixes boards or kernels: rows
 * of several are refused (plot one at a time, or compare them and plot the ratio).
 *
 * Colours: every series of a heap has the same colour in every figure of a session: the
 * colour comes from the name (a hash into a palette of 12), collisions among the heaps of the
 * session's inputs resolved in name order, so the figures selected change no colour and a heap
 * usually keeps its colour from one session to the next too. frag's sources and policies, never
 * in a figure with a heap, take colours of their own the same way.
 */

/* The kinds, in the order figures are made. */
enum dhb_plot_kind {
	DHB_PLOT_LATENCY,
	DHB_PLOT_BANDWIDTH,
	DHB_PLOT_SYNC,
	DHB_PLOT_ECDF,
	DHB_PLOT_FRAG,
	DHB_PLOT_RATIO,
	DHB_PLOT_PIPELINE,
	DHB_PLOT_FRAMES,
	DHB_PLOT_NR_KINDS,
};

/* What a kind is made from. */
enum dhb_plot_input {
	DHB_PLOT_IN_ROWS,    /* results files or the store */
	DHB_PLOT_IN_SAMPLES, /* run --samples files */
	DHB_PLOT_IN_FRAG,    /* frag --csv files */
	DHB_PLOT_IN_COMPARE, /* compare --format csv output */
};

/**
 * struct dhb_plot_kind_info - one kind of figure.
 * @name: its name ("latency"), what --plots takes and the start of its files' names.
 * @script: the gnuplot script of plots/ that draws it ("latency.gp").
 * @input: what it is made from.
 * @help: one line for --help and the manual.
 */
struct dhb_plot_kind_info {
	const char *name;
	const char *script;
	enum dhb_plot_input input;
	const char *help;
};

/**
 * dhb_plot_kind_info() - a kind's description.
 * @k: the kind, below DHB_PLOT_NR_KINDS.
 *
 * Return: its description.
 */
const struct dhb_plot_kind_info *dhb_plot_kind_info(enum dhb_plot_kind k);

/**
 * dhb_plot_kind_parse() - a kind by name.
 * @name: "latency", "bandwidth" ...
 * @k: the kind.
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int dhb_plot_kind_parse(const char *name, enum dhb_plot_kind *k);

/**
 * struct dhb_plot_filter - what the figures are limited to (set before the inputs are added).
 * @metrics: fnmatch(3) patterns of metrics joined by ',', or NULL for every metric; counter rows
 *           (METRIC.EVENT) only when a pattern holds a '.'.
 * @sizes: sizes in bytes, or NULL for every size.
 * @n_sizes: entries in @sizes.
 */
struct dhb_plot_filter {
	const char *metrics;
	const uint64_t *sizes;
	size_t n_sizes;
};

struct dhb_plot;
struct dhb_plot_figure;

/**
 * dhb_plot_new() - an empty session.
 * @filter: what the figures are limited to (copied; its strings and arrays must outlive the
 *          session), or NULL for everything.
 *
 * Return: the session, or NULL when out of memory.
 */
struct dhb_plot *dhb_plot_new(const struct dhb_plot_filter *filter);

/**
 * dhb_plot_free() - release a session and its figures.
 * @p: the session, or NULL.
 */
void dhb_plot_free(struct dhb_plot *p);

/**
 * dhb_plot_add_row() - one row of a results file or of the store.
 * @p: session.
 * @run: the row's run.
 * @row: the row (copied).
 * @run_key: what tells its run apart from others with the same identity (a repetition).
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_plot_add_row(struct dhb_plot *p, const struct dhb_run_info *run, const struct dhb_row *row,
		     const char *run_key);

/**
 * dhb_plot_add_sample() - one line of a samples file (kept only when the filter takes it).
 * @p: session.
 * @s: the line.
 *
 * Return: 0, -ENOMEM, or -E2BIG past 2^24 samples in one session.
 */
int dhb_plot_add_sample(struct dhb_plot *p, const struct dhb_results_sample *s);

/**
 * dhb_plot_read_frag() - a CSV file of `frag --csv`.
 * @p: session.
 * @path: the file.
 * @err: on failure, one line "PATH:LINE: reason" (or "PATH: reason").
 * @errlen: size of @err.
 *
 * Return: 0; -EPROTO for a file that is not frag's CSV of this schema version; -ENOMEM; -errno.
 */
int dhb_plot_read_frag(struct dhb_plot *p, const char *path, char *err, size_t errlen);

/**
 * dhb_plot_read_compare() - the CSV of `compare --format csv` (results/COMPARE.md).
 * @p: session.
 * @path: the file.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Return: as dhb_plot_read_frag().
 */
int dhb_plot_read_compare(struct dhb_plot *p, const char *path, char *err, size_t errlen);

/**
 * dhb_plot_has() - whether the session holds input for a kind.
 * @p: session.
 * @input: the kind of input.
 *
 * Return: true when something of it was added.
 */
bool dhb_plot_has(const struct dhb_plot *p, enum dhb_plot_input input);

/**
 * dhb_plot_select() - make the figures of the kinds asked for.
 * @p: session with its inputs.
 * @kinds: bit (1 << kind) per kind.
 * @required: bit per kind that must have a figure (the kinds named on the command line).
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Figures already made are replaced. A metric pattern of the filter that matches no metric of
 * the inputs, a required kind without rows, no figure at all, or rows of several boards or
 * kernels for one kind are refused.
 *
 * Return: the number of figures (> 0); -ENODATA, -EINVAL (see above; @err says which);
 * -ENOMEM.
 */
long dhb_plot_select(struct dhb_plot *p, unsigned int kinds, unsigned int required, char *err,
		     size_t errlen);

/**
 * dhb_plot_figure() - one figure made by dhb_plot_select().
 * @p: session.
 * @i: index, below the number of figures.
 *
 * Return: the figure.
 */
const struct dhb_plot_figure *dhb_plot_figure(const struct dhb_plot *p, size_t i);

/**
 * dhb_plot_figure_name() - a figure's name, unique in its session: the start of its files'
 * names ("latency-alloc_latency", "sync-direction_read"), of [A-Za-z0-9._-] only.
 * @f: the figure.
 *
 * Return: the name.
 */
const char *dhb_plot_figure_name(const struct dhb_plot_figure *f);

/**
 * dhb_plot_figure_kind() - a figure's kind.
 * @f: the figure.
 *
 * Return: the kind.
 */
enum dhb_plot_kind dhb_plot_figure_kind(const struct dhb_plot_figure *f);

/**
 * dhb_plot_write_data() - write a figure's data file (plots/README.md, "Data files").
 * @f: the figure.
 * @fp: stream.
 *
 * Return: 0, -EIO when a write failed, or -ENOMEM.
 */
int dhb_plot_write_data(const struct dhb_plot_figure *f, FILE *fp);

/**
 * dhb_plot_scripts_dir() - where the gnuplot scripts are: the source tree's plots/ for a binary
 * of its build tree, else the installed ones (DATADIR/dmaheap-bench/plots), else whichever has
 * them.
 *
 * Return: the directory, or NULL when neither holds the scripts.
 */
const char *dhb_plot_scripts_dir(void);

/**
 * dhb_plot_check_scripts() - whether a directory holds every kind's script.
 * @dir: the directory.
 * @err: on failure, one line naming the missing script.
 * @errlen: size of @err.
 *
 * Return: 0, or -ENOENT.
 */
int dhb_plot_check_scripts(const char *dir, char *err, size_t errlen);

/**
 * dhb_plot_gnuplot() - whether gnuplot is on PATH.
 *
 * Return: true when an executable gnuplot is found.
 */
bool dhb_plot_gnuplot(void);

/* What dhb_plot_render() writes. */
enum dhb_plot_format {
	DHB_PLOT_SVG,
	DHB_PLOT_PNG,
};

/**
 * dhb_plot_render() - run gnuplot on a figure's script and data; the image goes to @out_fd.
 * @f: the figure.
 * @scripts: the scripts' directory.
 * @data: the figure's data file (dhb_plot_write_data()); a path gnuplot can open.
 * @format: SVG or PNG.
 * @out_fd: where the image goes (gnuplot's standard output).
 * @msg: gnuplot's messages (its standard error), one line per line, or on failure the reason;
 *       "" when none.
 * @msglen: size of @msg.
 *
 * Return: 0 when gnuplot succeeded; -EPROTO when it failed (@msg says why), -errno when it
 * could not be run.
 */
int dhb_plot_render(const struct dhb_plot_figure *f, const char *scripts, const char *data,
		    enum dhb_plot_format format, int out_fd, char *msg, size_t msglen);

#endif /* DHB_PLOT_H */
