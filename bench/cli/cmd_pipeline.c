// SPDX-License-Identifier: MIT
// The pipeline command: V4L2 capture or decoder -> KMS scanout through each buffer source's
// dma-bufs, per frame; and the stream its decoder source decodes (--make-stream).
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/env.h"
#include "dhb/err.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/pipeline.h"
#include "dhb/plan.h"
#include "dhb/runner.h"
#include "dhb/signals.h"
#include "dhb/size.h"
#include "measure.h"
#include "pipeline_select.h"
#include "run.h"

/**
 * struct pipeline_settings - what pipeline's command line sets (pipeline_opts[]).
 * @source: --source capture:DEVICE or decoder:FILE, or NULL for the first capture node.
 * @display: --display CARD or fd:N, or NULL for the first KMS card.
 * @heap: --heap LIST, the buffer sources (names or globs, as run's --heaps).
 * @buffers: --buffers, frame buffers in flight.
 * @frames: --frames, measured frames per source.
 * @warmup: --warmup, frames shown before measuring.
 * @size: --size WxH, or NULL.
 * @format: --format FMT, the frame's DRM fourcc (XR24 by default).
 * @make_stream: --make-stream FILE: encode the source's frames into FILE instead, or NULL.
 * @verify: --verify: check each frame shown against the stream's reference decode.
 * @verify_with: --verify-with crc|writeback: how (implies --verify), or NULL (crc).
 * @no_fences: --no-fences: commits without IN_FENCE_FD and OUT_FENCE_PTR.
 * @peer: --peer gstreamer: the same pipeline run by GStreamer after the buffer sources, or NULL.
 * @out: --csv, --json, --samples (a sample is a frame), --events, --table (MEASURE_OPTS()).
 * @help: --help.
 */
struct pipeline_settings {
	const char *source;
	const char *display;
	const char *heap;
	uint64_t buffers;
	uint64_t frames;
	uint64_t warmup;
	const char *size;
	const char *format;
	const char *make_stream;
	bool verify;
	const char *verify_with;
	bool no_fences;
	const char *peer;
	struct measure_settings out;
	bool help;
};

/* The frame size --make-stream makes when --size does not say. */
#define STREAM_WIDTH  1280
#define STREAM_HEIGHT 720

struct pipeline_state {
	struct pipeline_settings set;
	enum dhb_pipe_source kind;
	const char *source_arg; /* the device asked for, NULL for the first; or the stream */
	struct dhb_opts_line line;
	struct measure out;
	struct dhb_env env;
	struct dhb_device *devs;
	size_t n_devs;
	struct dhb_device leased; /* --display fd:N */
	struct dhb_pipe_config cfg;
	uint32_t *ref;
	struct dhb_pipe *pipe;
	struct dhb_instance *inst;
	size_t n_inst;
	bool *sel;
	struct dhb_plan_item *items;
	size_t n_items;
	struct dhb_instance gst_inst;
	struct dhb_gst_peer gst;
	uint64_t budget;
	struct dhb_runner runner;
	struct dhb_run_info run;
	char ts[32];
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "dmaheap-bench pipeline: %s\n", msg);
	return DHB_EXIT_USAGE;
}

/* --source: its kind and what follows "capture:" or "decoder:"; -EINVAL with why. */
static int parse_source(struct pipeline_state *st, char *err, size_t errlen)
{
	const char *s = st->set.source;

	st->kind = DHB_PIPE_CAPTURE;
	if (!s)
		return 0;
	if (!strncmp(s, PIPELINE_PREFIX_DECODER, strlen(PIPELINE_PREFIX_DECODER)) &&
	    s[strlen(PIPELINE_PREFIX_DECODER)]) {
		st->kind = DHB_PIPE_DECODER;
		st->source_arg = s + strlen(PIPELINE_PREFIX_DECODER);
		return 0;
	}
	if (!strncmp(s, PIPELINE_PREFIX_CAPTURE, strlen(PIPELINE_PREFIX_CAPTURE)) &&
	    s[strlen(PIPELINE_PREFIX_CAPTURE)]) {
		st->source_arg = s + strlen(PIPELINE_PREFIX_CAPTURE);
		return 0;
	}
	return dhb_err(-EINVAL, err, errlen,
		       "--source %s: capture:DEVICE (a V4L2 capture node: a name, a node such as "
		       "video0, a driver or a glob) or decoder:FILE (an FWHT stream)",
		       s);
}

/* --size into @w x @h; -EINVAL with why. */
static int parse_size(const char *size, uint32_t *w, uint32_t *h, char *err, size_t errlen)
{
	char extra;

	if (sscanf(size, "%" SCNu32 "x%" SCNu32 "%c", w, h, &extra) != 2 || !*w || !*h ||
	    *w > DHB_GEOM_MAX || *h > DHB_GEOM_MAX || strchr(size, '+') || strchr(size, '-'))
		return dhb_err(-EINVAL, err, errlen, "--size %s: WIDTHxHEIGHT, each 1..%u", size,
			       DHB_GEOM_MAX);
	return 0;
}

/* Close every device but @keep: the stages open theirs, libv4l2 holds at most 16 at once. */
static void close_others(struct pipeline_state *st, const struct dhb_device *keep)
{
	size_t i;

	for (i = 0; i < st->n_devs; i++) {
		if (&st->devs[i] != keep)
			dhb_device_close(&st->devs[i]);
	}
}

/*
 * --display fd:N: the card behind descriptor N, which the process inherited (a DRM lease a
 * compositor or a lessor granted: DRM master of what was leased, nothing else).
 */
static int adopt_display(struct pipeline_state *st, const char *num, char *err, size_t errlen)
{
	char why[200], *end;
	long fd;

	errno = 0;
	fd = strtol(num, &end, 10);
	if (!*num || *end || *num == '-' || *num == '+' || errno || fd > INT_MAX)
		return dhb_err(-EINVAL, err, errlen,
			       "--display fd:%s: fd:N, N a descriptor this process inherited", num);
	if (st->set.peer)
		return dhb_err(-EINVAL, err, errlen,
			       "--display fd:%s: --peer %s opens the card itself, it cannot use an "
			       "inherited descriptor",
			       num, st->set.peer);
	if (dhb_drm_adopt_fd(&st->leased, (int)fd, why, sizeof(why)))
		return dhb_err(-EINVAL, err, errlen, "--display fd:%s: %s", num, why);
	st->cfg.display = &st->leased;
	if (!pipeline_display_fits(&st->leased, why, sizeof(why)))
		return dhb_err(-EINVAL, err, errlen, "--display fd:%s: %s", num, why);
	return 0;
}

/* --source and --display: which devices, and the frame size asked for. */
static int choose_devices(struct pipeline_state *st, char *err, size_t errlen)
{
	const struct pipeline_settings *s = &st->set;
	bool decoder = st->kind == DHB_PIPE_DECODER;
	size_t fdlen = strlen(PIPELINE_PREFIX_FD);
	char opt[160];
	int ret;

	if (s->size && parse_size(s->size, &st->cfg.width, &st->cfg.height, err, errlen))
		return -EINVAL;
	/* DRM cards are probed first: the display's descriptor is the card's first, its master. */
	ret = dhb_devices_probe(&st->devs, &st->n_devs);
	if (ret)
		return dhb_err(-EIO, err, errlen, "probing devices: %s", strerror(-ret));
	if (s->display && !strncmp(s->display, PIPELINE_PREFIX_FD, fdlen)) {
		if (adopt_display(st, s->display + fdlen, err, errlen))
			return -EINVAL;
	} else {
		snprintf(opt, sizeof(opt), "--display%s%s", s->display ? " " : "",
			 s->display ? s->display : "");
		st->cfg.display = pipeline_pick(opt, s->display, DHB_DEV_DRM, st->devs, st->n_devs,
						pipeline_display_fits, err, errlen);
		if (!st->cfg.display)
			return -EINVAL;
	}
	snprintf(opt, sizeof(opt), "--source%s%s", s->source ? " " : "",
		 s->source ? s->source : "");
	st->cfg.source = pipeline_pick(
		opt, decoder ? NULL : st->source_arg, DHB_DEV_V4L2, st->devs, st->n_devs,
		decoder ? pipeline_decoder_fits : pipeline_capture_fits, err, errlen);
	if (!st->cfg.source)
		return -EINVAL;
	close_others(st, st->cfg.display);
	st->cfg.source_kind = st->kind;
	st->cfg.stream = decoder ? st->source_arg : NULL;
	st->cfg.buffers = (unsigned int)s->buffers;
	st->cfg.timeout_ms = DHB_PIPE_TIMEOUT_MS;
	return 0;
}

/*
 * --make-stream: the capture node's frames encoded into the file; the pipeline's own options
 * do not apply. Returns the exit status.
 */
static int make_stream(struct pipeline_state *st)
{
	static const char *const not_here[] = {
		"display", "heap",  "buffers", "warmup",      "csv",	   "json", "samples",
		"events",  "table", "verify",  "verify-with", "no-fences", "peer", "format"};
	const struct pipeline_settings *s = &st->set;
	struct dhb_stream_config c = {.path = s->make_stream, .frames = (unsigned int)s->frames};
	const struct dhb_device *decoder = NULL;
	char err[512], opt[160];
	uint64_t bytes;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(not_here) / sizeof(not_here[0]); i++) {
		if (dhb_opts_given(&st->line, not_here[i])) {
			snprintf(err, sizeof(err),
				 "--make-stream makes a stream only: --%s does not "
				 "apply",
				 not_here[i]);
			return usage_error(err);
		}
	}
	if (st->kind != DHB_PIPE_CAPTURE)
		return usage_error("--make-stream encodes a capture node's frames: --source "
				   "capture:DEVICE");
	if (s->frames > DHB_REF_MAX_FRAMES) {
		snprintf(err, sizeof(err),
			 "--make-stream makes at most %u frames (its reference's "
			 "bound)",
			 DHB_REF_MAX_FRAMES);
		return usage_error(err);
	}
	c.width = STREAM_WIDTH;
	c.height = STREAM_HEIGHT;
	if (s->size && parse_size(s->size, &c.width, &c.height, err, sizeof(err)))
		return usage_error(err);
	ret = dhb_devices_probe_kind(DHB_DEV_V4L2, &st->devs, &st->n_devs);
	if (ret) {
		fprintf(stderr, "dmaheap-bench pipeline: probing devices: %s\n", strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	snprintf(opt, sizeof(opt), "--source%s%s", s->source ? " " : "",
		 s->source ? s->source : "");
	c.source = pipeline_pick(opt, st->source_arg, DHB_DEV_V4L2, st->devs, st->n_devs,
				 pipeline_capture_fits, err, sizeof(err));
	if (c.source)
		c.encoder = pipeline_pick("--make-stream", NULL, DHB_DEV_V4L2, st->devs, st->n_devs,
					  pipeline_encoder_fits, err, sizeof(err));
	if (c.encoder)
		decoder = pipeline_pick("--make-stream", NULL, DHB_DEV_V4L2, st->devs, st->n_devs,
					pipeline_decoder_fits, err, sizeof(err));
	if (!c.source || !c.encoder || !decoder)
		return usage_error(err);
	close_others(st, NULL);
	c.stop = dhb_signals_install();
	ret = dhb_stream_make(&c, &bytes, err, sizeof(err));
	if (!ret)
		ret = pipeline_make_reference(decoder, c.path, c.stop, err, sizeof(err));
	if (ret == -EINTR) {
		fprintf(stderr, "dmaheap-bench pipeline: stopped by signal %d; no stream written\n",
			(int)*c.stop);
		return 128 + (int)*c.stop;
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench pipeline: %s\n", err);
		return ret == -EINVAL ? DHB_EXIT_USAGE : DHB_EXIT_FAIL;
	}
	printf("%s: %u frames %ux%u XBGR32 from %s, FWHT by %s, %" PRIu64
	       " bytes; its reference decode by %s in %s.ref\n",
	       c.path, c.frames, c.width, c.height, c.source->name, c.encoder->name, bytes,
	       decoder->name, c.path);
	ret = dhb_outfile_flush(stdout);
	return ret ? DHB_EXIT_FAIL : DHB_EXIT_OK;
}

/* --peer gstreamer: one more item, after the sources, its rows named "gstreamer". */
static void plan_peer(struct pipeline_state *st, uint64_t size)
{
	struct dhb_plan_item *it = &st->items[st->n_items++];

	st->gst_inst.ops = &dhb_gst_peer_ops;
	snprintf(st->gst_inst.name, sizeof(st->gst_inst.name), "%s", dhb_gst_peer_ops.name);
	st->gst_inst.dev_fd = -1;
	st->gst.pipe = st->pipe;
	st->gst.frames = (unsigned int)st->set.frames;
	it->test = &dhb_pipeline_gst_test;
	it->inst = &st->gst_inst;
	it->size = size;
	it->arg = &st->gst;
	it->skip = dhb_gst_missing();
	if (it->skip)
		fprintf(stderr, "skip: pipeline on %s: %s\n", it->inst->name, it->skip);
}

/* The plan: one item per selected buffer source; skips said now. Returns an exit status or -1. */
static int plan(struct pipeline_state *st)
{
	uint64_t size = dhb_pipe_frame_bytes(st->pipe), peak;
	char err[512], b[DHB_SIZE_FMT_LEN], f[DHB_SIZE_FMT_LEN];
	struct dhb_plan_item *it;
	size_t i;
	int ret;

	ret = dhb_instances_probe(&st->inst, &st->n_inst);
	if (ret) {
		fprintf(stderr, "dmaheap-bench pipeline: probing: %s\n", strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	st->sel = calloc(st->n_inst ? st->n_inst : 1, sizeof(*st->sel));
	st->items = calloc(st->n_inst + 1, sizeof(*st->items)); /* and the peer's */
	if (!st->sel || !st->items)
		return DHB_EXIT_FAIL;
	if (dhb_plan_select_heaps(st->set.heap, st->inst, st->n_inst, st->sel, err, sizeof(err)))
		return usage_error(err);
	peak = st->cfg.buffers * size;
	st->budget = dhb_plan_budget_default(st->env.mem_available, st->env.mem_total);
	if (peak > st->budget) {
		dhb_size_format(peak, f, sizeof(f));
		dhb_size_format(st->budget, b, sizeof(b));
		snprintf(err, sizeof(err),
			 "--buffers %u frames of %" PRIu64
			 " bytes need %s at once, over the memory "
			 "budget of %s (half of MemAvailable); use fewer --buffers or a smaller "
			 "--size",
			 st->cfg.buffers, size, f, b);
		return usage_error(err);
	}
	for (i = 0; i < st->n_inst; i++) {
		if (!st->sel[i])
			continue;
		it = &st->items[st->n_items++];
		it->test = &dhb_pipeline_test;
		it->inst = &st->inst[i];
		it->size = size;
		it->peak_bytes = peak;
		it->arg = st->pipe;
		if (st->inst[i].err)
			snprintf(it->skip_buf, sizeof(it->skip_buf), "%s",
				 strerror(-st->inst[i].err));
		it->skip = st->inst[i].err
				   ? it->skip_buf
				   : dhb_pipe_skip_reason(st->pipe, &st->inst[i], st->env.page_size,
							  it->skip_buf, sizeof(it->skip_buf));
		if (it->skip)
			fprintf(stderr, "skip: pipeline on %s: %s\n", it->inst->name, it->skip);
	}
	if (st->set.peer)
		plan_peer(st, size);
	return -1;
}

/* Everything that can be refused before a frame moves: returns an exit status or -1. */
static int prepare(struct pipeline_state *st, int argc, char **argv)
{
	struct pipeline_settings *s = &st->set;
	struct dhb_outfile_arg extra[MEASURE_MAX_EXTRA];
	size_t i, n_extra = 0;
	char err[512];
	int ret;

	ret = dhb_opts_start(&dhb_cmd_pipeline, argc, argv, s, &st->line);
	if (ret >= 0)
		return ret;
	if (parse_source(st, err, sizeof(err)))
		return usage_error(err);
	if (dhb_pipe_format_parse(s->format, &st->cfg.format, err, sizeof(err)))
		return usage_error(err);
	if ((s->verify || s->verify_with) && strcmp(s->format, DHB_PIPE_FORMAT_DEFAULT)) {
		snprintf(err, sizeof(err),
			 "--verify compares with the reference decode's %s frames, not --format %s",
			 DHB_PIPE_FORMAT_DEFAULT, s->format);
		return usage_error(err);
	}
	if (s->peer && strcmp(s->peer, dhb_gst_peer_ops.name)) {
		snprintf(err, sizeof(err), "--peer %s: the only peer is %s", s->peer,
			 dhb_gst_peer_ops.name);
		return usage_error(err);
	}
	if (st->kind == DHB_PIPE_DECODER)
		extra[n_extra++] = (struct dhb_outfile_arg){"--source", st->source_arg,
							    DHB_OUTFILE_INPUT, false};
	if (s->make_stream)
		extra[n_extra++] =
			(struct dhb_outfile_arg){"--make-stream", s->make_stream, 0, false};
	if (measure_init(&st->out, "pipeline", &s->out, extra, n_extra, err, sizeof(err)))
		return usage_error(err);
	if (s->make_stream)
		return make_stream(st);
	if (choose_devices(st, err, sizeof(err)))
		return usage_error(err);
	if ((s->verify || s->verify_with) &&
	    pipeline_read_reference(st->kind == DHB_PIPE_DECODER, st->source_arg, &st->ref,
				    &st->cfg.n_ref, err, sizeof(err)))
		return usage_error(err);
	st->cfg.ref_crc = st->ref;
	st->cfg.writeback = s->verify_with && !strcmp(s->verify_with, PIPELINE_VERIFY_WRITEBACK);
	st->cfg.no_fences = s->no_fences;
	ret = dhb_pipe_open(&st->cfg, &st->pipe, err, sizeof(err));
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		return usage_error(err);
	if (ret) {
		fprintf(stderr, "dmaheap-bench pipeline: %s\n", err);
		return DHB_EXIT_FAIL;
	}
	dhb_env_probe(&st->env);
	ret = plan(st);
	if (ret >= 0)
		return ret;
	for (i = 0; i < st->n_items && st->items[i].skip; i++)
		;
	if (i == st->n_items)
		return DHB_EXIT_NOTHING; /* every source skipped, each said why */
	ret = measure_counters(&st->out, &st->runner);
	if (ret >= 0)
		return ret;
	dhb_env_identity(&st->run, &st->env, st->ts, sizeof(st->ts));
	return measure_open(&st->out, &st->runner, &st->run);
}

/* The frames of every source, one item each; the number of items that made rows. */
static size_t run_items(struct pipeline_state *st)
{
	struct dhb_runner *r = &st->runner;
	size_t i, total = 0, done = 0, ran = 0, rows;

	for (i = 0; i < st->n_items; i++)
		total += !st->items[i].skip;
	for (i = 0; i < st->n_items && !*r->stop; i++) {
		if (st->items[i].skip)
			continue;
		rows = r->store.n;
		if (st->items[i].test == &dhb_pipeline_gst_test) {
			/* The peer measures its frames in one turn (pipelines/gst.c). */
			r->iterations = 1;
			r->warmup = 0;
		}
		dhb_runner_run(r, &st->items[i], done++, total);
		ran += r->store.n > rows;
		if ((r->csv && r->csv->err) || (r->samples && r->samples->err))
			break; /* a file cannot be written: stop wasting time */
	}
	return ran;
}

static int pipeline_main(int argc, char **argv)
{
	struct pipeline_state *st = calloc(1, sizeof(*st));
	struct dhb_kv env[MEASURE_MAX_ENV];
	char envbuf[MEASURE_MAX_ENV][96];
	struct dhb_runner *r;
	uint64_t retries = 0;
	size_t i, n_env, ran;
	int status, ret, sig;

	if (!st)
		return DHB_EXIT_FAIL;
	r = &st->runner;
	status = prepare(st, argc, argv);
	if (status >= 0)
		goto out_free;
	r->iterations = st->set.frames;
	r->warmup = st->set.warmup;
	measure_start(&st->out, r, st->env.page_size);
	ran = run_items(st);
	sig = (int)*r->stop;
	for (i = 0; i < st->n_inst; i++)
		retries += st->inst[i].ioctl_retries;
	for (i = 0; i < st->n_devs; i++)
		retries += st->devs[i].ioctl_retries;
	retries += st->leased.ioctl_retries;
	n_env = measure_env(&st->out, env, envbuf, &st->env, r, st->budget, -1, retries, sig);
	dhb_signals_default(); /* a second signal now ends the process; no half file stays */
	ret = measure_finish(&st->out, r, &st->run, &st->line, env, n_env, NULL,
			     dhb_pipe_summary_print);
	if (sig)
		status = 128 + sig;
	else if (r->failures || ret)
		status = DHB_EXIT_FAIL;
	else
		status = ran ? DHB_EXIT_OK : DHB_EXIT_NOTHING;
out_free:
	measure_free(&st->out);
	dhb_opts_line_free(&st->line);
	dhb_runner_fini(r);
	free(st->items);
	dhb_pipe_close(st->pipe);
	free(st->ref);
	dhb_instances_release(st->inst, st->n_inst);
	free(st->sel);
	dhb_devices_release(st->devs, st->n_devs);
	if (st->cfg.display == &st->leased)
		dhb_device_close(&st->leased);
	free(st);
	return status;
}

#define OFF(field) offsetof(struct pipeline_settings, field)

static const struct dhb_opt pipeline_opts[] = {
	{.name = "source",
	 .metavar = "KIND:WHAT",
	 .type = DHB_OPT_STRING,
	 .off = OFF(source),
	 .def_text = "the first V4L2 capture node that takes DMABUF buffers",
	 .complete = DHB_COMPLETE_WORD,
	 .values = pipeline_source_names,
	 .help = "where frames come from: capture:DEVICE, a V4L2 capture node (a name, node, "
		 "driver or glob), or decoder:FILE, an FWHT stream the stateful decoder decodes"},
	{.name = "display",
	 .metavar = "CARD",
	 .type = DHB_OPT_STRING,
	 .off = OFF(display),
	 .def_text = "the first DRM card with KMS",
	 .complete = DHB_COMPLETE_WORD,
	 .values = pipeline_display_names,
	 .help = "where frames go: a DRM card with KMS (a name such as vkms, a node, a glob), "
		 "or fd:N, the card of descriptor N the tool inherited (a DRM lease)"},
	{.name = "heap",
	 .metavar = "LIST",
	 .type = DHB_OPT_STRING,
	 .off = OFF(heap),
	 .def = "system",
	 .complete = DHB_COMPLETE_LIST,
	 .values = dhb_run_heap_names,
	 .help = "buffer sources, one run of the pipeline each: heaps, drm-dumb:CARD, "
		 "v4l2-mmap:DEV (names or globs, comma list)"},
	{.name = "buffers",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(buffers),
	 .def = "4",
	 .min = DHB_PIPE_MIN_BUFFERS,
	 .max = DHB_PIPE_MAX_BUFFERS,
	 .help = "frame buffers in flight (one on screen, the rest with the source)"},
	{.name = "frames",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(frames),
	 .def = "300",
	 .min = 1,
	 .max = 100000000,
	 .help = "measured frames per buffer source"},
	{.name = "warmup",
	 .metavar = "N",
	 .type = DHB_OPT_UINT,
	 .off = OFF(warmup),
	 .def = "2",
	 .max = 100000,
	 .help = "frames shown before measuring"},
	{.name = "size",
	 .metavar = "WxH",
	 .type = DHB_OPT_STRING,
	 .off = OFF(size),
	 .def_text = "the display's preferred mode, else its largest smaller mode the source gives",
	 .help = "the frame size: a mode of the display that the source gives exactly (a "
		 "decoder's: the stream's; --make-stream: 1280x720 unless given)"},
	{.name = "format",
	 .metavar = "FMT",
	 .type = DHB_OPT_STRING,
	 .off = OFF(format),
	 .def = DHB_PIPE_FORMAT_DEFAULT,
	 .complete = DHB_COMPLETE_WORD,
	 .values = pipeline_format_names,
	 .help = "the frame format, by its DRM fourcc: XR24, AR24, XB24, AB24, RG16, YUYV or "
		 "UYVY, which the display must scan out and the source give (as the V4L2 format "
		 "of the same bytes: XR24 is V4L2's XBGR32, RG16 its RGB565)"},
	{.name = "make-stream",
	 .metavar = "FILE",
	 .type = DHB_OPT_STRING,
	 .off = OFF(make_stream),
	 .complete = DHB_COMPLETE_FILE,
	 .help = "instead of a pipeline, encode --frames frames of the capture source at --size "
		 "into FILE (FWHT, the stateful encoder), for --source decoder:FILE"},
	{.name = "verify",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(verify),
	 .help = "check each frame shown (the display's CRC, vkms's in debugfs, or a writeback: "
		 "--verify-with) against the reference decode --make-stream wrote beside the "
		 "stream (FILE.ref); a mismatch fails the run (decoder sources only)"},
	{.name = "verify-with",
	 .metavar = "HOW",
	 .type = DHB_OPT_CHOICE,
	 .off = OFF(verify_with),
	 .choices = PIPELINE_VERIFY_CRC "|" PIPELINE_VERIFY_WRITEBACK,
	 .def_text = PIPELINE_VERIFY_CRC,
	 .complete = DHB_COMPLETE_WORD,
	 .help = "how --verify reads each frame shown back (implies --verify): crc, the display's "
		 "CRC in debugfs (vkms's); writeback, a writeback connector of its CRTC writes "
		 "the frame to memory, whose CRC the CPU computes"},
	{.name = "no-fences",
	 .type = DHB_OPT_FLAG,
	 .off = OFF(no_fences),
	 .help = "commit each frame without fences (no IN_FENCE_FD exported from its buffer, no "
		 "OUT_FENCE_PTR): the page-flip event alone says it is shown, as GStreamer's "
		 "kmssink does; the rows' params end in fences=none"},
	{.name = "peer",
	 .metavar = "TOOL",
	 .type = DHB_OPT_STRING,
	 .off = OFF(peer),
	 .complete = DHB_COMPLETE_WORD,
	 .values = pipeline_peer_names,
	 .help = "after the buffer sources, the same pipeline run by TOOL on the same devices, "
		 "size, rate and stream: gstreamer (gst-launch-1.0); its fps and CPU time per "
		 "frame become rows of source gstreamer"},
	MEASURE_OPTS(struct pipeline_settings, out),
	{.name = "help", .type = DHB_OPT_FLAG, .off = OFF(help), .help = "show this help and exit"},
};

const struct dhb_opts_cmd dhb_cmd_pipeline = {
	.name = "pipeline",
	.summary = "frames from V4L2 capture to KMS scanout, zero-copy, timed per frame",
	.usage = "pipeline [OPTIONS]",
	.about = "Runs the pipeline once per buffer source (--heap): the source's dma-bufs go to "
		 "the\n"
		 "capture node (V4L2_MEMORY_DMABUF) and, imported once, to the display (atomic\n"
		 "commits with fences); each frame's stages are timed, its CPU cost counted and "
		 "the\n"
		 "CPU's mappings of frame buffers measured (results/SCHEMA.md, test pipeline).",
	.opts = pipeline_opts,
	.n_opts = sizeof(pipeline_opts) / sizeof(pipeline_opts[0]),
	.main = pipeline_main,
};
