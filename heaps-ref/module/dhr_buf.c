// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffers of the reference dma-buf heap: allocation from the shared region and the dma_buf_ops
 * of the exported buffers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "dhr_heap.h"

/* Longest scatterlist entry: sg lengths are unsigned int. */
#define DHR_SG_CHUNK SZ_1G

/**
 * struct dhr_attachment - one device's view of a buffer.
 * @dev: the attached device.
 * @sgt: the buffer's one contiguous chunk (split in 1 GiB entries), mapped for @dev.
 * @dma_addr: DMA address of the whole buffer when mapped with dma_map_resource().
 * @dir: direction of the current mapping.
 * @mapped: @sgt is mapped for @dev.
 * @list: entry in &dhr_buffer.attachments.
 */
struct dhr_attachment {
	struct device *dev;
	struct sg_table sgt;
	dma_addr_t dma_addr;
	enum dma_data_direction dir;
	bool mapped;
	struct list_head list;
};

static int dhr_buf_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *at)
{
	struct dhr_buffer *buf = dmabuf->priv;
	struct dhr_region *r = buf->heap->region;
	struct dhr_attachment *a;
	struct scatterlist *sg;
	unsigned int i, nents;
	size_t off = 0;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	nents = DIV_ROUND_UP(buf->len, DHR_SG_CHUNK);
	ret = sg_alloc_table(&a->sgt, nents, GFP_KERNEL);
	if (ret) {
		kfree(a);
		return ret;
	}
	/*
	 * A memmap= region that is not pfn_valid() has no struct pages: its entries carry no page
	 * and are mapped with dma_map_resource(), as other exporters of page-less memory do.
	 */
	for_each_sgtable_sg(&a->sgt, sg, i) {
		unsigned int len = min_t(size_t, buf->len - off, DHR_SG_CHUNK);
		struct page *page = NULL;

		if (r->has_pages)
			page = pfn_to_page(PHYS_PFN(buf->phys + off));
		sg_set_page(sg, page, len, 0);
		off += len;
	}
	a->dev = at->dev;
	at->priv = a;
	mutex_lock(&buf->lock);
	list_add(&a->list, &buf->attachments);
	mutex_unlock(&buf->lock);
	return 0;
}

static void dhr_buf_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *at)
{
	struct dhr_buffer *buf = dmabuf->priv;
	struct dhr_attachment *a = at->priv;

	mutex_lock(&buf->lock);
	list_del(&a->list);
	mutex_unlock(&buf->lock);
	sg_free_table(&a->sgt);
	kfree(a);
}

static struct sg_table *dhr_buf_map(struct dma_buf_attachment *at, enum dma_data_direction dir)
{
	struct dhr_buffer *buf = at->dmabuf->priv;
	struct dhr_attachment *a = at->priv;
	unsigned long attrs = buf->heap->cached ? 0 : DMA_ATTR_SKIP_CPU_SYNC;
	struct scatterlist *sg;
	dma_addr_t addr;
	unsigned int i;
	int ret;

	if (buf->heap->region->has_pages) {
		ret = dma_map_sgtable(a->dev, &a->sgt, dir, attrs);
		if (ret)
			return ERR_PTR(ret);
	} else {
		addr = dma_map_resource(a->dev, buf->phys, buf->len, dir, attrs);
		if (dma_mapping_error(a->dev, addr))
			return ERR_PTR(-ENOMEM);
		a->dma_addr = addr;
		for_each_sgtable_sg(&a->sgt, sg, i) {
			sg_dma_address(sg) = addr;
			sg_dma_len(sg) = sg->length;
			addr += sg->length;
		}
		a->sgt.nents = a->sgt.orig_nents;
	}
	mutex_lock(&buf->lock);
	a->dir = dir;
	a->mapped = true;
	mutex_unlock(&buf->lock);
	return &a->sgt;
}

static void dhr_buf_unmap(struct dma_buf_attachment *at, struct sg_table *sgt,
			  enum dma_data_direction dir)
{
	struct dhr_buffer *buf = at->dmabuf->priv;
	struct dhr_attachment *a = at->priv;
	unsigned long attrs = buf->heap->cached ? 0 : DMA_ATTR_SKIP_CPU_SYNC;

	mutex_lock(&buf->lock);
	a->mapped = false;
	mutex_unlock(&buf->lock);
	if (buf->heap->region->has_pages)
		dma_unmap_sgtable(a->dev, sgt, dir, attrs);
	else
		dma_unmap_resource(a->dev, a->dma_addr, buf->len, dir, attrs);
}

/*
 * Cache maintenance, cached heap only: the CPU works through write-back mappings, so before it
 * reads, every mapped device's view is synced for the CPU, and after it writes, back for the
 * devices (system_heap does the same). The uncached heap needs none: user and kernel mappings are
 * write-combined, so no cache line ever holds its data (the write-back alias used for zeroing is
 * written back before a block is handed out), and devices map it with DMA_ATTR_SKIP_CPU_SYNC.
 * Page-less regions (dma_map_resource) are synced by nobody: the DMA API offers no sync for
 * them, and on coherent x86 there is nothing to do; non-coherent platforms need a region with
 * struct pages.
 */
/* Syncs every mapped attachment for the CPU (@for_cpu) or back for its device. */
static int dhr_buf_sync(struct dma_buf *dmabuf, enum dma_data_direction dir, bool for_cpu)
{
	struct dhr_buffer *buf = dmabuf->priv;
	struct dhr_attachment *a;

	if (!buf->heap->cached || !buf->heap->region->has_pages)
		return 0;
	mutex_lock(&buf->lock);
	list_for_each_entry(a, &buf->attachments, list) {
		if (!a->mapped)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(a->dev, &a->sgt, dir);
		else
			dma_sync_sgtable_for_device(a->dev, &a->sgt, dir);
	}
	mutex_unlock(&buf->lock);
	return 0;
}

static int dhr_buf_begin_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	return dhr_buf_sync(dmabuf, dir, true);
}

static int dhr_buf_end_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	return dhr_buf_sync(dmabuf, dir, false);
}

static int dhr_buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct dhr_buffer *buf = dmabuf->priv;
	unsigned long size = vma->vm_end - vma->vm_start;
	pgprot_t prot = vma->vm_page_prot;

	if (vma->vm_pgoff > PHYS_PFN(buf->len) ||
	    size > buf->len - ((u64)vma->vm_pgoff << PAGE_SHIFT))
		return -EINVAL;
	if (!buf->heap->cached)
		prot = pgprot_writecombine(prot);
	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(buf->phys) + vma->vm_pgoff, size,
			       prot);
}

/* A write-combined kernel mapping for the uncached heap. */
static void *dhr_buf_map_wc(struct dhr_buffer *buf)
{
	unsigned long i, n = PHYS_PFN(buf->len);
	struct page **pages;
	void *vaddr;

	if (!buf->heap->region->has_pages)
		return memremap(buf->phys, buf->len, MEMREMAP_WC);
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++)
		pages[i] = pfn_to_page(PHYS_PFN(buf->phys) + i);
	vaddr = vmap(pages, n, VM_MAP, pgprot_writecombine(PAGE_KERNEL));
	kvfree(pages);
	return vaddr;
}

static int dhr_buf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dhr_buffer *buf = dmabuf->priv;
	struct dhr_region *r = buf->heap->region;
	int ret = 0;

	mutex_lock(&buf->lock);
	if (!buf->vmap_count) {
		if (buf->heap->cached) {
			/* The region's own write-back mapping covers every buffer. */
			buf->vaddr = r->va + (buf->phys - r->base);
			buf->vmapped = false;
		} else {
			buf->vaddr = dhr_buf_map_wc(buf);
			buf->vmapped = true;
		}
		if (!buf->vaddr) {
			ret = -ENOMEM;
			goto out_unlock;
		}
	}
	buf->vmap_count++;
	iosys_map_set_vaddr(map, buf->vaddr);
out_unlock:
	mutex_unlock(&buf->lock);
	return ret;
}

static void dhr_buf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dhr_buffer *buf = dmabuf->priv;

	mutex_lock(&buf->lock);
	if (!WARN_ON(!buf->vmap_count) && !--buf->vmap_count) {
		if (buf->vmapped && buf->heap->region->has_pages)
			vunmap(buf->vaddr);
		else if (buf->vmapped)
			memunmap(buf->vaddr);
		buf->vaddr = NULL;
	}
	mutex_unlock(&buf->lock);
	iosys_map_clear(map);
}

/* The block is zeroed by the region's worker, which then gives it back to the allocator. */
static void dhr_buf_release(struct dma_buf *dmabuf)
{
	struct dhr_buffer *buf = dmabuf->priv;
	struct dhr_region *r = buf->heap->region;

	mutex_lock(&r->lock);
	list_move_tail(&buf->list, &r->pending);
	r->zero_pending += buf->block;
	mutex_unlock(&r->lock);
	queue_work(r->wq, &r->zero_work);
}

static const struct dma_buf_ops dhr_buf_ops = {
	.attach = dhr_buf_attach,
	.detach = dhr_buf_detach,
	.map_dma_buf = dhr_buf_map,
	.unmap_dma_buf = dhr_buf_unmap,
	.begin_cpu_access = dhr_buf_begin_cpu,
	.end_cpu_access = dhr_buf_end_cpu,
	.mmap = dhr_buf_mmap,
	.vmap = dhr_buf_vmap,
	.vunmap = dhr_buf_vunmap,
	.release = dhr_buf_release,
};

/*
 * Place a block, flushing the zeroing worker and trying again while released blocks wait for
 * it, so that a full region fails with -ENOMEM only when nothing more can come back.
 */
static int dhr_place(struct dhr_region *r, u64 len, u64 *addr, u64 *block)
{
	int ret;

	mutex_lock(&r->lock);
	for (;;) {
		ret = dhr_alloc(&r->alloc, len, r->align, r->max_addr, addr);
		if (ret != -ENOMEM || !r->zero_pending)
			break;
		mutex_unlock(&r->lock);
		flush_work(&r->zero_work);
		mutex_lock(&r->lock);
	}
	if (!ret)
		ret = dhr_block_size(&r->alloc, *addr, block);
	mutex_unlock(&r->lock);
	return ret;
}

/**
 * dhr_buffer_alloc() - allocate a zeroed buffer and export it.
 * @heap: the heap.
 * @len: bytes, a nonzero multiple of PAGE_SIZE.
 * @fd_flags: flags of the dma-buf's file (O_CLOEXEC, access mode).
 *
 * Return: the dma-buf; ERR_PTR(-EINVAL) for a length the region can never hold, -ENOMEM when no
 * room fits the constraints now.
 */
struct dma_buf *dhr_buffer_alloc(struct dhr_heap *heap, unsigned long len, u32 fd_flags)
{
	struct dhr_region *r = heap->region;
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dhr_buffer *buf;
	struct dma_buf *dmabuf;
	u64 addr, block;
	int ret;

	if (!len || len > r->size)
		return ERR_PTR(-EINVAL);
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->attachments);
	buf->heap = heap;
	buf->len = len;

	ret = dhr_place(r, len, &addr, &block);
	if (ret)
		goto out_free;
	buf->phys = addr;
	buf->block = block;

	exp.exp_name = heap->name;
	exp.owner = THIS_MODULE;
	exp.ops = &dhr_buf_ops;
	exp.size = len;
	exp.flags = fd_flags;
	exp.priv = buf;
	mutex_lock(&r->lock);
	list_add_tail(&buf->list, &r->live);
	mutex_unlock(&r->lock);
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto out_unplace;
	}
	return dmabuf;

out_unplace:
	/* Never handed out, so still zero. */
	mutex_lock(&r->lock);
	list_del(&buf->list);
	dhr_free(&r->alloc, addr);
	mutex_unlock(&r->lock);
out_free:
	kfree(buf);
	return ERR_PTR(ret);
}
