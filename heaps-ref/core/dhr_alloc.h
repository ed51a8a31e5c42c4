/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Allocator core of the reference dma-buf heap: places blocks in one contiguous address region,
 * shared verbatim by the kernel module and the userspace model.
 */
#ifndef DHR_ALLOC_H
#define DHR_ALLOC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/**
 * enum dhr_policy - placement policy, fixed at dhr_init().
 * @DHR_POLICY_BEST_FIT: the smallest free extent that fits (honouring alignment and maximum
 *	address); ties go to the lowest address; the block goes at the lowest aligned address of
 *	that extent.
 * @DHR_POLICY_FIRST_FIT: the lowest-addressed free extent that fits, block at its lowest aligned
 *	address.
 * @DHR_POLICY_BUDDY: binary buddy. Blocks are power-of-two multiples of the granule, naturally
 *	aligned in absolute addresses; a region that is not a power of two is covered with maximal
 *	aligned blocks, which merge only with their true buddies.
 * @DHR_NR_POLICIES: the number of policies (not a policy).
 *
 * Each has a name (dhr_policy_name(), dhr_policy_parse()): the module's policy= parameter, its
 * sysfs attribute and dmaheap-bench frag --policy all spell them the same way.
 */
enum dhr_policy {
	DHR_POLICY_BEST_FIT = 0,
	DHR_POLICY_FIRST_FIT = 1,
	DHR_POLICY_BUDDY = 2,
	DHR_NR_POLICIES
};

/* Orders a buddy allocator can have: block sizes granule << 0 .. granule << 63. */
#define DHR_MAX_ORDERS 64

/* Fixed-point scale of dhr_stats.ext_frag_ppm. */
#define DHR_PPM 1000000u

/**
 * struct dhr_node_ops - where the allocator's metadata (tree nodes) comes from.
 * @alloc_node: return @size bytes (always dhr_node_size()), or NULL; the kernel adapter uses a
 *	kmem_cache, userspace malloc() or a pool. Called with the caller's lock held.
 * @free_node: give back a node from @alloc_node.
 * @ctx: passed to both.
 *
 * An allocation needs at most two new nodes under the fit policies and at most one per split
 * under buddy; dhr_free() never allocates. A failed @alloc_node leaves the allocator unchanged.
 */
struct dhr_node_ops {
	void *(*alloc_node)(void *ctx, size_t size);
	void (*free_node)(void *ctx, void *node);
	void *ctx;
};

/**
 * struct dhr_config - what dhr_init() is asked to manage.
 * @base: first address of the region; a multiple of @granule (may be a physical address such as
 *	0x100000000).
 * @size: bytes in the region; a nonzero multiple of @granule; @base + @size must not wrap.
 * @granule: allocation unit, a power of two (for example 4096). Every block is a multiple of it.
 * @pad: bytes added to every allocation before rounding up to @granule, for devices that fetch
 *	past the end of a buffer; the pad counts as used, and lies below the maximum address too.
 * @policy: placement policy.
 */
struct dhr_config {
	uint64_t base;
	uint64_t size;
	uint64_t granule;
	uint64_t pad;
	enum dhr_policy policy;
};

/**
 * struct dhr_stats - exact figures, maintained incrementally.
 * @total: bytes in the region.
 * @used: bytes in live blocks, including granule rounding, @pad and (buddy) power-of-two rounding.
 * @requested: bytes the callers asked for in live blocks (@used - @requested is internal
 *	fragmentation).
 * @free: @total - @used.
 * @free_extents: free extents (fit policies: maximal runs; buddy: free blocks).
 * @largest_free: bytes in the largest free extent (buddy: largest free block).
 * @live_allocs: blocks allocated and not yet freed.
 * @allocs: successful dhr_alloc() calls since init.
 * @frees: successful dhr_free() calls since init.
 * @failed_allocs: dhr_alloc() calls that returned -ENOMEM (no fit, or no metadata node).
 * @ext_frag_ppm: external fragmentation 1 - @largest_free / @free in parts per million
 *	(rounded down); 0 when @free is 0.
 */
struct dhr_stats {
	uint64_t total;
	uint64_t used;
	uint64_t requested;
	uint64_t free;
	uint64_t free_extents;
	uint64_t largest_free;
	uint64_t live_allocs;
	uint64_t allocs;
	uint64_t frees;
	uint64_t failed_allocs;
	uint32_t ext_frag_ppm;
};

struct dhr_avl;

/**
 * struct dhr_alloc - one allocator; the caller provides the storage and the locking.
 *
 * All fields are private to dhr_alloc.c; read them through dhr_stats().
 */
struct dhr_alloc {
	uint64_t base;
	uint64_t end;
	uint64_t size;
	uint64_t granule;
	uint64_t pad;
	enum dhr_policy policy;
	unsigned int granule_shift;
	unsigned int max_order;
	struct dhr_node_ops ops;
	struct dhr_avl *segs;		       /* fit: live blocks and free extents */
	struct dhr_avl *by_size;	       /* best fit: free extents by size */
	struct dhr_avl *allocs;		       /* buddy: live blocks */
	struct dhr_avl *order[DHR_MAX_ORDERS]; /* buddy: free blocks per order */
	uint64_t used;
	uint64_t requested;
	uint64_t free_extents;
	uint64_t live_allocs;
	uint64_t nr_allocs;
	uint64_t nr_frees;
	uint64_t failed_allocs;
};

/**
 * dhr_policy_name() - the name of a placement policy.
 * @policy: the policy.
 *
 * Return: "best-fit", "first-fit" or "buddy"; "?" for a value that is no policy.
 */
const char *dhr_policy_name(enum dhr_policy policy);

/**
 * dhr_policy_parse() - a placement policy by its name.
 * @name: "best-fit", "first-fit" or "buddy", exactly (no blanks, no line end).
 * @policy: the policy, on success; unchanged otherwise.
 *
 * Return: 0, or -EINVAL for any other name.
 */
int dhr_policy_parse(const char *name, enum dhr_policy *policy);

/**
 * dhr_node_size() - bytes in one metadata node (the size passed to &dhr_node_ops.alloc_node).
 *
 * Return: the node size; constant for a given build.
 */
size_t dhr_node_size(void);

/**
 * dhr_init() - set up an allocator over one region, all of it free.
 * @a: storage for the allocator.
 * @cfg: region, granule, pad and policy.
 * @ops: metadata node callbacks; copied.
 *
 * Return: 0; -EINVAL for an unknown policy, a granule that is not a power of two, a base or size
 * that is not a multiple of it, an empty or wrapping region, or a NULL callback; -ENOMEM if a node
 * could not be allocated (nothing is left allocated then).
 */
int dhr_init(struct dhr_alloc *a, const struct dhr_config *cfg, const struct dhr_node_ops *ops);

/**
 * dhr_destroy() - give back every metadata node; live blocks are forgotten.
 * @a: an allocator set up by dhr_init().
 */
void dhr_destroy(struct dhr_alloc *a);

/**
 * dhr_alloc() - place one block.
 * @a: the allocator.
 * @size: bytes asked for; the block holds roundup(@size + pad, granule) bytes (buddy: rounded up
 *	further to a power-of-two multiple of the granule that is at least @align).
 * @align: alignment of the block's absolute address: 0 (the granule) or a power of two no smaller
 *	than the granule.
 * @max_addr: 0 for none, else the whole block (pad included) must end at or below it.
 * @addr: the block's first address, on success.
 *
 * Return: 0; -EINVAL for a zero size, a size (with pad) larger than the region or a bad alignment;
 * -ENOMEM when no free space fits the constraints (counted in &dhr_stats.failed_allocs).
 */
int dhr_alloc(struct dhr_alloc *a, uint64_t size, uint64_t align, uint64_t max_addr,
	      uint64_t *addr);

/**
 * dhr_free() - give back the block that starts at @addr.
 * @a: the allocator.
 * @addr: an address returned by dhr_alloc() and not freed since.
 *
 * Return: 0; -EINVAL, with nothing changed, for an address that starts no live block (a double
 * free, an address inside a block, or one never handed out).
 */
int dhr_free(struct dhr_alloc *a, uint64_t addr);

/**
 * dhr_block_size() - size of the live block that starts at @addr.
 * @a: the allocator.
 * @addr: the block's first address.
 * @size: its size in bytes (pad and rounding included), on success.
 *
 * Return: 0, or -EINVAL if no live block starts at @addr.
 */
int dhr_block_size(const struct dhr_alloc *a, uint64_t addr, uint64_t *size);

/**
 * dhr_stats() - read the statistics.
 * @a: the allocator.
 * @st: filled in.
 */
void dhr_stats(const struct dhr_alloc *a, struct dhr_stats *st);

/**
 * dhr_check() - verify every invariant; for tests and debugging, O(n log n), no side effects.
 * @a: the allocator.
 *
 * Checks that blocks and free extents tile the region exactly (no overlap, nothing lost), that
 * free space is coalesced (fit policies: no two adjacent free extents; buddy: no free block whose
 * buddy is free at the same order), alignment and granularity, tree ordering, balance, parent
 * links and augmented values, and that every counter matches a recount.
 *
 * Return: 0, or -EUCLEAN at the first violation.
 */
int dhr_check(const struct dhr_alloc *a);

#endif /* DHR_ALLOC_H */
