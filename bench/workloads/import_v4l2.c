// SPDX-License-Identifier: MIT
// The import test on v4l2 devices (placeholder until its half lands).
#include <errno.h>

#include "import.h"

static const char *stub_supported(const struct dhb_instance *inst, const struct dhb_device *dev,
				  uint64_t size, char *buf, size_t len)
{
	return "not written yet";
}

static int stub_setup(struct dhb_ctx *ctx)
{
	return -EOPNOTSUPP;
}

static int stub_run_once(struct dhb_ctx *ctx)
{
	return -EOPNOTSUPP;
}

static void stub_teardown(struct dhb_ctx *ctx)
{
}

const struct dhb_import_half dhb_import_v4l2 = {
	.supported = stub_supported,
	.setup = stub_setup,
	.run_once = stub_run_once,
	.teardown = stub_teardown,
};

int dhb_import_v4l2_try(struct dhb_device *dev, const struct dhb_v4l2_queue *q, struct dhb_buf *buf,
			struct dhb_import_trial *t)
{
	return -EOPNOTSUPP;
}
