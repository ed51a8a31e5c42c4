// SPDX-License-Identifier: MIT
// Replays a trace on a real dma-buf heap through the dma-heap backend: failures, latency, stats.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/frag.h"
#include "dhb/heap_attrs.h"
#include "dhb/stats.h"

/* The heap's own figures, when it publishes them all; false otherwise. */
static bool read_stats(const struct dhb_heap_attrs *at, struct dhr_stats *st)
{
	uint64_t ppm = 0;

	memset(st, 0, sizeof(*st));
	if (dhb_heap_attrs_u64(at, "stats/total", &st->total) ||
	    dhb_heap_attrs_u64(at, "stats/used", &st->used) ||
	    dhb_heap_attrs_u64(at, "stats/requested", &st->requested) ||
	    dhb_heap_attrs_u64(at, "stats/free", &st->free) ||
	    dhb_heap_attrs_u64(at, "stats/free_extents", &st->free_extents) ||
	    dhb_heap_attrs_u64(at, "stats/largest_free", &st->largest_free) ||
	    dhb_heap_attrs_u64(at, "stats/live_allocs", &st->live_allocs) ||
	    dhb_heap_attrs_u64(at, "stats/allocs", &st->allocs) ||
	    dhb_heap_attrs_u64(at, "stats/frees", &st->frees) ||
	    dhb_heap_attrs_u64(at, "stats/failed_allocs", &st->failed_allocs) ||
	    dhb_heap_attrs_u64(at, "stats/ext_frag_ppm", &ppm) || ppm > DHR_PPM)
		return false;
	st->ext_frag_ppm = (uint32_t)ppm;
	return true;
}

struct heap_run {
	const struct dhb_frag_heap_cfg *cfg;
	struct dhb_heap_attrs attrs;
	bool has_attrs;
	uint64_t live;
	uint64_t requested;
	uint64_t trace_live;
	uint64_t failed;
	uint64_t skipped;
	uint64_t lat_n;
	double lat_sum;
	double lat_max;
};

static void heap_row(struct heap_run *h, const struct dhb_frag_trace *tr, size_t i,
		     struct dhb_frag_row *row)
{
	dhb_frag_row_start(row, tr, i, h->live, h->requested, h->failed, h->skipped);
	row->has_stats = h->has_attrs && read_stats(&h->attrs, &row->st);
	if (row->has_stats && row->st.total)
		row->utilisation = (double)row->st.used / (double)row->st.total;
	else if (h->cfg->region)
		row->utilisation = (double)h->requested / (double)h->cfg->region;
	if (h->cfg->region)
		row->trace_utilisation = (double)h->trace_live / (double)h->cfg->region;
	row->lat_n = h->lat_n;
	row->lat_mean_ns = h->lat_n ? h->lat_sum / (double)h->lat_n : 0;
	row->lat_max_ns = h->lat_max;
	h->lat_n = 0;
	h->lat_sum = h->lat_max = 0;
}

/* Apply one operation to the heap. */
static void heap_op(struct heap_run *h, struct dhb_instance *inst, const struct dhb_frag_op *op,
		    struct dhb_buf *bufs)
{
	struct dhb_buf *b = &bufs[op->slot];
	uint64_t t0, g = h->cfg->granule ? h->cfg->granule : 1;
	double dt;

	if (op->op == DHB_FRAG_FREE)
		h->trace_live -= (op->size + g - 1) & ~(g - 1);
	else
		h->trace_live += (op->size + g - 1) & ~(g - 1);
	if (op->op == DHB_FRAG_FREE) {
		if (b->fd < 0) {
			h->skipped++;
			return;
		}
		dhb_buf_release(b);
		h->live--;
		h->requested -= op->size;
		return;
	}
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	if (inst->ops->alloc(inst, op->size, b)) {
		dhb_buf_init(b, inst);
		h->failed++;
	} else {
		h->live++;
		h->requested += op->size;
	}
	dt = (double)(dhb_stats_now_ns(CLOCK_MONOTONIC) - t0);
	h->lat_n++;
	h->lat_sum += dt;
	h->lat_max = dt > h->lat_max ? dt : h->lat_max;
}

int dhb_frag_replay_heap(const struct dhb_frag_trace *tr, const struct dhb_frag_heap_cfg *cfg,
			 struct dhb_frag_result *res, char *err, size_t errlen)
{
	struct heap_run h = {.cfg = cfg};
	struct dhb_instance inst;
	struct dhb_buf *bufs = NULL;
	uint64_t since = 0, t0;
	size_t i;
	int ret = 0;

	memset(&inst, 0, sizeof(inst));
	inst.ops = dhb_backend_find_caps(DHB_CAP_HEAP_NODE);
	if (!inst.ops || !cfg->interval)
		return -EINVAL;
	snprintf(inst.name, sizeof(inst.name), "%s", cfg->name);
	snprintf(inst.path, sizeof(inst.path), "%s", cfg->path);
	inst.dev_fd = open(cfg->path, O_RDONLY | O_CLOEXEC);
	if (inst.dev_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", cfg->path, strerror(-ret));
		return ret;
	}
	snprintf(res->source, sizeof(res->source), "%s", cfg->name);
	h.has_attrs = !dhb_heap_attrs_open(&h.attrs, cfg->path);
	if (!h.has_attrs ||
	    dhb_heap_attrs_str(&h.attrs, "policy", res->policy, sizeof(res->policy)))
		res->policy[0] = '\0';
	res->rows = calloc(tr->n / cfg->interval + 2, sizeof(*res->rows));
	bufs = malloc((tr->n_slots ? tr->n_slots : 1) * sizeof(*bufs));
	if (!res->rows || !bufs) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out_close;
	}
	for (i = 0; i < tr->n_slots; i++)
		dhb_buf_init(&bufs[i], &inst);
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < tr->n && !(cfg->stop && *cfg->stop); i++) {
		heap_op(&h, &inst, &tr->ops[i], bufs);
		if (++since == cfg->interval) {
			heap_row(&h, tr, i + 1, &res->rows[res->n_rows++]);
			since = 0;
		}
	}
	if (since || !res->n_rows)
		heap_row(&h, tr, i, &res->rows[res->n_rows++]);
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC) - t0;
	res->ops = i;
	res->failed_allocs = h.failed;
	res->skipped_frees = h.skipped;
	res->ops_per_s = t0 ? (double)i * 1e9 / (double)t0 : 0;
	res->runs = 1;
out_close:
	if (bufs) {
		for (i = 0; i < tr->n_slots; i++)
			dhb_buf_release(&bufs[i]);
	}
	free(bufs);
	close(inst.dev_fd);
	if (ret)
		dhb_frag_result_free(res);
	return ret;
}
