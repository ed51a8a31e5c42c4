// SPDX-License-Identifier: MIT
// The GStreamer peer: gst-launch-1.0 runs the same pipeline on the same devices and stream, in
// the same run, and its frame rate and CPU time per frame become rows beside the tool's own.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xf86drm.h>

#include "dhb/env.h"
#include "dhb/pipeline.h"
#include "dhb/plan.h"
#include "stage.h"

/*
 * One plan item, run once (its runner does one iteration): gst-launch-1.0 -v shows SHORT +
 * --frames frames through fpsdisplaysink (text-overlay off: it only counts the frames its
 * kmssink renders), whose reports ("rendered: N, dropped: M", every REPORT_MS) the child prints
 * on its standard output. At each report the child's CPU time (user and system, all its
 * threads) and the time are taken: between the first report and the last, the
 * frames rendered per second and the CPU time per frame rendered are GStreamer's steady state,
 * its start-up (the plugin registry, the devices' probing, caps negotiation) and teardown left
 * out as the tool's own rows leave out its setup. The registry is the item's temporary
 * folder's (the child's GST_REGISTRY), never the user's, unless GST_REGISTRY is set: then the
 * child keeps it, so that a registry built once serves every run (GStreamer scans each plugin
 * to build one: seconds of start-up on a small board or an emulator).
 *
 *   capture: v4l2src io-mode=dmabuf (the node's own buffers exported as dma-bufs, imported by
 *            kmssink) at the tool's size and frame rate.
 *   decoder: multifilesrc -> v4l2fwhtdec -> kmssink: GStreamer has no FWHT parser, so the stream
 *            is cut into one file per frame (the temporary folder) and multifilesrc gives one
 *            frame per buffer, looping as the tool's decoder source loops the stream.
 *
 * The child's CPU time is perf's task-clock of it and every thread it starts (a counter opened
 * on it, inherited, before it runs GStreamer): to the nanosecond, as the tool's own process CPU
 * clock is. Where perf refuses (perf_event_paranoid), it is the utime and stime of
 * /proc/PID/stat, which the kernel samples at its clock ticks, and the run says so.
 *
 * kmssink (force-modesetting, sync=false: every frame flipped as soon as it is decoded) needs
 * DRM master, which the tool's display descriptor holds: it is dropped for the child's run and
 * taken back after.
 */

#define SHORT		     30
#define GST_LAUNCH	     "gst-launch-1.0"
#define MAX_ARGS	     24
#define ARG_LEN		     320
#define FPS_SCALE	     1000
#define ERR_TAIL	     160
#define SLICE_MS	     100
#define TIMEOUT_BASE	     60 /* s, plus TIMEOUT_PER_FRAME_MS a frame */
#define TIMEOUT_PER_FRAME_MS 500
#define REPORT_MS	     250
#define LINE_LEN	     512

enum { M_FPS, M_CPU, M_SYS_CPU, N_METRICS };

struct gst_run {
	struct dhb_pipe *p;
	unsigned int frames;
	bool done;
	char dir[200]; /* TMPDIR/dmaheap-bench-gst.XXXXXX: a longer TMPDIR is refused */
	int m[N_METRICS];
};

/* A report of fpsdisplaysink: when, frames rendered, the child's CPU time then (ns). */
struct report {
	uint64_t t;
	uint64_t rendered;
	uint64_t cpu;
	uint64_t sys;
};

/* The first and last reports of a run, the line being read, the child's task-clock or -1. */
struct reports {
	int clock;
	struct report first;
	struct report last;
	size_t n;
	char line[LINE_LEN];
	size_t used;
	bool overlong;
};

const struct dhb_backend_ops dhb_gst_peer_ops = {
	.name = "gstreamer",
	.help = "GStreamer's gst-launch-1.0 on the same devices: the pipeline's peer (--peer)",
};

/* gst-launch-1.0 on the PATH: NULL, or why not (a skip). */
const char *dhb_gst_missing(void)
{
	if (dhb_env_has_program(GST_LAUNCH))
		return NULL;
	return GST_LAUNCH " is not installed: install Debian's gstreamer1.0-tools, "
			  "gstreamer1.0-plugins-good and gstreamer1.0-plugins-bad (scripts/setup "
			  "lab)";
}

/*
 * Remove the item's temporary folder and everything in it (the frames, the log, the registry
 * and whatever a child killed mid-write left there); the folder is the item's own (mkdtemp).
 */
static void remove_dir(struct gst_run *g)
{
	struct dirent *e;
	DIR *d;
	int fd;

	if (!*g->dir)
		return;
	d = opendir(g->dir);
	if (d) {
		fd = dirfd(d);
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(fd, e->d_name, 0);
		closedir(d);
	}
	if (rmdir(g->dir))
		fprintf(stderr, "warning: pipeline peer: removing %s: %s\n", g->dir,
			strerror(errno));
	g->dir[0] = '\0';
}

/* A decoder source's stream, one file per frame (written whole, checked). */
static int split_stream(struct dhb_ctx *ctx, struct gst_run *g)
{
	const uint8_t *data;
	const struct dhb_fwht_stream *st = dhb_stage_decoder_stream(&g->p->src, &data);
	char f[PATH_MAX + 32];
	size_t i, put;
	FILE *fp;
	int shut;

	if (!st)
		return dhb_ctx_fail(ctx, -EINVAL, "the decoder source has no stream");
	for (i = 0; i < st->n; i++) {
		snprintf(f, sizeof(f), "%s/%05zu.fwht", g->dir, i);
		fp = fopen(f, "wxe");
		if (!fp)
			return dhb_ctx_fail(ctx, -errno,
					    "writing the stream's frames for GStreamer");
		put = fwrite(data + st->off[i], 1, st->len[i], fp);
		shut = fclose(fp);
		if (put != st->len[i] || shut)
			return dhb_ctx_fail(ctx, -EIO, "writing the stream's frames for GStreamer");
	}
	return 0;
}

static int gst_setup(struct dhb_ctx *ctx)
{
	const struct dhb_gst_peer *peer = ctx->arg;
	struct dhb_pipe *p = peer->pipe;
	const char *tmp = getenv("TMPDIR");
	char params[96];
	struct gst_run *g;
	int ret = 0;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->p = p;
	g->frames = peer->frames;
	ctx->state = g;
	if ((size_t)snprintf(g->dir, sizeof(g->dir), "%s/dmaheap-bench-gst.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= sizeof(g->dir))
		ret = dhb_ctx_fail(ctx, -ENAMETOOLONG, "GStreamer's temporary folder (TMPDIR)");
	else if (!mkdtemp(g->dir))
		ret = dhb_ctx_fail(ctx, -errno, "making GStreamer's temporary folder (TMPDIR)");
	if (ret)
		g->dir[0] = '\0';
	if (!ret && p->cfg->source_kind == DHB_PIPE_DECODER)
		ret = split_stream(ctx, g);
	dhb_pipe_describe(p, params, sizeof(params));
	if (!ret && (g->m[M_FPS] = dhb_ctx_metric(ctx, "fps", DHB_METRIC_COUNT, "fps", params)) < 0)
		ret = g->m[M_FPS];
	if (!ret && (g->m[M_CPU] = dhb_ctx_metric(ctx, "cpu_per_frame", DHB_METRIC_COUNT, "ns",
						  params)) < 0)
		ret = g->m[M_CPU];
	if (!ret && (g->m[M_SYS_CPU] = dhb_ctx_metric(ctx, "system_cpu_per_frame", DHB_METRIC_COUNT,
						      "ns", params)) < 0)
		ret = g->m[M_SYS_CPU];
	if (!ret) {
		ctx->metrics[g->m[M_FPS]].scale = 1.0 / FPS_SCALE;
		return 0;
	}
	remove_dir(g);
	free(g);
	ctx->state = NULL;
	return ret;
}

/* The command line of a run of @n frames into @argv (strings in @buf). */
static void command(const struct gst_run *g, unsigned int n, char buf[MAX_ARGS][ARG_LEN],
		    char *argv[MAX_ARGS + 1])
{
	const struct dhb_pipe *p = g->p;
	const struct dhb_pipe_format *f = &p->fmt;
	const char *words[MAX_ARGS];
	size_t k = 0, i;
	char rate[48] = "";

	if (f->rate_num && f->rate_den)
		snprintf(rate, sizeof(rate), ",framerate=%u/%u", f->rate_num, f->rate_den);
	words[k++] = GST_LAUNCH;
	words[k++] = "-v"; /* the reports of fpsdisplaysink on stdout */
	if (p->cfg->source_kind == DHB_PIPE_DECODER) {
		words[k++] = "multifilesrc";
		snprintf(buf[k], ARG_LEN, "location=%s/%%05d.fwht", g->dir);
		words[k] = buf[k], k++;
		words[k++] = "loop=true";
		snprintf(buf[k], ARG_LEN, "num-buffers=%u", n);
		words[k] = buf[k], k++;
		snprintf(buf[k], ARG_LEN, "caps=video/x-fwht,width=%u,height=%u,framerate=%u/1",
			 f->geom.width, f->geom.height,
			 f->mode.refresh_mhz ? (f->mode.refresh_mhz + 500) / 1000 : 60);
		words[k] = buf[k], k++;
		words[k++] = "!";
		words[k++] = "v4l2fwhtdec";
	} else {
		words[k++] = "v4l2src";
		snprintf(buf[k], ARG_LEN, "device=%s", p->cfg->source->path);
		words[k] = buf[k], k++;
		words[k++] = "io-mode=dmabuf";
		snprintf(buf[k], ARG_LEN, "num-buffers=%u", n);
		words[k] = buf[k], k++;
	}
	words[k++] = "!";
	/* The decoder's size is the stream's: caps naming it fail v4l2fwhtdec's negotiation. */
	if (p->cfg->source_kind == DHB_PIPE_DECODER)
		snprintf(buf[k], ARG_LEN, "video/x-raw,format=%s", p->pf->gst);
	else
		snprintf(buf[k], ARG_LEN, "video/x-raw,format=%s,width=%u,height=%u%s", p->pf->gst,
			 f->geom.width, f->geom.height, rate);
	words[k] = buf[k], k++;
	words[k++] = "!";
	words[k++] = "fpsdisplaysink";
	words[k++] = "text-overlay=false";
	words[k++] = "sync=false";
	snprintf(buf[k], ARG_LEN, "fps-update-interval=%d", REPORT_MS);
	words[k] = buf[k], k++;
	snprintf(buf[k], ARG_LEN, "video-sink=kmssink driver-name=%s force-modesetting=true",
		 p->cfg->display->driver);
	words[k] = buf[k], k++;
	for (i = 0; i < k; i++)
		argv[i] = (char *)words[i];
	argv[k] = NULL;
}

/*
 * In the child: once the parent says go on @go (its counter open), its own process group,
 * stdin /dev/null, stdout @out, stderr the log.
 */
static void child(const struct gst_run *g, char *argv[], int out, int go)
{
	char env[PATH_MAX + 32], log[PATH_MAX + 16], c;
	sigset_t none;
	int fd;

	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	snprintf(log, sizeof(log), "%s/gst.log", g->dir);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || dup2(fd, 2) < 0)
		_exit(127);
	close_range(3, ~0u, 0);
	if (!getenv("GST_REGISTRY")) {
		snprintf(env, sizeof(env), "GST_REGISTRY=%s/registry.bin", g->dir);
		putenv(env);
	}
	execvp(argv[0], argv);
	dprintf(2, "%s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The last line of the child's log, for a failure's message. */
static void log_tail(const struct gst_run *g, char *buf, size_t len)
{
	char log[PATH_MAX + 16], tail[ERR_TAIL + 1], *nl;
	ssize_t got;
	off_t end;
	int fd;

	snprintf(buf, len, "no message");
	snprintf(log, sizeof(log), "%s/gst.log", g->dir);
	fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	end = lseek(fd, 0, SEEK_END);
	got = end > 0 ? pread(fd, tail, ERR_TAIL, end > ERR_TAIL ? end - ERR_TAIL : 0) : 0;
	close(fd);
	if (got <= 0)
		return;
	tail[got] = '\0';
	while (got && (tail[got - 1] == '\n' || tail[got - 1] == '\r'))
		tail[--got] = '\0';
	nl = strrchr(tail, '\n');
	snprintf(buf, len, "%s", nl ? nl + 1 : tail);
}

/* The CPU time of process @pid, all its threads (/proc/PID/stat utime + stime), ns; 0 if gone. */
static uint64_t proc_cpu_ns(pid_t pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *at;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (dhb_env_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	at = strrchr(buf, ')'); /* the command's name may hold anything */
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (!at || sscanf(at + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
			  &stime) != 2)
		return 0;
	return (utime + stime) * 1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK);
}

/* One line of the child's output: a report of fpsdisplaysink is taken with the child's CPU. */
static void take_line(struct reports *rp, pid_t pid, const char *line)
{
	uint64_t rendered;
	struct report r;

	if (!dhb_gst_report(line, &rendered))
		return;
	r.t = dhb_pipe_now();
	r.rendered = rendered;
	r.cpu = rp->clock >= 0 ? dhb_pipe_clock_ns(rp->clock) : proc_cpu_ns(pid);
	r.sys = dhb_pipe_system_cpu_ns();
	if (!r.cpu)
		return;
	if (!rp->n++)
		rp->first = r;
	rp->last = r;
}

/* Read what the child wrote; whole lines go to take_line(), overlong ones are dropped. */
static int drain(struct reports *rp, pid_t pid, int fd)
{
	char buf[4096];
	ssize_t got, i;

	got = read(fd, buf, sizeof(buf));
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	for (i = 0; i < got; i++) {
		if (buf[i] != '\n') {
			if (rp->used < sizeof(rp->line) - 1)
				rp->line[rp->used++] = buf[i];
			else
				rp->overlong = true;
			continue;
		}
		rp->line[rp->used] = '\0';
		if (!rp->overlong)
			take_line(rp, pid, rp->line);
		rp->used = 0;
		rp->overlong = false;
	}
	return got ? 0 : -EPIPE;
}

/*
 * Follow the child until it exits, bounded and stoppable: its reports as they come, then its
 * status. Without a pidfd (@pidfd < 0: a kernel before 5.3, or valgrind, which lacks the call),
 * its exit is polled with waitpid() at each slice. -EINTR (stopped), -ETIMEDOUT (killed); 0
 * otherwise.
 */
static int follow(struct dhb_ctx *ctx, pid_t pid, int pidfd, int out, uint64_t deadline,
		  struct reports *rp, int *status)
{
	/* poll() skips an entry whose fd is negative: a pipe read to its end, or no pidfd. */
	struct pollfd pfd[2] = {{.fd = out, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
	bool reaped = false;
	int ret = 0;

	for (;;) {
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, SLICE_MS) > 0 && pfd[0].revents && drain(rp, pid, out)) {
			close(out);
			out = pfd[0].fd = -1;
		}
		if (pidfd < 0 && !reaped)
			reaped = waitpid(pid, status, WNOHANG) == pid;
		if (out < 0 && (reaped || pfd[1].revents))
			break; /* exited, and its output read to the end */
		if (*ctx->stop)
			ret = -EINTR;
		else if (dhb_pipe_now() >= deadline)
			ret = -ETIMEDOUT;
		if (ret) {
			kill(-pid, SIGKILL);
			break;
		}
	}
	if (out >= 0)
		close(out);
	while (!reaped && waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

/* The run of @n frames: its first and last reports, or a failure in ctx->reason. */
static int launch(struct dhb_ctx *ctx, struct gst_run *g, unsigned int n, struct reports *rp)
{
	char buf[MAX_ARGS][ARG_LEN], *argv[MAX_ARGS + 1], tail[ERR_TAIL + 1];
	uint64_t t0 = dhb_pipe_now(),
		 deadline = t0 + (TIMEOUT_BASE + (uint64_t)n * TIMEOUT_PER_FRAME_MS / 1000) *
					 1000000000ull;
	int status = 0, pidfd, ret, out[2], go[2];
	pid_t pid;

	command(g, n, buf, argv);
	if (pipe2(out, O_CLOEXEC))
		return dhb_ctx_fail(ctx, -errno, "pipe for " GST_LAUNCH);
	if (pipe2(go, O_CLOEXEC)) {
		ret = -errno;
		close(out[0]);
		close(out[1]);
		return dhb_ctx_fail(ctx, ret, "pipe for " GST_LAUNCH);
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(out[0]);
		close(out[1]);
		close(go[0]);
		close(go[1]);
		return dhb_ctx_fail(ctx, ret, "fork for " GST_LAUNCH);
	}
	if (!pid) {
		close(go[1]);
		child(g, argv, out[1], go[0]);
	}
	close(out[1]);
	close(go[0]);
	rp->clock = dhb_pipe_clock_open(pid);
	if (rp->clock < 0)
		fprintf(stderr,
			"warning: pipeline peer: GStreamer's CPU time from /proc/PID/stat, sampled "
			"at clock ticks (perf_event_open of its task-clock: %s)\n",
			strerror(-rp->clock));
	/* Its end of the pipe closing is the go (the child reads end of file). */
	close(go[1]);
	pidfd = (int)pidfd_open(pid, 0);
	if (pidfd < 0 && errno != ENOSYS) {
		ret = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(out[0]);
		if (rp->clock >= 0)
			close(rp->clock);
		return dhb_ctx_fail(ctx, ret, "pidfd_open of " GST_LAUNCH);
	}
	ret = follow(ctx, pid, pidfd, out[0], deadline, rp, &status);
	if (rp->clock >= 0)
		close(rp->clock);
	rp->clock = -1;
	if (ret == -EINTR)
		return ret;
	if (!ret && WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	log_tail(g, tail, sizeof(tail));
	if (ret == -ETIMEDOUT)
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%s (%u frames) still running after %.0f s, killed: %s", GST_LAUNCH, n,
			 (double)(dhb_pipe_now() - t0) / 1e9, tail);
	else
		snprintf(ctx->reason, sizeof(ctx->reason), "%s %s (%u frames) %s %d: %s",
			 GST_LAUNCH, argv[2], n,
			 WIFEXITED(status) ? "exited with status" : "killed by signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
	return ret ? ret : -EIO;
}

/* The run, with the display's DRM master lent to the child. */
static int gst_run_once(struct dhb_ctx *ctx)
{
	struct gst_run *g = ctx->state;
	int fd = g->p->cfg->display->fd, ret;
	struct reports rp;
	uint64_t frames;
	double wall;

	if (g->done || !ctx->record)
		return 0; /* one measurement: the runner's other turns have nothing to do */
	g->done = true;
	memset(&rp, 0, sizeof(rp));
	if (drmDropMaster(fd))
		return dhb_ctx_fail(ctx, -errno, "lending DRM master to GStreamer (DROP_MASTER)");
	ret = launch(ctx, g, SHORT + g->frames, &rp);
	if (drmSetMaster(fd) && !ret)
		return dhb_ctx_fail(ctx, -errno,
				    "taking DRM master back from GStreamer (SET_MASTER)");
	if (ret)
		return ret;
	frames = rp.n > 1 ? rp.last.rendered - rp.first.rendered : 0;
	wall = (double)(rp.last.t - rp.first.t) / 1e9;
	if (!frames || wall <= 0 || rp.last.cpu < rp.first.cpu) {
		snprintf(
			ctx->reason, sizeof(ctx->reason),
			"GStreamer showed %u frames with %zu reports of fpsdisplaysink: too few to "
			"measure (more --frames)",
			SHORT + g->frames, rp.n);
		return -ERANGE;
	}
	dhb_ctx_record(ctx, g->m[M_FPS], (uint64_t)((double)frames * FPS_SCALE / wall + 0.5));
	dhb_ctx_record(ctx, g->m[M_CPU], (rp.last.cpu - rp.first.cpu) / frames);
	if (rp.first.sys && rp.last.sys > rp.first.sys)
		dhb_ctx_record(ctx, g->m[M_SYS_CPU], (rp.last.sys - rp.first.sys) / frames);
	return 0;
}

static void gst_teardown(struct dhb_ctx *ctx)
{
	struct gst_run *g = ctx->state;

	if (!g)
		return;
	remove_dir(g);
	free(g);
	ctx->state = NULL;
}

const struct dhb_test dhb_pipeline_gst_test = {
	.name = "pipeline",
	.help = "the same pipeline run by GStreamer's gst-launch-1.0",
	.setup = gst_setup,
	.run_once = gst_run_once,
	.teardown = gst_teardown,
};
