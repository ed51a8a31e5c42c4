// SPDX-License-Identifier: MIT
// Workload generators for fragmentation replay: video decode, camera and random traces.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/frag.h"

/*
 * Every generator works in "steps". The live total counts sizes rounded up to the granule (what
 * a fit allocator would use), and the generators keep it around the target util * region once
 * filled: large pools only where they fit below it, small buffers while below it (overshooting by
 * at most one) and frees while at or above it. Sizes are
 * those of real buffers: NV12 frames (w * h * 3 / 2, height rounded up to 16 lines as decoders
 * do), bitstream and metadata buffers. Time advances by a few microseconds to milliseconds per
 * operation, so that the time column reads like a real pipeline's.
 */

#define MAX_SESSIONS 64
#define MAX_FRAMES   24
#define MAX_BITS     4
#define MAX_STILLS   8

struct gen {
	const struct dhb_frag_gen_cfg *cfg;
	struct dhb_frag_trace *tr;
	uint64_t rng;
	uint64_t t;
	uint64_t live;
	uint64_t target;
	int err;
};

/* splitmix64: identical sequence on every platform for a given seed. */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct gen *g, uint64_t n)
{
	return n ? rnd(g) % n : 0;
}

/* Log-uniform integer in [lo, hi]. */
static uint64_t log_uniform(struct gen *g, uint64_t lo, uint64_t hi)
{
	double u = (double)(rnd(g) >> 11) / 9007199254740992.0;
	uint64_t v = (uint64_t)exp(log((double)lo) + u * (log((double)hi) - log((double)lo)));

	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t rounded(const struct gen *g, uint64_t size)
{
	return (size + g->cfg->granule - 1) & ~(g->cfg->granule - 1);
}

static bool done(const struct gen *g)
{
	return g->err || g->tr->n >= g->cfg->ops;
}

/* Whether @size more would stay within the target. */
static bool fits(const struct gen *g, uint64_t size)
{
	return g->live + rounded(g, size) <= g->target;
}

/* Append an allocation; false (nothing appended) once the trace is complete. */
static bool g_alloc(struct gen *g, uint64_t dt, uint64_t size, uint32_t *slot)
{
	if (done(g))
		return false;
	g->t += dt;
	g->err = dhb_frag_trace_alloc(g->tr, g->t, size, 0, slot);
	if (g->err)
		return false;
	g->live += rounded(g, size);
	return true;
}

static bool g_free(struct gen *g, uint64_t dt, uint32_t slot)
{
	if (done(g))
		return false;
	g->t += dt;
	g->live -= rounded(g, g->tr->slot_size[slot]);
	g->err = dhb_frag_trace_free(g->tr, g->t, slot);
	return !g->err;
}

/* A set of live buffers that are freed in random order (short-lived churn). */
struct churn {
	uint32_t *slot;
	size_t n;
	size_t cap;
};

static bool churn_alloc(struct gen *g, struct churn *c, uint64_t dt, uint64_t size)
{
	uint32_t slot;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		uint32_t *v = realloc(c->slot, cap * sizeof(*v));

		if (!v) {
			g->err = -ENOMEM;
			return false;
		}
		c->slot = v;
		c->cap = cap;
	}
	if (!g_alloc(g, dt, size, &slot))
		return false;
	c->slot[c->n++] = slot;
	return true;
}

static bool churn_free(struct gen *g, struct churn *c, uint64_t dt)
{
	size_t k;

	if (!c->n)
		return false;
	k = below(g, c->n);
	if (!g_free(g, dt, c->slot[k]))
		return false;
	c->slot[k] = c->slot[--c->n];
	return true;
}

/* ---- random ------------------------------------------------------------------------------ */

/* Sizes log-uniform from 4 KiB to 8 MiB (at most 1/16 of the region); free a random live one. */
static void gen_random(struct gen *g)
{
	uint64_t hi = g->cfg->region / 16 < (8u << 20) ? g->cfg->region / 16 : (8u << 20);
	struct churn c = {0};
	uint64_t size;

	if (hi < 4096)
		hi = 4096;
	while (!done(g)) {
		size = log_uniform(g, 4096, hi);
		if (g->live < g->target || !c.n)
			churn_alloc(g, &c, 1000 + below(g, 9000), size);
		else
			churn_free(g, &c, 1000 + below(g, 9000));
	}
	free(c.slot);
}

/* ---- video ------------------------------------------------------------------------------- */

static const struct {
	unsigned int w, h;
} resolutions[] = {
	{1280, 720},
	{1920, 1080},
	{3840, 2160},
};

#define NRES (sizeof(resolutions) / sizeof(resolutions[0]))

/* An NV12 frame: luma plus half-size chroma, lines rounded up to 16. */
static uint64_t nv12(unsigned int w, unsigned int h)
{
	return (uint64_t)w * ((h + 15) & ~15u) * 3 / 2;
}

struct session {
	uint32_t frames[MAX_FRAMES];
	unsigned int n_frames;
	uint32_t bits[MAX_BITS];
	unsigned int n_bits;
};

/* Allocate a pool of frames of the largest resolution (at most a random pick) that fits. */
static bool open_pool(struct gen *g, struct session *s, uint64_t dt)
{
	unsigned int n = 6 + (unsigned int)below(g, MAX_FRAMES - 6 + 1),
		     r = (unsigned int)below(g, NRES);
	uint64_t size;

	for (;; r--) {
		size = nv12(resolutions[r].w, resolutions[r].h);
		if (rounded(g, size) * n + g->live <= g->target)
			break;
		if (!r)
			return false;
	}
	for (s->n_frames = 0; s->n_frames < n; s->n_frames++) {
		if (!g_alloc(g, s->n_frames ? 2000 : dt, size, &s->frames[s->n_frames]))
			return false;
	}
	return true;
}

static void close_pool(struct gen *g, struct session *s)
{
	while (s->n_frames && g_free(g, 1000, s->frames[s->n_frames - 1]))
		s->n_frames--;
}

static uint64_t bitstream_size(struct gen *g)
{
	return log_uniform(g, 64 << 10, 2 << 20);
}

/*
 * Decoder sessions: each holds a pool of 6..24 NV12 frames of one resolution (720p, 1080p, 4K),
 * allocated together and freed together on a resolution switch or when the session ends, plus up
 * to four bitstream buffers (64 KiB .. 2 MiB) that are replaced all the time. New sessions open
 * while their pool fits below the target; a switch that no longer fits ends the session.
 */
static void gen_video(struct gen *g)
{
	struct session *ss = calloc(MAX_SESSIONS, sizeof(*ss)), *s;
	unsigned int n = 0, k, r;

	if (!ss) {
		g->err = -ENOMEM;
		return;
	}
	while (!done(g)) {
		if (n < MAX_SESSIONS && g->live < g->target / 2 + g->target / 4 + g->target / 8) {
			s = &ss[n];
			memset(s, 0, sizeof(*s));
			if (open_pool(g, s, 100000)) {
				n++;
				continue;
			}
			close_pool(g, s); /* the trace ended in the middle, or nothing fits */
		}
		if (!n) {
			if (!done(g))
				g->err = -ERANGE; /* not even one pool of 720p frames fits */
			break;
		}
		s = &ss[below(g, n)];
		r = (unsigned int)below(g, 100);
		if (r < 3) { /* resolution switch: the whole pool goes, a new one comes */
			close_pool(g, s);
			if (open_pool(g, s, 50000))
				continue;
			close_pool(g, s);
			while (s->n_bits && g_free(g, 1000, s->bits[s->n_bits - 1]))
				s->n_bits--;
			if (!done(g))
				*s = ss[--n]; /* the session ends */
		} else if (s->n_bits < MAX_BITS && g->live < g->target) {
			k = s->n_bits;
			if (g_alloc(g, 500000 / n, bitstream_size(g), &s->bits[k]))
				s->n_bits++;
		} else if (s->n_bits) { /* the oldest bitstream buffer was consumed */
			if (g_free(g, 500000 / n, s->bits[0])) {
				memmove(s->bits, s->bits + 1, --s->n_bits * sizeof(s->bits[0]));
				if (g->live < g->target &&
				    g_alloc(g, 1000, bitstream_size(g), &s->bits[s->n_bits]))
					s->n_bits++;
			}
		} else {
			close_pool(g, s); /* nothing else fits: end this session */
			if (!done(g))
				*s = ss[--n];
		}
	}
	free(ss);
}

/* ---- camera ------------------------------------------------------------------------------ */

struct still {
	uint32_t slot;
	uint64_t until; /* step at which it is freed */
};

/*
 * Camera pipelines: per camera a preview pool (6 x 1080p NV12) and a capture pool
 * (4 x 1080p, 4K or 12 MP NV12) that live long and are reconfigured rarely (1 in 500 steps);
 * cameras open while their pools fit in 3/4 of the target. Stills (4 .. 24 MiB) come 1 in 50
 * steps and live 20 .. 400 steps. The rest is churn of small metadata and statistics buffers
 * (4 KiB .. 512 KiB, log-uniform) that fills up to the target and frees randomly above it.
 */
static void gen_camera(struct gen *g)
{
	static const unsigned int cap[][2] = {{1920, 1080}, {3840, 2160}, {4000, 3000}};
	struct session cams[MAX_SESSIONS / 4];
	struct still stills[MAX_STILLS];
	unsigned int n_cams = 0, n_stills = 0, i;
	struct churn c = {0};
	uint64_t step, size;

	for (step = 0; !done(g); step++) {
		struct session *s = &cams[n_cams];

		if (n_cams < MAX_SESSIONS / 4 && step == n_cams) {
			uint64_t prev = 6 * rounded(g, nv12(1920, 1080)), capt;

			i = (unsigned int)below(g, 3);
			capt = 4 * rounded(g, nv12(cap[i][0], cap[i][1]));
			if (g->live + prev + capt <= g->target / 4 * 3) {
				memset(s, 0, sizeof(*s));
				for (; s->n_frames < 6; s->n_frames++)
					g_alloc(g, 20000, nv12(1920, 1080),
						&s->frames[s->n_frames]);
				for (; s->n_frames < 10; s->n_frames++)
					g_alloc(g, 20000, nv12(cap[i][0], cap[i][1]),
						&s->frames[s->n_frames]);
				n_cams++;
				continue;
			}
		}
		if (n_cams && !below(g, 500)) { /* reconfigure a camera's capture pool */
			s = &cams[below(g, n_cams)];
			while (s->n_frames > 6 && g_free(g, 5000, s->frames[s->n_frames - 1]))
				s->n_frames--;
			i = (unsigned int)below(g, 3);
			while (s->n_frames < 10 && fits(g, nv12(cap[i][0], cap[i][1])) &&
			       g_alloc(g, 5000, nv12(cap[i][0], cap[i][1]),
				       &s->frames[s->n_frames]))
				s->n_frames++;
			continue;
		}
		for (i = 0; i < n_stills; i++) {
			if (stills[i].until <= step && g_free(g, 3000, stills[i].slot))
				stills[i--] = stills[--n_stills];
		}
		size = log_uniform(g, 4 << 20, 24 << 20);
		if (n_stills < MAX_STILLS && !below(g, 50) && fits(g, size)) {
			if (g_alloc(g, 30000, size, &stills[n_stills].slot))
				stills[n_stills++].until = step + 20 + below(g, 381);
			continue;
		}
		size = log_uniform(g, 4 << 10, 512 << 10);
		if (g->live < g->target || !c.n)
			churn_alloc(g, &c, 2000 + below(g, 30000), size);
		else
			churn_free(g, &c, 2000 + below(g, 30000));
	}
	free(c.slot);
}

static const char *const workload_names[] = {
	[DHB_FRAG_VIDEO] = "video",
	[DHB_FRAG_CAMERA] = "camera",
	[DHB_FRAG_RANDOM] = "random",
};

_Static_assert(sizeof(workload_names) / sizeof(workload_names[0]) == DHB_FRAG_NR_WORKLOADS,
	       "a name for every workload");

const char *dhb_frag_workload_name(enum dhb_frag_workload w)
{
	return (unsigned int)w < DHB_FRAG_NR_WORKLOADS ? workload_names[w] : NULL;
}

int dhb_frag_workload_parse(const char *name, enum dhb_frag_workload *w)
{
	unsigned int i;

	for (i = 0; i < DHB_FRAG_NR_WORKLOADS; i++) {
		if (!strcmp(name, workload_names[i])) {
			*w = (enum dhb_frag_workload)i;
			return 0;
		}
	}
	return -EINVAL;
}

int dhb_frag_generate(const struct dhb_frag_gen_cfg *cfg, struct dhb_frag_trace *tr)
{
	struct gen g = {.cfg = cfg, .tr = tr, .rng = cfg->seed};

	if (!cfg->region || !cfg->granule || (cfg->granule & (cfg->granule - 1)) ||
	    !(cfg->util > 0 && cfg->util < 1))
		return -EINVAL;
	g.target = (uint64_t)((double)cfg->region * cfg->util);
	switch (cfg->workload) {
	case DHB_FRAG_VIDEO:
		gen_video(&g);
		break;
	case DHB_FRAG_CAMERA:
		gen_camera(&g);
		break;
	case DHB_FRAG_RANDOM:
		gen_random(&g);
		break;
	default:
		return -EINVAL;
	}
	if (g.err)
		dhb_frag_trace_release(tr);
	return g.err;
}
