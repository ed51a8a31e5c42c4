// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference dma-buf heap module: parameters, the region (memmap= or CMA), zeroing, and the two
 * heaps over it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cacheflush.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/vmstat.h>

#include "dhr_heap.h"

static char *dhr_base = "";
module_param_named(base, dhr_base, charp, 0444);
MODULE_PARM_DESC(base, "Physical base of a region reserved with memmap=SIZE$BASE (memparse syntax, e.g. 0x40000000); unset: take the region from CMA");
static char *dhr_size = "";
module_param_named(size, dhr_size, charp, 0444);
MODULE_PARM_DESC(size, "Region size in bytes, K/M/G suffixes allowed; required with base; default 64M from CMA");
static char *dhr_granule = "";
module_param_named(granule, dhr_granule, charp, 0444);
MODULE_PARM_DESC(granule, "Allocation unit, a power of two of at least PAGE_SIZE (default PAGE_SIZE)");
static char *dhr_align = "";
module_param_named(align, dhr_align, charp, 0444);
MODULE_PARM_DESC(align, "Alignment of every buffer's physical address, a power of two >= granule (default granule)");
static char *dhr_max_addr = "";
module_param_named(max_addr, dhr_max_addr, charp, 0444);
MODULE_PARM_DESC(max_addr, "Physical address every buffer must end at or below (0 = none)");
static char *dhr_pad = "";
module_param_named(pad, dhr_pad, charp, 0444);
MODULE_PARM_DESC(pad, "Bytes added to every buffer, for devices that fetch past its end (default 0)");
static char *dhr_policy = "best-fit";
module_param_named(policy, dhr_policy, charp, 0444);
MODULE_PARM_DESC(policy, "Placement policy: best-fit, first-fit or buddy (default best-fit)");

#define DHR_CMA_DEFAULT_SIZE SZ_64M

static struct dhr_region *dhr_region;

/* Parse one size parameter; an unset one takes @def. */
static int dhr_parse(const char *name, const char *s, u64 def, u64 *out)
{
	char *end;

	*out = def;
	if (!s || !*s)
		return 0;
	*out = memparse(s, &end);
	if (end == s || (*end && *end != '\n')) {
		pr_err("%s=%s is not a size\n", name, s);
		return -EINVAL;
	}
	return 0;
}

static int dhr_parse_params(struct dhr_region *r)
{
	u64 base;
	int ret;

	ret = dhr_parse("base", dhr_base, 0, &base);
	ret = ret ?: dhr_parse("size", dhr_size, DHR_CMA_DEFAULT_SIZE, &r->size);
	ret = ret ?: dhr_parse("granule", dhr_granule, PAGE_SIZE, &r->granule);
	ret = ret ?: dhr_parse("align", dhr_align, r->granule, &r->align);
	ret = ret ?: dhr_parse("max_addr", dhr_max_addr, 0, &r->max_addr);
	ret = ret ?: dhr_parse("pad", dhr_pad, 0, &r->pad);
	if (ret)
		return ret;
	r->base = base;
	r->from_cma = !dhr_base || !*dhr_base;

	if (dhr_policy_parse(dhr_policy ? dhr_policy : "", &r->policy)) {
		pr_err("unknown policy '%s' (best-fit, first-fit or buddy)\n", dhr_policy);
		return -EINVAL;
	}
	if (!r->granule || !is_power_of_2(r->granule) || r->granule < PAGE_SIZE) {
		pr_err("granule %llu is not a power of two of at least %lu\n", r->granule,
		       PAGE_SIZE);
		return -EINVAL;
	}
	if (!r->align || !is_power_of_2(r->align) || r->align < r->granule) {
		pr_err("align %llu is not a power of two of at least granule %llu\n", r->align,
		       r->granule);
		return -EINVAL;
	}
	if (!r->from_cma && (!dhr_size || !*dhr_size)) {
		pr_err("size is required with base\n");
		return -EINVAL;
	}
	if (!r->size) {
		pr_err("size must not be zero\n");
		return -EINVAL;
	}
	if (r->size % r->granule) {
		pr_err("size %llu is not a multiple of granule %llu\n", r->size, r->granule);
		return -EINVAL;
	}
	if (r->pad > r->size) {
		pr_err("pad %llu is larger than the region\n", r->pad);
		return -EINVAL;
	}
	return 0;
}

/* Checks of the placed region, common to both sources. */
static int dhr_check_region(struct dhr_region *r)
{
	if (r->base % r->granule) {
		pr_err("base %pa is not aligned to granule %llu\n", &r->base, r->granule);
		return -EINVAL;
	}
	if (r->base + r->size - 1 < r->base) {
		pr_err("region at %pa of %llu bytes wraps\n", &r->base, r->size);
		return -EINVAL;
	}
	if (r->max_addr && r->max_addr < r->base + r->granule) {
		pr_err("max_addr 0x%llx is below the region at %pa\n", r->max_addr, &r->base);
		return -EINVAL;
	}
	return 0;
}

/**
 * dhr_region_zero() - zero part of the region and write it back from the CPU caches.
 * @r: the region.
 * @off: offset of the first byte.
 * @len: bytes.
 *
 * The write-back pass leaves no dirty line of the cached alias over memory that the uncached
 * heap may hand out next.
 */
void dhr_region_zero(struct dhr_region *r, u64 off, u64 len)
{
	while (len) {
		size_t n = min_t(u64, len, SZ_2M);

		memset(r->va + off, 0, n);
#ifdef CONFIG_X86
		clflush_cache_range(r->va + off, n);
#else
		if (r->has_pages)
			dma_sync_single_for_device(&r->pdev->dev,
						   phys_to_dma(&r->pdev->dev, r->base + off), n,
						   DMA_TO_DEVICE);
#endif
		off += n;
		len -= n;
		cond_resched();
	}
}

static void dhr_zero_work(struct work_struct *work)
{
	struct dhr_region *r = container_of(work, struct dhr_region, zero_work);
	struct dhr_buffer *buf;

	for (;;) {
		mutex_lock(&r->lock);
		buf = list_first_entry_or_null(&r->pending, struct dhr_buffer, list);
		mutex_unlock(&r->lock);
		if (!buf)
			break;
		/* Only this (ordered) worker removes entries, so @buf stays first. */
		dhr_region_zero(r, buf->phys - r->base, buf->block);
		mutex_lock(&r->lock);
		list_del(&buf->list);
		WARN_ON(dhr_free(&r->alloc, buf->phys));
		r->zero_pending -= buf->block;
		mutex_unlock(&r->lock);
		kfree(buf);
	}
}

static void *dhr_node_alloc(void *ctx, size_t size)
{
	return kmem_cache_alloc(ctx, GFP_KERNEL);
}

static void dhr_node_free(void *ctx, void *node)
{
	kmem_cache_free(ctx, node);
}

/* Claim a memmap= region: not RAM, not claimed, with a kernel mapping. */
static int dhr_region_memmap(struct dhr_region *r)
{
	unsigned long pfn, last = PHYS_PFN(r->base + r->size - 1);
	int ret;

	ret = dhr_check_region(r);
	if (ret)
		return ret;
	if (region_intersects(r->base, r->size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT) {
		pr_err("region %pa+0x%llx overlaps System RAM (reserve it with memmap=SIZE$BASE)\n",
		       &r->base, r->size);
		return -EINVAL;
	}
	if (!request_mem_region(r->base, r->size, KBUILD_MODNAME)) {
		pr_err("region %pa+0x%llx is already claimed\n", &r->base, r->size);
		return -EBUSY;
	}
	r->has_pages = true;
	for (pfn = PHYS_PFN(r->base); pfn <= last && r->has_pages; pfn++)
		r->has_pages = pfn_valid(pfn);
	r->va = memremap(r->base, r->size, MEMREMAP_WB);
	if (!r->va) {
		pr_err("cannot map region %pa+0x%llx\n", &r->base, r->size);
		release_mem_region(r->base, r->size);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Take the region from CMA: cma_alloc() is not exported, but dma-direct serves large coherent
 * allocations from the default CMA area. CmaFree must drop by the region's size, else the memory
 * came from elsewhere (the page allocator, for small sizes) and is refused.
 */
static int dhr_region_cma(struct dhr_region *r)
{
	unsigned long before, after, pages = r->size >> PAGE_SHIFT;
	struct device *dev = &r->pdev->dev;
	int ret;

	before = global_zone_page_state(NR_FREE_CMA_PAGES);
	r->cma_page = dma_alloc_pages(dev, r->size, &r->cma_dma, DMA_BIDIRECTIONAL,
				      GFP_KERNEL | __GFP_NOWARN);
	after = global_zone_page_state(NR_FREE_CMA_PAGES);
	if (!r->cma_page) {
		pr_err("cannot take %llu bytes from CMA\n", r->size);
		return -ENOMEM;
	}
	r->base = page_to_phys(r->cma_page);
	if (before < after + pages) {
		pr_err("%llu bytes at %pa did not come from CMA (CmaFree fell by %lu pages)\n",
		       r->size, &r->base, before > after ? before - after : 0);
		ret = -ENOMEM;
		goto out_free;
	}
	ret = dhr_check_region(r);
	if (ret)
		goto out_free;
	r->has_pages = true;
	r->va = page_address(r->cma_page);
	return 0;

out_free:
	dma_free_pages(dev, r->size, r->cma_page, r->cma_dma, DMA_BIDIRECTIONAL);
	r->cma_page = NULL;
	return ret;
}

static void dhr_region_release(struct dhr_region *r)
{
	if (r->cma_page) {
		dma_free_pages(&r->pdev->dev, r->size, r->cma_page, r->cma_dma,
			       DMA_BIDIRECTIONAL);
	} else if (r->va) {
		memunmap(r->va);
		release_mem_region(r->base, r->size);
	}
	r->va = NULL;
	r->cma_page = NULL;
}

static void dhr_heaps_remove(struct dhr_region *r)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(r->heaps); i++) {
		dhr_sysfs_remove(&r->heaps[i]);
		dhr_heap_unregister(&r->heaps[i]);
	}
}

static int dhr_heaps_add(struct dhr_region *r)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(r->heaps); i++) {
		struct dhr_heap *heap = &r->heaps[i];

		heap->region = r;
		heap->cached = i == 0;
		snprintf(heap->name, sizeof(heap->name), "memory@%llx-contiguous%s",
			 (u64)r->base, heap->cached ? "" : "-uncached");
		ret = dhr_heap_register(heap, i);
		ret = ret ?: dhr_sysfs_add(heap);
		if (ret) {
			pr_err("cannot register heap %s: %d\n", heap->name, ret);
			dhr_heaps_remove(r);
			return ret;
		}
	}
	return 0;
}

static int dhr_region_setup(struct dhr_region *r)
{
	struct platform_device_info info = {
		.name = KBUILD_MODNAME,
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct dhr_config cfg;
	struct dhr_node_ops ops;
	int ret;

	r->pdev = platform_device_register_full(&info);
	if (IS_ERR(r->pdev))
		return PTR_ERR(r->pdev);
	ret = r->from_cma ? dhr_region_cma(r) : dhr_region_memmap(r);
	if (ret)
		goto out_pdev;
	r->node_cache = kmem_cache_create("dhr_heap_node", dhr_node_size(), 0, 0, NULL);
	if (!r->node_cache) {
		ret = -ENOMEM;
		goto out_region;
	}
	cfg = (struct dhr_config){ .base = r->base, .size = r->size, .granule = r->granule,
				   .pad = r->pad, .policy = r->policy };
	ops = (struct dhr_node_ops){ .alloc_node = dhr_node_alloc, .free_node = dhr_node_free,
				     .ctx = r->node_cache };
	ret = dhr_init(&r->alloc, &cfg, &ops);
	if (ret) {
		pr_err("allocator refused the region: %d\n", ret);
		goto out_cache;
	}
	/* Zero once here, so that allocation never has to. */
	dhr_region_zero(r, 0, r->size);
	return 0;

out_cache:
	kmem_cache_destroy(r->node_cache);
out_region:
	dhr_region_release(r);
out_pdev:
	platform_device_unregister(r->pdev);
	return ret;
}

static void dhr_region_teardown(struct dhr_region *r)
{
	dhr_destroy(&r->alloc);
	kmem_cache_destroy(r->node_cache);
	dhr_region_release(r);
	platform_device_unregister(r->pdev);
}

static int __init dhr_init_module(void)
{
	struct dhr_region *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	INIT_LIST_HEAD(&r->live);
	INIT_LIST_HEAD(&r->pending);
	INIT_WORK(&r->zero_work, dhr_zero_work);
	ret = dhr_parse_params(r);
	if (ret)
		goto out_free;
	r->wq = alloc_ordered_workqueue("dhr_heap_zero", 0);
	if (!r->wq) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = dhr_region_setup(r);
	if (ret)
		goto out_wq;
	ret = dhr_sysfs_init();
	if (ret)
		goto out_region;
	ret = dhr_cdev_init(ARRAY_SIZE(r->heaps));
	if (ret)
		goto out_sysfs;
	ret = dhr_heaps_add(r);
	if (ret)
		goto out_cdev;
	dhr_region = r;
	pr_info("%s and %s: %pa+0x%llx from %s, %s, granule %llu, align %llu, max_addr 0x%llx, pad %llu%s\n",
		r->heaps[0].name, r->heaps[1].name, &r->base, r->size,
		r->from_cma ? "cma" : "memmap", dhr_policy_name(r->policy), r->granule, r->align,
		r->max_addr, r->pad, r->has_pages ? "" : ", no struct pages (dma_map_resource)");
	return 0;

out_cdev:
	dhr_cdev_exit(ARRAY_SIZE(r->heaps));
out_sysfs:
	dhr_sysfs_exit();
out_region:
	dhr_region_teardown(r);
out_wq:
	destroy_workqueue(r->wq);
out_free:
	kfree(r);
	return ret;
}

/* Every dma-buf holds a module reference, so no buffer is live here; some may still be zeroing. */
static void __exit dhr_exit_module(void)
{
	struct dhr_region *r = dhr_region;

	dhr_heaps_remove(r);
	dhr_cdev_exit(ARRAY_SIZE(r->heaps));
	dhr_sysfs_exit();
	destroy_workqueue(r->wq);
	WARN_ON(!list_empty(&r->live) || !list_empty(&r->pending));
	dhr_region_teardown(r);
	kfree(r);
	pr_info("unloaded\n");
}

module_init(dhr_init_module);
module_exit(dhr_exit_module);

MODULE_DESCRIPTION("Reference dma-buf heap over one contiguous region (memmap= or CMA)");
MODULE_LICENSE("GPL");
#ifdef DHR_IMPORT_NS_STRING
MODULE_IMPORT_NS("DMA_BUF");
#else
MODULE_IMPORT_NS(DMA_BUF);
#endif
