// SPDX-License-Identifier: MIT
// What a heap publishes in sysfs (the reference heap's stats/ and constraint files), and a reader.
#ifndef DHB_HEAP_ATTRS_H
#define DHB_HEAP_ATTRS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A heap that publishes attributes has a directory with a stats/ subdirectory (decimal files:
 * total used requested free free_extents largest_free live_allocs allocs frees failed_allocs
 * ext_frag_ppm zero_pending) and constraint files (region_base in 0x hex, region_size granule
 * align max_addr pad cached policy source). The directory is looked for in this order:
 *   ROOT/dev/char/MAJOR:MINOR/       (from the node's st_rdev)
 *   ROOT/kernel/dhr_heap/NAME/       (NAME: the node's file name)
 * where ROOT is /sys; the first that has a stats/ subdirectory wins.
 */

#define DHB_HEAP_ATTRS_PATH_LEN 256

/**
 * struct dhb_heap_attrs - where a heap's attributes are.
 * @dir: the directory, without a trailing slash.
 */
struct dhb_heap_attrs {
	char dir[DHB_HEAP_ATTRS_PATH_LEN];
};

/**
 * dhb_heap_attrs_open() - find the attribute directory of a heap node.
 * @a: result.
 * @node: the heap's device node, e.g. /dev/dma_heap/dhr.
 *
 * Return: 0; -ENOENT when the heap publishes none (or @node does not exist); -ENAMETOOLONG.
 */
int dhb_heap_attrs_open(struct dhb_heap_attrs *a, const char *node);

/**
 * dhb_heap_attrs_open_at() - dhb_heap_attrs_open() under another root, for a known device number.
 * @a: result.
 * @root: the sysfs root ("/sys", or a fake tree in a test).
 * @rdev: the node's device number (st_rdev).
 * @name: the heap's name (the node's file name).
 *
 * Return: as dhb_heap_attrs_open().
 */
int dhb_heap_attrs_open_at(struct dhb_heap_attrs *a, const char *root, dev_t rdev,
			   const char *name);

/**
 * dhb_heap_attrs_u64() - read a number ("stats/used", "granule", "region_base").
 * @a: attributes.
 * @name: file name relative to the directory.
 * @v: the value: decimal, or hex with a 0x prefix; one trailing newline allowed.
 *
 * Return: 0; -ENOENT when the file is missing; -EINVAL when it holds no such number; -errno.
 */
int dhb_heap_attrs_u64(const struct dhb_heap_attrs *a, const char *name, uint64_t *v);

/**
 * dhb_heap_attrs_str() - read a text attribute ("policy", "source"), without its newline.
 * @a: attributes.
 * @name: file name relative to the directory.
 * @buf: destination.
 * @len: size of @buf (longer values are cut).
 *
 * Return: 0; -ENOENT when the file is missing; -errno.
 */
int dhb_heap_attrs_str(const struct dhb_heap_attrs *a, const char *name, char *buf, size_t len);

#endif /* DHB_HEAP_ATTRS_H */
