// SPDX-License-Identifier: MIT
// libFuzzer target: the trace parser on any bytes through a FILE*, checking accepted traces.
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/frag.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERRLEN 160

/*
 * Operations in an accepted trace: every line after the header that is neither a comment nor
 * blank is one operation (TRACE.md). Line ends are stripped as the parser does: any run of '\n'
 * and '\r' at the end of a line.
 */
static size_t count_op_lines(const uint8_t *data, size_t size, unsigned long *lines)
{
	size_t i = 0, start, end, k, ops = 0;
	bool header = false, blank;

	*lines = 0;
	while (i < size) {
		start = i;
		while (i < size && data[i] != '\n')
			i++;
		end = i;
		if (i < size)
			i++; /* the '\n' */
		++*lines;
		while (end > start && data[end - 1] == '\r')
			end--;
		blank = true;
		for (k = start; k < end; k++) {
			if (data[k] != ' ' && data[k] != '\t')
				blank = false;
		}
		if (blank || data[start] == '#')
			continue;
		if (header)
			ops++;
		header = true;
	}
	return ops;
}

static bool is_pow2_or_0(uint64_t x)
{
	return !(x & (x - 1));
}

/* Replay @tr's operations on its slots from scratch and compare with the builder's state. */
static void check_trace(const struct dhb_frag_trace *tr)
{
	uint64_t *size = calloc(tr->n_slots + 1, sizeof(*size));
	uint64_t *align = calloc(tr->n_slots + 1, sizeof(*align));
	bool *live = calloc(tr->n_slots + 1, sizeof(*live));
	bool *on_stack = calloc(tr->n_slots + 1, sizeof(*on_stack));
	size_t i, n_live = 0;

	check(size && align && live && on_stack);
	check(tr->n <= tr->cap && tr->n <= DHB_FRAG_MAX_OPS);
	check(tr->n_slots <= tr->cap_slots);
	check(tr->n_free <= tr->n_slots);
	for (i = 0; i < tr->n; i++) {
		const struct dhb_frag_op *op = &tr->ops[i];

		check(!i || op->time_ns >= tr->ops[i - 1].time_ns);
		check(op->slot < tr->n_slots);
		check(op->size >= 1 && op->size <= DHB_FRAG_MAX_SIZE);
		check(is_pow2_or_0(op->align) && op->align <= DHB_FRAG_MAX_SIZE);
		if (op->op == DHB_FRAG_ALLOC) {
			check(!live[op->slot]);
			live[op->slot] = true;
			size[op->slot] = op->size;
			align[op->slot] = op->align;
			n_live++;
		} else {
			check(op->op == DHB_FRAG_FREE);
			check(live[op->slot]);
			check(op->size == size[op->slot] && op->align == align[op->slot]);
			live[op->slot] = false;
			n_live--;
		}
	}
	/* A slot is live or on the free stack, never both, and the stack holds no repeats. */
	check(n_live + tr->n_free == tr->n_slots);
	for (i = 0; i < tr->n_free; i++) {
		check(tr->free_slots[i] < tr->n_slots);
		check(!live[tr->free_slots[i]] && !on_stack[tr->free_slots[i]]);
		on_stack[tr->free_slots[i]] = true;
	}
	for (i = 0; i < tr->n_slots; i++) {
		check(tr->slot_live[i] == live[i]);
		if (live[i])
			check(tr->slot_size[i] == size[i] && tr->slot_align[i] == align[i]);
	}
	free(size);
	free(align);
	free(live);
	free(on_stack);
}

/* Written and parsed again, a trace is the same trace (ids become slot numbers). */
static void check_round_trip(const struct dhb_frag_trace *tr)
{
	struct dhb_frag_trace again = {0};
	char err[ERRLEN], *text = NULL;
	size_t len = 0, i;
	unsigned long line;
	FILE *fp;

	fp = open_memstream(&text, &len);
	check(fp);
	check(dhb_frag_trace_write(tr, "round trip", fp) == 0);
	check(fclose(fp) == 0);
	fp = fmemopen(text, len, "r");
	check(fp);
	check(dhb_frag_trace_parse(fp, &again, &line, err, sizeof(err)) == 0);
	fclose(fp);
	check(again.n == tr->n && again.n_slots == tr->n_slots);
	for (i = 0; i < tr->n; i++) {
		const struct dhb_frag_op *a = &tr->ops[i], *b = &again.ops[i];

		check(a->time_ns == b->time_ns && a->size == b->size && a->align == b->align &&
		      a->slot == b->slot && a->op == b->op);
	}
	dhb_frag_trace_release(&again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhb_frag_trace tr = {0};
	unsigned long line = 0, lines;
	size_t ops;
	char *buf, *err;
	FILE *fp;
	int ret;

	/* Exact-size copies: ASan sees any read past the input or write past the message. */
	buf = malloc(size ? size : 1);
	err = malloc(ERRLEN);
	check(buf && err);
	if (size)
		memcpy(buf, data, size);
	fp = fmemopen(buf, size, "r");
	check(fp);
	ret = dhb_frag_trace_parse(fp, &tr, &line, err, ERRLEN);
	fclose(fp);

	ops = count_op_lines(data, size, &lines);
	if (ret) {
		check(ret == -EINVAL || ret == -ENOMEM || ret == -EIO);
		check(memchr(err, '\0', ERRLEN) && err[0]);
		check(line >= 1 && line <= lines + 1);
		/* Released on failure: nothing left to free, nothing left pointing at freed memory. */
		check(!tr.ops && !tr.n && !tr.n_slots && !tr.slot_size && !tr.slot_align &&
		      !tr.slot_live && !tr.free_slots && !tr.n_free);
	} else {
		check(tr.n == ops);
		check_trace(&tr);
		check_round_trip(&tr);
		/* The limits keep live totals far from 2^64: rounding up can only raise the peak. */
		check(dhb_frag_trace_peak(&tr, 1) <= dhb_frag_trace_peak(&tr, 4096));
	}
	dhb_frag_trace_release(&tr);
	free(err);
	free(buf);
	return 0;
}
