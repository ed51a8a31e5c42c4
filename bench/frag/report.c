// SPDX-License-Identifier: MIT
// Output of fragmentation replays: CSV rows over time (heaps-ref/TRACE.md) and the summary table.
#include <inttypes.h>
#include <string.h>

#include "dhb/frag.h"

void dhb_frag_csv_header(FILE *fp)
{
	dhb_sink_csv_names(fp, 0, dhb_sink_nrun_columns());
	fputs(",source,policy,op_index,time_ns,live_allocs,requested,used,free,free_extents,"
	      "largest_free,ext_frag,utilisation,trace_utilisation,failed_allocs,skipped_frees,"
	      "alloc_lat_n,alloc_lat_mean_ns,alloc_lat_max_ns\n",
	      fp);
}

void dhb_frag_csv_rows(const struct dhb_frag_result *res, const struct dhb_run_info *run, FILE *fp)
{
	size_t i;

	for (i = 0; i < res->n_rows; i++) {
		const struct dhb_frag_row *r = &res->rows[i];

		dhb_sink_csv_cells(fp, run, NULL, 0, dhb_sink_nrun_columns());
		putc(',', fp);
		dhb_sink_csv_field(fp, res->source);
		putc(',', fp);
		dhb_sink_csv_field(fp, res->policy);
		fprintf(fp, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", r->op_index,
			r->time_ns, r->live_allocs, r->requested);
		if (r->has_stats)
			fprintf(fp, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,",
				r->st.used, r->st.free, r->st.free_extents, r->st.largest_free,
				(double)r->st.ext_frag_ppm / DHR_PPM);
		else
			fputs(",,,,,", fp);
		fprintf(fp, "%.6f,%.6f,%" PRIu64 ",%" PRIu64 ",", r->utilisation,
			r->trace_utilisation, r->failed_allocs, r->skipped_frees);
		if (r->lat_n)
			fprintf(fp, "%" PRIu64 ",%.0f,%.0f\n", r->lat_n, r->lat_mean_ns,
				r->lat_max_ns);
		else
			fputs(",,\n", fp);
	}
}

static void fmt_frag(char *buf, size_t len, bool have, double v)
{
	if (have)
		snprintf(buf, len, "%.4f", v);
	else
		snprintf(buf, len, "-");
}

/* Rates as "5.12M"; heaps are slow enough for plain numbers. */
static void fmt_rate(char *buf, size_t len, double v)
{
	if (v <= 0)
		snprintf(buf, len, "-");
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else
		snprintf(buf, len, "%.0f", v);
}

void dhb_frag_summary(const struct dhb_frag_result *res, size_t n, double util, FILE *fp)
{
	char peak[16], fin[16], mean[16], rate[16], lat[24], hdr[32];
	size_t k, i;

	snprintf(hdr, sizeof(hdr), "mean@util>=%.2f", util);
	fprintf(fp, "%-10s %-10s %10s %8s %8s %9s %9s %15s %10s %12s\n", "source", "policy", "ops",
		"failed", "skipped", "frag_peak", "frag_end", hdr, "ops/s", "alloc_lat");
	for (k = 0; k < n; k++) {
		const struct dhb_frag_result *r = &res[k];
		double pk = 0, sum = 0, lat_sum = 0;
		uint64_t n_at = 0, lat_n = 0;
		bool stats = false;

		for (i = 0; i < r->n_rows; i++) {
			const struct dhb_frag_row *w = &r->rows[i];
			double f = (double)w->st.ext_frag_ppm / DHR_PPM;

			lat_sum += w->lat_mean_ns * (double)w->lat_n;
			lat_n += w->lat_n;
			if (!w->has_stats)
				continue;
			stats = true;
			pk = f > pk ? f : pk;
			if (w->trace_utilisation >= util) {
				sum += f;
				n_at++;
			}
		}
		fmt_frag(peak, sizeof(peak), stats, pk);
		fmt_frag(fin, sizeof(fin), r->n_rows && r->rows[r->n_rows - 1].has_stats,
			 r->n_rows ? (double)r->rows[r->n_rows - 1].st.ext_frag_ppm / DHR_PPM : 0);
		fmt_frag(mean, sizeof(mean), n_at, n_at ? sum / (double)n_at : 0);
		fmt_rate(rate, sizeof(rate), r->ops_per_s);
		if (lat_n)
			snprintf(lat, sizeof(lat), "%.1fus", lat_sum / (double)lat_n / 1e3);
		else
			snprintf(lat, sizeof(lat), "-");
		fprintf(fp,
			"%-10s %-10s %10" PRIu64 " %8" PRIu64 " %8" PRIu64
			" %9s %9s %15s %10s %12s\n",
			r->source, *r->policy ? r->policy : "-", r->ops, r->failed_allocs,
			r->skipped_frees, peak, fin, mean, rate, lat);
	}
}
