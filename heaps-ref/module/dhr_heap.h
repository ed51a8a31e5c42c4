/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference dma-buf heap: one physically contiguous region, two heaps (cached and write-combined)
 * over it, placed by the shared allocator core.
 */
#ifndef DHR_HEAP_H
#define DHR_HEAP_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "dhr_alloc.h"

#define DHR_NAME_LEN 64

struct dhr_region;
struct dma_heap;

/**
 * struct dhr_heap - one heap over the shared region.
 * @region: the region it allocates from.
 * @cached: true for the cached heap, false for the write-combined one.
 * @name: heap name, also the device node name under /dev/dma_heap.
 * @devt: device number of its node (char-device mode).
 * @cdev: its character device (char-device mode).
 * @dev: its device (char-device mode), carries the sysfs attributes.
 * @heap: the dma-heap core's heap (dma_heap_add mode).
 * @kobj: /sys/kernel/dhr_heap/<name>.
 * @dbg: its debugfs directory.
 */
struct dhr_heap {
	struct dhr_region *region;
	bool cached;
	char name[DHR_NAME_LEN];
	dev_t devt;
	struct cdev cdev;
	struct device *dev;
	struct dma_heap *heap;
	struct kobject *kobj;
	struct dentry *dbg;
};

/**
 * struct dhr_region - the memory both heaps share.
 * @base: physical address of the first byte.
 * @size: bytes in the region.
 * @granule: allocation unit.
 * @align: alignment of every buffer's physical address.
 * @max_addr: 0, or the address every buffer must end at or below.
 * @pad: bytes added to every buffer.
 * @policy: placement policy of the allocator.
 * @from_cma: the region came from CMA through the DMA API (else from memmap=).
 * @has_pages: every page frame of the region has a struct page (sg tables carry pages).
 * @va: write-back kernel mapping of the whole region.
 * @pdev: the module's own device: allocates the CMA region, syncs caches after zeroing.
 * @cma_page: first page of the CMA region.
 * @cma_dma: DMA address of the CMA region.
 * @lock: serialises the allocator and the lists below.
 * @alloc: the allocator core.
 * @node_cache: metadata nodes of the allocator.
 * @live: live buffers, in allocation order.
 * @pending: released buffers waiting to be zeroed.
 * @zero_pending: bytes in @pending.
 * @wq: runs @zero_work.
 * @zero_work: zeroes released blocks and hands them back to the allocator.
 * @heaps: the cached and the uncached heap.
 */
struct dhr_region {
	phys_addr_t base;
	u64 size;
	u64 granule;
	u64 align;
	u64 max_addr;
	u64 pad;
	enum dhr_policy policy;
	bool from_cma;
	bool has_pages;
	void *va;
	struct platform_device *pdev;
	struct page *cma_page;
	dma_addr_t cma_dma;
	struct mutex lock;
	struct dhr_alloc alloc;
	struct kmem_cache *node_cache;
	struct list_head live;
	struct list_head pending;
	u64 zero_pending;
	struct workqueue_struct *wq;
	struct work_struct zero_work;
	struct dhr_heap heaps[2];
};

/**
 * struct dhr_buffer - one allocation, the private data of its dma-buf.
 * @heap: the heap it came from.
 * @phys: physical address of its first byte (the block's).
 * @len: bytes visible through the dma-buf.
 * @block: bytes in the allocator's block (pad and rounding included).
 * @list: entry in &dhr_region.live, then in &dhr_region.pending.
 * @lock: protects @attachments and the vmap state.
 * @attachments: its &struct dhr_attachment list.
 * @vmap_count: kernel mappings handed out.
 * @vaddr: the kernel mapping while @vmap_count > 0.
 * @vmapped: @vaddr is a mapping of its own (to undo), not an offset into &dhr_region.va.
 */
struct dhr_buffer {
	struct dhr_heap *heap;
	phys_addr_t phys;
	size_t len;
	u64 block;
	struct list_head list;
	struct mutex lock;
	struct list_head attachments;
	int vmap_count;
	void *vaddr;
	bool vmapped;
};

struct dma_buf *dhr_buffer_alloc(struct dhr_heap *heap, unsigned long len, u32 fd_flags);
void dhr_region_zero(struct dhr_region *r, u64 off, u64 len);

int dhr_heap_register(struct dhr_heap *heap, unsigned int minor);
void dhr_heap_unregister(struct dhr_heap *heap);
int dhr_cdev_init(unsigned int nr);
void dhr_cdev_exit(unsigned int nr);

int dhr_sysfs_add(struct dhr_heap *heap);
void dhr_sysfs_remove(struct dhr_heap *heap);
int dhr_sysfs_init(void);
void dhr_sysfs_exit(void);
extern const struct attribute_group *dhr_dev_groups[];

#endif /* DHR_HEAP_H */
