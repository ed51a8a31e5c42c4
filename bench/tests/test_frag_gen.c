// SPDX-License-Identifier: MIT
// Unit tests of the workload generators: determinism, utilisation near the target, valid traces.
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dhb/frag.h"

#define REGION (256ULL << 20)

static void gen(enum dhb_frag_workload w, uint64_t seed, double util, uint64_t ops,
		struct dhb_frag_trace *tr)
{
	struct dhb_frag_gen_cfg cfg = {w, seed, REGION, 4096, util, ops};

	memset(tr, 0, sizeof(*tr));
	cr_assert_eq(dhb_frag_generate(&cfg, tr), 0);
	cr_assert_eq(tr->n, ops, "exactly --ops operations");
}

static const enum dhb_frag_workload all[] = {DHB_FRAG_VIDEO, DHB_FRAG_CAMERA, DHB_FRAG_RANDOM};

Test(frag_gen, deterministic_by_seed)
{
	struct dhb_frag_trace a, b, c;
	size_t i;

	for (i = 0; i < 3; i++) {
		gen(all[i], 42, 0.9, 20000, &a);
		gen(all[i], 42, 0.9, 20000, &b);
		gen(all[i], 43, 0.9, 20000, &c);
		cr_assert_eq(memcmp(a.ops, b.ops, a.n * sizeof(*a.ops)), 0, "workload %zu", i);
		cr_assert_neq(memcmp(a.ops, c.ops, a.n * sizeof(*a.ops)), 0, "workload %zu", i);
		dhb_frag_trace_release(&a);
		dhb_frag_trace_release(&b);
		dhb_frag_trace_release(&c);
	}
}

/*
 * Validity: times never go back, every free names a live slot with the alloc's size, sizes are
 * positive; and once filled (second half), the live total stays near the target: on average
 * within 10% of it, and never more than one largest buffer above it.
 */
static void check(const struct dhb_frag_trace *tr, double util, const char *what)
{
	uint64_t *size = calloc(tr->n_slots, sizeof(*size)), live = 0, max_live = 0, big = 0;
	uint64_t target = (uint64_t)(REGION * util);
	double sum = 0;
	size_t i, n = 0;

	cr_assert_not_null(size);
	for (i = 0; i < tr->n; i++) {
		const struct dhb_frag_op *op = &tr->ops[i];
		uint64_t r = (op->size + 4095) & ~4095ULL;

		cr_assert(i == 0 || op->time_ns >= tr->ops[i - 1].time_ns, "%s: time", what);
		cr_assert_lt(op->slot, tr->n_slots);
		cr_assert_gt(op->size, 0);
		if (op->op == DHB_FRAG_ALLOC) {
			cr_assert_eq(size[op->slot], 0, "%s: op %zu: slot %u already live", what, i,
				     op->slot);
			size[op->slot] = op->size;
			live += r;
			big = r > big ? r : big;
		} else {
			cr_assert_eq(size[op->slot], op->size, "%s: op %zu frees a dead slot", what,
				     i);
			size[op->slot] = 0;
			live -= r;
		}
		if (i >= tr->n / 2) {
			sum += (double)live;
			n++;
			max_live = live > max_live ? live : max_live;
		}
	}
	cr_assert_leq(max_live, target + big, "%s: %llu live, target %llu", what,
		      (unsigned long long)max_live, (unsigned long long)target);
	cr_assert_gt(sum / (double)n, 0.9 * (double)target, "%s: mean live %.0f, target %llu", what,
		     sum / (double)n, (unsigned long long)target);
	cr_assert_lt(sum / (double)n, 1.02 * (double)target, "%s: mean live %.0f", what,
		     sum / (double)n);
	free(size);
}

Test(frag_gen, valid_and_near_target)
{
	static const char *names[] = {"video", "camera", "random"};
	static const double utils[] = {0.9, 0.6};
	struct dhb_frag_trace tr;
	char what[64];
	size_t i, u;

	for (i = 0; i < 3; i++) {
		for (u = 0; u < 2; u++) {
			snprintf(what, sizeof(what), "%s at %.1f", names[i], utils[u]);
			gen(all[i], 7, utils[u], 50000, &tr);
			check(&tr, utils[u], what);
			dhb_frag_trace_release(&tr);
		}
	}
}

Test(frag_gen, video_has_frame_pools)
{
	struct dhb_frag_trace tr;
	size_t i, frames = 0;

	gen(DHB_FRAG_VIDEO, 1, 0.9, 20000, &tr);
	for (i = 0; i < tr.n; i++) {
		uint64_t s = tr.ops[i].size;

		frames += tr.ops[i].op == DHB_FRAG_ALLOC &&
			  (s == 1280ULL * 720 * 3 / 2 || s == 1920ULL * 1088 * 3 / 2 ||
			   s == 3840ULL * 2160 * 3 / 2);
	}
	cr_assert_gt(frames, 50, "NV12 frames of 720p, 1080p and 4K");
	dhb_frag_trace_release(&tr);
}

Test(frag_gen, bad_configurations)
{
	struct dhb_frag_gen_cfg cfg = {DHB_FRAG_VIDEO, 1, 4 << 20, 4096, 0.9, 100};
	struct dhb_frag_trace tr = {0};
	enum dhb_frag_workload w;

	cr_assert_eq(dhb_frag_generate(&cfg, &tr), -ERANGE, "no 720p pool fits in 4M");
	cr_assert_null(tr.ops);
	cfg.region = REGION;
	cfg.util = 1.0;
	cr_assert_eq(dhb_frag_generate(&cfg, &tr), -EINVAL);
	cfg.util = 0.5;
	cfg.granule = 3000;
	cr_assert_eq(dhb_frag_generate(&cfg, &tr), -EINVAL);
	cr_assert_eq(dhb_frag_workload_parse("camera", &w), 0);
	cr_assert_eq(w, DHB_FRAG_CAMERA);
	cr_assert_eq(dhb_frag_workload_parse("audio", &w), -EINVAL);
}
