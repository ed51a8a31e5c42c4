// SPDX-License-Identifier: MIT
// Replays a trace on the allocator model (heaps-ref/core) under one policy: rows and replay speed.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhb/frag.h"
#include "dhb/stats.h"

#define ROWS_TARGET 200
#define NOT_LIVE    UINT64_MAX
#define SLAB_NODES  4096

/*
 * Metadata nodes come from a free list refilled in slabs, as a kmem_cache would hand them out;
 * after the first run every node a replay needs is already there, so the timed runs never call
 * malloc().
 */
struct pool {
	void *free;
	void **slabs;
	size_t nslabs;
	size_t cap;
};

static void *pool_alloc(void *ctx, size_t size)
{
	struct pool *p = ctx;
	void *n = p->free;
	char *slab;
	size_t i;

	if (n) {
		p->free = *(void **)n;
		return n;
	}
	if (p->nslabs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		void **s = realloc(p->slabs, cap * sizeof(*s));

		if (!s)
			return NULL;
		p->slabs = s;
		p->cap = cap;
	}
	slab = malloc(SLAB_NODES * size);
	if (!slab)
		return NULL;
	p->slabs[p->nslabs++] = slab;
	for (i = 1; i < SLAB_NODES; i++) {
		*(void **)(slab + i * size) = p->free;
		p->free = slab + i * size;
	}
	return slab;
}

static void pool_free(void *ctx, void *node)
{
	struct pool *p = ctx;

	*(void **)node = p->free;
	p->free = node;
}

static void pool_destroy(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->nslabs; i++)
		free(p->slabs[i]);
	free(p->slabs);
	memset(p, 0, sizeof(*p));
}

uint64_t dhb_frag_interval(uint64_t n_ops)
{
	uint64_t k = (n_ops + ROWS_TARGET - 1) / ROWS_TARGET;

	return k ? k : 1;
}

void dhb_frag_result_free(struct dhb_frag_result *r)
{
	free(r->rows);
	r->rows = NULL;
	r->n_rows = 0;
}

struct model_run {
	struct dhr_alloc a;
	uint64_t *addr; /* per slot: the live block's address, or NOT_LIVE */
	uint64_t failed;
	uint64_t skipped;
	uint64_t requested;
	uint64_t live;
	uint64_t trace_live;
};

void dhb_frag_row_start(struct dhb_frag_row *row, const struct dhb_frag_trace *tr, size_t i,
			uint64_t live, uint64_t requested, uint64_t failed, uint64_t skipped)
{
	memset(row, 0, sizeof(*row));
	row->op_index = i;
	row->time_ns = i ? tr->ops[i - 1].time_ns : 0;
	row->live_allocs = live;
	row->requested = requested;
	row->failed_allocs = failed;
	row->skipped_frees = skipped;
}

static void model_row(const struct model_run *m, const struct dhb_frag_trace *tr, size_t i,
		      struct dhb_frag_row *row)
{
	dhb_frag_row_start(row, tr, i, m->live, m->requested, m->failed, m->skipped);
	row->has_stats = true;
	dhr_stats(&m->a, &row->st);
	row->utilisation = row->st.total ? (double)row->st.used / (double)row->st.total : 0;
	row->trace_utilisation = (double)m->trace_live / (double)row->st.total;
}

/*
 * One run over the whole trace; rows every @interval operations and at the end when @rows is
 * not NULL (the timed runs take none, and skip the byte counts the rows need).
 */
static void model_pass(struct model_run *m, const struct dhb_frag_trace *tr,
		       const struct dhb_frag_model_cfg *cfg, struct dhb_frag_row *rows,
		       size_t *n_rows)
{
	/* An empty trace may have no ops array: NULL + 0 is undefined in C. */
	const struct dhb_frag_op *op = tr->ops, *end = tr->n ? tr->ops + tr->n : tr->ops;
	uint64_t granule = cfg->granule, *addr = m->addr, since = 0;
	size_t i;

	for (i = 0; i < tr->n_slots; i++)
		addr[i] = NOT_LIVE;
	m->failed = m->skipped = m->requested = m->live = m->trace_live = 0;
	for (; op < end; op++) {
		if (rows) {
			uint64_t sz = (op->size + granule - 1) & ~(granule - 1);

			m->trace_live += op->op == DHB_FRAG_ALLOC ? sz : -sz;
		}
		if (op->op == DHB_FRAG_ALLOC) {
			if (dhr_alloc(&m->a, op->size, op->align > granule ? op->align : 0, 0,
				      &addr[op->slot])) {
				addr[op->slot] = NOT_LIVE;
				m->failed++;
			} else if (rows) {
				m->requested += op->size;
				m->live++;
			}
		} else if (addr[op->slot] != NOT_LIVE) {
			dhr_free(&m->a, addr[op->slot]);
			if (rows) {
				m->requested -= op->size;
				m->live--;
			}
		} else {
			m->skipped++;
		}
		if (rows && ++since == cfg->interval) {
			model_row(m, tr, (size_t)(op - tr->ops) + 1, &rows[(*n_rows)++]);
			since = 0;
		}
	}
	if (rows && (since || !*n_rows))
		model_row(m, tr, tr->n, &rows[(*n_rows)++]);
}

int dhb_frag_replay_model(const struct dhb_frag_trace *tr, const struct dhb_frag_model_cfg *cfg,
			  struct dhb_frag_result *res)
{
	struct pool pool = {0};
	struct dhr_node_ops nops = {pool_alloc, pool_free, &pool};
	struct dhr_config dc = {0, cfg->region, cfg->granule, 0, cfg->policy};
	struct dhb_stats times;
	struct model_run m;
	uint64_t t0;
	unsigned int r;
	double med;
	int ret;

	if (!cfg->interval)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	snprintf(res->source, sizeof(res->source), "model");
	snprintf(res->policy, sizeof(res->policy), "%s", dhr_policy_name(cfg->policy));
	res->rows = calloc(tr->n / cfg->interval + 2, sizeof(*res->rows));
	m.addr = malloc((tr->n_slots ? tr->n_slots : 1) * sizeof(*m.addr));
	dhb_stats_init(&times, 0);
	if (!res->rows || !m.addr) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = dhr_init(&m.a, &dc, &nops);
	if (ret)
		goto out_free;
	model_pass(&m, tr, cfg, res->rows, &res->n_rows);
	ret = dhr_check(&m.a);
	dhr_destroy(&m.a);
	if (ret)
		goto out_free;
	res->ops = tr->n;
	res->failed_allocs = m.failed;
	res->skipped_frees = m.skipped;
	for (r = 0; r < cfg->repeat; r++) {
		ret = dhr_init(&m.a, &dc, &nops);
		if (ret)
			goto out_free;
		t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
		model_pass(&m, tr, cfg, NULL, NULL);
		t0 = dhb_stats_now_ns(CLOCK_MONOTONIC) - t0;
		dhr_destroy(&m.a);
		ret = dhb_stats_add(&times, t0);
		if (ret)
			goto out_free;
	}
	/* The median time of the runs (nearest rank), as operations per second. */
	if (cfg->repeat && !dhb_stats_percentile(&times, 50, &med) && med > 0) {
		res->ops_per_s = (double)tr->n * 1e9 / med;
		res->runs = cfg->repeat;
	}
out_free:
	if (ret)
		dhb_frag_result_free(res);
	pool_destroy(&pool);
	free(m.addr);
	dhb_stats_fini(&times);
	return ret;
}
