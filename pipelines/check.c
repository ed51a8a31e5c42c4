// SPDX-License-Identifier: MIT
// --verify of a frame shown: the display's CRC of it (debugfs, or its writeback read back)
// against the reference decode's of the same stream frame.
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "stage.h"

/*
 * How long the display's CRC of a frame shown, or its writeback, may take to come: vkms
 * composes each frame on the CPU, which under QEMU TCG takes some 100 ms at 1280x720.
 */
#define CRC_WAIT_MS 3000

/* The display's CRC of the vblank frame @f was flipped at, waited for. */
static int display_crc(struct dhb_pipe *p, const struct dhb_frame *f, uint32_t *crc, char *why,
		       size_t len)
{
	uint64_t deadline = dhb_pipe_now() + (uint64_t)CRC_WAIT_MS * 1000000u, now;
	int ret;

	for (;;) {
		ret = dhb_crc_drain(&p->crc);
		if (ret) {
			snprintf(why, len, "--verify: reading the display's CRCs: %s",
				 strerror(-ret));
			return ret;
		}
		if (dhb_crc_lookup(&p->crc, f->vblank, crc))
			return 0;
		now = dhb_pipe_now();
		if (now >= deadline) {
			snprintf(why, len,
				 "--verify: no CRC from %s for vblank %u (frame %" PRIu64 ")",
				 p->cfg->display->name, f->vblank, f->pos);
			return -ETIMEDOUT;
		}
		ret = dhb_pipe_wait(p, p->crc.fd, POLLIN, (int)((deadline - now) / 1000000u) + 1,
				    NULL);
		if (ret == -EINTR)
			return ret;
	}
}

/*
 * --verify-with writeback: the CRC of what the writeback connector wrote of frame @f (the job
 * of the commit that showed it), read by the CPU; those bytes are no frame buffer's.
 */
static int writeback_crc(struct dhb_pipe *p, const struct dhb_frame *f, uint32_t *crc,
			 uint64_t *bytes, char *why, size_t len)
{
	int ret = dhb_wb_crc(p, p->wb, f->wb_slot, CRC_WAIT_MS, crc, bytes);

	if (ret == -ETIMEDOUT)
		snprintf(why, len,
			 "--verify: no writeback from %s for frame %" PRIu64
			 " (its out-fence did not signal in %d ms)",
			 p->cfg->display->name, f->pos, CRC_WAIT_MS);
	else if (ret && ret != -EINTR)
		snprintf(why, len, "--verify: %.240s", p->err);
	return ret;
}

int dhb_pipe_check_frame(struct dhb_pipe *p, const struct dhb_frame *f, uint64_t *wb_bytes,
			 char *why, size_t len)
{
	size_t k = (size_t)(f->pos % p->cfg->n_ref);
	uint32_t crc;
	int ret;

	ret = p->wb ? writeback_crc(p, f, &crc, wb_bytes, why, len)
		    : display_crc(p, f, &crc, why, len);
	if (ret)
		return ret;
	if (crc != p->cfg->ref_crc[k]) {
		snprintf(why, len,
			 "--verify: stream frame %zu (frame %" PRIu64
			 " decoded) %s with CRC 0x%08x, its reference decode's is 0x%08x",
			 k, f->pos, p->wb ? "written back" : "shown", crc, p->cfg->ref_crc[k]);
		return -EBADMSG;
	}
	return 0;
}

int dhb_pipe_check_broken(const struct dhb_pipe *p, const struct dhb_frame *f, char *why,
			  size_t len)
{
	snprintf(why, len,
		 "--verify: stream frame %zu (frame %" PRIu64
		 " decoded) not shown: %s flagged its decode as broken (V4L2_BUF_FLAG_ERROR)",
		 (size_t)(f->pos % p->cfg->n_ref), f->pos, p->cfg->source->name);
	return -EBADMSG;
}
