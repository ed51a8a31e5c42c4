// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only sysfs attributes of the reference heaps (on each heap's device and under
 * /sys/kernel/dhr_heap/<heap>) and the debugfs list of live blocks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>

#include "dhr_heap.h"

enum {
	DHR_A_REGION_BASE,
	DHR_A_REGION_SIZE,
	DHR_A_GRANULE,
	DHR_A_ALIGN,
	DHR_A_MAX_ADDR,
	DHR_A_PAD,
	DHR_A_CACHED,
	DHR_A_POLICY,
	DHR_A_SOURCE,
	DHR_NR_ATTRS
};

enum {
	DHR_S_TOTAL,
	DHR_S_USED,
	DHR_S_REQUESTED,
	DHR_S_FREE,
	DHR_S_FREE_EXTENTS,
	DHR_S_LARGEST_FREE,
	DHR_S_LIVE_ALLOCS,
	DHR_S_ALLOCS,
	DHR_S_FREES,
	DHR_S_FAILED_ALLOCS,
	DHR_S_EXT_FRAG_PPM,
	DHR_S_ZERO_PENDING,
	DHR_NR_STATS
};

static ssize_t dhr_attr_show(struct dhr_heap *heap, int id, char *buf)
{
	struct dhr_region *r = heap->region;

	switch (id) {
	case DHR_A_REGION_BASE:
		return sysfs_emit(buf, "0x%llx\n", (u64)r->base);
	case DHR_A_REGION_SIZE:
		return sysfs_emit(buf, "%llu\n", r->size);
	case DHR_A_GRANULE:
		return sysfs_emit(buf, "%llu\n", r->granule);
	case DHR_A_ALIGN:
		return sysfs_emit(buf, "%llu\n", r->align);
	case DHR_A_MAX_ADDR:
		return sysfs_emit(buf, "%llu\n", r->max_addr);
	case DHR_A_PAD:
		return sysfs_emit(buf, "%llu\n", r->pad);
	case DHR_A_CACHED:
		return sysfs_emit(buf, "%d\n", heap->cached);
	case DHR_A_POLICY:
		return sysfs_emit(buf, "%s\n", dhr_policy_name(r->policy));
	case DHR_A_SOURCE:
		return sysfs_emit(buf, "%s\n", r->from_cma ? "cma" : "memmap");
	}
	return -EINVAL;
}

static ssize_t dhr_stat_show(struct dhr_heap *heap, int id, char *buf)
{
	struct dhr_region *r = heap->region;
	struct dhr_stats st;
	u64 pending, v;

	mutex_lock(&r->lock);
	dhr_stats(&r->alloc, &st);
	pending = r->zero_pending;
	mutex_unlock(&r->lock);
	switch (id) {
	case DHR_S_TOTAL:
		v = st.total;
		break;
	case DHR_S_USED:
		v = st.used;
		break;
	case DHR_S_REQUESTED:
		v = st.requested;
		break;
	case DHR_S_FREE:
		v = st.free;
		break;
	case DHR_S_FREE_EXTENTS:
		v = st.free_extents;
		break;
	case DHR_S_LARGEST_FREE:
		v = st.largest_free;
		break;
	case DHR_S_LIVE_ALLOCS:
		v = st.live_allocs;
		break;
	case DHR_S_ALLOCS:
		v = st.allocs;
		break;
	case DHR_S_FREES:
		v = st.frees;
		break;
	case DHR_S_FAILED_ALLOCS:
		v = st.failed_allocs;
		break;
	case DHR_S_EXT_FRAG_PPM:
		v = st.ext_frag_ppm;
		break;
	case DHR_S_ZERO_PENDING:
		v = pending;
		break;
	default:
		return -EINVAL;
	}
	return sysfs_emit(buf, "%llu\n", v);
}

/* Attributes of the heap devices (char-device mode): drvdata is the heap. */
static ssize_t dhr_dev_show(struct device *dev, struct device_attribute *attr, char *buf);
static ssize_t dhr_dev_stat_show(struct device *dev, struct device_attribute *attr, char *buf);

#define DHR_DEV_ATTR(n) __ATTR(n, 0444, dhr_dev_show, NULL)
#define DHR_DEV_STAT(n) __ATTR(n, 0444, dhr_dev_stat_show, NULL)

static struct device_attribute dhr_dev_attr[DHR_NR_ATTRS] = {
	DHR_DEV_ATTR(region_base), DHR_DEV_ATTR(region_size), DHR_DEV_ATTR(granule),
	DHR_DEV_ATTR(align), DHR_DEV_ATTR(max_addr), DHR_DEV_ATTR(pad),
	DHR_DEV_ATTR(cached), DHR_DEV_ATTR(policy), DHR_DEV_ATTR(source),
};

static struct device_attribute dhr_dev_stat[DHR_NR_STATS] = {
	DHR_DEV_STAT(total), DHR_DEV_STAT(used), DHR_DEV_STAT(requested),
	DHR_DEV_STAT(free), DHR_DEV_STAT(free_extents), DHR_DEV_STAT(largest_free),
	DHR_DEV_STAT(live_allocs), DHR_DEV_STAT(allocs), DHR_DEV_STAT(frees),
	DHR_DEV_STAT(failed_allocs), DHR_DEV_STAT(ext_frag_ppm), DHR_DEV_STAT(zero_pending),
};

static ssize_t dhr_dev_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return dhr_attr_show(dev_get_drvdata(dev), attr - dhr_dev_attr, buf);
}

static ssize_t dhr_dev_stat_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return dhr_stat_show(dev_get_drvdata(dev), attr - dhr_dev_stat, buf);
}

/* The same files under /sys/kernel/dhr_heap/<heap>. */
static struct dhr_heap *dhr_kobj_heaps[2];
static struct kobject *dhr_kobj_root;
static struct dentry *dhr_dbg_root;

static struct dhr_heap *dhr_kobj_heap(struct kobject *kobj)
{
	int i;

	/* The stats group is a directory of the heap's kobject, not a kobject. */
	for (i = 0; i < ARRAY_SIZE(dhr_kobj_heaps); i++)
		if (dhr_kobj_heaps[i] && dhr_kobj_heaps[i]->kobj == kobj)
			return dhr_kobj_heaps[i];
	return NULL;
}

static ssize_t dhr_kobj_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf);
static ssize_t dhr_kobj_stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf);

#define DHR_KOBJ_ATTR(n) __ATTR(n, 0444, dhr_kobj_show, NULL)
#define DHR_KOBJ_STAT(n) __ATTR(n, 0444, dhr_kobj_stat_show, NULL)

static struct kobj_attribute dhr_kobj_attr[DHR_NR_ATTRS] = {
	DHR_KOBJ_ATTR(region_base), DHR_KOBJ_ATTR(region_size), DHR_KOBJ_ATTR(granule),
	DHR_KOBJ_ATTR(align), DHR_KOBJ_ATTR(max_addr), DHR_KOBJ_ATTR(pad),
	DHR_KOBJ_ATTR(cached), DHR_KOBJ_ATTR(policy), DHR_KOBJ_ATTR(source),
};

static struct kobj_attribute dhr_kobj_stat[DHR_NR_STATS] = {
	DHR_KOBJ_STAT(total), DHR_KOBJ_STAT(used), DHR_KOBJ_STAT(requested),
	DHR_KOBJ_STAT(free), DHR_KOBJ_STAT(free_extents), DHR_KOBJ_STAT(largest_free),
	DHR_KOBJ_STAT(live_allocs), DHR_KOBJ_STAT(allocs), DHR_KOBJ_STAT(frees),
	DHR_KOBJ_STAT(failed_allocs), DHR_KOBJ_STAT(ext_frag_ppm), DHR_KOBJ_STAT(zero_pending),
};

static ssize_t dhr_kobj_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct dhr_heap *heap = dhr_kobj_heap(kobj);

	return heap ? dhr_attr_show(heap, attr - dhr_kobj_attr, buf) : -ENODEV;
}

static ssize_t dhr_kobj_stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct dhr_heap *heap = dhr_kobj_heap(kobj);

	return heap ? dhr_stat_show(heap, attr - dhr_kobj_stat, buf) : -ENODEV;
}

static struct attribute *dhr_dev_attrs[DHR_NR_ATTRS + 1];
static struct attribute *dhr_dev_stats[DHR_NR_STATS + 1];
static struct attribute *dhr_kobj_attrs[DHR_NR_ATTRS + 1];
static struct attribute *dhr_kobj_stats[DHR_NR_STATS + 1];

static const struct attribute_group dhr_dev_group = { .attrs = dhr_dev_attrs };
static const struct attribute_group dhr_dev_stat_group = {
	.name = "stats",
	.attrs = dhr_dev_stats,
};

const struct attribute_group *dhr_dev_groups[] = {
	&dhr_dev_group,
	&dhr_dev_stat_group,
	NULL,
};

static const struct attribute_group dhr_kobj_group = { .attrs = dhr_kobj_attrs };
static const struct attribute_group dhr_kobj_stat_group = {
	.name = "stats",
	.attrs = dhr_kobj_stats,
};

static const struct attribute_group *dhr_kobj_groups[] = {
	&dhr_kobj_group,
	&dhr_kobj_stat_group,
	NULL,
};

/* debugfs dhr_heap/<heap>/blocks: "phys block_bytes len" of each live buffer of the heap. */
static int dhr_blocks_show(struct seq_file *m, void *unused)
{
	struct dhr_heap *heap = m->private;
	struct dhr_region *r = heap->region;
	struct dhr_buffer *buf;

	seq_puts(m, "# phys block_bytes len\n");
	mutex_lock(&r->lock);
	list_for_each_entry(buf, &r->live, list)
		if (buf->heap == heap)
			seq_printf(m, "0x%llx %llu %zu\n", (u64)buf->phys, buf->block, buf->len);
	mutex_unlock(&r->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dhr_blocks);

/**
 * dhr_sysfs_init() - set up the attribute tables, /sys/kernel/dhr_heap and the debugfs root.
 *
 * Return: 0 or -ENOMEM.
 */
int dhr_sysfs_init(void)
{
	int i;

	for (i = 0; i < DHR_NR_ATTRS; i++) {
		dhr_dev_attrs[i] = &dhr_dev_attr[i].attr;
		dhr_kobj_attrs[i] = &dhr_kobj_attr[i].attr;
	}
	for (i = 0; i < DHR_NR_STATS; i++) {
		dhr_dev_stats[i] = &dhr_dev_stat[i].attr;
		dhr_kobj_stats[i] = &dhr_kobj_stat[i].attr;
	}
	dhr_kobj_root = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!dhr_kobj_root)
		return -ENOMEM;
	dhr_dbg_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	return 0;
}

void dhr_sysfs_exit(void)
{
	debugfs_remove_recursive(dhr_dbg_root);
	dhr_dbg_root = NULL;
	kobject_put(dhr_kobj_root);
	dhr_kobj_root = NULL;
}

/**
 * dhr_sysfs_add() - publish one heap under /sys/kernel/dhr_heap and debugfs.
 * @heap: the heap, index 0 (cached) or 1 (uncached) of its region.
 *
 * Return: 0 or -errno.
 */
int dhr_sysfs_add(struct dhr_heap *heap)
{
	int idx = !heap->cached;
	int ret;

	heap->kobj = kobject_create_and_add(heap->name, dhr_kobj_root);
	if (!heap->kobj)
		return -ENOMEM;
	dhr_kobj_heaps[idx] = heap;
	ret = sysfs_create_groups(heap->kobj, dhr_kobj_groups);
	if (ret) {
		dhr_kobj_heaps[idx] = NULL;
		kobject_put(heap->kobj);
		heap->kobj = NULL;
		return ret;
	}
	heap->dbg = debugfs_create_dir(heap->name, dhr_dbg_root);
	debugfs_create_file("blocks", 0400, heap->dbg, heap, &dhr_blocks_fops);
	return 0;
}

void dhr_sysfs_remove(struct dhr_heap *heap)
{
	if (!heap->kobj)
		return;
	debugfs_remove_recursive(heap->dbg);
	heap->dbg = NULL;
	sysfs_remove_groups(heap->kobj, dhr_kobj_groups);
	kobject_put(heap->kobj);
	heap->kobj = NULL;
	dhr_kobj_heaps[!heap->cached] = NULL;
}
