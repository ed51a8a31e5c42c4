// SPDX-License-Identifier: MIT
// The option table and what it drives: parsing, --help text, and the settings echo for JSON.
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/opts.h"
#include "dhb/size.h"

#define OFF(field) offsetof(struct dhb_settings, field)
#define MAX_COUNT  1000000000ULL

static const struct dhb_opt opts[] = {
	{"heaps", "LIST", DHB_OPT_STRING, OFF(heaps), DHB_CMD_RUN, "all", NULL,
	 "heap names or fnmatch globs, plus udmabuf and memfd (comma list)"},
	{"tests", "LIST", DHB_OPT_STRING, OFF(tests), DHB_CMD_RUN, "alloc,map,cpu,sync", NULL,
	 "tests to run (comma list)"},
	{"sizes", "LIST", DHB_OPT_STRING, OFF(sizes), DHB_CMD_RUN, DHB_DEFAULT_SIZES, NULL,
	 "buffer sizes, binary units: 4K,1M or ranges 4K..64M"},
	{"iterations", "N", DHB_OPT_COUNT, OFF(iterations), DHB_CMD_RUN, "100", NULL,
	 "measured iterations per heap, test and size"},
	{"duration", "S", DHB_OPT_SECONDS, OFF(duration), DHB_CMD_RUN, NULL, NULL,
	 "seconds per heap, test and size, instead of --iterations"},
	{"warmup", "N", DHB_OPT_UINT, OFF(warmup), DHB_CMD_RUN, "2", NULL,
	 "unrecorded iterations before measuring"},
	{"cpu", "N", DHB_OPT_CPU, OFF(cpu), DHB_CMD_RUN, NULL, NULL,
	 "pin the run to CPU N (sched_setaffinity)"},
	{"max-mem", "SIZE", DHB_OPT_SIZE, OFF(max_mem), DHB_CMD_RUN, "50% of MemAvailable", NULL,
	 "memory budget; a plan that could exceed it is refused"},
	{"csv", "FILE", DHB_OPT_STRING, OFF(csv), DHB_CMD_RUN, NULL, NULL,
	 "append the rows to FILE as CSV (header only into an empty file)"},
	{"json", "FILE", DHB_OPT_STRING, OFF(json), DHB_CMD_RUN, NULL, NULL,
	 "write rows, settings and environment to FILE as JSON"},
	{"table", "MODE", DHB_OPT_CHOICE, OFF(table), DHB_CMD_RUN, "full", "full|summary|none",
	 "terminal output: full (every row, then the summary), summary or none"},
	{"events", "LIST", DHB_OPT_STRING, OFF(events), DHB_CMD_RUN, "software events", NULL,
	 "tracepoints to count per timed section (kmem:mm_page_alloc,...), or none"},
	{"json", NULL, DHB_OPT_FLAG, OFF(list_json), DHB_CMD_LIST, NULL, NULL,
	 "print JSON instead of text"},
	{"help", NULL, DHB_OPT_FLAG, OFF(help), DHB_CMD_LIST | DHB_CMD_RUN, NULL, NULL,
	 "show this help and exit"},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

_Static_assert(NOPTS <= 32, "struct dhb_settings.raw and .given hold 32 options");

const struct dhb_opt *dhb_opts_table(size_t *n)
{
	*n = NOPTS;
	return opts;
}

void dhb_settings_init(struct dhb_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->iterations = DHB_DEFAULT_ITERATIONS;
	s->warmup = DHB_DEFAULT_WARMUP;
	s->cpu = -1;
	s->table = "full";
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal integer without sign, blanks or suffix, at most @max. */
static int parse_uint(const char *v, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

static bool in_choices(const char *choices, const char *v)
{
	size_t len = strlen(v);
	const char *p = choices;

	while (p && *p) {
		if (!strncmp(p, v, len) && (p[len] == '|' || !p[len]) && len)
			return true;
		p = strchr(p, '|');
		if (p)
			p++;
	}
	return false;
}

static int set_value(const struct dhb_opt *o, const char *v, struct dhb_settings *s, char *err,
		     size_t errlen)
{
	char *field = (char *)s + o->off, msg[160];
	uint64_t u = 0;
	double d;
	char *end;
	int i;

	switch (o->type) {
	case DHB_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case DHB_OPT_STRING:
		if (!*v)
			return fail(err, errlen, "--%s: empty value", o->name);
		*(const char **)field = v;
		return 0;
	case DHB_OPT_CHOICE:
		if (!in_choices(o->choices, v))
			return fail(err, errlen, "--%s: '%s' is not one of %s", o->name, v,
				    o->choices);
		*(const char **)field = v;
		return 0;
	case DHB_OPT_COUNT:
	case DHB_OPT_UINT:
		if (parse_uint(v, MAX_COUNT, &u) || (o->type == DHB_OPT_COUNT && !u))
			return fail(err, errlen, "--%s: '%s' is not a whole number from %d to %llu",
				    o->name, v, o->type == DHB_OPT_COUNT ? 1 : 0, MAX_COUNT);
		*(uint64_t *)field = u;
		return 0;
	case DHB_OPT_SECONDS:
		errno = 0;
		d = strtod(v, &end);
		if (!*v || isspace((unsigned char)*v) || errno || *end || !isfinite(d) || d <= 0 ||
		    d > 86400)
			return fail(err, errlen,
				    "--%s: '%s' is not a number of seconds above 0 "
				    "and at most 86400",
				    o->name, v);
		*(double *)field = d;
		return 0;
	case DHB_OPT_SIZE:
		if (dhb_size_parse(v, &u, msg, sizeof(msg)))
			return fail(err, errlen, "--%s: %s", o->name, msg);
		*(uint64_t *)field = u;
		return 0;
	case DHB_OPT_CPU:
		if (parse_uint(v, 1023, &u))
			return fail(err, errlen, "--%s: '%s' is not a CPU number from 0 to 1023",
				    o->name, v);
		i = (int)u;
		*(int *)field = i;
		return 0;
	}
	return fail(err, errlen, "--%s: unknown option type", o->name);
}

static const struct dhb_opt *find(unsigned int cmd, const char *name, size_t len, size_t *idx)
{
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		if ((opts[i].cmds & cmd) && strlen(opts[i].name) == len &&
		    !strncmp(opts[i].name, name, len)) {
			*idx = i;
			return &opts[i];
		}
	}
	return NULL;
}

int dhb_opts_parse(unsigned int cmd, int argc, char *const *argv, struct dhb_settings *s, char *err,
		   size_t errlen)
{
	const char *cmdname = cmd == DHB_CMD_LIST ? "list" : "run";
	const struct dhb_opt *o;
	const char *a, *eq, *v;
	size_t idx, len;
	int i, ret;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (!strcmp(a, "-h"))
			a = "--help";
		if (strncmp(a, "--", 2) || !a[2])
			return fail(err, errlen,
				    "unexpected argument '%s' (options start with --; "
				    "see dmaheap-bench %s --help)",
				    a, cmdname);
		eq = strchr(a + 2, '=');
		len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		o = find(cmd, a + 2, len, &idx);
		if (!o)
			return fail(err, errlen,
				    "unknown option '%.*s' for %s (see dmaheap-bench %s "
				    "--help)",
				    (int)(len + 2), a, cmdname, cmdname);
		if (s->given & (1ULL << idx))
			return fail(err, errlen, "--%s given twice", o->name);
		if (o->type == DHB_OPT_FLAG) {
			if (eq)
				return fail(err, errlen, "--%s takes no value", o->name);
			v = "";
		} else if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			return fail(err, errlen, "--%s needs a value (%s)", o->name, o->metavar);
		}
		ret = set_value(o, v, s, err, errlen);
		if (ret)
			return ret;
		s->given |= 1ULL << idx;
		s->raw[idx] = v;
	}
	if (dhb_opts_given(s, "iterations") && dhb_opts_given(s, "duration"))
		return fail(err, errlen,
			    "--iterations and --duration exclude each other "
			    "(a count, or a time per heap, test and size)");
	return 0;
}

bool dhb_opts_given(const struct dhb_settings *s, const char *name)
{
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		if ((s->given & (1ULL << i)) && !strcmp(opts[i].name, name))
			return true;
	}
	return false;
}

void dhb_opts_help(unsigned int cmd, FILE *fp)
{
	char left[40];
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		if (!(opts[i].cmds & cmd))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].metavar ? " " : "",
			 opts[i].metavar ? opts[i].metavar : "");
		fprintf(fp, "  %-18s %s", left, opts[i].help);
		if (opts[i].def)
			fprintf(fp, " (default: %s)", opts[i].def);
		fputc('\n', fp);
	}
}

size_t dhb_opts_echo(unsigned int cmd, const struct dhb_settings *s, struct dhb_kv *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < NOPTS && n < max; i++) {
		if (!(opts[i].cmds & cmd) || opts[i].type == DHB_OPT_FLAG)
			continue;
		out[n].key = opts[i].name;
		out[n].value = (s->given & (1ULL << i)) ? s->raw[i] : opts[i].def;
		if (!strcmp(opts[i].name, "iterations") && dhb_opts_given(s, "duration"))
			out[n].value = NULL; /* --duration replaces the default count */
		n++;
	}
	return n;
}
