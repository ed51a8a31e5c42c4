// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registration of the reference heaps: through dma_heap_add() where the kernel exports it to
 * modules, else as char devices of their own, /dev/dma_heap/<name>, that speak the dma-heap ioctl.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>

#include "dhr_heap.h"

#ifndef DHR_HAVE_DMA_HEAP_ADD
static dev_t dhr_devt;
static struct class *dhr_class;

static int dhr_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct dhr_heap, cdev);
	return nonseekable_open(inode, file);
}

static int dhr_ioctl_alloc(struct dhr_heap *heap, struct dma_heap_allocation_data *d,
			   struct dma_buf **dmabuf)
{
	unsigned long len;
	int fd;

	if (d->fd || (d->fd_flags & ~DMA_HEAP_VALID_FD_FLAGS) ||
	    (d->heap_flags & ~DMA_HEAP_VALID_HEAP_FLAGS))
		return -EINVAL;
	len = PAGE_ALIGN(d->len);
	if (!len || len < d->len)
		return -EINVAL;
	*dmabuf = dhr_buffer_alloc(heap, len, d->fd_flags);
	if (IS_ERR(*dmabuf))
		return PTR_ERR(*dmabuf);
	fd = get_unused_fd_flags(d->fd_flags);
	if (fd < 0) {
		dma_buf_put(*dmabuf);
		return fd;
	}
	d->fd = fd;
	return 0;
}

/*
 * The dma-heap ioctl as drivers/dma-buf/dma-heap.c decodes it: the command is picked by number
 * alone, and a caller's structure of another size is cut or zero-extended to the kernel's.
 */
static long dhr_ioctl(struct file *file, unsigned int ucmd, unsigned long arg)
{
	const unsigned int kcmd = DMA_HEAP_IOCTL_ALLOC;
	unsigned int in_size, out_size, ksize;
	char stack_kdata[128], *kdata = stack_kdata;
	struct dma_heap_allocation_data *d;
	struct dma_buf *dmabuf;
	long ret;

	if (_IOC_NR(ucmd) != _IOC_NR(kcmd))
		return -EINVAL;
	out_size = _IOC_SIZE(ucmd);
	in_size = (ucmd & kcmd & IOC_IN) ? out_size : 0;
	if (!(ucmd & kcmd & IOC_OUT))
		out_size = 0;
	ksize = max3(in_size, out_size, _IOC_SIZE(kcmd));
	if (ksize > sizeof(stack_kdata)) {
		kdata = kmalloc(ksize, GFP_KERNEL);
		if (!kdata)
			return -ENOMEM;
	}
	if (copy_from_user(kdata, (void __user *)arg, in_size)) {
		ret = -EFAULT;
		goto out_free;
	}
	memset(kdata + in_size, 0, ksize - in_size);
	d = (struct dma_heap_allocation_data *)kdata;
	ret = dhr_ioctl_alloc(file->private_data, d, &dmabuf);
	if (ret)
		goto out_free;
	if (copy_to_user((void __user *)arg, kdata, out_size)) {
		put_unused_fd(d->fd);
		dma_buf_put(dmabuf);
		ret = -EFAULT;
	} else {
		fd_install(d->fd, dmabuf->file);
	}
out_free:
	if (kdata != stack_kdata)
		kfree(kdata);
	return ret;
}

static const struct file_operations dhr_fops = {
	.owner = THIS_MODULE,
	.open = dhr_open,
	.unlocked_ioctl = dhr_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = dhr_ioctl,
#endif
};

#ifdef DHR_DEVNODE_NONCONST
static char *dhr_devnode(struct device *dev, umode_t *mode)
#else
static char *dhr_devnode(const struct device *dev, umode_t *mode)
#endif
{
	/* The mode stays the default (0600), as for the kernel's own heaps. */
	return kasprintf(GFP_KERNEL, "dma_heap/%s", dev_name(dev));
}

#endif /* !DHR_HAVE_DMA_HEAP_ADD */

#ifdef DHR_HAVE_DMA_HEAP_ADD
static struct dma_buf *dhr_heap_allocate(struct dma_heap *h, unsigned long len, u32 fd_flags,
					 u64 heap_flags)
{
	return dhr_buffer_alloc(dma_heap_get_drvdata(h), len, fd_flags);
}

static const struct dma_heap_ops dhr_heap_ops = {
	.allocate = dhr_heap_allocate,
};

/* The dma-heap core cannot remove a heap: the module pins itself once registered. */
int dhr_heap_register(struct dhr_heap *heap, unsigned int minor)
{
	struct dma_heap_export_info exp = {
		.name = heap->name,
		.ops = &dhr_heap_ops,
		.priv = heap,
	};

	heap->heap = dma_heap_add(&exp);
	if (IS_ERR(heap->heap))
		return PTR_ERR(heap->heap);
	__module_get(THIS_MODULE);
	return 0;
}

void dhr_heap_unregister(struct dhr_heap *heap)
{
}
#else
int dhr_heap_register(struct dhr_heap *heap, unsigned int minor)
{
	int ret;

	heap->devt = MKDEV(MAJOR(dhr_devt), minor);
	cdev_init(&heap->cdev, &dhr_fops);
	heap->cdev.owner = THIS_MODULE;
	ret = cdev_add(&heap->cdev, heap->devt, 1);
	if (ret)
		return ret;
	heap->dev = device_create_with_groups(dhr_class, NULL, heap->devt, heap, dhr_dev_groups,
					      "%s", heap->name);
	if (IS_ERR(heap->dev)) {
		ret = PTR_ERR(heap->dev);
		heap->dev = NULL;
		cdev_del(&heap->cdev);
		return ret;
	}
	return 0;
}

void dhr_heap_unregister(struct dhr_heap *heap)
{
	if (!heap->dev)
		return;
	device_destroy(dhr_class, heap->devt);
	cdev_del(&heap->cdev);
	heap->dev = NULL;
}
#endif

/**
 * dhr_cdev_init() - reserve @nr device numbers and the class of the heap nodes.
 * @nr: heaps to come.
 *
 * Return: 0 or -errno. Nothing to do in dma_heap_add mode.
 */
int dhr_cdev_init(unsigned int nr)
{
#ifndef DHR_HAVE_DMA_HEAP_ADD
	int ret;

	ret = alloc_chrdev_region(&dhr_devt, 0, nr, KBUILD_MODNAME);
	if (ret)
		return ret;
#ifdef DHR_CLASS_CREATE_OWNER
	dhr_class = class_create(THIS_MODULE, KBUILD_MODNAME);
#else
	dhr_class = class_create(KBUILD_MODNAME);
#endif
	if (IS_ERR(dhr_class)) {
		unregister_chrdev_region(dhr_devt, nr);
		return PTR_ERR(dhr_class);
	}
	dhr_class->devnode = dhr_devnode;
#endif
	return 0;
}

void dhr_cdev_exit(unsigned int nr)
{
#ifndef DHR_HAVE_DMA_HEAP_ADD
	class_destroy(dhr_class);
	unregister_chrdev_region(dhr_devt, nr);
#endif
}
