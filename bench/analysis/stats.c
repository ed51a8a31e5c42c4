// SPDX-License-Identifier: MIT
// The statistics of compare and track: medians, Mann–Whitney U, p-value adjustment, bootstrap.
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/analysis.h"

#define EXACT_MAX 30   /* exact U distribution up to this many values a side (no ties) */
#define BOOT_N	  2000 /* bootstrap resamples */
#define BOOT_MAXV 4096 /* values a side the bootstrap keeps (more are subsampled) */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double dhb_median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The exact null distribution of U for sizes m and n without ties: the coefficients of the
 * Gaussian binomial [m + n choose m](q) = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), each
 * multiplication and division done in place on the coefficient array. Returns P(U <= u).
 */
static double exact_cdf(size_t m, size_t n, double u)
{
	size_t len = m * n + m + n + 1, i, k, step;
	double *p = calloc(len, sizeof(*p)), total = 0, below = 0;

	if (!p)
		return NAN;
	p[0] = 1;
	for (i = 1; i <= m; i++) {
		step = n + i;
		for (k = len - 1; k >= step; k--)
			p[k] -= p[k - step];
		for (k = i; k < len; k++)
			p[k] += p[k - i];
	}
	for (k = 0; k <= m * n; k++) {
		total += p[k];
		if ((double)k <= u + 1e-9)
			below += p[k];
	}
	free(p);
	return below / total;
}

/* U of @a (pairs where a > b, ties a half), and whether any value ties. */
static double u_stat(const double *a, size_t na, const double *b, size_t nb, bool *ties)
{
	double u = 0;
	size_t i, j;

	*ties = false;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++) {
			if (a[i] > b[j]) {
				u += 1;
			} else if (a[i] == b[j]) {
				u += 0.5;
				*ties = true;
			}
		}
	}
	return u;
}

/* The tie term sum(t^3 - t) over groups of equal values of both sides together. */
static double tie_term(const double *a, size_t na, const double *b, size_t nb)
{
	size_t n = na + nb, i, j;
	double *v = malloc(n * sizeof(*v)), t = 0;

	if (!v)
		return 0;
	memcpy(v, a, na * sizeof(*v));
	memcpy(v + na, b, nb * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		t += pow((double)(j - i), 3) - (double)(j - i);
	}
	free(v);
	return t;
}

/*
 * U of @a and the tie term from ranks (both sides sorted together; ties get their mean rank),
 * O((na + nb) log(na + nb)): for raw samples, where counting pairs would take na * nb steps.
 */
static double u_ranks(const double *a, size_t na, const double *b, size_t nb, double *t)
{
	size_t n = na + nb, i, j, k;
	struct idx_v {
		double v;
		bool a;
	} *x = malloc(n * sizeof(*x));
	double ra = 0, rank;

	*t = 0;
	if (!x)
		return NAN;
	for (i = 0; i < na; i++)
		x[i] = (struct idx_v){a[i], true};
	for (i = 0; i < nb; i++)
		x[na + i] = (struct idx_v){b[i], false};
	qsort(x, n, sizeof(*x), cmp_double); /* the value is the first member */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && x[j].v == x[i].v; j++)
			;
		rank = ((double)i + 1 + (double)j) / 2;
		for (k = i; k < j; k++)
			ra += x[k].a ? rank : 0;
		*t += pow((double)(j - i), 3) - (double)(j - i);
	}
	free(x);
	return ra - (double)na * ((double)na + 1) / 2;
}

double dhb_mann_whitney(const double *a, size_t na, const double *b, size_t nb, bool *exact)
{
	double u, m, n, mu, sd, z, p, t;
	bool ties;

	if (exact)
		*exact = false;
	if (!na || !nb)
		return 1;
	if ((double)na * (double)nb > 1e6) {
		u = u_ranks(a, na, b, nb, &t);
		ties = t > 0;
	} else {
		u = u_stat(a, na, b, nb, &ties);
		t = tie_term(a, na, b, nb); /* ties inside a side count too */
		ties = ties || t > 0;
	}
	m = (double)na;
	n = (double)nb;
	mu = m * n / 2;
	if (!ties && na <= EXACT_MAX && nb <= EXACT_MAX) {
		if (exact)
			*exact = true;
		p = 2 * exact_cdf(na, nb, fmin(u, m * n - u));
		return fmin(p, 1);
	}
	sd = sqrt(m * n / 12 * ((m + n + 1) - t / ((m + n) * (m + n - 1))));
	if (sd <= 0)
		return 1;
	z = (fabs(u - mu) - 0.5) / sd;
	if (z < 0)
		z = 0;
	return fmin(erfc(z / sqrt(2)), 1);
}

struct idx_p {
	size_t i;
	double p;
};

static int cmp_idx_p(const void *a, const void *b)
{
	const struct idx_p *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

int dhb_adjust_p(double *p, size_t n, enum dhb_adjust how)
{
	struct idx_p *v;
	size_t m = 0, i;
	double run;

	if (how == DHB_ADJUST_NONE || !n)
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!isnan(p[i]))
			v[m++] = (struct idx_p){i, p[i]};
	}
	qsort(v, m, sizeof(*v), cmp_idx_p);
	if (how == DHB_ADJUST_HOLM) {
		for (i = 0, run = 0; i < m; i++) {
			run = fmax(run, fmin(1, (double)(m - i) * v[i].p));
			p[v[i].i] = run;
		}
	} else {
		for (i = m, run = 1; i-- > 0;) {
			run = fmin(run, (double)m / (double)(i + 1) * v[i].p);
			p[v[i].i] = fmin(run, 1);
		}
	}
	free(v);
	return 0;
}

/* xorshift64*: a fixed, portable stream for the bootstrap. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static double resampled_median(const double *v, size_t n, double *tmp, uint64_t *s)
{
	size_t i, k = n < BOOT_MAXV ? n : BOOT_MAXV;

	for (i = 0; i < k; i++)
		tmp[i] = v[next(s) % n];
	return dhb_median(tmp, k);
}

double dhb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo, double *hi)
{
	size_t k = (na > nb ? na : nb), i;
	double *tmp, *r, ratio, ma, mb;
	uint64_t s = 0x9e3779b97f4a7c15ull;

	*lo = *hi = NAN;
	if (!na || !nb)
		return NAN;
	tmp = malloc((k < BOOT_MAXV ? k : BOOT_MAXV) * sizeof(*tmp));
	r = malloc(BOOT_N * sizeof(*r));
	if (!tmp || !r) {
		free(tmp);
		free(r);
		return NAN;
	}
	memcpy(tmp, a, na * sizeof(*tmp) > BOOT_MAXV * sizeof(*tmp) ? 0 : na * sizeof(*tmp));
	ma = na <= BOOT_MAXV ? dhb_median(tmp, na) : resampled_median(a, na, tmp, &s);
	memcpy(tmp, b, nb <= BOOT_MAXV ? nb * sizeof(*tmp) : 0);
	mb = nb <= BOOT_MAXV ? dhb_median(tmp, nb) : resampled_median(b, nb, tmp, &s);
	ratio = mb / ma;
	for (i = 0; i < BOOT_N; i++)
		r[i] = resampled_median(b, nb, tmp, &s) / resampled_median(a, na, tmp, &s);
	qsort(r, BOOT_N, sizeof(*r), cmp_double);
	*lo = r[(size_t)(0.025 * BOOT_N)];
	*hi = r[(size_t)(0.975 * BOOT_N) - 1];
	free(tmp);
	free(r);
	return ratio;
}

const char *dhb_verdict_name(enum dhb_verdict v)
{
	static const char *const names[] = {"not enough data", "no change", "regression",
					    "improvement"};

	return names[v];
}

const char *dhb_adjust_name(enum dhb_adjust a)
{
	static const char *const names[] = {"Benjamini-Hochberg", "Holm", "none"};

	return names[a];
}
