// SPDX-License-Identifier: MIT
// The pipeline as a test of the core's runner: the pool of frame buffers, the frame loop, its rows.
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dhb/counters.h"
#include "dhb/plan.h"
#include "dhb/section.h"
#include "dhb/size.h"
#include "dhb/stats.h"
#include "stage.h"

/*
 * One plan item per buffer source: setup allocates --buffers frame buffers from it, starts the
 * sink (each buffer PRIME-imported once and made a framebuffer, the mode set on a blank
 * framebuffer of the display's own) and then the source (every buffer queued, STREAMON). One
 * iteration is one frame, timed as a section (so its counters are the frame's):
 *
 *   source dequeue (wait for a full buffer) -> sink dequeue (wait for the previous frame's page
 *   flip; the display lets go the frame before it) -> sink queue (atomic commit, NONBLOCK, with
 *   the buffer's fences as IN_FENCE_FD and an OUT_FENCE_PTR) -> source queue (the buffer let
 *   go back to fill)
 *
 * so whatever the source does in its queue call (a software decoder decodes there, on the
 * CPU) overlaps the wait for this frame's flip instead of following it; a frame's rows, and
 * --verify's check of what the display showed, come in the next iteration, once it flipped
 * (finish waits for the last one's). Each commit goes in after the previous flip, and a buffer
 * is never written while it is on screen. After the frame, outside its section, the
 * frame buffers' mappings in this process are measured (maps.c; scanned again when the
 * thread mapped anything): the CPU bytes the frame could have touched, 0 on this path.
 * Teardown adds the run's frame rate, CPU time per frame, late and dropped frames, stops the
 * source and the sink (STREAMOFF and REQBUFS 0, the display restored, framebuffers removed, GEM
 * handles closed) and frees the buffers: each exit path goes through it.
 */

/* The metrics, in the order of their rows. */
enum {
	M_SOURCE,
	M_TO_COMMIT,
	M_COMMIT_FLIP,
	M_END_TO_END,
	M_INTERVAL,
	M_FRAME,
	M_CPU_BYTES,
	M_FPS,
	M_LATE,
	M_DROPPED,
	M_VERIFIED,
	M_WB_BYTES,
	M_CPU,
	M_PROC_CPU,
	M_SYS_CPU,
	N_METRICS,
};

static const struct {
	const char *name;
	enum dhb_metric_kind kind;
	const char *unit;
} metrics[N_METRICS] = {
	[M_SOURCE] = {"(the source stage's latency_metric)", DHB_METRIC_NS, NULL},
	[M_TO_COMMIT] = {"dqbuf_to_commit_latency", DHB_METRIC_NS, NULL},
	[M_COMMIT_FLIP] = {"commit_to_flip_latency", DHB_METRIC_NS, NULL},
	[M_END_TO_END] = {"end_to_end_latency", DHB_METRIC_NS, NULL},
	[M_INTERVAL] = {"frame_interval", DHB_METRIC_NS, NULL},
	[M_FRAME] = {"frame_time", DHB_METRIC_NS, NULL},
	[M_CPU_BYTES] = {"cpu_frame_bytes", DHB_METRIC_COUNT, "bytes"},
	[M_FPS] = {"fps", DHB_METRIC_COUNT, "fps"},
	[M_LATE] = {"late_frames", DHB_METRIC_COUNT, "frames"},
	[M_DROPPED] = {"dropped_frames", DHB_METRIC_COUNT, "frames"},
	[M_VERIFIED] = {"verified_frames", DHB_METRIC_COUNT, "frames"},
	[M_WB_BYTES] = {"writeback_read_bytes", DHB_METRIC_COUNT, "bytes"},
	[M_CPU] = {"cpu_per_frame", DHB_METRIC_COUNT, "ns"},
	[M_PROC_CPU] = {"process_cpu_per_frame", DHB_METRIC_COUNT, "ns"},
	[M_SYS_CPU] = {"system_cpu_per_frame", DHB_METRIC_COUNT, "ns"},
};

/* Files whose mappings count as frame-buffer mappings: the buffers and the two device nodes. */
#define MAX_IDS (DHB_PIPE_MAX_BUFFERS + 2)

/* fps is recorded in thousandths, reported as frames per second (struct dhb_metric.scale). */
#define FPS_SCALE 1000

struct pipe_run {
	struct dhb_pipe *p;
	struct dhb_buf bufs[DHB_PIPE_MAX_BUFFERS];
	struct dhb_frame frames[DHB_PIPE_MAX_BUFFERS];
	unsigned int n;
	uint64_t ids[2 * MAX_IDS];
	size_t n_ids;
	struct dhb_pipe_maps maps;
	bool sink_started;
	bool src_started;
	struct dhb_frame *pending;
	int m[N_METRICS];
	bool have_seq;
	uint32_t last_seq;
	uint64_t prev_flip;
	uint64_t first_flip;
	uint64_t last_flip;
	uint64_t flips;
	uint64_t late;
	uint64_t dropped;
	uint64_t verified;
	uint64_t cpu;
	bool window;
	uint64_t sys0;
	uint64_t proc0;
	int tc;
};

/*
 * Where the section's counts hold this thread's task-clock, kernel time included (the run counts
 * it and was not limited to user space): its index; -1 otherwise. The frame loop's CPU is then
 * the sum of its sections' task-clock, with no reads of its own: two reads a frame fewer, which
 * took the process's time outside its sections from 6.2 to 4.6 us a frame (lab, --icount 0).
 */
static int task_clock_index(const struct dhb_ctx *ctx)
{
	const struct dhb_counters *c = ctx->counters;
	size_t i;

	if (!c || c->user_only)
		return -1;
	for (i = 0; i < c->n; i++) {
		if (c->ev[i].kind == DHB_EVENT_SOFTWARE &&
		    c->ev[i].config == PERF_COUNT_SW_TASK_CLOCK)
			return (int)i;
	}
	return -1;
}

/*
 * The loop's CPU time so far, ns: its task-clock (the same counter as GStreamer's), else the
 * process CPU clock. Under QEMU's instruction counting (lab --icount) the process clock was
 * seen to read several times the task-clock, and more than the whole machine's busy time.
 */
static uint64_t cpu_ns(const struct dhb_pipe *p)
{
	return p->clock >= 0 ? dhb_pipe_clock_ns(p->clock)
			     : dhb_stats_now_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* A file's (st_dev, st_ino) into the list whose mappings count. */
static void add_id(struct pipe_run *r, const struct stat *st)
{
	if (r->n_ids >= MAX_IDS)
		return;
	r->ids[2 * r->n_ids] = (uint64_t)st->st_dev;
	r->ids[2 * r->n_ids + 1] = (uint64_t)st->st_ino;
	r->n_ids++;
}

static void close_fence(struct dhb_frame *f)
{
	if (f->fence_fd >= 0)
		close(f->fence_fd);
	f->fence_fd = -1;
}

/* Stop both stages and free the buffers; safe at any point of setup. */
static void release(struct dhb_ctx *ctx, struct pipe_run *r)
{
	struct dhb_pipe *p = r->p;
	unsigned int i;
	int ret;

	if (r->src_started && p->src.ops->stop(&p->src))
		fprintf(stderr, "warning: pipeline on %s: stopping the source: %s\n",
			ctx->inst->name, p->err);
	if (r->sink_started && (ret = p->sink.ops->stop(&p->sink)))
		fprintf(stderr, "warning: pipeline on %s: stopping the display: %s\n",
			ctx->inst->name, p->err);
	r->src_started = r->sink_started = false;
	dhb_pipe_maps_close(&r->maps);
	for (i = 0; i < r->n; i++) {
		close_fence(&r->frames[i]);
		dhb_buf_release(&r->bufs[i]);
	}
	r->n = 0;
	/* Rows carry the picture in their own params, alike for every source (geom=). */
	memset(&ctx->inst->got, 0, sizeof(ctx->inst->got));
}

/*
 * Sources that make pictures (drm-dumb, v4l2-mmap) are asked for the frame itself, in the
 * source's naming of the format (a V4L2 node's own buffers: RGB565 is V4L2's RGBP).
 */
static void want_frame(const struct dhb_pipe *p, struct dhb_instance *inst)
{
	if (!dhb_instance_has_caps(inst, DHB_CAP_GEOMETRY))
		return;
	memset(&inst->want, 0, sizeof(inst->want));
	inst->want.width = p->fmt.geom.width;
	inst->want.height = p->fmt.geom.height;
	inst->want.fourcc =
		dhb_instance_has_caps(inst, DHB_CAP_V4L2_FOURCC) ? p->pf->v4l2 : p->pf->drm;
}

const char *dhb_pipe_skip_reason(const struct dhb_pipe *p, struct dhb_instance *inst,
				 long page_size, char *buf, size_t len)
{
	want_frame(p, inst);
	return dhb_plan_skip_reason(&dhb_pipeline_test, inst, NULL, p->fmt.size, page_size, buf,
				    len);
}

/* The pool: --buffers buffers of the frame's size from the source under test. */
static int alloc_pool(struct dhb_ctx *ctx, struct pipe_run *r)
{
	struct dhb_instance *inst = ctx->inst;
	struct dhb_pipe *p = r->p;
	char size[DHB_SIZE_FMT_LEN];
	struct dhb_frame *f;
	struct stat st;
	unsigned int i;
	int ret;

	want_frame(p, inst);
	for (i = 0; i < p->cfg->buffers; i++) {
		dhb_buf_init(&r->bufs[i], inst);
		ret = inst->ops->alloc(inst, ctx->size, &r->bufs[i]);
		if (ret) {
			dhb_size_format(ctx->size, size, sizeof(size));
			snprintf(ctx->reason, sizeof(ctx->reason),
				 "allocating frame buffer %u of %u (%s): %s", i + 1,
				 p->cfg->buffers, size, strerror(-ret));
			return ret;
		}
		r->n = i + 1;
		f = &r->frames[i];
		memset(f, 0, sizeof(*f));
		f->index = i;
		f->n_planes = 1;
		f->fd[0] = r->bufs[i].fd;
		f->pitch[0] = p->fmt.geom.pitch;
		f->length = r->bufs[i].size;
		f->geom = p->fmt.geom;
		f->size = p->fmt.size;
		f->fence_fd = -1;
		if (!fstat(f->fd[0], &st))
			add_id(r, &st);
	}
	if (!fstat(p->cfg->display->fd, &st))
		add_id(r, &st);
	if (p->src.ops->node_holds_frames && !stat(p->cfg->source->path, &st))
		add_id(r, &st);
	return 0;
}

/* A refusal or failure of a stage into ctx->reason; a refusal names where to look. */
static int stage_failed(struct dhb_ctx *ctx, const struct dhb_stage *s, int ret)
{
	static const char hint[] = " (dmaheap-bench list --matrix shows which sources each device "
				   "takes)";
	size_t used;

	snprintf(ctx->reason, sizeof(ctx->reason), "%s", s->pipe->err);
	used = strlen(ctx->reason);
	if (ret == -EOPNOTSUPP && used + sizeof(hint) <= sizeof(ctx->reason))
		memcpy(ctx->reason + used, hint, sizeof(hint));
	return ret;
}

static int pipeline_setup(struct dhb_ctx *ctx)
{
	struct pipe_run *r;
	struct dhb_pipe *p = ctx->arg;
	char params[96];
	unsigned int i;
	int ret;

	if (!p)
		return dhb_ctx_fail(ctx, -EINVAL,
				    "pipeline: no pipe (a plan item of another command)");
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->p = p;
	dhb_pipe_maps_open(&r->maps, true);
	r->tc = task_clock_index(ctx);
	p->stop = ctx->stop;
	p->source_name = ctx->inst->name;
	p->err[0] = '\0';
	ctx->state = r;
	ret = alloc_pool(ctx, r);
	if (!ret) {
		ret = p->sink.ops->start(&p->sink, r->frames, r->n);
		r->sink_started = !ret;
		if (ret)
			stage_failed(ctx, &p->sink, ret);
	}
	if (!ret) {
		ret = p->src.ops->start(&p->src, r->frames, r->n);
		r->src_started = !ret;
		if (ret)
			stage_failed(ctx, &p->src, ret);
	}
	dhb_pipe_describe(p, params, sizeof(params));
	for (i = 0; i < N_METRICS && !ret; i++) {
		r->m[i] = -1;
		if ((i == M_VERIFIED && !p->cfg->ref_crc) ||
		    (i == M_WB_BYTES && !(p->cfg->ref_crc && p->cfg->writeback)))
			continue;
		r->m[i] = dhb_ctx_metric(
			ctx, i == M_SOURCE ? p->src.ops->latency_metric : metrics[i].name,
			metrics[i].kind, metrics[i].unit, params);
		if (r->m[i] < 0)
			ret = r->m[i];
	}
	if (!ret)
		ctx->metrics[r->m[M_FPS]].scale = 1.0 / FPS_SCALE;
	if (ret) {
		release(ctx, r);
		free(r);
		ctx->state = NULL;
	}
	return ret;
}

/* A frame the source calls broken goes straight back, counted as dropped. */
static int requeue_broken(struct dhb_ctx *ctx, struct pipe_run *r, struct dhb_frame *f)
{
	int ret;

	close_fence(f);
	if (ctx->record)
		r->dropped++;
	ret = r->p->src.ops->queue(&r->p->src, f);
	return ret ? stage_failed(ctx, &r->p->src, ret) : 0;
}

/* The frame's rows: its latencies, the interval since the previous flip, late, dropped. */
static void record_frame(struct dhb_ctx *ctx, struct pipe_run *r, const struct dhb_frame *f)
{
	const struct dhb_frame_times *t = &f->t;
	/*
	 * The frame is born at the source's timestamp, or at its DQBUF when that came first: a
	 * driver may stamp a nominal end of frame (vivid: 0.9 frame periods after it starts to
	 * fill the buffer), later than the moment it hands the buffer over.
	 */
	uint64_t born = t->captured && t->captured < t->dequeued ? t->captured : t->dequeued;

	if (!f->measured) { /* a warm-up frame flipped in the first measured turn */
		r->prev_flip = t->flipped;
		return;
	}
	if (t->queued && t->dequeued >= t->queued)
		dhb_ctx_record(ctx, r->m[M_SOURCE], t->dequeued - t->queued);
	if (t->committed >= t->dequeued)
		dhb_ctx_record(ctx, r->m[M_TO_COMMIT], t->committed - t->dequeued);
	if (t->flipped >= t->committed)
		dhb_ctx_record(ctx, r->m[M_COMMIT_FLIP], t->flipped - t->committed);
	if (t->flipped >= born)
		dhb_ctx_record(ctx, r->m[M_END_TO_END], t->flipped - born);
	if (r->prev_flip && t->flipped > r->prev_flip)
		dhb_ctx_record(ctx, r->m[M_INTERVAL], t->flipped - r->prev_flip);
	r->prev_flip = t->flipped;
	if (!r->flips++)
		r->first_flip = t->flipped;
	r->last_flip = t->flipped;
	r->late += f->late > 0;
}

/*
 * --verify: the frame shown against its reference (check.c), outside the frame's section; a
 * mismatch or failure into ctx->reason, -EINTR as it came.
 */
static int verify_frame(struct dhb_ctx *ctx, struct pipe_run *r, const struct dhb_frame *f)
{
	uint64_t bytes = 0;
	int ret = dhb_pipe_check_frame(r->p, f, &bytes, ctx->reason, sizeof(ctx->reason));

	if (ret || !f->measured)
		return ret;
	r->verified++;
	if (r->p->wb)
		dhb_ctx_record(ctx, r->m[M_WB_BYTES], bytes);
	return 0;
}

/*
 * The previous frame's flip, waited for: the buffer it replaced on screen into *@done (NULL
 * while none did) and the frame itself into *@shown.
 */
static int wait_shown(struct pipe_run *r, struct dhb_frame **shown, struct dhb_frame **done)
{
	int ret;

	*shown = *done = NULL;
	if (!r->pending)
		return 0;
	ret = r->p->sink.ops->dequeue(&r->p->sink, done);
	if (!ret)
		*shown = r->pending;
	r->pending = NULL;
	return ret;
}

/*
 * The pending frame's flip waited for, and the buffer it let go given back to the source at
 * once: -EINTR as it came, a stage's failure into ctx->reason.
 */
static int settle(struct dhb_ctx *ctx, struct pipe_run *r, struct dhb_frame **shown)
{
	struct dhb_frame *done;
	int ret = wait_shown(r, shown, &done);

	if (ret)
		return ret == -EINTR ? ret : stage_failed(ctx, &r->p->sink, ret);
	ret = done ? r->p->src.ops->queue(&r->p->src, done) : 0;
	return ret && ret != -EINTR ? stage_failed(ctx, &r->p->src, ret) : ret;
}

/* A frame on screen: its rows, then (--verify) the check of what the display showed. */
static int frame_shown(struct dhb_ctx *ctx, struct pipe_run *r, const struct dhb_frame *f)
{
	int ret;

	record_frame(ctx, r, f);
	if (!r->p->cfg->ref_crc)
		return 0;
	ret = verify_frame(ctx, r, f);
	return ret == -EINTR ? 0 : ret;
}

static int pipeline_run_once(struct dhb_ctx *ctx)
{
	struct pipe_run *r = ctx->state;
	struct dhb_pipe *p = r->p;
	struct dhb_frame *f = NULL, *done = NULL, *shown = NULL;
	struct dhb_section sec;
	uint64_t mapped, cpu0 = r->tc < 0 ? cpu_ns(p) : 0, cpu1;
	int ret;

	if (ctx->record && !r->window) {
		/* The measured frames' window: the machine's CPU time, and the process's. */
		r->window = true;
		r->sys0 = dhb_pipe_system_cpu_ns();
		r->proc0 = r->tc < 0 ? cpu0 : cpu_ns(p);
	}

	dhb_section_begin(ctx, &sec);
	for (;;) {
		ret = p->src.ops->dequeue(&p->src, &f);
		if (ret)
			goto out_stage_src;
		if (r->have_seq && f->sequence - r->last_seq > 1 && ctx->record)
			r->dropped += f->sequence - r->last_seq - 1;
		r->have_seq = true;
		r->last_seq = f->sequence;
		f->measured = ctx->record;
		if (!f->broken)
			break;
		ret = requeue_broken(ctx, r, f);
		if (ret)
			return ret;
		if (p->cfg->ref_crc)
			return dhb_pipe_check_broken(p, f, ctx->reason, sizeof(ctx->reason));
	}
	/* The previous frame's flip first: its commit must be done before the next goes in. */
	ret = wait_shown(r, &shown, &done);
	if (!ret)
		ret = p->sink.ops->queue(&p->sink, f);
	if (ret) {
		close_fence(f);
		goto out_stage_sink;
	}
	r->pending = f;
	if (done) {
		ret = p->src.ops->queue(&p->src, done);
		if (ret)
			goto out_stage_src;
	}
	/*
	 * --verify-with writeback: this frame's flip and its writeback before the next commit.
	 * With the next commit in before a frame was read back (lab, 6.1's vkms), a frame read
	 * back did not match its reference and the last frame's writeback never signalled.
	 */
	if (p->wb) {
		ret = settle(ctx, r, &shown);
		if (ret)
			return ret == -EINTR ? 0 : ret;
	}
	dhb_section_end(ctx, &sec);
	if (r->tc >= 0) {
		if (ctx->record && sec.n > (size_t)r->tc)
			r->cpu += sec.count[r->tc];
	} else {
		cpu1 = cpu_ns(p);
		if (ctx->record && cpu0 && cpu1 > cpu0)
			r->cpu += cpu1 - cpu0;
	}
	dhb_section_record(ctx, r->m[M_FRAME], &sec);
	ret = dhb_pipe_maps_read(&r->maps, r->ids, r->n_ids, &mapped);
	if (ret)
		return dhb_ctx_fail(ctx, ret, "reading /proc/self/maps");
	dhb_ctx_record(ctx, r->m[M_CPU_BYTES], mapped);
	return shown ? frame_shown(ctx, r, shown) : 0;

out_stage_src:
	/* A signal ends the loop with the frames so far: not a failure. */
	return ret == -EINTR ? 0 : stage_failed(ctx, &p->src, ret);
out_stage_sink:
	return ret == -EINTR ? 0 : stage_failed(ctx, &p->sink, ret);
}

/*
 * After the last measured turn: the flip of its frame, which no next turn waits for. The buffer
 * that flip lets go stays out (teardown stops the source next): given back, a software decoder
 * would decode one more frame in that call, for nothing (vicodec: 58 ms on the CPU in the lab).
 */
static int pipeline_finish(struct dhb_ctx *ctx)
{
	struct pipe_run *r = ctx->state;
	struct dhb_frame *shown, *done;
	int ret = wait_shown(r, &shown, &done);

	if (ret)
		return ret == -EINTR ? 0 : stage_failed(ctx, &r->p->sink, ret);
	return shown ? frame_shown(ctx, r, shown) : 0;
}

/*
 * CPU time per frame over the measured frames: the frame loop's; the whole process's, its
 * measuring (rows, the mappings, --verify's CRCs) included, as a peer's is counted; and the
 * machine's less the process's time outside the loop: the pipeline's cost with what it makes
 * drivers and kernel threads do (a codec's work, composition, copies).
 */
static void record_cpu(struct dhb_ctx *ctx, struct pipe_run *r)
{
	uint64_t sys = dhb_pipe_system_cpu_ns(), now = cpu_ns(r->p);
	uint64_t proc = r->window && now > r->proc0 ? now - r->proc0 : 0;
	uint64_t outside = proc > r->cpu ? proc - r->cpu : 0;

	dhb_ctx_record(ctx, r->m[M_CPU], r->cpu / r->flips);
	if (proc)
		dhb_ctx_record(ctx, r->m[M_PROC_CPU], proc / r->flips);
	if (!r->sys0 || !sys || sys - r->sys0 <= outside)
		return;
	dhb_ctx_record(ctx, r->m[M_SYS_CPU], (sys - r->sys0 - outside) / r->flips);
}

static void pipeline_teardown(struct dhb_ctx *ctx)
{
	struct pipe_run *r = ctx->state;

	if (!r)
		return;
	if (r->flips > 1 && r->last_flip > r->first_flip)
		dhb_ctx_record(ctx, r->m[M_FPS],
			       (uint64_t)((double)(r->flips - 1) * 1e9 * FPS_SCALE /
						  (double)(r->last_flip - r->first_flip) +
					  0.5));
	if (r->flips) {
		record_cpu(ctx, r);
		dhb_ctx_record(ctx, r->m[M_LATE], r->late);
		dhb_ctx_record(ctx, r->m[M_DROPPED], r->dropped);
		if (r->m[M_VERIFIED] >= 0)
			dhb_ctx_record(ctx, r->m[M_VERIFIED], r->verified);
	}
	release(ctx, r);
	free(r);
	ctx->state = NULL;
}

static const char *pipeline_supported(const struct dhb_instance *inst, const struct dhb_device *dev,
				      uint64_t size, long page_size, char *buf, size_t len)
{
	(void)dev;
	(void)page_size;
	(void)size;
	(void)buf;
	(void)len;
	if (!dhb_instance_is_dmabuf(inst))
		return "not a dma-buf";
	return NULL;
}

const struct dhb_test dhb_pipeline_test = {
	.name = "pipeline",
	.help = "frames from a V4L2 source to a KMS display through the source's dma-bufs",
	.buffers = DHB_PIPE_MAX_BUFFERS,
	.needs = DHB_NEED_DMABUF,
	.supported = pipeline_supported,
	.setup = pipeline_setup,
	.run_once = pipeline_run_once,
	.finish = pipeline_finish,
	.teardown = pipeline_teardown,
};
