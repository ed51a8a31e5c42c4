// SPDX-License-Identifier: MIT
// The backend registry: the one list of backends, its checks, and probing every instance.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/backend.h"
#include "dhb/registry.h"

/* The one list of backends: adding a backend is one X(NAME) line here plus its file. */
#define DHB_BACKEND_LIST(X) \
	X(dma_heap)         \
	X(udmabuf)          \
	X(drm_dumb)         \
	X(v4l2_mmap)        \
	X(memfd)

#define DHB_BACKEND_DECLARE(n) extern const struct dhb_backend_ops dhb_backend_##n;
#define DHB_BACKEND_ENTRY(n)   &dhb_backend_##n,

DHB_BACKEND_LIST(DHB_BACKEND_DECLARE)

static const struct dhb_backend_ops *const backends[] = {DHB_BACKEND_LIST(DHB_BACKEND_ENTRY)};

#define NBACKENDS     (sizeof(backends) / sizeof(backends[0]))
#define MAX_INSTANCES 256

DHB_REGISTRY_DEFINE(const struct dhb_backend_ops, backends, dhb_backend_first, dhb_backend_next,
		    dhb_backend_find)

int dhb_backend_validate(const struct dhb_backend_ops *ops, char *err, size_t errlen)
{
	static const char *const hooks[] = {"probe", "release", "alloc", "free", "map", "unmap"};
	const void *fns[6];
	const char *why = NULL;
	size_t i;

	if (!ops || !ops->name || !*ops->name) {
		why = "has no name";
		goto out;
	}
	fns[0] = (const void *)ops->probe;
	fns[1] = (const void *)ops->release;
	fns[2] = (const void *)ops->alloc;
	fns[3] = (const void *)ops->free;
	fns[4] = (const void *)ops->map;
	fns[5] = (const void *)ops->unmap;
	for (i = 0; i < 6; i++) {
		if (!fns[i]) {
			if (err && errlen)
				snprintf(err, errlen, "backend %s has no %s hook", ops->name,
					 hooks[i]);
			return -EINVAL;
		}
	}
	if (!ops->help || !*ops->help)
		why = "has no help line";
	else if (!!(ops->caps & DHB_CAP_SYNC) != !!ops->sync)
		why = ops->sync ? "has a sync hook without DHB_CAP_SYNC"
				: "claims DHB_CAP_SYNC without a sync hook";
	else if ((ops->caps & DHB_CAP_SYNC) && !(ops->caps & DHB_CAP_DMABUF))
		why = "claims DHB_CAP_SYNC without DHB_CAP_DMABUF";
	else if (!(ops->caps & DHB_CAP_MMAP))
		why = "cannot map buffers (DHB_CAP_MMAP is mandatory for now)";
	else if (ops->caps & ~DHB_CAP_ALL)
		why = "claims an unknown capability";
	else if ((ops->caps & DHB_CAP_HEAP_NODE) && !(ops->caps & DHB_CAP_DMABUF))
		why = "claims DHB_CAP_HEAP_NODE without DHB_CAP_DMABUF";
	else if ((ops->caps & DHB_CAP_HEAP_ATTRS) && !(ops->caps & DHB_CAP_HEAP_NODE))
		why = "claims DHB_CAP_HEAP_ATTRS without DHB_CAP_HEAP_NODE";
	else if ((ops->caps & DHB_CAP_GEOMETRY) && !(ops->caps & DHB_CAP_DMABUF))
		why = "claims DHB_CAP_GEOMETRY without DHB_CAP_DMABUF";
	else if ((ops->caps & DHB_CAP_V4L2_FOURCC) && !(ops->caps & DHB_CAP_GEOMETRY))
		why = "claims DHB_CAP_V4L2_FOURCC without DHB_CAP_GEOMETRY";
	else if (ops->access_rule && (!*ops->access_rule || strchr(ops->access_rule, '\n')))
		why = "has an access rule that is not one line";
out:
	if (!why)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "backend %s %s", ops && ops->name ? ops->name : "(null)",
			 why);
	return -EINVAL;
}

const struct dhb_backend_ops *dhb_backend_find_caps(unsigned int caps)
{
	size_t i;

	for (i = 0; i < NBACKENDS; i++) {
		if ((backends[i]->caps & caps) == caps)
			return backends[i];
	}
	return NULL;
}

int dhb_backends_check(char *err, size_t errlen)
{
	size_t i, j;
	int ret;

	for (i = 0; i < NBACKENDS; i++) {
		ret = dhb_backend_validate(backends[i], err, errlen);
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			if (!strcmp(backends[i]->name, backends[j]->name)) {
				if (err && errlen)
					snprintf(err, errlen, "backend name %s registered twice",
						 backends[i]->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int dhb_instances_probe(struct dhb_instance **out, size_t *n)
{
	const struct dhb_backend_ops *ops;
	struct dhb_instance *v;
	size_t got = 0;
	int ret = 0;

	*out = NULL;
	*n = 0;
	v = calloc(MAX_INSTANCES, sizeof(*v));
	if (!v)
		return -ENOMEM;
	dhb_for_each_backend (ops) {
		ret = ops->probe(ops, v, MAX_INSTANCES, &got);
		if (ret)
			break;
	}
	if (ret) {
		dhb_instances_release(v, got);
		return ret;
	}
	*out = v;
	*n = got;
	return 0;
}

void dhb_instances_release(struct dhb_instance *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		v[i].ops->release(&v[i]);
	free(v);
}

bool dhb_instance_is_dmabuf(const struct dhb_instance *inst)
{
	return dhb_instance_has_caps(inst, DHB_CAP_DMABUF);
}

bool dhb_instance_has_caps(const struct dhb_instance *inst, unsigned int caps)
{
	return (inst->ops->caps & caps) == caps;
}
