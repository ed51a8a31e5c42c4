// SPDX-License-Identifier: MIT
// Plot colours: one per heap in every figure of a session, from its name.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_priv.h"

/*
 * The palette: Paul Tol's and Okabe and Ito's colour-blind-safe colours that read on white,
 * without black and grey (the reference lines' colours).
 */
static const uint32_t palette[PLOT_NCOLOURS] = {
	0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7, 0xe69f00, 0x56b4e9,
	0x882255, 0x44aa99, 0x999933, 0x332288, 0xaa4499, 0x117733,
};

/* Append @key to the keys: 0 or -ENOMEM. */
static int key_add(const char ***keys, size_t *n, size_t *cap, const char *key)
{
	if (!key)
		return -ENOMEM;
	if (plot_grow((void **)keys, cap, *n, sizeof(**keys)))
		return -ENOMEM;
	(*keys)[(*n)++] = key;
	return 0;
}

/*
 * The colour keys of one pool of the session: heaps (@frag false: the heaps of every input, not
 * only of the figures asked for, so --plots and --metric change no colour) or frag's sources
 * and policies (@frag true), which never share a figure with a heap; and every key of the
 * figures of the pool.
 */
static int colour_keys(struct dhb_plot *p, bool frag, const char ***keys, size_t *n)
{
	size_t cap = 0, i, j;
	char buf[256];
	bool baseline;
	int ret = 0;

	*keys = NULL;
	*n = 0;
	for (i = 0; i < p->n_rows && !ret && !frag; i++) {
		if (plot_without_baseline(p, p->rows[i].key.params, &baseline) && !baseline)
			ret = key_add(keys, n, &cap, p->rows[i].key.heap);
	}
	for (i = 0; i < p->n_groups && !ret && !frag; i++) {
		if (plot_without_baseline(p, p->groups[i].key.params, &baseline) && !baseline)
			ret = key_add(keys, n, &cap, p->groups[i].key.heap);
	}
	for (i = 0; i < p->n_cmp && !ret && !frag; i++) {
		if (plot_without_baseline(p, p->cmp[i].params, &baseline) && !baseline)
			ret = key_add(keys, n, &cap, p->cmp[i].heap);
	}
	for (i = 0; i < p->n_frag && !ret && frag; i++) {
		plot_frag_label(p->frag[i].source, p->frag[i].policy, buf, sizeof(buf));
		ret = key_add(keys, n, &cap, plot_intern(p, buf));
	}
	for (i = 0; i < p->n_figs && !ret; i++) {
		for (j = 0; j < p->figs[i].n_series && !ret; j++) {
			if (p->figs[i].series[j].colour_key &&
			    (p->figs[i].kind == DHB_PLOT_FRAG) == frag)
				ret = key_add(keys, n, &cap, p->figs[i].series[j].colour_key);
		}
	}
	return ret;
}

/*
 * Every colour key of a pool, in name order, takes the palette colour its hash names, or the
 * next free one; past 12 keys colours repeat. So one heap has one colour in every figure of the
 * session, and the same one across sessions unless another name took it first.
 */
static int assign_pool(struct dhb_plot *p, bool frag)
{
	bool used[PLOT_NCOLOURS] = {false};
	size_t n, i, j, u = 0;
	const char **keys;
	uint32_t *col;

	if (colour_keys(p, frag, &keys, &n)) {
		free(keys);
		return -ENOMEM;
	}
	if (n)
		qsort(keys, n, sizeof(*keys), plot_str_cmp);
	for (i = 0; i < n; i++) {
		if (!u || strcmp(keys[u - 1], keys[i]))
			keys[u++] = keys[i];
	}
	col = calloc(u ? u : 1, sizeof(*col));
	if (!col) {
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < u; i++) {
		size_t c = plot_hash(keys[i]) % PLOT_NCOLOURS, tries;

		if (i % PLOT_NCOLOURS == 0 && i)
			memset(used, 0, sizeof(used));
		for (tries = 0; used[c] && tries < PLOT_NCOLOURS; tries++)
			c = (c + 1) % PLOT_NCOLOURS;
		used[c] = true;
		col[i] = palette[c];
	}
	for (i = 0; i < p->n_figs; i++) {
		for (j = 0; j < p->figs[i].n_series && (p->figs[i].kind == DHB_PLOT_FRAG) == frag;
		     j++) {
			struct pseries *s = &p->figs[i].series[j];
			const char **k;

			if (!s->colour_key)
				continue;
			k = bsearch(&s->colour_key, keys, u, sizeof(*keys), plot_str_cmp);
			s->colour = k ? col[k - keys] : 0;
		}
	}
	free(col);
	free(keys);
	return 0;
}

/* The heaps' colours, and frag's sources' and policies' in a pool of their own. */
int plot_assign_colours(struct dhb_plot *p)
{
	int ret = assign_pool(p, false);

	return ret ? ret : assign_pool(p, true);
}
