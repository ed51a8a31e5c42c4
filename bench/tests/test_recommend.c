// SPDX-License-Identifier: MIT
// recommend's engine: the judging steps, the evidence, the bad uses, the rules' lines.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/recommend.h"

/*
 * A matrix of four sources: "fast" (a non-contiguous heap the camera refuses), "contig" and
 * "slow" (contiguous heaps everyone takes), "udmabuf" (not a heap); a camera, a decoder and
 * a display.
 */
static const char matrix_json[] =
	"{\"kernel\": \"6.12.117\", \"board\": \"testboard\",\n"
	" \"sources\": [\n"
	"  {\"name\": \"fast\", \"backend\": \"dma-heap\", \"path\": \"/dev/dma_heap/fast\","
	"   \"properties\": [\"non-contiguous\", \"cached\"]},\n"
	"  {\"name\": \"contig\", \"backend\": \"dma-heap\", \"path\": \"/dev/dma_heap/contig\","
	"   \"properties\": [\"contiguous\", \"cached\"]},\n"
	"  {\"name\": \"slow\", \"backend\": \"dma-heap\", \"path\": \"/dev/dma_heap/slow\","
	"   \"properties\": [\"contiguous\", \"uncached\"]},\n"
	"  {\"name\": \"udmabuf\", \"backend\": \"udmabuf\", \"path\": \"/dev/udmabuf\","
	"   \"properties\": []}],\n"
	" \"devices\": [\n"
	"  {\"name\": \"cam0\", \"kind\": \"v4l2\", \"capabilities\": \"capture, "
	"dmabuf-import\"},\n"
	"  {\"name\": \"dec0\", \"kind\": \"v4l2\", \"capabilities\": \"capture, output, m2m, "
	"codec\"},\n"
	"  {\"name\": \"card0\", \"kind\": \"drm\", \"capabilities\": \"kms, prime-import\"},\n"
	"  {\"name\": \"gem\", \"kind\": \"drm\", \"capabilities\": \"prime-import\"}],\n"
	" \"matrix\": {\"size_bytes\": 8388608, \"cells\": [\n"
	"  {\"source\": \"fast\", \"device\": \"cam0\", \"queue\": \"capture\", \"result\": "
	"\"refused\","
	"   \"step\": \"VIDIOC_QBUF\", \"errno\": \"EFAULT\", \"reason\": \"not contiguous\"},\n"
	"  {\"source\": \"fast\", \"device\": \"dec0\", \"queue\": \"capture\", \"result\": "
	"\"ok\"},\n"
	"  {\"source\": \"fast\", \"device\": \"card0\", \"queue\": null, \"result\": \"ok\"},\n"
	"  {\"source\": \"contig\", \"device\": \"cam0\", \"queue\": \"capture\", \"result\": "
	"\"ok\"},\n"
	"  {\"source\": \"contig\", \"device\": \"dec0\", \"queue\": \"capture\", \"result\": "
	"\"ok\"},\n"
	"  {\"source\": \"contig\", \"device\": \"card0\", \"queue\": null, \"result\": \"ok\"},\n"
	"  {\"source\": \"slow\", \"device\": \"cam0\", \"queue\": \"capture\", \"result\": "
	"\"ok\"},\n"
	"  {\"source\": \"slow\", \"device\": \"dec0\", \"queue\": \"capture\", \"result\": "
	"\"ok\"},\n"
	"  {\"source\": \"slow\", \"device\": \"card0\", \"queue\": null, \"result\": \"ok\"},\n"
	"  {\"source\": \"udmabuf\", \"device\": \"cam0\", \"queue\": \"capture\", \"result\": "
	"\"ok\"},\n"
	"  {\"source\": \"udmabuf\", \"device\": \"card0\", \"queue\": null, \"result\": "
	"\"ok\"}]}}\n";

static char matrix_path[64];

static void write_matrix(void)
{
	FILE *fp;
	int fd;

	snprintf(matrix_path, sizeof(matrix_path), "/tmp/dhb-rec-test-XXXXXX");
	fd = mkstemp(matrix_path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	cr_assert_not_null(fp);
	fputs(matrix_json, fp);
	fclose(fp);
}

static void add(struct dhb_rec *r, const char *heap, const char *backend, const char *test,
		const char *metric, const char *unit, uint64_t size, double p50)
{
	struct dhb_run_info run = {.tool_version = "0.1.0",
				   .git_rev = "g0",
				   .timestamp = "2026-12-02T00:00:00Z",
				   .hostname = "h",
				   .board = "testboard",
				   .kernel = "6.12.117"};
	struct dhb_row row = {.test = test,
			      .heap = heap,
			      .backend = backend,
			      .size_bytes = size,
			      .metric = metric,
			      .params = "",
			      .unit = unit};

	row.stats.p50 = p50;
	cr_assert_eq(dhb_rec_add_row(r, &run, &row), 0);
}

/* fast reads fastest, then contig (two runs: 900 and 1100), slow; udmabuf faster than all. */
static struct dhb_rec *session(void)
{
	struct dhb_rec *r = dhb_rec_new(8 << 20);
	char err[256];

	cr_assert_not_null(r);
	write_matrix();
	cr_assert_eq(dhb_rec_read_matrix(r, matrix_path, err, sizeof(err)), 0, "%s", err);
	unlink(matrix_path);
	add(r, "fast", "dma-heap", "cpu", "read_bw", "MB/s", 8 << 20, 3000);
	add(r, "contig", "dma-heap", "cpu", "read_bw", "MB/s", 8 << 20, 900);
	add(r, "contig", "dma-heap", "cpu", "read_bw", "MB/s", 8 << 20, 1100);
	add(r, "contig", "dma-heap", "cpu", "read_bw", "MB/s", 4096, 99999);
	add(r, "slow", "dma-heap", "cpu", "read_bw", "MB/s", 8 << 20, 100);
	add(r, "udmabuf", "udmabuf", "cpu", "read_bw", "MB/s", 8 << 20, 5000);
	add(r, "fast", "dma-heap", "alloc", "alloc_latency", "ns", 8 << 20, 5000);
	add(r, "slow", "dma-heap", "alloc", "alloc_latency", "ns", 8 << 20, 2000);
	return r;
}

static const struct dhb_rec_verdict *verdict(const struct dhb_rec_result *res, const char *heap)
{
	for (size_t i = 0; i < res->n; i++) {
		if (!strcmp(res->v[i].heap, heap))
			return &res->v[i];
	}
	cr_assert_fail("no verdict for %s", heap);
	return NULL;
}

Test(recommend, camera_display_cpu_read)
{
	struct dhb_rec *r = session();
	struct dhb_rec_result res;
	char err[256];

	cr_assert_eq(dhb_rec_add_use(r, "vidbuf_cached:camera+display+cpu-read", err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(dhb_rec_run(r, err, sizeof(err)), 0, "%s", err);
	dhb_rec_result(r, 0, &res);
	cr_assert_str_eq(res.heap, "contig");
	cr_assert_str_eq(res.alias, "vidbuf_cached");
	cr_assert_str_eq(res.path, "/dev/dma_heap/contig");
	cr_assert_str_eq(res.touch, "cam0/capture, card0");
	cr_assert_eq(res.contiguous, 1);
	cr_assert_str_eq(res.ev.metric, "read_bw");
	cr_assert_float_eq(res.ev.p50, 1000, 1e-9, "median of the two runs");
	cr_assert_eq(res.ev.runs, 2);
	cr_assert_str_eq(res.ev.runner_up, "slow");
	cr_assert_float_eq(res.ev.ratio, 10, 1e-9);
	cr_assert_str_eq(verdict(&res, "fast")->stage, "matrix");
	cr_assert_not_null(strstr(verdict(&res, "fast")->reason, "cam0/capture refused it"));
	cr_assert_not_null(strstr(verdict(&res, "fast")->reason, "EFAULT"));
	cr_assert_str_eq(verdict(&res, "udmabuf")->stage, "backend");
	cr_assert_str_eq(verdict(&res, "slow")->stage, "ranked");
	dhb_rec_free(r);
}

Test(recommend, devices_only_ranks_allocation)
{
	struct dhb_rec *r = session();
	struct dhb_rec_result res;
	char err[256];

	cr_assert_eq(dhb_rec_add_use(r, "decoder+display", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_rec_run(r, err, sizeof(err)), 0, "%s", err);
	dhb_rec_result(r, 0, &res);
	cr_assert_str_eq(res.alias, "decoder-display");
	cr_assert_str_eq(res.ev.metric, "alloc_latency");
	cr_assert_str_eq(res.heap, "slow", "lower latency wins");
	cr_assert_float_eq(res.ev.ratio, 2.5, 1e-9);
	cr_assert_str_eq(verdict(&res, "contig")->stage, "results", "no alloc row");
	dhb_rec_free(r);
}

Test(recommend, no_heap_can_serve)
{
	struct dhb_rec *r = session();
	struct dhb_rec_result res;
	char err[256];

	/* gem was never tried with any source */
	cr_assert_eq(dhb_rec_add_use(r, "gem+cpu-read", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_rec_run(r, err, sizeof(err)), -ESRCH);
	dhb_rec_result(r, 0, &res);
	cr_assert_null(res.heap);
	cr_assert_not_null(strstr(verdict(&res, "contig")->reason, "never tried it on gem"));
	dhb_rec_free(r);
}

Test(recommend, no_rows_for_a_use)
{
	struct dhb_rec *r = session();
	char err[256];

	cr_assert_eq(dhb_rec_add_use(r, "cpu-write", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(dhb_rec_run(r, err, sizeof(err)), -ENODATA);
	cr_assert_not_null(strstr(err, "write_bw"), "%s", err);
	dhb_rec_free(r);
}

Test(recommend, bad_uses)
{
	static const char *const bad[][2] = {
		{"scanner", "neither a use"},	  {"camera=card0", "not a V4L2 capture device"},
		{"x/y:cpu-read", "alias"},	  {"a:", "no use"},
		{"printer=cam0", "unknown role"},
	};
	struct dhb_rec *r = session();
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(dhb_rec_add_use(r, bad[i][0], err, sizeof(err)), -EINVAL, "%s",
			     bad[i][0]);
		cr_assert_not_null(strstr(err, bad[i][1]), "%s: %s", bad[i][0], err);
	}
	dhb_rec_free(r);
	r = session();
	cr_assert_eq(dhb_rec_add_use(r, "a:cpu-read", err, sizeof(err)), 0);
	cr_assert_eq(dhb_rec_add_use(r, "a:camera", err, sizeof(err)), -EINVAL);
	cr_assert_not_null(strstr(err, "already the alias"), "%s", err);
	dhb_rec_free(r);
	r = dhb_rec_new(4096);
	cr_assert_eq(dhb_rec_add_use(r, "camera", err, sizeof(err)), -EINVAL);
	cr_assert_not_null(strstr(err, "--matrix"), "%s", err);
	dhb_rec_free(r);
}

Test(recommend, rules_and_manifest)
{
	struct dhb_rec *r = session();
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *fp;

	cr_assert_eq(dhb_rec_add_use(r, "vidbuf_cached:camera+cpu-read", err, sizeof(err)), 0);
	cr_assert_eq(dhb_rec_add_use(r, "viewer:display+cpu-read+cpu-write", err, sizeof(err)), 0);
	cr_assert_eq(dhb_rec_run(r, err, sizeof(err)), 0, "%s", err);
	fp = open_memstream(&buf, &len);
	dhb_rec_write_rules(r, fp);
	fclose(fp);
	cr_assert_not_null(strstr(buf,
				  "SUBSYSTEM==\"dma_heap\", KERNEL==\"contig\", GROUP=\"video\", "
				  "MODE=\"0660\", OPTIONS+=\"link_priority=50\", "
				  "SYMLINK+=\"dma_heap/vidbuf_cached\"\n"),
			   "%s", buf);
	cr_assert_not_null(strstr(buf, "KERNEL==\"fast\""), "%s", buf);
	cr_assert_not_null(strstr(buf, "SYMLINK+=\"dma_heap/viewer\""), "%s", buf);
	cr_assert_null(strstr(buf, "0666"));
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	dhb_rec_write_manifest(r, fp);
	fclose(fp);
	cr_assert_not_null(strstr(buf, "\"manifest_version\": 1"), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"link\": \"/dev/dma_heap/vidbuf_cached\""), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"runner_up\": \"slow\""), "%s", buf);
	free(buf);
	dhb_rec_free(r);
}
