// SPDX-License-Identifier: MIT
// Test "cpu": read, write and memcpy bandwidth through the mapping, beside malloc'd memory.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dhb/compat.h"
#include "dhb/workload.h"

/*
 * Bandwidth in MB/s, 1 MB = 10^6 bytes. Each sample sweeps the buffer `passes` times, with
 * passes = ceil(CPU_MIN_BYTES / size), so every sample moves at least 1 MiB and lasts far longer
 * than the clock's own cost (small buffers are swept repeatedly and so measure cache-hot
 * access, which is what a small buffer gets). Operations:
 *   read_bw:   sum the buffer as 64-bit words (four accumulators), result fed to an asm barrier;
 *   write_bw:  store a 64-bit pattern into every word, then a compiler memory barrier;
 *   memcpy_bw: memcpy() the buffer into an anonymous block of the same size (counts size
 *              bytes per pass, not read + write).
 * The compiler cannot drop any of them: each result or destination reaches an asm statement.
 * The same three run on private anonymous memory, what malloc() returns for large blocks (heap
 * "malloc", backend "malloc",
 * params baseline_for=HEAP) in the same iteration, interleaved with the buffer's, so drift
 * (frequency, other load) affects both alike: the malloc figure is the limit a
 * buffer can reach.
 * Which of the two goes first alternates between iterations.
 *
 * Placement: the buffer and the baseline each copy into their own destination, mapped at the
 * same distance below its source (the source's size plus CPU_DST_GAP), so the two memcpys differ
 * only in the kind of memory they read. The relative placement of source and destination is a
 * confound that can dwarf the memory kind: under QEMU TCG, whose software TLB is direct-mapped
 * by virtual page number, a 32 MiB memcpy between two anonymous blocks ran at 1.2 to 2.7 GB/s
 * depending only on their distance (lab, 6.12), while the host's hardware showed no such
 * dependence; libc's memcpy also picks its method by relative alignment (4 KiB aliasing). The
 * blocks are page-aligned like a mapping, so a malloc'd block's usual 16-byte offset does not
 * compare two different memcpy algorithms either. When the address below a mapping is taken,
 * other gaps are tried; if none fits both, the test fails rather than compare unlike layouts.
 * On dma-bufs each timed access is bracketed by DMA_BUF_IOCTL_SYNC START/END outside the timed
 * section, as correct users do.
 *
 * Sizes that are not a page multiple: a dma-buf's length is rounded up to whole pages, and so is
 * every mapping; the test still reads, writes and copies exactly the size asked for (the tail
 * that is not a whole 64-bit word byte by byte) and counts those bytes. Only the placement works
 * in whole pages: a destination lies the size rounded up to the page size, plus the gap, below
 * its source, since mmap() places at page boundaries only.
 */
#define CPU_MIN_BYTES (1u << 20)
/* Gaps tried between a destination's end and its source's start. */
static const size_t cpu_dst_gaps[] = {64u << 10, 2u << 20, 64u << 20, 1u << 30};

enum { OP_READ, OP_WRITE, OP_MEMCPY, NOPS };

static const char *const op_names[NOPS] = {"read_bw", "write_bw", "memcpy_bw"};
static const uint64_t op_sync[NOPS] = {DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_READ};

struct cpu_state {
	struct dhb_buf buf;
	void *src;     /* malloc baseline (anonymous mapping) */
	void *dst;     /* the buffer's memcpy destination */
	void *src_dst; /* the baseline's memcpy destination */
	uint64_t passes;
	uint64_t iteration;
	int heap[NOPS], base[NOPS];
};

static uint64_t __attribute__((noinline)) read_words(const void *p, size_t n)
{
	const uint64_t *q = p;
	const unsigned char *tail = p;
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i, words = n / 8;

	for (i = 0; i + 4 <= words; i += 4) {
		s0 += q[i];
		s1 += q[i + 1];
		s2 += q[i + 2];
		s3 += q[i + 3];
	}
	for (; i < words; i++)
		s0 += q[i];
	for (i = words * 8; i < n; i++)
		s1 += tail[i];
	return s0 ^ s1 ^ s2 ^ s3;
}

static void __attribute__((noinline)) write_words(void *p, size_t n, uint64_t v)
{
	uint64_t *q = p;
	unsigned char *tail = p;
	size_t i, words = n / 8;

	for (i = 0; i < words; i++)
		q[i] = v;
	for (i = words * 8; i < n; i++)
		tail[i] = (unsigned char)v;
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static void do_op(int op, const void *mem, void *dst, size_t n)
{
	uint64_t sum;

	switch (op) {
	case OP_READ:
		sum = read_words(mem, n);
		__asm__ __volatile__("" : : "r"(sum) : "memory");
		break;
	case OP_WRITE:
		write_words((void *)mem, n, 0x0123456789abcdefULL ^ n);
		break;
	default:
		memcpy(dst, mem, n);
		__asm__ __volatile__("" : : "r"(dst) : "memory");
		break;
	}
}

/* One timed sample of @op on @mem; sync brackets it on dma-bufs when @buf is given. */
static int sample(struct dhb_ctx *ctx, struct cpu_state *s, int op, struct dhb_buf *buf, void *mem,
		  void *dst, int metric)
{
	const struct dhb_backend_ops *ops = ctx->inst->ops;
	bool sync = buf && ops->sync;
	struct dhb_section sec;
	uint64_t i;
	int ret;

	if (sync) {
		ret = ops->sync(buf, DMA_BUF_SYNC_START | op_sync[op]);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_SYNC START");
	}
	dhb_section_begin(ctx, &sec);
	for (i = 0; i < s->passes; i++)
		do_op(op, mem, dst, ctx->size);
	dhb_section_end(ctx, &sec);
	if (sync) {
		ret = ops->sync(buf, DMA_BUF_SYNC_END | op_sync[op]);
		if (ret)
			return dhb_ctx_fail(ctx, ret, "DMA_BUF_IOCTL_SYNC END");
	}
	ret = dhb_section_record_rate(ctx, metric, s->passes * ctx->size, &sec);
	return ret ? dhb_ctx_fail(ctx, ret, "recording") : 0;
}

static void unmap_block(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

/* An anonymous block of @size at exactly @at, or NULL when something is mapped there. */
static void *map_block_at(void *at, size_t size)
{
	void *p = mmap(at, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (p != at) { /* a kernel older than 4.17 takes the address as a hint only */
		munmap(p, size);
		return NULL;
	}
	return p;
}

/*
 * Maps the buffer's and the baseline's destinations at the same distance below their sources
 * (see the comment at the top): the size rounded up to @page, plus a gap. Returns 0 or -ENOMEM.
 */
static int place_destinations(struct cpu_state *s, size_t size, size_t page)
{
	size_t i, span = (size + page - 1) / page * page;

	for (i = 0; i < sizeof(cpu_dst_gaps) / sizeof(cpu_dst_gaps[0]); i++) {
		uintptr_t dist = span + cpu_dst_gaps[i];

		if ((uintptr_t)s->buf.addr < dist || (uintptr_t)s->src < dist)
			continue;
		s->dst = map_block_at((char *)s->buf.addr - dist, size);
		s->src_dst = map_block_at((char *)s->src - dist, size);
		if (s->dst && s->src_dst)
			return 0;
		unmap_block(s->dst, size);
		unmap_block(s->src_dst, size);
		s->dst = s->src_dst = NULL;
	}
	return -ENOMEM;
}

static void cpu_teardown(struct dhb_ctx *ctx)
{
	struct cpu_state *s = ctx->state;

	if (!s)
		return;
	dhb_buf_release(&s->buf);
	unmap_block(s->src, ctx->size);
	unmap_block(s->dst, ctx->size);
	unmap_block(s->src_dst, ctx->size);
	free(s);
	ctx->state = NULL;
}

static int cpu_setup(struct dhb_ctx *ctx)
{
	struct dhb_instance *inst = ctx->inst;
	struct dhb_metric *m;
	struct cpu_state *s;
	char params[96];
	int ret, op;

	s = calloc(1, sizeof(*s));
	if (!s)
		return dhb_ctx_fail(ctx, -ENOMEM, "calloc");
	dhb_buf_init(&s->buf, inst);
	ctx->state = s;
	s->passes = (CPU_MIN_BYTES + ctx->size - 1) / ctx->size;
	s->src = mmap(NULL, ctx->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->src == MAP_FAILED) {
		s->src = NULL;
		ret = dhb_ctx_fail(ctx, -ENOMEM, "mmap of the malloc baseline");
		goto out_teardown;
	}
	memset(s->src, 0x5a, ctx->size);
	ret = inst->ops->alloc(inst, ctx->size, &s->buf);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "allocation");
		goto out_teardown;
	}
	ret = inst->ops->map(&s->buf);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "mmap");
		goto out_teardown;
	}
	memset(s->buf.addr, 0x5a, ctx->size);
	ret = place_destinations(s, ctx->size, ctx->page_size > 0 ? (size_t)ctx->page_size : 4096);
	if (ret) {
		dhb_ctx_fail(ctx, ret, "no room for memcpy destinations at equal distances");
		goto out_teardown;
	}
	memset(s->dst, 0xa5, ctx->size);
	memset(s->src_dst, 0xa5, ctx->size);
	snprintf(params, sizeof(params), "baseline_for=%s", inst->name);
	for (op = 0; op < NOPS; op++) {
		s->heap[op] = dhb_ctx_metric(ctx, op_names[op], DHB_METRIC_RATE, NULL, NULL);
		s->base[op] = dhb_ctx_metric(ctx, op_names[op], DHB_METRIC_RATE, NULL, params);
		m = &ctx->metrics[s->base[op]];
		snprintf(m->heap, sizeof(m->heap), "malloc");
		snprintf(m->backend, sizeof(m->backend), "malloc");
	}
	return 0;
out_teardown:
	cpu_teardown(ctx);
	return ret;
}

static int cpu_run_once(struct dhb_ctx *ctx)
{
	struct cpu_state *s = ctx->state;
	int op, ret = 0;

	bool base_first = s->iteration++ & 1;

	for (op = 0; op < NOPS && !ret && !*ctx->stop; op++) {
		if (base_first)
			ret = sample(ctx, s, op, NULL, s->src, s->src_dst, s->base[op]);
		if (!ret)
			ret = sample(ctx, s, op, &s->buf, s->buf.addr, s->dst, s->heap[op]);
		if (!ret && !base_first)
			ret = sample(ctx, s, op, NULL, s->src, s->src_dst, s->base[op]);
	}
	return ret;
}

const struct dhb_test dhb_test_cpu = {
	.name = "cpu",
	.help = "read, write and memcpy bandwidth through the mapping, and on malloc'd memory",
	.buffers = 1,
	.malloc_buffers = 3,
	.needs = DHB_NEED_CPU_ACCESS,
	.setup = cpu_setup,
	.run_once = cpu_run_once,
	.teardown = cpu_teardown,
};
