// SPDX-License-Identifier: MIT
// Backends: the ways of getting a buffer (dma-heap node, udmabuf, memfd), their registry and helpers.
#ifndef DHB_BACKEND_H
#define DHB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/geom.h"
#include "dhb/ioctl.h"

/*
 * Backends and instances
 * ----------------------
 * A backend is one static const struct dhb_backend_ops: a way of getting a buffer. Its probe
 * hook enumerates the instances it can offer on this machine (the dma-heap backend: one per
 * /dev/dma_heap/NAME node; udmabuf and memfd: exactly one each) and opens what they need, recording
 * in struct dhb_instance.err why an instance cannot be used (-EACCES, -ENOENT ...) instead of
 * failing. Every registered backend is checked once (dhb_backends_check()): it must have a
 * unique name and the mandatory hooks, sync exactly when it claims DHB_CAP_SYNC, and capability
 * flags that agree with each other. Other code asks a backend what it can do through these flags
 * and its access rule, never by its name.
 *
 * Adding a backend is one new file in bench/backends/ defining
 * `const struct dhb_backend_ops dhb_backend_NAME` and one X(NAME) line in DHB_BACKEND_LIST
 * (bench/backends/registry.c); the build compiles every file of the folder, and the unit test
 * bench.registries checks both halves.
 */

/* Capabilities of a backend (struct dhb_backend_ops.caps). */
#define DHB_CAP_DMABUF	   (1u << 0) /* buffers are dma-bufs (shareable with devices) */
#define DHB_CAP_SYNC	   (1u << 1) /* DMA_BUF_IOCTL_SYNC brackets CPU access (ops->sync) */
#define DHB_CAP_MMAP	   (1u << 2) /* buffers can be mapped by the CPU (ops->map) */
#define DHB_CAP_LAZY	   (1u << 3) /* pages are allocated at first touch, not by alloc */
#define DHB_CAP_PAGE_SIZED (1u << 4) /* sizes must be a multiple of the page size */
/*
 * Instances are DMA-BUF heap nodes (/dev/dma_heap/NAME): they count as heaps (a machine without
 * one has nothing to test), their names imply properties (DHB_PROP_*), and `frag --heap NAME`
 * replays on them. Implies DHB_CAP_DMABUF.
 */
#define DHB_CAP_HEAP_NODE (1u << 5)
/*
 * An instance may publish its constraints and use in sysfs beside its node (dhb/heap_attrs.h;
 * the reference heap does). Implies DHB_CAP_HEAP_NODE.
 */
#define DHB_CAP_HEAP_ATTRS (1u << 6)
/*
 * Buffers are pictures (dhb/geom.h): the backend takes the geometry asked for in
 * struct dhb_instance.want (run --geometry) and records each buffer's in .got, which rows carry
 * in their params (geom=WIDTHxHEIGHT@FORMAT). Backends without it ignore both.
 */
#define DHB_CAP_GEOMETRY (1u << 7)

/*
 * The pictures' formats, in struct dhb_instance.want and .got, are V4L2 pixel formats (a V4L2
 * node's own buffers: RGB565 is V4L2's RGBP, where DRM says RG16), not DRM fourccs. Implies
 * DHB_CAP_GEOMETRY.
 */
#define DHB_CAP_V4L2_FOURCC (1u << 8)
#define DHB_CAP_ALL	    ((1u << 9) - 1)

/*
 * Properties of a heap implied by its name (struct dhb_instance.props), after the upstream
 * naming convention (Documentation/userspace-api/dma-buf-heaps.rst) and common vendor names;
 * dhb_heap_name_props() applies these rules, first match per property:
 *   - "system" and "system-*": non-contiguous pages, cached;
 *   - "reserved" (the default CMA area on x86), "linux,cma", "default_cma_region", and any name
 *     containing "cma": physically contiguous, from CMA;
 *   - a name containing "contiguous" (e.g. a carveout's "memory@40000000-contiguous"):
 *     physically contiguous;
 *   - a name containing "protected", "secure" or "restricted": protected (not CPU-accessible);
 *   - a name ending in "-uncached" or "_uncached": uncached (write-combined) CPU mappings;
 *     other names the rules recognise as system, CMA or contiguous heaps are cached.
 * A name matching none of the rules gets no property: unknown, not "non-contiguous".
 */
#define DHB_PROP_CONTIGUOUS (1u << 0)
#define DHB_PROP_SCATTERED  (1u << 1)
#define DHB_PROP_CACHED	    (1u << 2)
#define DHB_PROP_UNCACHED   (1u << 3)
#define DHB_PROP_PROTECTED  (1u << 4)
#define DHB_PROP_CMA	    (1u << 5) /* with DHB_PROP_CONTIGUOUS: the memory is CMA */

#define DHB_NAME_LEN 64
#define DHB_PATH_LEN 128

struct dhb_backend_ops;

/**
 * struct dhb_instance - one source of buffers: a heap node, udmabuf, memfd.
 * @ops: backend.
 * @name: name the user selects it by ("system", "reserved", "udmabuf", "memfd").
 * @path: device node, or "" when there is none.
 * @props: DHB_PROP_* implied by @name.
 * @err: 0 when usable, else the -errno that makes it unusable (from probe).
 * @dev_fd: open device, or -1.
 * @ioctl_retries: EINTR/EAGAIN retries of ioctls made through this instance.
 * @priv: the backend's own state for the instance (e.g. the device it allocates from), freed by
 *        its release hook; NULL for most.
 * @want: with DHB_CAP_GEOMETRY, the picture asked for; zero fields are derived from the size.
 * @got: with DHB_CAP_GEOMETRY, the picture of the last buffer allocated (zero: none yet).
 */
struct dhb_instance {
	const struct dhb_backend_ops *ops;
	char name[DHB_NAME_LEN];
	char path[DHB_PATH_LEN];
	unsigned int props;
	int err;
	int dev_fd;
	uint64_t ioctl_retries;
	void *priv;
	struct dhb_geom want;
	struct dhb_geom got;
};

/**
 * struct dhb_buf - one allocated buffer.
 * @inst: instance it came from.
 * @size: size in bytes.
 * @fd: the buffer (dma-buf or memfd), -1 when not allocated.
 * @aux_fd: a second descriptor the backend keeps (udmabuf: the backing memfd), or -1.
 * @addr: CPU mapping, or NULL.
 */
struct dhb_buf {
	struct dhb_instance *inst;
	uint64_t size;
	int fd;
	int aux_fd;
	void *addr;
};

/**
 * struct dhb_backend_ops - one way of getting a buffer.
 * @name: backend name ("dma-heap", "udmabuf", "memfd"), unique.
 * @help: one line for `list` and the manual.
 * @caps: DHB_CAP_*.
 * @access_rule: how to grant a user access to an instance that refuses it (-EACCES, -EPERM): a
 *               udev rule, one line, in which "{name}" stands for the instance's name
 *               (dhb_instance_access_rule()); NULL when there is no device node to grant.
 * @probe: append this backend's instances to @out (at most @max, counted in *@n), each with
 *         @err set and, when usable, what it needs opened. Return 0 or -errno (only for
 *         failures that are not about an instance, e.g. -ENOMEM).
 * @release: close what probe opened for @inst.
 * @alloc: allocate @size bytes into @buf (fd set, addr NULL). Return 0 or -errno.
 * @free: release @buf (its mapping must be gone). Return 0 or -errno; @buf->fd is -1 after.
 * @map: map @buf read-write into @buf->addr. Return 0 or -errno.
 * @unmap: remove @buf's mapping. Return 0 or -errno.
 * @sync: DMA_BUF_IOCTL_SYNC with @flags (DMA_BUF_SYNC_*); NULL without DHB_CAP_SYNC.
 * @supported: NULL when @inst can give buffers of @size bytes, else why not (the plan skips
 *             the item with this reason, dhb_plan_skip_reason()); a reason built at run time
 *             goes into @buf (@len bytes). May be NULL (every size).
 * @footprint: the bytes a buffer of @size really takes when that can be more than @size (a
 *             V4L2 frame is the smallest that holds it), for the plan's memory budget; 0 when
 *             not known. May be NULL (buffers are the size asked for).
 */
struct dhb_backend_ops {
	const char *name;
	const char *help;
	unsigned int caps;
	const char *access_rule;
	int (*probe)(const struct dhb_backend_ops *ops, struct dhb_instance *out, size_t max,
		     size_t *n);
	void (*release)(struct dhb_instance *inst);
	int (*alloc)(struct dhb_instance *inst, uint64_t size, struct dhb_buf *buf);
	int (*free)(struct dhb_buf *buf);
	int (*map)(struct dhb_buf *buf);
	int (*unmap)(struct dhb_buf *buf);
	int (*sync)(struct dhb_buf *buf, uint64_t flags);
	const char *(*supported)(const struct dhb_instance *inst, uint64_t size, char *buf,
				 size_t len);
	uint64_t (*footprint)(const struct dhb_instance *inst, uint64_t size);
};

/**
 * dhb_backend_first() - first registered backend.
 *
 * Return: the backend, or NULL when none is registered.
 */
const struct dhb_backend_ops *dhb_backend_first(void);

/**
 * dhb_backend_next() - registered backend after @ops.
 * @ops: a registered backend.
 *
 * Return: the next backend, or NULL after the last.
 */
const struct dhb_backend_ops *dhb_backend_next(const struct dhb_backend_ops *ops);

#define dhb_for_each_backend(ops) \
	for ((ops) = dhb_backend_first(); (ops); (ops) = dhb_backend_next(ops))

/**
 * dhb_backend_find() - look a backend up by name.
 * @name: backend name.
 *
 * Return: the backend, or NULL.
 */
const struct dhb_backend_ops *dhb_backend_find(const char *name);

/**
 * dhb_backend_validate() - check one backend's table.
 * @ops: backend.
 * @err: buffer for a one-line reason, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0, or -EINVAL when a name or a mandatory hook is missing, @sync does not match
 * DHB_CAP_SYNC, a flag lacks one it implies (DHB_CAP_SYNC and DHB_CAP_HEAP_NODE need
 * DHB_CAP_DMABUF, DHB_CAP_HEAP_ATTRS needs DHB_CAP_HEAP_NODE, DHB_CAP_GEOMETRY needs
 * DHB_CAP_DMABUF, DHB_CAP_V4L2_FOURCC needs DHB_CAP_GEOMETRY), a flag is unknown, or
 * @access_rule is empty or more than one line.
 */
int dhb_backend_validate(const struct dhb_backend_ops *ops, char *err, size_t errlen);

/**
 * dhb_backend_find_caps() - the first registered backend with every capability asked for.
 * @caps: DHB_CAP_* bits.
 *
 * Return: the backend, or NULL when none has them all.
 */
const struct dhb_backend_ops *dhb_backend_find_caps(unsigned int caps);

/**
 * dhb_backends_check() - validate every registered backend; names must be unique.
 * @err: buffer for a one-line reason, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0 or -EINVAL.
 */
int dhb_backends_check(char *err, size_t errlen);

/**
 * dhb_instances_probe() - probe every registered backend.
 * @out: array of instances, malloc'd; release with dhb_instances_release().
 * @n: number of instances.
 *
 * Return: 0 or -errno (-ENOMEM).
 */
int dhb_instances_probe(struct dhb_instance **out, size_t *n);

/**
 * dhb_instances_release() - release what probing opened and free the array.
 * @v: instances from dhb_instances_probe(), may be NULL.
 * @n: number of instances.
 */
void dhb_instances_release(struct dhb_instance *v, size_t n);

/**
 * dhb_instance_is_dmabuf() - whether an instance gives dma-bufs.
 * @inst: instance.
 *
 * Return: true when its backend has DHB_CAP_DMABUF.
 */
bool dhb_instance_is_dmabuf(const struct dhb_instance *inst);

/**
 * dhb_instance_has_caps() - whether an instance's backend has every capability asked for.
 * @inst: instance.
 * @caps: DHB_CAP_* bits.
 *
 * Return: true when it has them all.
 */
bool dhb_instance_has_caps(const struct dhb_instance *inst, unsigned int caps);

/**
 * dhb_instance_access_rule() - the access rule of an instance's backend, for this instance.
 * @inst: instance.
 * @buf: destination: the backend's access_rule with "{name}" replaced by @inst->name, or ""
 *       when the backend has none; always NUL-terminated when @len > 0.
 * @len: size of @buf.
 *
 * Return: 0, or -ENOSPC when truncated.
 */
int dhb_instance_access_rule(const struct dhb_instance *inst, char *buf, size_t len);

/**
 * dhb_buf_init() - an empty buffer of @inst: fds -1, no mapping.
 * @buf: buffer.
 * @inst: instance.
 */
void dhb_buf_init(struct dhb_buf *buf, struct dhb_instance *inst);

/**
 * dhb_buf_release() - unmap and free whatever of @buf is still held; safe on an empty buffer.
 * @buf: buffer.
 *
 * Return: 0, or the first -errno.
 */
int dhb_buf_release(struct dhb_buf *buf);

/**
 * dhb_close_fds() - close @buf->fd and @buf->aux_fd; the common free hook of backends whose
 * buffer is its descriptors (the kernel frees the memory with the last reference).
 * @buf: buffer.
 *
 * Return: 0, or the first -errno; both descriptors are -1 after.
 */
int dhb_close_fds(struct dhb_buf *buf);

/**
 * dhb_mmap_fd() - map @buf->fd shared read-write; the common map hook.
 * @buf: buffer.
 *
 * Return: 0 or -errno.
 */
int dhb_mmap_fd(struct dhb_buf *buf);

/**
 * dhb_munmap_fd() - remove the mapping of dhb_mmap_fd(); the common unmap hook.
 * @buf: buffer.
 *
 * Return: 0 or -errno.
 */
int dhb_munmap_fd(struct dhb_buf *buf);

/**
 * dhb_sync_dmabuf() - DMA_BUF_IOCTL_SYNC on @buf->fd; the common sync hook.
 * @buf: buffer (a dma-buf).
 * @flags: DMA_BUF_SYNC_START or DMA_BUF_SYNC_END, ORed with READ, WRITE or RW.
 *
 * Return: 0 or -errno.
 */
int dhb_sync_dmabuf(struct dhb_buf *buf, uint64_t flags);

/**
 * dhb_heap_name_props() - properties a heap's name implies (rules above).
 * @name: heap name.
 *
 * Return: DHB_PROP_* bits, 0 when the name says nothing.
 */
unsigned int dhb_heap_name_props(const char *name);

/**
 * dhb_heap_props_format() - describe DHB_PROP_* bits in words ("contiguous, cached").
 * @props: bits.
 * @buf: destination, always NUL-terminated when @len > 0.
 * @len: size of @buf.
 *
 * Return: 0, or -ENOSPC when truncated. No bits give "unknown (no naming rule matched)".
 */
int dhb_heap_props_format(unsigned int props, char *buf, size_t len);

#endif /* DHB_BACKEND_H */
