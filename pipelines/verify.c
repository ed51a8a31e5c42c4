// SPDX-License-Identifier: MIT
// --verify: the CRC vkms computes of each frame it shows (debugfs), against a reference decode.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "stage.h"

/*
 * vkms composes each frame it shows line by line into 16-bit ARGB (u16 a, r, g, b per pixel, each
 * 8-bit channel times 257, alpha 0xffff for XRGB8888) and takes crc32_le() of those lines, seeded
 * with 0 and not inverted (drivers/gpu/drm/vkms/vkms_composer.c, the same on 6.1 and 6.12). With
 * one opaque XRGB8888 plane covering the CRTC that is a function of the frame's pixels alone, so
 * the CPU computes the same number from a reference frame. The CRCs arrive in
 * /sys/kernel/debug/dri/MINOR/crtc-N/crc/data, one line per vblank: "0xFRAME 0xCRC" once the
 * source "auto" is written to crc/control and data is open.
 */

static uint32_t crc_table[256];

static void crc_table_init(void)
{
	uint32_t c, i, k;

	if (crc_table[1])
		return;
	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t dhb_vkms_crc(const uint8_t *px, uint32_t width, uint32_t height, uint32_t pitch)
{
	uint32_t crc = 0, x, y;
	uint8_t line[8];
	unsigned int i;

	crc_table_init();
	for (y = 0; y < height; y++) {
		const uint8_t *p = px + (size_t)y * pitch;

		for (x = 0; x < width; x++, p += 4) {
			/* a, r, g, b as little-endian u16: 0xffff, then byte * 257 twice over */
			line[0] = line[1] = 0xff;
			line[2] = line[3] = p[2];
			line[4] = line[5] = p[1];
			line[6] = line[7] = p[0];
			for (i = 0; i < 8; i++)
				crc = crc_table[(crc ^ line[i]) & 0xff] ^ (crc >> 8);
		}
	}
	return crc;
}

int dhb_ref_write(const char *path, const uint32_t *crc, size_t n)
{
	FILE *fp = fopen(path, "we");
	size_t i;
	int ret;

	if (!fp)
		return -errno;
	fprintf(fp, "# dmaheap-bench reference: vkms CRC of each decoded frame, %zu frames\n", n);
	for (i = 0; i < n; i++)
		fprintf(fp, "%zu 0x%08x\n", i, crc[i]);
	ret = ferror(fp) ? -EIO : 0;
	if (fclose(fp) && !ret)
		ret = -errno;
	if (ret)
		unlink(path);
	return ret;
}

int dhb_ref_read(const char *path, uint32_t **out, size_t *n_out, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char line[128];
	uint32_t *crc = NULL, *grown, value;
	size_t n = 0, cap = 0, idx, lineno = 0;

	*out = NULL;
	*n_out = 0;
	if (!fp) {
		snprintf(err, errlen, "%s: %s (--make-stream writes it beside the stream)", path,
			 strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%zu 0x%x", &idx, &value) != 2 || idx != n) {
			snprintf(err, errlen, "%s:%zu: not a reference line (\"INDEX 0xCRC\")",
				 path, lineno);
			goto fail;
		}
		if (n == DHB_REF_MAX_FRAMES) {
			snprintf(err, errlen, "%s: more than %u frames", path, DHB_REF_MAX_FRAMES);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			grown = realloc(crc, cap * sizeof(*crc));
			if (!grown) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			crc = grown;
		}
		crc[n++] = value;
	}
	fclose(fp);
	if (!n) {
		snprintf(err, errlen, "%s: no frames", path);
		free(crc);
		return -EINVAL;
	}
	*out = crc;
	*n_out = n;
	return 0;
fail:
	fclose(fp);
	free(crc);
	return -EINVAL;
}

/* debugfs crc/control or data of the card open on @card_fd, CRTC @crtc. */
static void crc_path(char *buf, size_t len, int card_fd, unsigned int crtc, const char *file)
{
	struct stat st;
	unsigned int minor_no = 0;

	if (!fstat(card_fd, &st))
		minor_no = minor(st.st_rdev);
	snprintf(buf, len, "/sys/kernel/debug/dri/%u/crtc-%u/crc/%s", minor_no, crtc, file);
}

int dhb_crc_open(struct dhb_crc_src *c, int card_fd, unsigned int crtc, char *err, size_t errlen)
{
	char path[128];
	int fd;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	crc_path(path, sizeof(path), card_fd, crtc, "control");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "auto", 4) != 4) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "--verify: %s: %s (the display's CRCs, vkms's, from debugfs)",
			 path, strerror(e));
		return -e;
	}
	close(fd);
	crc_path(path, sizeof(path), card_fd, crtc, "data");
	c->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "--verify: %s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

int dhb_crc_drain(struct dhb_crc_src *c)
{
	char line[64];
	unsigned int seq, crc;
	ssize_t got;

	if (c->fd < 0)
		return 0;
	for (;;) {
		got = read(c->fd, line, sizeof(line) - 1);
		if (got < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (got == 0)
			return 0;
		line[got] = '\0';
		if (sscanf(line, "0x%x 0x%x", &seq, &crc) != 2)
			continue; /* no frame counter: cannot be matched */
		c->seq[c->head % DHB_CRC_RING] = seq;
		c->crc[c->head % DHB_CRC_RING] = crc;
		c->head++;
	}
}

bool dhb_crc_lookup(const struct dhb_crc_src *c, uint32_t seq, uint32_t *crc)
{
	uint64_t i, first = c->head > DHB_CRC_RING ? c->head - DHB_CRC_RING : 0;

	for (i = c->head; i > first; i--) {
		if (c->seq[(i - 1) % DHB_CRC_RING] == seq) {
			*crc = c->crc[(i - 1) % DHB_CRC_RING];
			return true;
		}
	}
	return false;
}

void dhb_crc_close(struct dhb_crc_src *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
