// SPDX-License-Identifier: MIT
// Test "import": what a device pays to take a dma-buf in, first time and again (DRM, V4L2).
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/workload.h"
#include "import.h"

/*
 * One test, two halves: a DRM card imports with PRIME (import_drm.c), a V4L2 node queues the
 * buffer with V4L2_MEMORY_DMABUF (import_v4l2.c). Which half runs follows from the device's
 * kind; whether it can run at all from its capabilities. A device that refuses the source's
 * buffers is not a failure of the run but a result: setup says why (-EOPNOTSUPP), the runner
 * reports it as a skip, and `dmaheap-bench list --matrix` shows it for every pair.
 */
static const struct dhb_import_half *half(const struct dhb_device *dev)
{
	return dev->kind == DHB_DEV_DRM ? &dhb_import_drm : &dhb_import_v4l2;
}

int dhb_import_refused(struct dhb_ctx *ctx, const struct dhb_import_trial *t)
{
	size_t used = strlen(ctx->reason);
	const char *name = strerrorname_np(-t->err);

	snprintf(ctx->reason + used, sizeof(ctx->reason) - used, "%s%s: %s (%s)%s%s%s",
		 used ? "; " : "", t->step ? t->step : "?", name ? name : "?", strerror(-t->err),
		 *t->detail ? " [" : "", t->detail, *t->detail ? "]" : "");
	return -EOPNOTSUPP;
}

static const char *import_supported(const struct dhb_instance *inst, const struct dhb_device *dev,
				    uint64_t size, long page, char *buf, size_t len)
{
	(void)page;
	if (!dev)
		return "needs a device";
	if (!(inst->ops->caps & DHB_CAP_DMABUF))
		return "not a dma-buf";
	if (!(dev->caps & DHB_DEVCAP_DMABUF)) {
		snprintf(buf, len, "%s imports no dma-buf (%s)", dev->name,
			 dev->kind == DHB_DEV_DRM ? "no PRIME import"
						  : "no queue takes V4L2_MEMORY_DMABUF");
		return buf;
	}
	return half(dev)->supported ? half(dev)->supported(inst, dev, size, buf, len) : NULL;
}

static int import_setup(struct dhb_ctx *ctx)
{
	return half(ctx->dev)->setup(ctx);
}

static int import_run_once(struct dhb_ctx *ctx)
{
	return half(ctx->dev)->run_once(ctx);
}

static void import_teardown(struct dhb_ctx *ctx)
{
	half(ctx->dev)->teardown(ctx);
}

const struct dhb_test dhb_test_import = {
	.name = "import",
	.help = "a device imports the buffers: PRIME first vs cached, ADDFB2/RMFB; V4L2 QBUF/DQBUF "
		"with DMABUF, same buffer per index vs rotating",
	.buffers = DHB_IMPORT_BUFFERS,
	.needs = DHB_NEED_DMABUF | DHB_NEED_DEVICE,
	.supported = import_supported,
	.setup = import_setup,
	.run_once = import_run_once,
	.teardown = import_teardown,
};
