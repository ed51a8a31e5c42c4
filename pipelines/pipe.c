// SPDX-License-Identifier: MIT
// The pipe: opening its two stages, the format they agree on, and what the stages share.
#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dhb/env.h"
#include "dhb/stats.h"
#include "stage.h"

/* Slices of a wait, so that a raised stop flag ends it soon (a signal may land between polls). */
#define WAIT_SLICE_MS 100

uint64_t dhb_pipe_system_cpu_ns(void)
{
	unsigned long long v[8] = {0};
	char buf[512];

	if (dhb_env_read_file("/proc/stat", buf, sizeof(buf)) <= 0)
		return 0;
	/* cpu user nice system idle iowait irq softirq steal ...: all but idle and iowait */
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) < 7)
		return 0;
	return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000000000ull /
	       (unsigned long long)sysconf(_SC_CLK_TCK);
}

int dhb_pipe_clock_open(pid_t pid)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		/* Another process: disabled until its exec, and its threads and children too. */
		.disabled = pid != 0,
		.inherit = pid != 0,
		.enable_on_exec = pid != 0,
	};
	long fd = syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

uint64_t dhb_pipe_clock_ns(int fd)
{
	uint64_t v;

	return read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v) ? v : 0;
}

uint64_t dhb_pipe_now(void)
{
	return dhb_stats_now_ns(CLOCK_MONOTONIC);
}

int dhb_pipe_fail(struct dhb_pipe *p, int err, const char *fmt, ...)
{
	const char *name = strerrorname_np(-err);
	va_list ap;
	size_t used;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	used = strlen(p->err);
	snprintf(p->err + used, sizeof(p->err) - used, ": %s (%s)", name ? name : "?",
		 strerror(-err));
	return err;
}

int dhb_pipe_wait(struct dhb_pipe *p, int fd, short events, int timeout_ms, short *revents)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	uint64_t end, now;
	int ret, slice;

	if (timeout_ms <= 0)
		timeout_ms = p->cfg->timeout_ms > 0 ? p->cfg->timeout_ms : DHB_PIPE_TIMEOUT_MS;
	end = dhb_pipe_now() + (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		if (p->stop && *p->stop)
			return -EINTR;
		now = dhb_pipe_now();
		if (now >= end)
			return -ETIMEDOUT;
		slice = (int)((end - now + 999999) / 1000000);
		ret = poll(&pfd, 1, slice < WAIT_SLICE_MS ? slice : WAIT_SLICE_MS);
		if (ret > 0 && revents)
			*revents = pfd.revents;
		if (ret > 0)
			return pfd.revents & (POLLERR | POLLNVAL) ? -EIO : 0;
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

/* How near @m's refresh is to 60 Hz (smaller is nearer). */
static uint32_t off_60(const struct dhb_pipe_mode *m)
{
	return m->refresh_mhz > 60000 ? m->refresh_mhz - 60000 : 60000 - m->refresh_mhz;
}

/* Whether @a is a better mode than @b of the same size. */
static bool better(const struct dhb_pipe_mode *a, const struct dhb_pipe_mode *b)
{
	if (a->preferred != b->preferred)
		return a->preferred;
	return off_60(a) < off_60(b);
}

/* Whether @a comes before @b among the candidates: the preferred one, then the larger. */
static bool before(const struct dhb_pipe_mode *a, const struct dhb_pipe_mode *b)
{
	if (a->preferred != b->preferred)
		return a->preferred;
	return (uint64_t)a->width * a->height > (uint64_t)b->width * b->height;
}

size_t dhb_pipe_candidates(const struct dhb_pipe_mode *modes, size_t n, uint32_t width,
			   uint32_t height, size_t *out)
{
	uint64_t area, pref_area = 0;
	size_t k = 0, i, j, t;
	bool dup;

	for (i = 0; i < n; i++) {
		if (modes[i].preferred)
			pref_area = (uint64_t)modes[i].width * modes[i].height;
	}
	for (i = 0; i < n; i++) {
		area = (uint64_t)modes[i].width * modes[i].height;
		if (width ? modes[i].width != width || modes[i].height != height
			  : pref_area && area > pref_area)
			continue;
		/* One mode per size: the better one stays where the first of its size was. */
		for (j = 0, dup = false; j < k && !dup; j++) {
			dup = modes[out[j]].width == modes[i].width &&
			      modes[out[j]].height == modes[i].height;
			if (dup && better(&modes[i], &modes[out[j]]))
				out[j] = i;
		}
		if (!dup)
			out[k++] = i;
	}
	/* The preferred size first, then larger areas first (insertion sort: few modes). */
	for (i = 1; i < k; i++) {
		for (j = i; j > 0 && before(&modes[out[j]], &modes[out[j - 1]]); j--) {
			t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	}
	return k;
}

int dhb_pipe_open(const struct dhb_pipe_config *cfg, struct dhb_pipe **out, char *err,
		  size_t errlen)
{
	struct dhb_pipe *p;
	int ret;

	*out = NULL;
	if (!dhb_pipe_fmt_find(cfg->format) ||
	    (cfg->source_kind != DHB_PIPE_CAPTURE && cfg->source_kind != DHB_PIPE_DECODER) ||
	    (cfg->source_kind == DHB_PIPE_DECODER && !cfg->stream) ||
	    cfg->buffers < DHB_PIPE_MIN_BUFFERS || cfg->buffers > DHB_PIPE_MAX_BUFFERS) {
		snprintf(err, errlen, "internal error: a pipe configuration out of bounds");
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->cfg = cfg;
	p->pf = dhb_pipe_fmt_find(cfg->format);
	p->crc.fd = -1;
	p->clock = dhb_pipe_clock_open(0);
	if (p->clock < 0)
		fprintf(stderr,
			"warning: pipeline: CPU per frame from the process CPU clock "
			"(perf_event_open of its task-clock: %s)\n",
			strerror(-p->clock));
	p->src =
		(struct dhb_stage){.ops = cfg->source_kind == DHB_PIPE_DECODER ? &dhb_stage_decoder
									       : &dhb_stage_capture,
				   .pipe = p};
	p->sink = (struct dhb_stage){.ops = &dhb_stage_kms, .pipe = p};
	/* The sink first: the source picks among the display's modes. */
	ret = p->sink.ops->init(&p->sink);
	if (!ret)
		ret = p->src.ops->init(&p->src);
	if (!ret && cfg->ref_crc && cfg->n_ref != dhb_stage_decoder_frames(&p->src)) {
		snprintf(p->err, sizeof(p->err),
			 "--verify: %s.ref has %zu frames, the stream %zu: not its reference (make "
			 "both again with --make-stream)",
			 cfg->stream, cfg->n_ref, dhb_stage_decoder_frames(&p->src));
		ret = -EINVAL;
	}
	if (ret) {
		snprintf(err, errlen, "%s", p->err);
		dhb_pipe_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

void dhb_pipe_close(struct dhb_pipe *p)
{
	if (!p)
		return;
	p->src.ops->fini(&p->src);
	p->sink.ops->fini(&p->sink);
	if (p->clock >= 0)
		close(p->clock);
	free(p);
}

uint64_t dhb_pipe_frame_bytes(const struct dhb_pipe *p)
{
	return p->fmt.size;
}

void dhb_pipe_describe(const struct dhb_pipe *p, char *buf, size_t len)
{
	char geom[DHB_GEOM_FMT_LEN], rate[24] = "";
	const struct dhb_pipe_format *f = &p->fmt;

	dhb_geom_format(&f->geom, geom, sizeof(geom));
	if (f->rate_num && f->rate_den)
		snprintf(rate, sizeof(rate), ";rate=%.4g", (double)f->rate_num / f->rate_den);
	snprintf(buf, len, "source=%s;display=%s;buffers=%u;geom=%s%s%s", p->cfg->source->name,
		 p->cfg->display->name, p->cfg->buffers, geom, rate,
		 p->cfg->no_fences ? ";fences=none" : "");
}
