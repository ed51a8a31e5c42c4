// SPDX-License-Identifier: MIT
// Allocation traces: the builder (dense slots), the CSV parser with line-numbered errors, the writer.
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/frag.h"
#include "dhb/outfile.h"

#define HEADER	   "time,op,id,size,alignment"
#define MAX_FIELDS 5

static int grow(void **p, size_t elem, size_t need, size_t *cap)
{
	size_t ncap = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	q = realloc(*p, ncap * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

static int append(struct dhb_frag_trace *tr, const struct dhb_frag_op *op)
{
	if (tr->n && op->time_ns < tr->ops[tr->n - 1].time_ns)
		return -EINVAL;
	if (tr->n >= DHB_FRAG_MAX_OPS)
		return -E2BIG;
	if (grow((void **)&tr->ops, sizeof(*tr->ops), tr->n + 1, &tr->cap))
		return -ENOMEM;
	tr->ops[tr->n++] = *op;
	return 0;
}

/* Room for one more slot in every per-slot array. */
static int grow_slots(struct dhb_frag_trace *tr)
{
	size_t cap = tr->cap_slots, c;
	int ret = 0;

	if (tr->n_slots < tr->cap_slots)
		return 0;
	if (tr->n_slots == UINT32_MAX)
		return -ENOMEM;
	c = cap;
	ret |= grow((void **)&tr->slot_size, sizeof(uint64_t), tr->n_slots + 1, &c);
	c = cap;
	ret |= grow((void **)&tr->slot_align, sizeof(uint64_t), tr->n_slots + 1, &c);
	c = cap;
	ret |= grow((void **)&tr->slot_live, sizeof(bool), tr->n_slots + 1, &c);
	c = cap;
	ret |= grow((void **)&tr->free_slots, sizeof(uint32_t), tr->n_slots + 1, &c);
	if (ret)
		return -ENOMEM;
	tr->cap_slots = (uint32_t)(c > UINT32_MAX ? UINT32_MAX : c);
	return 0;
}

int dhb_frag_trace_alloc(struct dhb_frag_trace *tr, uint64_t time_ns, uint64_t size, uint64_t align,
			 uint32_t *slot)
{
	struct dhb_frag_op op = {time_ns, size, align, 0, DHB_FRAG_ALLOC};
	int ret;

	if (!size || size > DHB_FRAG_MAX_SIZE || (align & (align - 1)) ||
	    align > DHB_FRAG_MAX_SIZE || (tr->n && time_ns < tr->ops[tr->n - 1].time_ns))
		return -EINVAL;
	if (tr->n_free) {
		op.slot = tr->free_slots[--tr->n_free];
	} else {
		ret = grow_slots(tr);
		if (ret)
			return ret;
		op.slot = tr->n_slots++;
	}
	ret = append(tr, &op);
	if (ret) {
		tr->free_slots[tr->n_free++] = op.slot; /* back to the free slots */
		return ret;
	}
	tr->slot_size[op.slot] = size;
	tr->slot_align[op.slot] = align;
	tr->slot_live[op.slot] = true;
	*slot = op.slot;
	return 0;
}

int dhb_frag_trace_free(struct dhb_frag_trace *tr, uint64_t time_ns, uint32_t slot)
{
	struct dhb_frag_op op = {time_ns, 0, 0, slot, DHB_FRAG_FREE};
	int ret;

	if (slot >= tr->n_slots || !tr->slot_live[slot])
		return -EINVAL;
	op.size = tr->slot_size[slot];
	op.align = tr->slot_align[slot];
	ret = append(tr, &op);
	if (ret)
		return ret;
	tr->slot_live[slot] = false;
	tr->free_slots[tr->n_free++] = slot;
	return 0;
}

void dhb_frag_trace_release(struct dhb_frag_trace *tr)
{
	free(tr->ops);
	free(tr->slot_size);
	free(tr->slot_align);
	free(tr->slot_live);
	free(tr->free_slots);
	memset(tr, 0, sizeof(*tr));
}

uint64_t dhb_frag_trace_peak(const struct dhb_frag_trace *tr, uint64_t round)
{
	uint64_t live = 0, peak = 0, sz;
	size_t i;

	for (i = 0; i < tr->n; i++) {
		sz = (tr->ops[i].size + round - 1) & ~(round - 1);
		if (tr->ops[i].op == DHB_FRAG_ALLOC) {
			live += sz;
			if (live > peak)
				peak = live;
		} else {
			live -= sz;
		}
	}
	return peak;
}

int dhb_frag_trace_write(const struct dhb_frag_trace *tr, const char *comment, FILE *fp)
{
	size_t i;

	if (comment)
		fprintf(fp, "# %s\n", comment);
	fputs(HEADER "\n", fp);
	for (i = 0; i < tr->n; i++) {
		const struct dhb_frag_op *op = &tr->ops[i];

		fprintf(fp, "%" PRIu64 ",%s,%" PRIu32 ",%" PRIu64 ",%" PRIu64 "\n", op->time_ns,
			op->op == DHB_FRAG_ALLOC ? "alloc" : "free", op->slot, op->size, op->align);
	}
	return dhb_outfile_flush(fp); /* the errno of a failed write, not just -EIO */
}

/* ---- parser ------------------------------------------------------------------------------ */

/* Live ids to slots: open addressing, linear probing, deletion by backward shift. */
struct idmap {
	uint64_t *id;
	uint32_t *slot;
	bool *used;
	size_t cap; /* a power of two, at most half full */
	size_t n;
};

static size_t id_hash(uint64_t id, size_t cap)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & (cap - 1);
}

static bool idmap_find(const struct idmap *m, uint64_t id, size_t *pos)
{
	size_t i;

	if (!m->cap)
		return false;
	for (i = id_hash(id, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->id[i] == id) {
			*pos = i;
			return true;
		}
	}
	*pos = i;
	return false;
}

static void idmap_free(struct idmap *m)
{
	free(m->id);
	free(m->slot);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

static int idmap_put(struct idmap *m, uint64_t id, uint32_t slot);

static int idmap_rehash(struct idmap *m)
{
	struct idmap old = *m, nm = {0};
	size_t i;

	nm.cap = old.cap ? old.cap * 2 : 64;
	nm.id = malloc(nm.cap * sizeof(*nm.id));
	nm.slot = malloc(nm.cap * sizeof(*nm.slot));
	nm.used = calloc(nm.cap, sizeof(*nm.used));
	if (!nm.id || !nm.slot || !nm.used) {
		idmap_free(&nm);
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++) {
		if (old.used[i])
			idmap_put(&nm, old.id[i], old.slot[i]); /* cannot grow: half full at most */
	}
	idmap_free(&old);
	*m = nm;
	return 0;
}

static int idmap_put(struct idmap *m, uint64_t id, uint32_t slot)
{
	size_t pos = 0; /* set by idmap_find(): the table is never empty here */

	if ((m->n + 1) * 2 > m->cap && idmap_rehash(m))
		return -ENOMEM;
	idmap_find(m, id, &pos);
	m->used[pos] = true;
	m->id[pos] = id;
	m->slot[pos] = slot;
	m->n++;
	return 0;
}

static void idmap_del(struct idmap *m, size_t pos)
{
	size_t i = pos, j = pos, home;

	m->used[pos] = false;
	for (;;) {
		j = (j + 1) & (m->cap - 1);
		if (!m->used[j])
			break;
		home = id_hash(m->id[j], m->cap);
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->id[i] = m->id[j];
		m->slot[i] = m->slot[j];
		m->used[i] = true;
		m->used[j] = false;
		i = j;
	}
	m->n--;
}

struct parser {
	struct dhb_frag_trace *tr;
	struct idmap ids;
	char *err;
	size_t errlen;
};

static int bad(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal integer, digits only, that fits in 64 bits. */
static int parse_u64(struct parser *p, const char *what, const char *s, uint64_t *v)
{
	uint64_t x = 0;
	const char *c;

	if (!*s)
		return bad(p, "%s is empty", what);
	for (c = s; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return bad(p, "%s '%.40s' is not a decimal integer", what, s);
		if (x > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return bad(p, "%s '%.40s' is too large", what, s);
		x = x * 10 + (uint64_t)(*c - '0');
	}
	*v = x;
	return 0;
}

static int parse_op(struct parser *p, char **f)
{
	struct dhb_frag_trace *tr = p->tr;
	uint64_t t, id, size = 0, align = 0;
	bool is_alloc = !strcmp(f[1], "alloc");
	uint32_t slot;
	size_t pos;
	int ret;

	if (!is_alloc && strcmp(f[1], "free"))
		return bad(p, "unknown op '%.40s' (alloc or free)", f[1]);
	if (parse_u64(p, "time", f[0], &t) || parse_u64(p, "id", f[2], &id))
		return -EINVAL;
	if (tr->n && t < tr->ops[tr->n - 1].time_ns)
		return bad(p, "time %" PRIu64 " is before the previous line's %" PRIu64, t,
			   tr->ops[tr->n - 1].time_ns);
	if ((is_alloc || *f[3]) && parse_u64(p, "size", f[3], &size))
		return -EINVAL;
	if ((is_alloc || *f[4]) && *f[4] && parse_u64(p, "alignment", f[4], &align))
		return -EINVAL;
	if (is_alloc && !*f[4])
		return bad(p, "alignment is empty (0 for the heap's default)");
	if (is_alloc && !size)
		return bad(p, "size is 0");
	if (size > DHB_FRAG_MAX_SIZE)
		return bad(p, "size %" PRIu64 " is too large (at most %llu)", size,
			   DHB_FRAG_MAX_SIZE);
	if (align & (align - 1))
		return bad(p, "alignment %" PRIu64 " is not a power of two", align);
	if (align > DHB_FRAG_MAX_SIZE)
		return bad(p, "alignment %" PRIu64 " is too large (at most %llu)", align,
			   DHB_FRAG_MAX_SIZE);
	if (is_alloc) {
		if (idmap_find(&p->ids, id, &pos))
			return bad(p, "id %" PRIu64 " is already live", id);
		ret = dhb_frag_trace_alloc(tr, t, size, align, &slot);
		if (!ret)
			ret = idmap_put(&p->ids, id, slot);
		return ret;
	}
	if (!idmap_find(&p->ids, id, &pos))
		return bad(p, "free of id %" PRIu64 ", which is not live", id);
	slot = p->ids.slot[pos];
	if (*f[3] && size != tr->slot_size[slot])
		return bad(p,
			   "free of id %" PRIu64 " says size %" PRIu64
			   " but it was allocated with %" PRIu64,
			   id, size, tr->slot_size[slot]);
	if (*f[4] && align != tr->slot_align[slot])
		return bad(p,
			   "free of id %" PRIu64 " says alignment %" PRIu64
			   " but it was allocated with %" PRIu64,
			   id, align, tr->slot_align[slot]);
	ret = dhb_frag_trace_free(tr, t, slot);
	if (!ret)
		idmap_del(&p->ids, pos);
	return ret;
}

/* Split @s at commas in place; the number of fields, or MAX_FIELDS + 1 when there are more. */
static size_t split(char *s, char **f)
{
	size_t n = 0;

	for (;;) {
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		f[n++] = s;
		s = strchr(s, ',');
		if (!s)
			return n;
		*s++ = '\0';
	}
}

/*
 * One line of @fp into @buf (DHB_FRAG_MAX_LINE + 1 bytes), without its '\n' and the '\r's before
 * it. Return: its length, -1 at the end of the file, -E2BIG for a longer line (the rest of it is
 * left unread), or -EIO for a read error (its errno in @rerr): never an end of file.
 */
static ssize_t read_line(FILE *fp, char *buf, int *rerr)
{
	size_t len = 0;
	int c;

	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (len == DHB_FRAG_MAX_LINE)
			return -E2BIG;
		buf[len++] = (char)c;
	}
	if (c == EOF && ferror(fp)) {
		*rerr = errno ? errno : EIO;
		return -EIO;
	}
	if (c == EOF && !len)
		return -1;
	while (len && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	return (ssize_t)len;
}

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

int dhb_frag_trace_parse(FILE *fp, struct dhb_frag_trace *tr, unsigned long *line, char *err,
			 size_t errlen)
{
	struct parser p = {.tr = tr, .err = err, .errlen = errlen};
	bool header = false;
	char buf[DHB_FRAG_MAX_LINE + 1], *f[MAX_FIELDS];
	size_t n;
	ssize_t len;
	int ret = 0, rerr = 0;

	*line = 0;
	if (errlen)
		err[0] = '\0';
	errno = 0;
	for (;;) {
		len = read_line(fp, buf, &rerr);
		if (len == -1)
			break;
		++*line;
		if (len == -EIO) {
			bad(&p, "read error: %s", strerror(rerr));
			ret = -EIO;
			break;
		}
		if (len == -E2BIG) {
			ret = bad(&p, "line longer than %d bytes", DHB_FRAG_MAX_LINE);
			break;
		}
		if (strlen(buf) != (size_t)len) {
			ret = bad(&p, "NUL byte in the line");
			break;
		}
		if (buf[0] == '#' || blank(buf))
			continue;
		if (!header) {
			if (strcmp(buf, HEADER)) {
				ret = bad(&p,
					  "missing header (the first line must be '" HEADER "')");
				break;
			}
			header = true;
			continue;
		}
		n = split(buf, f);
		if (n != MAX_FIELDS) {
			if (n > MAX_FIELDS)
				ret = bad(&p, "more than 5 fields, expected 5 (" HEADER ")");
			else
				ret = bad(&p, "%zu field%s, expected 5 (" HEADER ")", n,
					  n == 1 ? "" : "s");
			break;
		}
		if (tr->n >= DHB_FRAG_MAX_OPS) {
			ret = bad(&p, "more than %d operations (the most a trace may hold)",
				  DHB_FRAG_MAX_OPS);
			break;
		}
		ret = parse_op(&p, f);
		if (ret) {
			if (ret == -ENOMEM)
				bad(&p, "out of memory");
			break;
		}
	}
	if (!ret && !header) {
		++*line;
		ret = bad(&p, "missing header (the file has no '" HEADER "' line)");
	}
	idmap_free(&p.ids);
	if (ret)
		dhb_frag_trace_release(tr);
	return ret;
}
