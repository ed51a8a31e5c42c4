// SPDX-License-Identifier: MIT
// Helpers the backends share: retrying ioctl, mapping, dma-buf sync, buffers, heap-name rules.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dhb/backend.h"
#include "dhb/compat.h"

int dhb_close_fds(struct dhb_buf *buf)
{
	int ret = 0;

	if (buf->fd >= 0 && close(buf->fd))
		ret = -errno;
	if (buf->aux_fd >= 0 && close(buf->aux_fd) && !ret)
		ret = -errno;
	buf->fd = -1;
	buf->aux_fd = -1;
	return ret;
}

int dhb_mmap_fd(struct dhb_buf *buf)
{
	void *p;

	if (buf->addr)
		return -EBUSY;
	p = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, buf->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	buf->addr = p;
	return 0;
}

int dhb_munmap_fd(struct dhb_buf *buf)
{
	int ret = 0;

	if (buf->addr && munmap(buf->addr, buf->size))
		ret = -errno;
	buf->addr = NULL;
	return ret;
}

int dhb_sync_dmabuf(struct dhb_buf *buf, uint64_t flags)
{
	struct dma_buf_sync s = {.flags = flags};
	int ret = dhb_ioctl(buf->fd, DMA_BUF_IOCTL_SYNC, &s, &buf->inst->ioctl_retries);

	return ret < 0 ? ret : 0;
}

int dhb_instance_access_rule(const struct dhb_instance *inst, char *buf, size_t len)
{
	static const char key[] = "{name}";
	const char *rule = inst->ops->access_rule, *at;
	int n;

	if (!len)
		return -ENOSPC;
	if (!rule) {
		buf[0] = '\0';
		return 0;
	}
	at = strstr(rule, key);
	if (at)
		n = snprintf(buf, len, "%.*s%s%s", (int)(at - rule), rule, inst->name,
			     at + sizeof(key) - 1);
	else
		n = snprintf(buf, len, "%s", rule);
	return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}

void dhb_buf_init(struct dhb_buf *buf, struct dhb_instance *inst)
{
	buf->inst = inst;
	buf->size = 0;
	buf->fd = -1;
	buf->aux_fd = -1;
	buf->addr = NULL;
}

int dhb_buf_release(struct dhb_buf *buf)
{
	int ret = 0, r;

	if (buf->addr)
		ret = buf->inst->ops->unmap(buf);
	if (buf->fd >= 0 || buf->aux_fd >= 0) {
		r = buf->inst->ops->free(buf);
		if (!ret)
			ret = r;
	}
	return ret;
}

unsigned int dhb_heap_name_props(const char *name)
{
	size_t len = strlen(name);
	unsigned int p = 0;
	bool known = false;

	if (!strcmp(name, "system") || !strncmp(name, "system-", 7) ||
	    !strncmp(name, "system_", 7)) {
		p |= DHB_PROP_SCATTERED;
		known = true;
	}
	if (!strcmp(name, "reserved") || !strcmp(name, "linux,cma") ||
	    !strcmp(name, "default_cma_region") || strstr(name, "cma")) {
		p = (p & ~DHB_PROP_SCATTERED) | DHB_PROP_CONTIGUOUS | DHB_PROP_CMA;
		known = true;
	} else if (strstr(name, "contiguous")) {
		p = (p & ~DHB_PROP_SCATTERED) | DHB_PROP_CONTIGUOUS;
		known = true;
	}
	if (strstr(name, "protected") || strstr(name, "secure") || strstr(name, "restricted"))
		p |= DHB_PROP_PROTECTED;
	if (len >= 9 &&
	    (!strcmp(name + len - 9, "-uncached") || !strcmp(name + len - 9, "_uncached")))
		p |= DHB_PROP_UNCACHED;
	else if (known && !(p & DHB_PROP_PROTECTED))
		p |= DHB_PROP_CACHED;
	return p;
}

int dhb_heap_props_format(unsigned int props, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *words;
	} names[] = {
		{DHB_PROP_SCATTERED, "non-contiguous"},
		{DHB_PROP_CONTIGUOUS, "contiguous"},
		{DHB_PROP_CMA, "(CMA)"},
		{DHB_PROP_CACHED, "cached"},
		{DHB_PROP_UNCACHED, "uncached"},
		{DHB_PROP_PROTECTED, "protected"},
	};
	size_t used = 0, i;
	int w;

	if (len)
		buf[0] = '\0';
	if (!props) {
		w = snprintf(buf, len, "unknown (no naming rule matched)");
		return w >= 0 && (size_t)w < len ? 0 : -ENOSPC;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(props & names[i].bit))
			continue;
		/* "(CMA)" qualifies "contiguous": a space, not a comma. */
		w = snprintf(buf + used, len > used ? len - used : 0, "%s%s",
			     !used			    ? ""
			     : names[i].bit == DHB_PROP_CMA ? " "
							    : ", ",
			     names[i].words);
		if (w < 0 || (size_t)w >= (len > used ? len - used : 0))
			return -ENOSPC;
		used += (size_t)w;
	}
	return 0;
}
