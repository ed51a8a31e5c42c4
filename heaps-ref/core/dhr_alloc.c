// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Allocator core of the reference dma-buf heap: best-fit, first-fit and buddy placement. */

/*
 * Data structures and bounds. n is the number of free extents (buddy: free blocks), m the number
 * of live blocks, L = log2(region / granule) + 1 <= 64 the number of buddy orders. Trees are the
 * AVL trees of dhr_avl.h: height <= 1.44 log2(size + 2), iterative walks.
 *
 * Fit policies: the region is tiled by segments, each a live block or a free extent, in one tree.
 *   segs:    ordered by start; augmented with the longest free segment in each subtree (a live
 *            block counts 0). It finds the block to free, and its neighbours to coalesce with
 *            are its in-order predecessor and successor, so coalescing needs no search; it finds
 *            the first fit, and its root holds the largest free extent.
 *   by_size: best fit only; the free segments ordered by (length, start), augmented with the
 *            lowest start in each subtree.
 * A request of len bytes aligned to align and ending at or below limit fits the extent [s, e) iff
 * roundup(s, align) + len <= min(e, limit). The limit side is exact and monotone in s: it holds
 * iff s <= top = rounddown(limit - len, align). The alignment side is monotone only beyond
 * sure = len + align - granule: an extent at least that long fits whenever s <= top.
 *   Best fit walks by_size in order from the first extent of length >= len, skipping every subtree
 *   whose lowest start is above top (so the maximum address costs no scanning), and stops at the
 *   first extent that fits; any extent of length >= sure does.
 *   First fit walks segs in address order, skipping subtrees with no free segment of length >=
 *   len, and stops at the first fit or past top.
 * Bounds: allocation is O(log(n + m)) when the first candidate fits, which is always the case
 * when align is the granule; in general O((k + 1) log(n + m)), where k counts the extents passed
 * over because their length lies in [len, sure) but their misaligned start leaves too little room.
 * That is the one case that degrades (k is 0 unless align > granule). Placing the block updates at
 * most two extents and links at most two segments next to a known one. The block goes at the
 * lowest aligned address of its extent; the part below stays free. Free is O(log(n + m)): find
 * the segment, merge with free neighbours.
 *
 * Buddy: one tree per order of free blocks, ordered by address (its first node is the lowest
 * block, the one that best meets a maximum address), and live blocks in allocs. Blocks are
 * aligned to their size in absolute addresses, so a block's buddy is at start ^ size and the
 * region may start anywhere on a granule and have any size: init covers it greedily with the
 * largest aligned blocks that fit. Allocation takes the lowest block of the smallest order that
 * can hold the request below the limit and splits it: O(L log n + log m). Free merges with free
 * buddies: O(L log n + log m).
 *
 * Metadata nodes come from the caller's callbacks, and all that an operation needs are taken
 * before anything changes, so that a failed allocation leaves the state intact. Nothing here
 * locks or uses floating point, and nothing sleeps unless the node callbacks do.
 */

#include "dhr_shim.h"
#include "dhr_avl.h"
#include "dhr_alloc.h"

/*
 * One metadata node. Fit policies: a segment, linked in segs, and, while free under best fit, in
 * by_size. Buddy: a live block (in allocs) or a free block (in order[k]).
 */
struct dhr_node {
	struct dhr_avl link;	  /* segs, allocs or order[k]: key start */
	struct dhr_avl size_link; /* by_size: key (len, start), val start */
	u64 start;
	u64 len;
	u64 req; /* bytes requested for a live block; 0 for free space */
};

#define NODE(p)	  container_of(p, struct dhr_node, link)
#define NODE_S(p) container_of(p, struct dhr_node, size_link)

static inline bool seg_free(const struct dhr_node *s)
{
	return !s->req;
}

static inline u64 add_sat(u64 x, u64 y)
{
	return x > U64_MAX - y ? U64_MAX : x + y;
}

static inline u64 align_up(u64 x, u64 align)
{
	return (x + align - 1) & ~(align - 1);
}

/* ---- nodes ------------------------------------------------------------------------------- */

static struct dhr_node *node_get(struct dhr_alloc *a)
{
	return a->ops.alloc_node(a->ops.ctx, sizeof(struct dhr_node));
}

static void node_put(struct dhr_alloc *a, struct dhr_node *n)
{
	a->ops.free_node(a->ops.ctx, n);
}

/* Give back every node of a tree linked by link, without recursion. */
static void tree_release(struct dhr_alloc *a, struct dhr_avl **root)
{
	struct dhr_avl *n = *root;

	while (n) {
		struct dhr_avl *p;

		if (n->left) {
			n = n->left;
			continue;
		}
		if (n->right) {
			n = n->right;
			continue;
		}
		p = n->parent;
		if (p && p->left == n)
			p->left = NULL;
		else if (p)
			p->right = NULL;
		node_put(a, NODE(n));
		n = p;
	}
	*root = NULL;
}

/* The node of a start-keyed tree (segs, allocs, order[k]) that starts at @start, or NULL. */
static struct dhr_node *node_find(struct dhr_avl *n, u64 start)
{
	while (n) {
		u64 s = NODE(n)->start;

		if (start == s)
			return NODE(n);
		n = start < s ? n->left : n->right;
	}
	return NULL;
}

/* Insert into a start-keyed tree without augmentation (allocs, order[k]). */
static void blk_insert(struct dhr_avl **root, struct dhr_node *b)
{
	struct dhr_avl **link = root, *parent = NULL;

	while (*link) {
		parent = *link;
		link = b->start < NODE(parent)->start ? &parent->left : &parent->right;
	}
	b->link.val = 0;
	avl_link(root, &b->link, parent, link, AUG_NONE);
}

/* ---- fit policies ------------------------------------------------------------------------ */

static inline bool size_less(const struct dhr_node *x, const struct dhr_node *y)
{
	return x->len < y->len || (x->len == y->len && x->start < y->start);
}

static void size_insert(struct dhr_alloc *a, struct dhr_node *e)
{
	struct dhr_avl **link = &a->by_size, *parent = NULL;

	if (a->policy != DHR_POLICY_BEST_FIT)
		return;
	while (*link) {
		parent = *link;
		link = size_less(e, NODE_S(parent)) ? &parent->left : &parent->right;
	}
	e->size_link.val = e->start;
	avl_link(&a->by_size, &e->size_link, parent, link, AUG_MIN);
}

static void size_erase(struct dhr_alloc *a, struct dhr_node *e)
{
	if (a->policy == DHR_POLICY_BEST_FIT)
		avl_erase(&a->by_size, &e->size_link, AUG_MIN);
}

/* @s's length or state changed, not its place: refresh its value in segs. */
static void seg_refresh(struct dhr_node *s)
{
	s->link.val = seg_free(s) ? s->len : 0;
	avl_propagate(&s->link, AUG_MAX);
}

/* Whether [roundup(start, align), + len) ends inside @e; @e's start must be <= top. */
static inline bool ext_fits(const struct dhr_node *e, u64 len, u64 align)
{
	return align_up(e->start, align) + len <= e->start + e->len;
}

static struct dhr_node *fit_best(const struct dhr_alloc *a, u64 len, u64 align, u64 top)
{
	u64 sure = add_sat(len, align - a->granule);
	struct dhr_avl *n = a->by_size, *x = NULL;

	/* x = the first extent of length >= len */
	while (n) {
		if (NODE_S(n)->len >= len) {
			x = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	for (x = avl_next_match(x, top, AUG_MIN); x;
	     x = avl_next_match(avl_next(x), top, AUG_MIN)) {
		struct dhr_node *e = NODE_S(x);

		if (e->len >= sure || ext_fits(e, len, align))
			return e;
	}
	return NULL;
}

static struct dhr_node *fit_first(const struct dhr_alloc *a, u64 len, u64 align, u64 top)
{
	u64 sure = add_sat(len, align - a->granule);
	struct dhr_avl *x;

	if (!a->segs || a->segs->aug < len)
		return NULL;
	for (x = avl_subtree_first(a->segs, len, AUG_MAX); x;
	     x = avl_next_match(avl_next(x), len, AUG_MAX)) {
		struct dhr_node *e = NODE(x);

		if (e->start > top)
			return NULL;
		if (e->len >= sure || ext_fits(e, len, align))
			return e;
	}
	return NULL;
}

static int fit_alloc(struct dhr_alloc *a, u64 len, u64 align, u64 top, u64 req, u64 *addr)
{
	struct dhr_node *e, *b, *t = NULL;
	u64 at, head, tail;

	e = a->policy == DHR_POLICY_BEST_FIT ? fit_best(a, len, align, top)
					     : fit_first(a, len, align, top);
	if (!e)
		return -ENOMEM;
	at = align_up(e->start, align);
	head = at - e->start;
	tail = e->start + e->len - (at + len);

	if (!head && !tail) { /* the whole extent becomes the block */
		size_erase(a, e);
		a->free_extents--;
		e->req = req;
		seg_refresh(e);
		goto out;
	}
	b = node_get(a);
	if (!b)
		return -ENOMEM;
	if (head && tail) {
		t = node_get(a);
		if (!t) {
			node_put(a, b);
			return -ENOMEM;
		}
	}
	size_erase(a, e);
	b->start = at;
	b->len = len;
	b->req = req;
	b->link.val = 0;
	if (!head) { /* e keeps the tail, the block goes before it */
		e->start = at + len;
		e->len = tail;
		seg_refresh(e);
		avl_link_before(&a->segs, &e->link, &b->link, AUG_MAX);
	} else { /* e keeps the head; the block, and any tail, go after it */
		e->len = head;
		seg_refresh(e);
		avl_link_after(&a->segs, &e->link, &b->link, AUG_MAX);
		if (t) {
			t->start = at + len;
			t->len = tail;
			t->req = 0;
			t->link.val = tail;
			avl_link_after(&a->segs, &b->link, &t->link, AUG_MAX);
			size_insert(a, t);
			a->free_extents++;
		}
	}
	size_insert(a, e);
out:
	a->used += len;
	*addr = at;
	return 0;
}

/* Make the live segment @b free, merging it with free neighbours. */
static void fit_free(struct dhr_alloc *a, struct dhr_node *b)
{
	struct dhr_avl *pl = avl_prev(&b->link), *nl = avl_next(&b->link);
	struct dhr_node *prev = pl && seg_free(NODE(pl)) ? NODE(pl) : NULL;
	struct dhr_node *next = nl && seg_free(NODE(nl)) ? NODE(nl) : NULL;

	b->req = 0;
	if (prev) {
		size_erase(a, prev);
		avl_erase(&a->segs, &b->link, AUG_MAX); /* its value is still 0 */
		prev->len += b->len;
		node_put(a, b);
		b = prev;
	} else {
		a->free_extents++;
	}
	if (next) {
		size_erase(a, next);
		avl_erase(&a->segs, &next->link, AUG_MAX);
		b->len += next->len;
		node_put(a, next);
		a->free_extents--;
	}
	seg_refresh(b);
	size_insert(a, b);
}

/* ---- buddy ------------------------------------------------------------------------------- */

/* The smallest order whose blocks hold @bytes (a nonzero multiple of the granule). */
static unsigned int buddy_order(const struct dhr_alloc *a, u64 bytes)
{
	u64 units = bytes >> a->granule_shift;

	return units <= 1 ? 0 : dhr_log2_64(units - 1) + 1;
}

static void buddy_put(struct dhr_alloc *a, struct dhr_node *b, u64 start, unsigned int order)
{
	b->start = start;
	b->len = a->granule << order;
	b->req = 0;
	blk_insert(&a->order[order], b);
	a->free_extents++;
}

static int buddy_alloc(struct dhr_alloc *a, u64 len, u64 align, u64 limit, u64 req, u64 *addr)
{
	unsigned int k = buddy_order(a, len), ka = buddy_order(a, align), j, i;
	struct dhr_node *b = NULL, *spare = NULL, *n;
	u64 bsize;

	if (ka > k)
		k = ka;
	if (k > a->max_order)
		return -ENOMEM;
	bsize = a->granule << k;
	for (j = k; j <= a->max_order; j++) {
		struct dhr_avl *lo = avl_first(a->order[j]);

		if (lo && NODE(lo)->start + bsize <= limit) {
			b = NODE(lo);
			break;
		}
	}
	if (!b)
		return -ENOMEM;
	/* one node per split, chained through link.left until used */
	for (i = k; i < j; i++) {
		n = node_get(a);
		if (!n) {
			while (spare) {
				n = spare;
				spare = spare->link.left ? NODE(spare->link.left) : NULL;
				node_put(a, n);
			}
			return -ENOMEM;
		}
		n->link.left = spare ? &spare->link : NULL;
		spare = n;
	}

	avl_erase(&a->order[j], &b->link, AUG_NONE);
	a->free_extents--;
	while (j > k) {
		n = spare;
		spare = spare->link.left ? NODE(spare->link.left) : NULL;
		j--;
		buddy_put(a, n, b->start + (a->granule << j), j);
	}
	b->len = bsize;
	b->req = req;
	blk_insert(&a->allocs, b);
	a->used += bsize;
	*addr = b->start;
	return 0;
}

/* Return the live block @b (already out of allocs), merging it with free buddies. */
static void buddy_free(struct dhr_alloc *a, struct dhr_node *b)
{
	u64 start = b->start;
	unsigned int k = dhr_log2_64(b->len >> a->granule_shift);

	while (k < a->max_order) {
		struct dhr_node *bud = node_find(a->order[k], start ^ (a->granule << k));

		if (!bud)
			break;
		avl_erase(&a->order[k], &bud->link, AUG_NONE);
		a->free_extents--;
		if (bud->start < start)
			start = bud->start;
		node_put(a, bud);
		k++;
	}
	buddy_put(a, b, start, k);
}

/* Cover the region with the largest blocks aligned to their size. */
static int buddy_cover(struct dhr_alloc *a)
{
	u64 p = a->base;

	while (p < a->end) {
		unsigned int k = dhr_log2_64((a->end - p) >> a->granule_shift);
		u64 unit = p >> a->granule_shift;
		struct dhr_node *b;

		if (unit && dhr_ctz64(unit) < k)
			k = dhr_ctz64(unit);
		b = node_get(a);
		if (!b)
			return -ENOMEM;
		buddy_put(a, b, p, k);
		p += a->granule << k;
	}
	return 0;
}

/* ---- API --------------------------------------------------------------------------------- */

size_t dhr_node_size(void)
{
	return sizeof(struct dhr_node);
}

static const char *const dhr_policy_names[DHR_NR_POLICIES] = {
	[DHR_POLICY_BEST_FIT] = "best-fit",
	[DHR_POLICY_FIRST_FIT] = "first-fit",
	[DHR_POLICY_BUDDY] = "buddy",
};

const char *dhr_policy_name(enum dhr_policy policy)
{
	return (unsigned int)policy < DHR_NR_POLICIES ? dhr_policy_names[policy] : "?";
}

int dhr_policy_parse(const char *name, enum dhr_policy *policy)
{
	unsigned int i;

	for (i = 0; i < DHR_NR_POLICIES; i++) {
		if (!strcmp(name, dhr_policy_names[i])) {
			*policy = (enum dhr_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}

int dhr_init(struct dhr_alloc *a, const struct dhr_config *cfg, const struct dhr_node_ops *ops)
{
	u64 g = cfg->granule;
	struct dhr_node *e;
	int ret;

	if (!ops || !ops->alloc_node || !ops->free_node)
		return -EINVAL;
	if ((unsigned int)cfg->policy >= DHR_NR_POLICIES)
		return -EINVAL;
	if (!g || (g & (g - 1)) || !cfg->size || (cfg->base & (g - 1)) || (cfg->size & (g - 1)) ||
	    cfg->base > U64_MAX - cfg->size)
		return -EINVAL;

	memset(a, 0, sizeof(*a));
	a->base = cfg->base;
	a->size = cfg->size;
	a->end = cfg->base + cfg->size;
	a->granule = g;
	a->granule_shift = dhr_ctz64(g);
	a->pad = cfg->pad;
	a->policy = cfg->policy;
	a->max_order = dhr_log2_64(cfg->size >> a->granule_shift);
	a->ops = *ops;

	if (a->policy == DHR_POLICY_BUDDY) {
		ret = buddy_cover(a);
		if (ret)
			dhr_destroy(a);
		return ret;
	}
	e = node_get(a);
	if (!e)
		return -ENOMEM;
	e->start = a->base;
	e->len = a->size;
	e->req = 0;
	e->link.val = a->size;
	avl_link(&a->segs, &e->link, NULL, &a->segs, AUG_MAX);
	size_insert(a, e);
	a->free_extents = 1;
	return 0;
}

void dhr_destroy(struct dhr_alloc *a)
{
	unsigned int k;

	a->by_size = NULL; /* the free nodes of segs */
	tree_release(a, &a->segs);
	tree_release(a, &a->allocs);
	for (k = 0; k < DHR_MAX_ORDERS; k++)
		tree_release(a, &a->order[k]);
	a->free_extents = 0;
	a->live_allocs = 0;
	a->used = 0;
	a->requested = 0;
}

int dhr_alloc(struct dhr_alloc *a, u64 size, u64 align, u64 max_addr, u64 *addr)
{
	u64 g = a->granule, len, limit;
	int ret;

	if (!size || size > a->size || a->pad > a->size - size)
		return -EINVAL;
	if (!align)
		align = g;
	else if ((align & (align - 1)) || align < g)
		return -EINVAL;
	len = align_up(size + a->pad, g); /* <= size, a multiple of g: no overflow */
	limit = max_addr && max_addr < a->end ? max_addr : a->end;

	if (limit < a->base || limit - a->base < len)
		ret = -ENOMEM;
	else if (a->policy == DHR_POLICY_BUDDY)
		ret = buddy_alloc(a, len, align, limit, size, addr);
	else
		ret = fit_alloc(a, len, align, (limit - len) & ~(align - 1), size, addr);
	if (ret) {
		a->failed_allocs++;
		return ret;
	}
	a->requested += size;
	a->live_allocs++;
	a->nr_allocs++;
	return 0;
}

/* The live block that starts at @addr, or NULL. */
static struct dhr_node *live_find(const struct dhr_alloc *a, u64 addr)
{
	struct dhr_node *b;

	if (a->policy == DHR_POLICY_BUDDY)
		return node_find(a->allocs, addr);
	b = node_find(a->segs, addr);
	return b && !seg_free(b) ? b : NULL;
}

int dhr_free(struct dhr_alloc *a, u64 addr)
{
	struct dhr_node *b = live_find(a, addr);

	if (!b)
		return -EINVAL;
	a->used -= b->len;
	a->requested -= b->req;
	a->live_allocs--;
	a->nr_frees++;
	if (a->policy == DHR_POLICY_BUDDY) {
		avl_erase(&a->allocs, &b->link, AUG_NONE);
		buddy_free(a, b);
	} else {
		fit_free(a, b);
	}
	return 0;
}

int dhr_block_size(const struct dhr_alloc *a, u64 addr, u64 *size)
{
	const struct dhr_node *b = live_find(a, addr);

	if (!b)
		return -EINVAL;
	*size = b->len;
	return 0;
}

static u64 largest_free(const struct dhr_alloc *a)
{
	unsigned int k;

	if (a->policy != DHR_POLICY_BUDDY)
		return a->segs ? a->segs->aug : 0;
	for (k = a->max_order + 1; k-- > 0;)
		if (a->order[k])
			return a->granule << k;
	return 0;
}

static u32 frag_ppm(u64 free, u64 largest)
{
	u64 num = free - largest;

	if (!free)
		return 0;
	while (num > U64_MAX / DHR_PPM) { /* past 18 TB free: keep the product in 64 bits */
		num >>= 1;
		free >>= 1;
	}
	return (u32)dhr_div64(num * DHR_PPM, free);
}

void dhr_stats(const struct dhr_alloc *a, struct dhr_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->total = a->size;
	st->used = a->used;
	st->requested = a->requested;
	st->free = a->size - a->used;
	st->free_extents = a->free_extents;
	st->largest_free = largest_free(a);
	st->live_allocs = a->live_allocs;
	st->allocs = a->nr_allocs;
	st->frees = a->nr_frees;
	st->failed_allocs = a->failed_allocs;
	st->ext_frag_ppm = frag_ppm(st->free, st->largest_free);
}

/* ---- invariant checker ------------------------------------------------------------------- */

typedef bool (*avl_before_fn)(const struct dhr_avl *x, const struct dhr_avl *y);

static bool before_start(const struct dhr_avl *x, const struct dhr_avl *y)
{
	return NODE(x)->start < NODE(y)->start;
}

static bool before_size(const struct dhr_avl *x, const struct dhr_avl *y)
{
	return size_less(NODE_S(x), NODE_S(y));
}

/*
 * Verify one tree: parent links, heights, balance, augmented values and strict order; count its
 * nodes. At most @limit nodes are walked, so that a corrupted tree cannot loop forever.
 */
static int avl_check(struct dhr_avl *root, enum avl_aug kind, avl_before_fn before, u64 limit,
		     u64 *count)
{
	struct dhr_avl *n, *prev = NULL;
	u64 c = 0;

	if (root && root->parent)
		return -EUCLEAN;
	for (n = avl_first(root); n; prev = n, n = avl_next(n)) {
		int hl = avl_h(n->left), hr = avl_h(n->right);

		if (++c > limit)
			return -EUCLEAN;
		if ((n->left && n->left->parent != n) || (n->right && n->right->parent != n))
			return -EUCLEAN;
		if (n->height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1)
			return -EUCLEAN;
		if (kind == AUG_MAX && n->aug != avl_calc_aug(n, AUG_MAX))
			return -EUCLEAN;
		if (kind == AUG_MIN && n->aug != avl_calc_aug(n, AUG_MIN))
			return -EUCLEAN;
		if (prev && !before(prev, n))
			return -EUCLEAN;
	}
	*count = c;
	return 0;
}

/* A piece of [base, end) starting at @p: nonzero, granular, inside. */
static bool piece_ok(const struct dhr_alloc *a, u64 p, u64 len)
{
	return len && !(len & (a->granule - 1)) && len <= a->end - p;
}

static bool buddy_block_ok(const struct dhr_alloc *a, u64 start, u64 len)
{
	u64 units = len >> a->granule_shift;

	return units && !(units & (units - 1)) && !(start & (len - 1)) &&
	       dhr_log2_64(units) <= a->max_order;
}

/* Totals found by walking the region, to compare with the counters. */
struct check_sums {
	u64 used;
	u64 requested;
	u64 blocks;
	u64 pieces;
	u64 largest;
};

static int check_live(const struct dhr_alloc *a, const struct dhr_node *b, struct check_sums *s)
{
	if (!b->req || b->len < align_up(b->req + a->pad, a->granule))
		return -EUCLEAN;
	if (a->policy != DHR_POLICY_BUDDY && b->len != align_up(b->req + a->pad, a->granule))
		return -EUCLEAN;
	s->used += b->len;
	s->requested += b->req;
	s->blocks++;
	return 0;
}

static void count_free(u64 len, struct check_sums *s)
{
	if (len > s->largest)
		s->largest = len;
	s->pieces++;
}

static int check_fit(const struct dhr_alloc *a, u64 limit, struct check_sums *s)
{
	u64 nseg, nsize, p = a->base;
	struct dhr_avl *x;
	bool prev_free = false;
	unsigned int k;

	for (k = 0; k < DHR_MAX_ORDERS; k++)
		if (a->order[k])
			return -EUCLEAN;
	if (a->allocs || avl_check(a->segs, AUG_MAX, before_start, limit, &nseg))
		return -EUCLEAN;
	/* consecutive segments tile [base, end); no two free ones are adjacent */
	for (x = avl_first(a->segs); x; x = avl_next(x)) {
		const struct dhr_node *g = NODE(x);

		if (g->start != p || !piece_ok(a, p, g->len))
			return -EUCLEAN;
		if (seg_free(g)) {
			if (x->val != g->len || prev_free)
				return -EUCLEAN;
			count_free(g->len, s);
		} else if (x->val || check_live(a, g, s)) {
			return -EUCLEAN;
		}
		prev_free = seg_free(g);
		p += g->len;
	}
	if (p != a->end)
		return -EUCLEAN;

	if (a->policy != DHR_POLICY_BEST_FIT)
		return a->by_size ? -EUCLEAN : 0;
	if (avl_check(a->by_size, AUG_MIN, before_size, limit, &nsize) || nsize != s->pieces)
		return -EUCLEAN;
	for (x = avl_first(a->by_size); x; x = avl_next(x))
		if (x->val != NODE_S(x)->start || !seg_free(NODE_S(x)) ||
		    node_find(a->segs, NODE_S(x)->start) != NODE_S(x))
			return -EUCLEAN;
	return 0;
}

static int check_buddy(const struct dhr_alloc *a, u64 limit, struct check_sums *s)
{
	u64 nblk, nfree = 0, cnt, p;
	struct dhr_avl *x;
	unsigned int k;

	if (a->segs || a->by_size || avl_check(a->allocs, AUG_NONE, before_start, limit, &nblk))
		return -EUCLEAN;
	for (k = 0; k < DHR_MAX_ORDERS; k++) {
		if (k > a->max_order && a->order[k])
			return -EUCLEAN;
		if (avl_check(a->order[k], AUG_NONE, before_start, limit, &cnt))
			return -EUCLEAN;
		nfree += cnt;
		for (x = avl_first(a->order[k]); x; x = avl_next(x)) {
			const struct dhr_node *f = NODE(x);

			if (f->req || f->len != a->granule << k ||
			    !buddy_block_ok(a, f->start, f->len))
				return -EUCLEAN;
			/* coalesced: the buddy is not free at the same order */
			if (k < a->max_order && node_find(a->order[k], f->start ^ f->len))
				return -EUCLEAN;
		}
	}

	/* exactly one block, live or free, starts where the previous one ended */
	for (p = a->base; p < a->end;) {
		const struct dhr_node *b = node_find(a->allocs, p), *f;
		unsigned int hits = b ? 1 : 0;
		u64 len = 0;

		if (b) {
			len = b->len;
			if (!piece_ok(a, p, len) || !buddy_block_ok(a, p, len) ||
			    check_live(a, b, s))
				return -EUCLEAN;
		}
		for (k = 0; k <= a->max_order; k++) {
			f = node_find(a->order[k], p);
			if (!f)
				continue;
			hits++;
			len = f->len;
			if (!piece_ok(a, p, len))
				return -EUCLEAN;
			count_free(len, s);
		}
		if (hits != 1)
			return -EUCLEAN;
		p += len;
	}
	return s->blocks == nblk && s->pieces == nfree ? 0 : -EUCLEAN;
}

int dhr_check(const struct dhr_alloc *a)
{
	struct check_sums s = {0};
	u64 limit = (a->size >> a->granule_shift) * 2 + 1;
	int ret;

	if (a->end != a->base + a->size || a->granule != (u64)1 << a->granule_shift ||
	    a->used > a->size)
		return -EUCLEAN;
	ret = a->policy == DHR_POLICY_BUDDY ? check_buddy(a, limit, &s) : check_fit(a, limit, &s);
	if (ret)
		return ret;
	if (s.used != a->used || s.requested != a->requested || s.blocks != a->live_allocs ||
	    s.pieces != a->free_extents || s.largest != largest_free(a) ||
	    a->nr_allocs - a->nr_frees != a->live_allocs)
		return -EUCLEAN;
	return 0;
}
