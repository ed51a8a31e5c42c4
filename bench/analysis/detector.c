// SPDX-License-Identifier: MIT
// The detector benchmark: resampled real run-level medians, known shifts, power and false alarms.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"
#include "dhb/sink.h"

/*
 * How the detector is measured (results/COMPARE.md, "Detector benchmark", says the same)
 * ----------------------------------------------------------------------------------------
 * The pool is one set of real runs (e.g. one kernel's 9 lab boots): per key its run-level
 * medians. A trial of family F (board, test, metric; primary keys with at least 3 values) with
 * R repetitions draws, for every key of F, R base and R new values by a smoothed bootstrap of
 * the key's pool (a value drawn with replacement, times 1 + h * N(0, 1), h Silverman's
 * bandwidth of the pool's relative spread: plain resampling of 9 values would make ties that
 * real runs do not have), shifts the new values of one key (round robin over the trials) by
 * the shift in the worse direction (x (1 + s) when lower is better, / (1 + s) for MB/s), and
 * judges every key as compare does: Mann–Whitney U, the correction within F, alpha, minimum
 * effect and 3 x the timer overhead. Power: the shifted key found as a regression. False
 * alarms: any verdict other than "no change" on a key that was not shifted, per key and trial
 * (so "per metric").
 */

struct dobs {
	char *family, *key; /* family: board \x1f test \x1f metric; key: the whole key */
	double v, tov;
	bool higher_better;
};

struct dhb_det_priv {
	struct dobs *o;
	size_t n, cap;
};

int dhb_det_init(struct dhb_det *d, const struct dhb_det_params *p)
{
	memset(d, 0, sizeof(*d));
	d->params = *p;
	d->priv = calloc(1, sizeof(*d->priv));
	return d->priv ? 0 : -ENOMEM;
}

int dhb_det_add(struct dhb_det *d, const struct dhb_cmp_obs *o)
{
	struct dhb_det_priv *p = d->priv;
	struct dobs *x;

	if (strchr(o->metric, '.') || !isfinite(o->value))
		return 0; /* counter rows are not primary metrics */
	if (p->n == p->cap) {
		x = realloc(p->o, (p->cap ? p->cap * 2 : 1024) * sizeof(*x));
		if (!x)
			return -ENOMEM;
		p->o = x;
		p->cap = p->cap ? p->cap * 2 : 1024;
	}
	x = &p->o[p->n];
	if (asprintf(&x->family, "%s\x1f%s\x1f%s", o->board, o->test, o->metric) < 0)
		return -ENOMEM;
	if (asprintf(&x->key, "%s\x1f%s\x1f%s\x1f%020" PRIu64 "\x1f%s", o->heap, o->backend,
		     o->params, o->size_bytes, x->family) < 0) {
		free(x->family);
		return -ENOMEM;
	}
	x->v = o->value;
	x->tov = strcmp(o->unit, "ns")
			 ? NAN
			 : o->timer_overhead_ns; /* the rule is for ns, as compare's */
	x->higher_better = !strcmp(o->unit, "MB/s");
	p->n++;
	return 0;
}

static int cmp_dobs(const void *a, const void *b)
{
	const struct dobs *x = a, *y = b;
	int d = strcmp(x->family, y->family);

	return d ? d : strcmp(x->key, y->key);
}

/* xorshift64* and a normal deviate (Box–Muller), a fixed stream for reproducible figures. */
static double uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return ((*s * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(uint64_t *s)
{
	double u = uniform(s), v = uniform(s);

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

/* One key of a family: its pool of values and what the verdict needs. */
struct dkey {
	const double *pool;
	size_t n;
	double h, tov, med;
	bool higher_better;
};

/* R smoothed bootstrap draws of @k into @out, times @factor. */
static void draw(const struct dkey *k, size_t r, double factor, double *out, uint64_t *s)
{
	size_t i;

	for (i = 0; i < r; i++)
		out[i] = k->pool[(size_t)(uniform(s) * (double)k->n) % k->n] *
			 (1 + k->h * normal(s)) * factor;
}

/* The relative bandwidth of a pool (Silverman: 0.9 min(sd, IQR / 1.34) n^-1/5, over median). */
static double bandwidth(const double *v, size_t n)
{
	double *t = malloc(n * sizeof(*t)), m = 0, sd = 0, iqr, med, h;
	size_t i;

	if (!t)
		return 0;
	memcpy(t, v, n * sizeof(*t));
	med = dhb_median(t, n); /* sorts t */
	for (i = 0; i < n; i++)
		m += t[i] / (double)n;
	for (i = 0; i < n; i++)
		sd += (t[i] - m) * (t[i] - m) / (double)(n > 1 ? n - 1 : 1);
	iqr = t[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1] - t[n / 4];
	h = 0.9 * fmin(sqrt(sd), iqr > 0 ? iqr / 1.34 : sqrt(sd)) * pow((double)n, -0.2);
	free(t);
	return med > 0 ? h / med : 0;
}

/* One trial of a family of @nk keys, key @shifted shifted; counts into @fr. */
static int trial(const struct dhb_det *d, const struct dkey *k, size_t nk, size_t shifted,
		 struct dhb_det_family *fr, double *p, double *ratio, double *diff, uint64_t *s)
{
	size_t r = d->params.repetitions, i;
	double a[64], b[64], f, ma, mb;
	bool over, below;
	int ret;

	for (i = 0; i < nk; i++) {
		f = i != shifted	 ? 1
		    : k[i].higher_better ? 1 / (1 + d->params.shift)
					 : 1 + d->params.shift;
		draw(&k[i], r, 1, a, s);
		draw(&k[i], r, f, b, s);
		p[i] = dhb_mann_whitney(a, r, b, r, NULL);
		ma = dhb_median(a, r);
		mb = dhb_median(b, r);
		ratio[i] = mb / ma;
		diff[i] = fabs(mb - ma);
	}
	ret = dhb_adjust_p(p, nk, d->params.cmp.adjust);
	/* a shift no larger than the timer rule's floor cannot be found, whatever the spread */
	f = k[shifted].higher_better ? 1 - 1 / (1 + d->params.shift) : d->params.shift;
	below = isfinite(k[shifted].tov) &&
		k[shifted].med * f <= d->params.cmp.timer_factor * k[shifted].tov;
	for (i = 0; i < nk && !ret; i++) {
		over = isnan(k[i].tov) || diff[i] > d->params.cmp.timer_factor * k[i].tov;
		if (p[i] < d->params.cmp.alpha && fabs(ratio[i] - 1) >= d->params.cmp.min_effect &&
		    over) {
			if (i != shifted)
				fr->false_alarms++;
			else if ((ratio[i] > 1) != k[i].higher_better)
				fr->detected++, fr->floor_detected += below;
		}
	}
	fr->null_tests += nk - 1;
	fr->trials++;
	fr->floor_trials += below;
	return ret;
}

/* The keys of one family (o[first..end)) into @k with their pools in @vals; their number. */
static size_t family_keys(const struct dhb_det_priv *p, size_t first, size_t end, double *vals,
			  struct dkey *k)
{
	size_t i, j, nk = 0, m;

	for (i = first; i < end; i = j) {
		for (j = i; j < end && !strcmp(p->o[j].key, p->o[i].key); j++)
			vals[j] = p->o[j].v;
		m = j - i;
		if (m < 3)
			continue;
		k[nk] = (struct dkey){vals + i,
				      m,
				      bandwidth(vals + i, m),
				      p->o[i].tov,
				      dhb_median(vals + i, m),
				      p->o[i].higher_better};
		for (; i < j; i++) /* the largest timer overhead of the key's runs */
			if (isfinite(p->o[i].tov) && !(p->o[i].tov <= k[nk].tov))
				k[nk].tov = p->o[i].tov;
		nk++;
	}
	return nk;
}

static int run_family(struct dhb_det *d, size_t first, size_t end, double *vals, struct dkey *k,
		      double *scratch, uint64_t *seed)
{
	struct dhb_det_priv *p = d->priv;
	struct dhb_det_family *fr = &d->families[d->n_families];
	size_t nk = family_keys(p, first, end, vals, k), t;
	char *s;
	int ret = 0;

	if (!nk)
		return 0;
	memset(fr, 0, sizeof(*fr));
	fr->name = strdup(p->o[first].family);
	if (!fr->name)
		return -ENOMEM;
	s = strchr(fr->name, '\x1f'); /* "BOARD\x1fTEST/METRIC" */
	for (s = s ? strchr(s + 1, '\x1f') : NULL; s; s = strchr(s, '\x1f'))
		*s = '/';
	fr->keys = nk;
	d->n_families++;
	for (t = 0; t < d->params.trials && !ret; t++)
		ret = trial(d, k, nk, t % nk, fr, scratch, scratch + nk, scratch + 2 * nk, seed);
	return ret;
}

int dhb_det_run(struct dhb_det *d)
{
	struct dhb_det_priv *p = d->priv;
	size_t n = p->n ? p->n : 1, i, j;
	double *vals = malloc(n * sizeof(*vals)), *scratch = malloc(3 * n * sizeof(*scratch));
	struct dkey *k = malloc(n * sizeof(*k));
	uint64_t seed = d->params.seed ? d->params.seed : 0x9e3779b97f4a7c15ull;
	int ret = 0;

	if (d->params.repetitions < 3 || d->params.repetitions > DHB_DET_MAX_REPS)
		ret = -EINVAL;
	d->families = calloc(n, sizeof(*d->families));
	if (!vals || !scratch || !k || !d->families)
		ret = -ENOMEM;
	if (!ret && p->n)
		qsort(p->o, p->n, sizeof(*p->o), cmp_dobs);
	for (i = 0; i < p->n && !ret; i = j) {
		for (j = i; j < p->n && !strcmp(p->o[j].family, p->o[i].family); j++)
			;
		ret = run_family(d, i, j, vals, k, scratch, &seed);
	}
	free(vals);
	free(scratch);
	free(k);
	return ret;
}

void dhb_det_total(const struct dhb_det *d, struct dhb_det_family *all)
{
	size_t i;

	memset(all, 0, sizeof(*all));
	all->name = "all primary families";
	for (i = 0; i < d->n_families; i++) {
		all->keys += d->families[i].keys;
		all->trials += d->families[i].trials;
		all->detected += d->families[i].detected;
		all->false_alarms += d->families[i].false_alarms;
		all->null_tests += d->families[i].null_tests;
		all->floor_trials += d->families[i].floor_trials;
		all->floor_detected += d->families[i].floor_detected;
	}
}

void dhb_det_free(struct dhb_det *d)
{
	size_t i;

	for (i = 0; d->priv && i < d->priv->n; i++) {
		free(d->priv->o[i].family);
		free(d->priv->o[i].key);
	}
	for (i = 0; i < d->n_families; i++)
		free(d->families[i].name);
	if (d->priv)
		free(d->priv->o);
	free(d->priv);
	free(d->families);
	memset(d, 0, sizeof(*d));
}

/* The columns of the detector benchmark's CSV (results/COMPARE.md). */
enum {
	D_BOARD,
	D_FAMILY,
	D_KEYS,
	D_REPS,
	D_SHIFT,
	D_TRIALS,
	D_POWER,
	D_DETECTED,
	D_FLOOR_TRIALS,
	D_POWER_ABOVE,
	D_FA_RATE,
	D_FA,
	D_NULL
};

static const struct dhb_out_col det_columns[] = {
	[D_BOARD] = {"board", DHB_OUT_TEXT},
	[D_FAMILY] = {"family", DHB_OUT_TEXT},
	[D_KEYS] = {"keys", DHB_OUT_NUM},
	[D_REPS] = {"repetitions", DHB_OUT_NUM},
	[D_SHIFT] = {"shift", DHB_OUT_NUM},
	[D_TRIALS] = {"trials", DHB_OUT_NUM},
	[D_POWER] = {"power", DHB_OUT_NUM},
	[D_DETECTED] = {"detected", DHB_OUT_NUM},
	[D_FLOOR_TRIALS] = {"trials_below_floor", DHB_OUT_NUM},
	[D_POWER_ABOVE] = {"power_above_floor", DHB_OUT_NUM},
	[D_FA_RATE] = {"false_alarm_rate", DHB_OUT_NUM},
	[D_FA] = {"false_alarms", DHB_OUT_NUM},
	[D_NULL] = {"null_tests", DHB_OUT_NUM},
};

#define DET_NCOLS (sizeof(det_columns) / sizeof(det_columns[0]))

size_t dhb_det_ncolumns(void)
{
	return DET_NCOLS;
}

const char *dhb_det_column(size_t i)
{
	return i < DET_NCOLS ? det_columns[i].name : NULL;
}

/* The lines of a benchmark: one per family, then the one of all primary families. */
struct det_lines {
	const struct dhb_det *d;
	struct dhb_det_family all;
};

static const struct dhb_det_family *det_family(const struct det_lines *x, size_t i)
{
	return i < x->d->n_families ? &x->d->families[i] : &x->all;
}

static double ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : NAN;
}

/* The family's name without its board ("TEST/METRIC"), and the board's length. */
static const char *det_name(const struct dhb_det_family *f, int *blen)
{
	const char *sep = strchr(f->name, '\x1f');

	*blen = sep ? (int)(sep - f->name) : 0;
	return sep ? sep + 1 : f->name;
}

/* Column @j of line @i of the CSV (numbers as the results files write them). */
static const char *det_cell(const void *ctx, size_t i, size_t j, char *buf, size_t len)
{
	const struct det_lines *x = ctx;
	const struct dhb_det_family *f = det_family(x, i);
	const double v[] = {
		[D_KEYS] = (double)f->keys,
		[D_REPS] = (double)x->d->params.repetitions,
		[D_SHIFT] = x->d->params.shift,
		[D_TRIALS] = (double)f->trials,
		[D_POWER] = ratio(f->detected, f->trials),
		[D_DETECTED] = (double)f->detected,
		[D_FLOOR_TRIALS] = (double)f->floor_trials,
		[D_POWER_ABOVE] =
			ratio(f->detected - f->floor_detected, f->trials - f->floor_trials),
		[D_FA_RATE] = ratio(f->false_alarms, f->null_tests),
		[D_FA] = (double)f->false_alarms,
		[D_NULL] = (double)f->null_tests,
	};
	const char *fam;
	int blen;

	fam = det_name(f, &blen);
	if (j == D_FAMILY)
		return fam;
	if (j == D_BOARD) {
		snprintf(buf, len, "%.*s", blen, f->name);
		return buf;
	}
	return dhb_out_number(v[j], buf, len);
}

static void det_table_line(const struct dhb_det *d, const struct dhb_det_family *f, FILE *fp)
{
	int blen;

	fprintf(fp, "%-34s %5zu %4zu %6zu %7.3f %6zu %7.3f %9.4f\n", det_name(f, &blen), f->keys,
		d->params.repetitions, f->trials, ratio(f->detected, f->trials), f->floor_trials,
		ratio(f->detected - f->floor_detected, f->trials - f->floor_trials),
		ratio(f->false_alarms, f->null_tests));
}

void dhb_det_write(const struct dhb_det *d, bool csv, bool header, FILE *fp)
{
	struct det_lines x = {.d = d};
	const struct dhb_out o = {det_columns, DET_NCOLS, d->n_families + 1, det_cell, &x};
	size_t i;

	dhb_det_total(d, &x.all);
	if (csv) {
		dhb_out_csv(&o, header, fp);
		return;
	}
	if (header)
		fprintf(fp, "%-34s %5s %4s %6s %7s %6s %7s %9s\n", "family (test/metric)", "keys",
			"reps", "trials", "power", "floor", "above", "false alarms");
	for (i = 0; i < o.nrows; i++)
		det_table_line(d, det_family(&x, i), fp);
}
