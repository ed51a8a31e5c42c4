/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Intrusive augmented AVL tree with parent pointers, private to dhr_alloc.c (the kernel's rbtree
 * is not available in userspace).
 *
 * Height is at most 1.44 log2(n + 2), and every walk is iterative. The caller finds where a node
 * goes and links it (as with the kernel's rbtree); the tree restores balance. Each node carries a
 * value, and optionally the maximum or minimum of the values in its subtree, which lets a search
 * skip whole subtrees. The augmentation kind is a compile-time constant at every call site, so
 * each tree gets its own specialised copy of the rebalancing code.
 */
#ifndef DHR_AVL_H
#define DHR_AVL_H

#include "dhr_shim.h"

struct dhr_avl {
	struct dhr_avl *left;
	struct dhr_avl *right;
	struct dhr_avl *parent;
	u64 val; /* this node's input to the augmented value */
	u64 aug; /* max (AUG_MAX) or min (AUG_MIN) of val over the subtree */
	int height;
};

enum avl_aug {
	AUG_NONE,
	AUG_MAX,
	AUG_MIN,
};

static inline int avl_h(const struct dhr_avl *n)
{
	return n ? n->height : 0;
}

static __always_inline u64 aug_pick(u64 x, u64 y, enum avl_aug kind)
{
	if (kind == AUG_MAX)
		return x > y ? x : y;
	return x < y ? x : y;
}

static __always_inline u64 avl_calc_aug(const struct dhr_avl *n, enum avl_aug kind)
{
	u64 v = n->val;

	if (n->left)
		v = aug_pick(v, n->left->aug, kind);
	if (n->right)
		v = aug_pick(v, n->right->aug, kind);
	return v;
}

static __always_inline void avl_update(struct dhr_avl *n, enum avl_aug kind)
{
	int hl = avl_h(n->left), hr = avl_h(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
	if (kind != AUG_NONE)
		n->aug = avl_calc_aug(n, kind);
}

static __always_inline void avl_replace_child(struct dhr_avl **root, struct dhr_avl *parent,
					      struct dhr_avl *old, struct dhr_avl *new)
{
	if (!parent)
		*root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

static __always_inline struct dhr_avl *avl_rotate_left(struct dhr_avl **root, struct dhr_avl *x,
						       enum avl_aug kind)
{
	struct dhr_avl *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	avl_replace_child(root, x->parent, x, y);
	y->left = x;
	x->parent = y;
	avl_update(x, kind);
	avl_update(y, kind);
	return y;
}

static __always_inline struct dhr_avl *avl_rotate_right(struct dhr_avl **root, struct dhr_avl *x,
							enum avl_aug kind)
{
	struct dhr_avl *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	avl_replace_child(root, x->parent, x, y);
	y->right = x;
	x->parent = y;
	avl_update(x, kind);
	avl_update(y, kind);
	return y;
}

/*
 * Restore heights, balance and augmented values from @n up. Above a node whose height and
 * augmented value did not change nothing can have changed, so the walk stops there, but not
 * before @force (a node moved by an erase, whose fields are stale) has been recomputed.
 */
static __always_inline void avl_rebalance(struct dhr_avl **root, struct dhr_avl *n,
					  struct dhr_avl *force, enum avl_aug kind)
{
	while (n) {
		struct dhr_avl *l = n->left, *r = n->right;
		int hl = avl_h(l), hr = avl_h(r), h = 1 + (hl > hr ? hl : hr);
		u64 aug = kind == AUG_NONE ? 0 : avl_calc_aug(n, kind);

		if (n == force)
			force = NULL;
		if (hl - hr > 1) {
			if (avl_h(l->left) < avl_h(l->right))
				avl_rotate_left(root, l, kind);
			n = avl_rotate_right(root, n, kind);
		} else if (hr - hl > 1) {
			if (avl_h(r->right) < avl_h(r->left))
				avl_rotate_right(root, r, kind);
			n = avl_rotate_left(root, n, kind);
		} else {
			if (!force && h == n->height && (kind == AUG_NONE || aug == n->aug))
				return;
			n->height = h;
			if (kind != AUG_NONE)
				n->aug = aug;
		}
		n = n->parent;
	}
}

/* Link @n, whose val is set, as the @link child of @parent (NULL: the root) and rebalance. */
static __always_inline void avl_link(struct dhr_avl **root, struct dhr_avl *n,
				     struct dhr_avl *parent, struct dhr_avl **link,
				     enum avl_aug kind)
{
	n->left = NULL;
	n->right = NULL;
	n->parent = parent;
	n->height = 1;
	n->aug = n->val;
	*link = n;
	avl_rebalance(root, parent, NULL, kind);
}

/* Link @n right after @pos in order: no search. */
static __always_inline void avl_link_after(struct dhr_avl **root, struct dhr_avl *pos,
					   struct dhr_avl *n, enum avl_aug kind)
{
	struct dhr_avl *p = pos->right;

	if (!p) {
		avl_link(root, n, pos, &pos->right, kind);
		return;
	}
	while (p->left)
		p = p->left;
	avl_link(root, n, p, &p->left, kind);
}

/* Link @n right before @pos in order: no search. */
static __always_inline void avl_link_before(struct dhr_avl **root, struct dhr_avl *pos,
					    struct dhr_avl *n, enum avl_aug kind)
{
	struct dhr_avl *p = pos->left;

	if (!p) {
		avl_link(root, n, pos, &pos->left, kind);
		return;
	}
	while (p->right)
		p = p->right;
	avl_link(root, n, p, &p->right, kind);
}

static __always_inline void avl_erase(struct dhr_avl **root, struct dhr_avl *n, enum avl_aug kind)
{
	struct dhr_avl *p = n->parent, *fix, *force = NULL;

	if (n->left && n->right) {
		struct dhr_avl *s = n->right;

		while (s->left)
			s = s->left;
		if (s != n->right) {
			struct dhr_avl *sp = s->parent;

			sp->left = s->right;
			if (s->right)
				s->right->parent = sp;
			s->right = n->right;
			n->right->parent = s;
			fix = sp;
		} else {
			fix = s;
		}
		s->left = n->left;
		n->left->parent = s;
		s->parent = p;
		/* what p last saw in this position, so that the walk can stop once s matches it */
		s->height = n->height;
		s->aug = n->aug;
		avl_replace_child(root, p, n, s);
		force = s;
	} else {
		struct dhr_avl *c = n->left ? n->left : n->right;

		if (c)
			c->parent = p;
		avl_replace_child(root, p, n, c);
		fix = p;
	}
	avl_rebalance(root, fix, force, kind);
}

/* @n's val changed but not its position: refresh the augmented values above it. */
static __always_inline void avl_propagate(struct dhr_avl *n, enum avl_aug kind)
{
	while (n) {
		u64 v = avl_calc_aug(n, kind);

		if (v == n->aug)
			return;
		n->aug = v;
		n = n->parent;
	}
}

static inline struct dhr_avl *avl_first(struct dhr_avl *n)
{
	if (n)
		while (n->left)
			n = n->left;
	return n;
}

static inline struct dhr_avl *avl_next(struct dhr_avl *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return n;
	}
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent;
}

static inline struct dhr_avl *avl_prev(struct dhr_avl *n)
{
	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return n;
	}
	while (n->parent && n == n->parent->left)
		n = n->parent;
	return n->parent;
}

static __always_inline bool aug_ok(u64 v, u64 bound, enum avl_aug kind)
{
	return kind == AUG_MAX ? v >= bound : v <= bound;
}

/* First node of subtree @n, in order, whose val passes @bound, or NULL: O(log n). */
static __always_inline struct dhr_avl *avl_subtree_first(struct dhr_avl *n, u64 bound,
							 enum avl_aug kind)
{
	while (n) {
		if (n->left && aug_ok(n->left->aug, bound, kind))
			n = n->left;
		else if (aug_ok(n->val, bound, kind))
			return n;
		else if (n->right && aug_ok(n->right->aug, bound, kind))
			n = n->right;
		else
			return NULL;
	}
	return NULL;
}

/*
 * First node at or after @x, in order, whose val passes @bound, or NULL: O(log n). It climbs
 * from @x and enters only a right subtree whose augmented value passes.
 */
static __always_inline struct dhr_avl *avl_next_match(struct dhr_avl *x, u64 bound,
						      enum avl_aug kind)
{
	while (x) {
		if (aug_ok(x->val, bound, kind))
			return x;
		if (x->right && aug_ok(x->right->aug, bound, kind))
			return avl_subtree_first(x->right, bound, kind);
		while (x->parent && x == x->parent->right)
			x = x->parent;
		x = x->parent;
	}
	return NULL;
}

#endif /* DHR_AVL_H */
