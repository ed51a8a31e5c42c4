// SPDX-License-Identifier: MIT
// Unit tests of the pipelines that need no device: the modes offered, the frame formats, the
// CPU-mapping measure, the bounded wait, the atomic requests' layout.
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "dhb/pipeline.h"
#include "dhb/stats.h"
#include "../../pipelines/stage.h"

static const struct dhb_pipe_mode modes[] = {
	{1024, 768, 60004, true}, {1920, 1080, 60000, false}, {1280, 720, 60000, false},
	{640, 480, 75000, false}, {800, 600, 60317, false},   {640, 480, 59940, false},
	{640, 480, 72809, false}, {320, 200, 70000, false},
};

#define N_MODES (sizeof(modes) / sizeof(modes[0]))

Test(pipeline, candidates_preferred_then_smaller)
{
	size_t out[N_MODES], n;

	n = dhb_pipe_candidates(modes, N_MODES, 0, 0, out);
	cr_assert_eq(n, 4, "the preferred size and the sizes no larger: %zu", n);
	cr_assert_eq(out[0], 0, "the preferred first");
	cr_assert_eq(out[1], 4, "then the larger area (800x600)");
	cr_assert_eq(out[2], 5, "one 640x480: the refresh nearest 60 Hz");
	cr_assert_eq(out[3], 7);
}

/* --format: the frame formats by DRM fourcc, V4L2's and GStreamer's names of the same bytes. */
Test(pipeline, formats_by_drm_fourcc)
{
	static const struct {
		const char *in;
		uint32_t v4l2;
		const char *gst;
		unsigned int bpp;
	} good[] = {
		{"XR24", V4L2_PIX_FMT_XBGR32, "BGRx", 32},
		{"AR24", V4L2_PIX_FMT_ABGR32, "BGRA", 32},
		{"XB24", V4L2_PIX_FMT_RGBX32, "RGBx", 32},
		{"AB24", V4L2_PIX_FMT_RGBA32, "RGBA", 32},
		{"RG16", V4L2_PIX_FMT_RGB565, "RGB16", 16},
		{"YUYV", V4L2_PIX_FMT_YUYV, "YUY2", 16},
		{"UYVY", V4L2_PIX_FMT_UYVY, "UYVY", 16},
	};
	static const struct {
		const char *in;
		const char *msg;
	} bad[] = {
		{"RGBP", "--format RGBP: V4L2's name of the format; give DRM's fourcc, RG16"},
		{"XBGR32", "--format XBGR32: V4L2's name of the format; give DRM's fourcc, XR24"},
		{"rgb565", "give DRM's fourcc, RG16"},
		{"NV12", "--format NV12: not a frame format the pipeline takes (XR24, AR24, XB24, "
			 "AB24, RG16, YUYV, UYVY: DRM fourccs, one plane)"},
		{"xr24", "not a frame format"},
		{"XR24 ", "not a frame format"},
		{"XR2", "not a frame format"},
		{"XR244", "not a frame format"},
		{"", "not a frame format"},
	};
	const struct dhb_pipe_fmt *f;
	char err[256], name[5];
	uint32_t drm;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert_eq(dhb_pipe_format_parse(good[i].in, &drm, err, sizeof(err)), 0, "%s: %s",
			     good[i].in, err);
		f = dhb_pipe_fmt_find(drm);
		cr_assert_not_null(f, "%s", good[i].in);
		dhb_fourcc_text(f->drm, name);
		cr_assert_str_eq(name, good[i].in);
		cr_assert_eq(f->v4l2, good[i].v4l2, "%s: V4L2 0x%08x", good[i].in, f->v4l2);
		cr_assert_str_eq(f->gst, good[i].gst);
		cr_assert_eq(f->bpp, good[i].bpp);
		cr_assert(dhb_pipe_format_at(i, name));
		cr_assert_str_eq(name, good[i].in, "the names in the table's order");
	}
	cr_assert_not(dhb_pipe_format_at(i, name), "no more");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(dhb_pipe_format_parse(bad[i].in, &drm, err, sizeof(err)), -EINVAL,
			     "'%s' was taken", bad[i].in);
		cr_assert(strstr(err, bad[i].msg), "'%s': %s", bad[i].in, err);
	}
	f = dhb_pipe_fmt_find(0);
	cr_assert(f && f->v4l2 == V4L2_PIX_FMT_XBGR32, "no format asked: XR24 (V4L2 XBGR32)");
	cr_assert_null(dhb_pipe_fmt_find(V4L2_PIX_FMT_RGB565), "V4L2's RGBP is no DRM fourcc here");
	dhb_fourcc_text(0x20203843, name); /* "C8  " */
	cr_assert_str_eq(name, "C8");
}

Test(pipeline, candidates_asked_size)
{
	size_t out[N_MODES];

	cr_assert_eq(dhb_pipe_candidates(modes, N_MODES, 640, 480, out), 1);
	cr_assert_eq(out[0], 5);
	cr_assert_eq(dhb_pipe_candidates(modes, N_MODES, 1920, 1080, out), 1,
		     "a size larger than the preferred one may be asked for");
	cr_assert_eq(out[0], 1);
	cr_assert_eq(dhb_pipe_candidates(modes, N_MODES, 1000, 700, out), 0);
	cr_assert_eq(dhb_pipe_candidates(modes, 0, 0, 0, out), 0);
}

Test(pipeline, candidates_without_a_preferred_mode)
{
	struct dhb_pipe_mode m[3] = {
		{640, 480, 60000, false}, {1280, 720, 60000, false}, {1280, 720, 50000, false}};
	size_t out[3];

	cr_assert_eq(dhb_pipe_candidates(m, 3, 0, 0, out), 2, "every size, once");
	cr_assert_eq(out[0], 1, "the largest first, at 60 Hz");
	cr_assert_eq(out[1], 0);
}

/* A memfd of @pages pages and its (st_dev, st_ino). */
static int memfd_of(size_t pages, uint64_t *ids)
{
	struct stat st;
	int fd = memfd_create("dhb-test", MFD_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)(pages * (size_t)sysconf(_SC_PAGESIZE))), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	ids[0] = st.st_dev;
	ids[1] = st.st_ino;
	return fd;
}

Test(pipeline, mapped_bytes_counts_the_files_mappings)
{
	uint64_t ids[4], bytes = 1;
	long page = sysconf(_SC_PAGESIZE);
	void *a, *b;
	int fd = memfd_of(4, ids), other = memfd_of(1, ids + 2);

	cr_assert_eq(dhb_pipe_mapped_bytes(ids, 2, &bytes), 0);
	cr_assert_eq(bytes, 0, "nothing mapped yet");
	a = mmap(NULL, 2 * (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	b = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(a, MAP_FAILED);
	cr_assert_neq(b, MAP_FAILED);
	cr_assert_eq(dhb_pipe_mapped_bytes(ids, 2, &bytes), 0);
	cr_assert_eq(bytes, 5 * (uint64_t)page, "both mappings: %llu", (unsigned long long)bytes);
	cr_assert_eq(dhb_pipe_mapped_bytes(ids + 2, 1, &bytes), 0);
	cr_assert_eq(bytes, 0, "another file's mappings do not count");
	cr_assert_eq(munmap(a, 2 * (size_t)page), 0);
	cr_assert_eq(munmap(b, 3 * (size_t)page), 0);
	cr_assert_eq(dhb_pipe_mapped_bytes(ids, 2, &bytes), 0);
	cr_assert_eq(bytes, 0);
	close(fd);
	close(other);
}

/* @k readings of @m; the scans they made. */
static uint64_t maps_reads(struct dhb_pipe_maps *m, const uint64_t *ids, unsigned int k,
			   uint64_t *bytes)
{
	uint64_t scans = m->scans;

	while (k--)
		cr_assert_eq(dhb_pipe_maps_read(m, ids, 1, bytes), 0);
	return m->scans - scans;
}

/*
 * The first reading scans, then none while nothing is mapped; 2 pages of @fd mapped bring a scan
 * (with @exact, one: the ring, which nothing but this thread's mappings moves) that finds them.
 */
static void *scan_then_map(struct dhb_pipe_maps *m, const uint64_t *ids, int fd, bool exact)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t bytes = 1, scans;
	void *a;

	scans = maps_reads(m, ids, 3, &bytes);
	cr_assert(exact ? scans == 1 : scans >= 1, "the first reading scans: %llu scans",
		  (unsigned long long)scans);
	cr_assert_eq(bytes, 0);
	cr_assert_eq(maps_reads(m, ids, 10, &bytes), 0, "nothing mapped: no scan");
	a = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(a, MAP_FAILED);
	scans = maps_reads(m, ids, 3, &bytes);
	cr_assert(exact ? scans == 1 : scans >= 1, "a mapping came: %llu scans",
		  (unsigned long long)scans);
	cr_assert_eq(bytes, 2 * (uint64_t)page);
	return a;
}

Test(pipeline, maps_scanned_again_when_the_mapped_size_changes)
{
	struct dhb_pipe_maps m;
	uint64_t ids[2], bytes = 1;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = memfd_of(4, ids);
	void *a;

	dhb_pipe_maps_open(&m, false);
	cr_assert_geq(m.statm, 0, "/proc/self/statm: %s", strerror(errno));
	cr_assert_null(m.ring, "no ring asked for");
	a = scan_then_map(&m, ids, fd, false);
	cr_assert_eq(maps_reads(&m, ids, 10, &bytes), 0);
	cr_assert_eq(bytes, 2 * (uint64_t)page, "the last scan's bytes stand");
	cr_assert_eq(munmap(a, 2 * page), 0);
	cr_assert_geq(maps_reads(&m, ids, 1, &bytes), 1, "it went: scanned");
	cr_assert_eq(bytes, 0);
	dhb_pipe_maps_close(&m);
	dhb_pipe_maps_close(&m);
	cr_assert_eq(m.statm, -1);
	cr_assert_eq(maps_reads(&m, ids, 3, &bytes), 3, "without statm every reading scans");
	close(fd);
}

/*
 * The ring of this thread's mappings: a scan after any mapping, even one of a size that took
 * another's place or one gone by the next reading, which the mapped size cannot show.
 */
Test(pipeline, maps_scanned_again_after_any_mapping)
{
	struct dhb_pipe_maps m;
	uint64_t ids[2], bytes = 1;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = memfd_of(4, ids);
	void *a, *b;

	dhb_pipe_maps_open(&m, true);
	if (!m.ring) {
		dhb_pipe_maps_close(&m);
		close(fd);
		cr_skip_test("no perf event of this thread's mappings here (perf_event_paranoid "
			     "or no perf events): the mapped-size test covers the fallback");
	}
	cr_assert_eq(m.statm, -1, "statm is not read where the ring is");
	a = scan_then_map(&m, ids, fd, true);
	/* The frame buffer's mapping replaced by anonymous memory of its size: the size is the same. */
	cr_assert_eq(munmap(a, 2 * page), 0);
	b = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(b, MAP_FAILED);
	cr_assert_eq(maps_reads(&m, ids, 3, &bytes), 1, "a mapping in another's place: scanned");
	cr_assert_eq(bytes, 0);
	/* Mapped and gone again between two readings: the scan finds nothing, but it scans. */
	a = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(a, MAP_FAILED);
	cr_assert_eq(munmap(a, page), 0);
	cr_assert_eq(maps_reads(&m, ids, 3, &bytes), 1, "a mapping come and gone: scanned");
	cr_assert_eq(munmap(b, 2 * page), 0);
	dhb_pipe_maps_close(&m);
	dhb_pipe_maps_close(&m);
	cr_assert_null(m.ring);
	cr_assert_eq(m.watch, -1);
	close(fd);
}

Test(pipeline, wait_is_bounded_and_stops)
{
	struct dhb_pipe_config cfg = {.timeout_ms = 5000};
	struct dhb_pipe p = {.cfg = &cfg};
	volatile sig_atomic_t stop = 0;
	short rev = 0;
	uint64_t t0;
	int fds[2];

	cr_assert_eq(pipe2(fds, O_CLOEXEC), 0);
	p.stop = &stop;
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	cr_assert_eq(dhb_pipe_wait(&p, fds[0], POLLIN, 50, NULL), -ETIMEDOUT);
	cr_assert_geq(dhb_stats_now_ns(CLOCK_MONOTONIC) - t0, 50000000u);
	stop = 2;
	t0 = dhb_stats_now_ns(CLOCK_MONOTONIC);
	cr_assert_eq(dhb_pipe_wait(&p, fds[0], POLLIN, 0, NULL), -EINTR,
		     "a raised flag ends the wait");
	cr_assert_lt(dhb_stats_now_ns(CLOCK_MONOTONIC) - t0, 1000000000u);
	stop = 0;
	cr_assert_eq(write(fds[1], "x", 1), 1);
	cr_assert_eq(dhb_pipe_wait(&p, fds[0], POLLIN | POLLOUT, 0, &rev), 0);
	cr_assert_eq(rev & POLLIN, POLLIN, "what poll() said comes back");
	close(fds[0]);
	close(fds[1]);
}

/* The loop's CPU clock counts this thread's CPU time, not its sleeps. */
Test(pipeline, clock_counts_cpu_not_sleep)
{
	uint64_t c0, c1, c2, t0, t1;
	volatile uint64_t x = 0;
	int fd = dhb_pipe_clock_open(0);

	if (fd < 0)
		cr_skip_test("perf refuses a task-clock counter here: %s", strerror(-fd));
	c0 = dhb_pipe_clock_ns(fd);
	t0 = dhb_stats_now_ns(CLOCK_THREAD_CPUTIME_ID);
	while (dhb_stats_now_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 20000000u)
		x++;
	c1 = dhb_pipe_clock_ns(fd);
	t1 = dhb_stats_now_ns(CLOCK_THREAD_CPUTIME_ID);
	/* The same CPU time as the thread's clock, give or take the reads. */
	cr_assert_geq(c1 - c0, (t1 - t0) / 2, "%llu ns counted over %llu ns of CPU",
		      (unsigned long long)(c1 - c0), (unsigned long long)(t1 - t0));
	cr_assert_leq(c1 - c0, (t1 - t0) * 2, "%llu ns counted over %llu ns of CPU",
		      (unsigned long long)(c1 - c0), (unsigned long long)(t1 - t0));
	usleep(200000);
	c2 = dhb_pipe_clock_ns(fd);
	cr_assert_lt(c2 - c1, 100000000u, "a 200 ms sleep counted %llu ns",
		     (unsigned long long)(c2 - c1));
	close(fd);
}

Test(pipeline, fail_names_the_errno)
{
	struct dhb_pipe p = {0};

	cr_assert_eq(dhb_pipe_fail(&p, -EFAULT, "VIDIOC_QBUF %u", 3), -EFAULT);
	cr_assert_str_eq(p.err, "VIDIOC_QBUF 3: EFAULT (Bad address)");
}

/* An FWHT frame header at @p: @w x @h, @flags, @len bytes of data after it. */
static size_t fwht_frame(uint8_t *p, uint32_t w, uint32_t h, uint32_t flags, uint32_t len)
{
	const uint32_t words[11] = {0x4f4f4f4f, 0xffffffff, 3, w, h, flags, 0, 0, 0, 0, len};
	size_t i;

	for (i = 0; i < 11; i++) {
		p[4 * i] = (uint8_t)(words[i] >> 24);
		p[4 * i + 1] = (uint8_t)(words[i] >> 16);
		p[4 * i + 2] = (uint8_t)(words[i] >> 8);
		p[4 * i + 3] = (uint8_t)words[i];
	}
	memset(p + 44, 0x5a, len);
	return 44 + len;
}

/* 32-bit RGB: 4 components (3 << 16), RGB pixel encoding (2 << 19). */
#define RGB32 ((3u << 16) | (2u << 19))

Test(pipeline, fwht_scan_finds_the_frames)
{
	static uint8_t buf[1024];
	struct dhb_fwht_stream st;
	char err[160];
	size_t n;

	n = fwht_frame(buf, 640, 480, RGB32 | (1u << 10), 100);
	n += fwht_frame(buf + n, 640, 480, RGB32, 20);
	cr_assert_eq(dhb_fwht_scan(buf, n, &st, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(st.n, 2);
	cr_assert_eq(st.off[1], 144);
	cr_assert_eq(st.len[0], 144);
	cr_assert_eq(st.max_len, 144);
	cr_assert_eq(st.width, 640);
	cr_assert_eq(st.height, 480);
	cr_assert_eq(st.components, 4);
	cr_assert_eq(st.pixenc, 2u << 19);
	dhb_fwht_free(&st);
}

Test(pipeline, fwht_scan_refuses_what_is_no_stream)
{
	static uint8_t buf[1024];
	struct dhb_fwht_stream st;
	char err[160];
	size_t n;

	memcpy(buf, "not a stream\n", 13);
	cr_assert_eq(dhb_fwht_scan(buf, 13, &st, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "not an FWHT stream (no FWHT header at its start)");
	n = fwht_frame(buf, 640, 480, RGB32, 0);
	cr_assert_eq(dhb_fwht_scan(buf, 20, &st, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "truncated: 20 bytes after frame 0, less than a header");
	memset(buf, 'x', 64);
	cr_assert_eq(dhb_fwht_scan(buf, 64, &st, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "not an FWHT stream (no FWHT header at its start)");
	cr_assert_eq(dhb_fwht_scan(buf, 0, &st, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "an empty stream");

	n = fwht_frame(buf, 640, 480, RGB32, 100);
	n += fwht_frame(buf + n, 640, 480, RGB32, 100);
	cr_assert_eq(dhb_fwht_scan(buf, n - 1, &st, err, sizeof(err)), -EINVAL, "cut short");
	cr_assert_str_eq(err,
			 "truncated: frame 1 at byte 144 needs 100 bytes of data, 99 are left");
	buf[144] = 'X';
	cr_assert_eq(dhb_fwht_scan(buf, n, &st, err, sizeof(err)), -EINVAL, "damaged");
	cr_assert_str_eq(err, "no FWHT header at byte 144, where frame 1 should start (damaged?)");
	n = fwht_frame(buf, 640, 480, RGB32, 10);
	n += fwht_frame(buf + n, 1280, 720, RGB32, 10);
	cr_assert_eq(dhb_fwht_scan(buf, n, &st, err, sizeof(err)), -EINVAL, "a size change");
	cr_assert_str_eq(err,
			 "frame 1 changes the size from 640x480 to 1280x720 (one size per stream)");
	cr_assert_null(st.off, "nothing kept on failure");
}

/* vkms's CRC of a frame: lines as 16-bit ARGB (alpha 0xffff, channels times 257), crc32_le from 0,
 * not inverted; the X byte and a line's padding do not count. The value from Python's zlib:
 * ~crc32(lines, 0xffffffff). */
Test(pipeline, vkms_crc_of_a_frame)
{
	const uint8_t px[] = {0x10, 0x20, 0x30, 0x99, 0xff, 0x00, 0x80, 0x00, 0xee, 0xee,
			      0xee, 0xee, 1,	2,    3,    4,	  0xaa, 0xbb, 0xcc, 0xdd};

	cr_assert_eq(dhb_vkms_crc(px, 2, 2, 12), 0x78435243u);
}

Test(pipeline, reference_file_round_trip_and_refusals)
{
	char dir[] = "/tmp/dhb-ref-XXXXXX", path[64], err[256];
	const uint32_t crc[3] = {1, 0xdeadbeef, 0};
	uint32_t *got = NULL;
	size_t n = 0;
	FILE *fp;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.ref", dir);
	cr_assert_eq(dhb_ref_write(path, crc, 3), 0);
	cr_assert_eq(dhb_ref_read(path, &got, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 3);
	cr_assert_eq(got[1], 0xdeadbeefu);
	free(got);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs("0 0x1\n2 0x2\n", fp); /* an index skipped */
	fclose(fp);
	cr_assert_eq(dhb_ref_read(path, &got, &n, err, sizeof(err)), -EINVAL);
	cr_assert_not_null(strstr(err, ":2: not a reference line"), "%s", err);
	cr_assert_null(got);
	unlink(path);
	cr_assert_lt(dhb_ref_read(path, &got, &n, err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "--make-stream writes it"), "%s", err);
	rmdir(dir);
}

/*
 * --verify-with writeback: two encoders share a CRTC only when each one's possible_clones holds
 * both (vkms's clone only themselves: the writeback connector then drives the CRTC alone).
 */
Test(pipeline, writeback_clones_and_formats)
{
	const uint32_t fmts[] = {0x34325258 /* XR24 */, 0x38345258 /* XR48 */};

	cr_assert(dhb_wb_can_clone(0x3, 0, 0x3, 1));
	cr_assert(dhb_wb_can_clone(0x6, 2, 0x6, 1));
	cr_assert_not(dhb_wb_can_clone(0x1, 0, 0x2, 1), "vkms: each encoder clones itself");
	cr_assert_not(dhb_wb_can_clone(0x3, 0, 0x2, 1), "both must say so");
	cr_assert_not(dhb_wb_can_clone(0x0, 0, 0x0, 1), "no clones");
	cr_assert_not(dhb_wb_can_clone(0xffffffffu, 32, 0xffffffffu, 0), "an index out of range");
	cr_assert(dhb_wb_has_format(fmts, 2, 0x34325258));
	cr_assert_not(dhb_wb_has_format(fmts, 1, 0x38345258));
	cr_assert_not(dhb_wb_has_format(fmts, 0, 0x34325258));
}

/* The peer's reports: fpsdisplaysink's last-message lines, and nothing else. */
Test(pipeline, gst_report_lines)
{
	uint64_t n = 7;

	cr_assert(dhb_gst_report("/GstPipeline:pipeline0/GstFPSDisplaySink:fpsdisplaysink0: "
				 "last-message = rendered: 41, dropped: 0, current: 44.79, "
				 "average: 51.44",
				 &n));
	cr_assert_eq(n, 41);
	cr_assert(dhb_gst_report("last-message = rendered: 18446744073709551615, dropped: 0", &n));
	cr_assert_eq(n, UINT64_MAX);
	n = 7;
	cr_assert_not(
		dhb_gst_report("last-message = rendered: 18446744073709551616, dropped: 0", &n));
	cr_assert_not(dhb_gst_report("last-message = rendered: -1, dropped: 0", &n));
	cr_assert_not(dhb_gst_report("last-message = rendered: 12", &n));
	cr_assert_not(dhb_gst_report("last-message = rendered: , dropped: 0", &n));
	cr_assert_not(dhb_gst_report("Setting pipeline to PLAYING ...", &n));
	cr_assert_not(dhb_gst_report("", &n));
	cr_assert_eq(n, 7);
}

/* The arrays DRM_IOCTL_MODE_ATOMIC reads: each object's properties together, in first-seen order. */
Test(pipeline, atomic_request_groups_properties_by_object)
{
	static const uint32_t objs[] = {31, 40, 52}, counts[] = {3, 1, 1};
	static const uint32_t props[] = {7, 8, 9, 20, 7};
	static const uint64_t values[] = {100, 5, 6, 0xfff0, 1};
	struct dhb_atomic a;
	unsigned int i;
	int fd, ret;

	dhb_atomic_init(&a);
	dhb_atomic_add(&a, 31, 7, 1);	    /* plane FB_ID */
	dhb_atomic_add(&a, 40, 20, 0xfff0); /* CRTC OUT_FENCE_PTR */
	dhb_atomic_add(&a, 31, 8, 5);	    /* plane IN_FENCE_FD: moves the CRTC's along */
	dhb_atomic_add(&a, 52, 7, 1);	    /* another object, the same property id */
	dhb_atomic_add(&a, 31, 9, 6);
	dhb_atomic_add(&a, 31, 7, 100); /* set again: the last value wins, no second entry */
	cr_assert_eq(a.err, 0);
	cr_assert_eq(a.n_objs, 3);
	cr_assert_eq(a.n_props, 5);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(a.objs[i], objs[i], "object %u: %u", i, a.objs[i]);
		cr_assert_eq(a.counts[i], counts[i], "object %u: %u properties", i, a.counts[i]);
	}
	for (i = 0; i < 5; i++) {
		cr_assert_eq(a.props[i], props[i], "property %u: %u", i, a.props[i]);
		cr_assert_eq(a.values[i], values[i], "value %u: %llu", i,
			     (unsigned long long)a.values[i]);
	}
	/*
	 * Not a DRM device: the ioctl's own error, ENOTTY from the kernel (ENOSYS under qemu-user,
	 * which passes on no ioctl it does not know); nothing to commit: nothing done, 0.
	 */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	ret = dhb_atomic_commit(fd, &a, 0, NULL);
	cr_assert(ret == -ENOTTY || ret == -ENOSYS, "the ioctl's error: %d", ret);
	close(fd);
	dhb_atomic_init(&a);
	cr_assert_eq(dhb_atomic_commit(-1, &a, 0, NULL), 0);
}

/* A zero id or a full request: the first error is kept and committed instead of the ioctl. */
Test(pipeline, atomic_request_refusals)
{
	struct dhb_atomic a;
	uint32_t i;

	dhb_atomic_init(&a);
	dhb_atomic_add(&a, 0, 7, 1);
	dhb_atomic_add(&a, 31, 7, 1);
	cr_assert_eq(a.err, -EINVAL);
	cr_assert_eq(a.n_props, 0, "nothing added after the error");
	cr_assert_eq(dhb_atomic_commit(-1, &a, 0, NULL), -EINVAL, "no ioctl (it would say EBADF)");
	dhb_atomic_init(&a);
	dhb_atomic_add(&a, 31, 0, 1);
	cr_assert_eq(a.err, -EINVAL);

	dhb_atomic_init(&a);
	for (i = 1; i <= DHB_ATOMIC_MAX_OBJS; i++)
		dhb_atomic_add(&a, i, 1, i);
	cr_assert_eq(a.err, 0);
	dhb_atomic_add(&a, 1, 2, 0); /* a known object still takes properties */
	cr_assert_eq(a.err, 0);
	dhb_atomic_add(&a, DHB_ATOMIC_MAX_OBJS + 1, 1, 0);
	cr_assert_eq(a.err, -E2BIG, "one object too many");
	cr_assert_eq(dhb_atomic_commit(-1, &a, 0, NULL), -E2BIG);

	dhb_atomic_init(&a);
	for (i = 1; i <= DHB_ATOMIC_MAX_PROPS; i++)
		dhb_atomic_add(&a, 1 + i % 2, i, i);
	cr_assert_eq(a.err, 0);
	cr_assert_eq(a.n_props, DHB_ATOMIC_MAX_PROPS);
	dhb_atomic_add(&a, 1, 2, 9); /* a value replaced: no room needed */
	cr_assert_eq(a.err, 0);
	dhb_atomic_add(&a, 1, DHB_ATOMIC_MAX_PROPS + 1, 0);
	cr_assert_eq(a.err, -E2BIG, "one property too many");
	cr_assert_eq(dhb_atomic_commit(-1, &a, 0, NULL), -E2BIG);
}
