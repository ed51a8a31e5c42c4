// SPDX-License-Identifier: MIT
// Option tables and what they drive: parsing with defaults, --help, the JSON echo, the description.
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/err.h"
#include "dhb/exit.h"
#include "dhb/opts.h"
#include "dhb/outfile.h"
#include "dhb/size.h"

#define DEF_LEN 256 /* a def_fn's text */

/* A parsed value, before it is stored into the settings. */
union value {
	bool flag;
	const char *str;
	uint64_t u;
	double d;
	int i;
};

/* A decimal integer without sign, blanks or suffix, from @min to @max. */
static int parse_uint(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return -EINVAL;
	*out = x;
	return 0;
}

/* A finite number without leading blanks, taking all of @v. */
static int parse_real(const char *v, double *out)
{
	char *end;

	if (!*v || isspace((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	*out = strtod(v, &end);
	return errno || *end || !isfinite(*out) ? -EINVAL : 0;
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

/* The text @v of option @o as a value; 0, or -EINVAL with the message in @err. */
static int parse_value(const struct dhb_opt *o, const char *v, union value *x, char *err,
		       size_t errlen)
{
	char msg[160];
	const char *c;

	/* A value is named in its messages, which stay one line. */
	for (c = v; o->type != DHB_OPT_FLAG && *c; c++) {
		if (iscntrl((unsigned char)*c))
			return dhb_err(-EINVAL, err, errlen,
				       "--%s: a value with a control character (byte 0x%02x)",
				       o->name, (unsigned char)*c);
	}
	switch (o->type) {
	case DHB_OPT_FLAG:
		x->flag = true;
		return 0;
	case DHB_OPT_STRING:
		if (!*v)
			return dhb_err(-EINVAL, err, errlen, "--%s: empty value", o->name);
		x->str = v;
		return 0;
	case DHB_OPT_CHOICE:
		if (!in_choices(o->choices, v))
			return dhb_err(-EINVAL, err, errlen, "--%s: '%s' is not one of %s", o->name,
				       v, o->choices);
		x->str = v;
		return 0;
	case DHB_OPT_UINT:
		if (!parse_uint(v, o->min, o->max, &x->u))
			return 0;
		if (!o->min && o->max == UINT64_MAX)
			return dhb_err(-EINVAL, err, errlen, "--%s: '%s' is not a whole number",
				       o->name, v);
		return dhb_err(-EINVAL, err, errlen,
			       "--%s: '%s' is not a whole number from %llu to %llu", o->name, v,
			       (unsigned long long)o->min, (unsigned long long)o->max);
	case DHB_OPT_SECONDS:
		if (parse_real(v, &x->d) || x->d <= 0 || x->d > 86400)
			return dhb_err(-EINVAL, err, errlen,
				       "--%s: '%s' is not a number of seconds above 0 and at most "
				       "86400",
				       o->name, v);
		return 0;
	case DHB_OPT_FRACTION:
		if (parse_real(v, &x->d) || !(x->d > 0 && x->d < 1))
			return dhb_err(-EINVAL, err, errlen,
				       "--%s: '%s' is not a fraction above 0 and below 1", o->name,
				       v);
		return 0;
	case DHB_OPT_SIZE:
		if (dhb_size_parse(v, &x->u, msg, sizeof(msg)))
			return dhb_err(-EINVAL, err, errlen, "--%s: %s", o->name, msg);
		return 0;
	case DHB_OPT_CPU:
		if (parse_uint(v, 0, 1023, &x->u))
			return dhb_err(-EINVAL, err, errlen,
				       "--%s: '%s' is not a CPU number from 0 to 1023", o->name, v);
		x->i = (int)x->u;
		return 0;
	}
	return dhb_err(-EINVAL, err, errlen, "--%s: unknown option type", o->name);
}

static void store(const struct dhb_opt *o, void *settings, const union value *x)
{
	char *field = (char *)settings + o->off;

	switch (o->type) {
	case DHB_OPT_FLAG:
		memcpy(field, &x->flag, sizeof(x->flag));
		break;
	case DHB_OPT_STRING:
	case DHB_OPT_CHOICE:
		memcpy(field, &x->str, sizeof(x->str));
		break;
	case DHB_OPT_UINT:
	case DHB_OPT_SIZE:
		memcpy(field, &x->u, sizeof(x->u));
		break;
	case DHB_OPT_SECONDS:
	case DHB_OPT_FRACTION:
		memcpy(field, &x->d, sizeof(x->d));
		break;
	case DHB_OPT_CPU:
		memcpy(field, &x->i, sizeof(x->i));
		break;
	}
}

/* Row @i's default as text ("" kept in @buf for def_fn), or NULL. */
static const char *default_text(const struct dhb_opt *o, char *buf, size_t len)
{
	if (o->def)
		return o->def;
	if (o->def_fn) {
		buf[0] = '\0';
		o->def_fn(buf, len);
		return buf;
	}
	return NULL;
}

/* Every row's default into @settings: an unset CPU is -1, defaults parse as given values. */
static int apply_defaults(const struct dhb_opts_cmd *cmd, void *settings,
			  struct dhb_opts_line *line, char *err, size_t errlen)
{
	const union value no_cpu = {.i = -1};
	const struct dhb_opt *o;
	union value x;
	size_t i;
	int ret;

	for (i = 0; i < cmd->n_opts; i++) {
		o = &cmd->opts[i];
		if (o->type == DHB_OPT_CPU && !o->def && !o->def_fn)
			store(o, settings, &no_cpu);
		if (o->def_fn) {
			line->defs[i] = malloc(DEF_LEN);
			if (!line->defs[i])
				return -ENOMEM;
		}
		if (!default_text(o, line->defs[i], DEF_LEN))
			continue;
		ret = parse_value(o, default_text(o, line->defs[i], DEF_LEN), &x, err, errlen);
		if (ret)
			return ret; /* a broken table: dhb_opts_validate() says so first */
		store(o, settings, &x);
	}
	return 0;
}

static const struct dhb_opt *find(const struct dhb_opts_cmd *cmd, const char *name, size_t len,
				  size_t *idx)
{
	size_t i;

	for (i = 0; i < cmd->n_opts; i++) {
		if (strlen(cmd->opts[i].name) == len && !strncmp(cmd->opts[i].name, name, len)) {
			*idx = i;
			return &cmd->opts[i];
		}
	}
	return NULL;
}

static bool given(const struct dhb_opts_line *line, const char *name)
{
	size_t i;

	if (!name || !line->given)
		return false;
	return find(line->cmd, name, strlen(name), &i) && line->given[i];
}

bool dhb_opts_given(const struct dhb_opts_line *line, const char *name)
{
	return given(line, name);
}

/* The first @len bytes of argument @a for a message: control characters as '?', at most 63. */
static const char *shown(const char *a, size_t len, char buf[64])
{
	size_t i;

	for (i = 0; i < len && i < 63 && a[i]; i++)
		buf[i] = iscntrl((unsigned char)a[i]) ? '?' : a[i];
	buf[i] = '\0';
	return buf;
}

/* One argument (and its value, which may be the next one): 0 or -EINVAL. */
static int parse_arg(const struct dhb_opts_cmd *cmd, int argc, char *const *argv, int *i,
		     void *settings, struct dhb_opts_line *line, char *err, size_t errlen)
{
	const char *a = argv[*i], *eq, *v;
	const struct dhb_opt *o;
	union value x;
	size_t idx, len;
	char buf[64];
	int ret;

	if (!strcmp(a, "-h") && find(cmd, "help", 4, &idx))
		a = "--help";
	if (strncmp(a, "--", 2) || !a[2])
		return dhb_err(
			-EINVAL, err, errlen,
			"unexpected argument '%s' (options start with --; see dmaheap-bench %s "
			"--help)",
			shown(a, strlen(a), buf), cmd->name);
	eq = strchr(a + 2, '=');
	len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	o = find(cmd, a + 2, len, &idx);
	if (!o)
		return dhb_err(-EINVAL, err, errlen,
			       "unknown option '%s' for %s (see dmaheap-bench %s --help)",
			       shown(a, len + 2, buf), cmd->name, cmd->name);
	if (line->given[idx])
		return dhb_err(-EINVAL, err, errlen, "--%s given twice", o->name);
	if (o->type == DHB_OPT_FLAG) {
		if (eq)
			return dhb_err(-EINVAL, err, errlen, "--%s takes no value", o->name);
		v = "";
	} else if (eq) {
		v = eq + 1;
	} else if (*i + 1 < argc) {
		v = argv[++*i];
	} else {
		return dhb_err(-EINVAL, err, errlen, "--%s needs a value (%s)", o->name,
			       o->metavar);
	}
	ret = parse_value(o, v, &x, err, errlen);
	if (ret)
		return ret;
	store(o, settings, &x);
	line->given[idx] = v;
	return 0;
}

/* Options that exclude each other; 0 or -EINVAL. */
static int check_excludes(const struct dhb_opts_line *line, char *err, size_t errlen)
{
	const struct dhb_opt *o;
	size_t i;

	for (i = 0; i < line->cmd->n_opts; i++) {
		o = &line->cmd->opts[i];
		if (line->given[i] && given(line, o->excludes))
			return dhb_err(-EINVAL, err, errlen,
				       "--%s and --%s exclude each other (%s)", o->name,
				       o->excludes,
				       o->excludes_why ? o->excludes_why : "one or the other");
	}
	return 0;
}

/* Whether argument @a is an operand (the command takes operands and @a is no option). */
static bool is_operand(const struct dhb_opts_cmd *cmd, const char *a, bool after_dashes)
{
	return cmd->operands && (after_dashes || strncmp(a, "-", 1) || !strcmp(a, "-"));
}

/* The number of operands against the command's bounds; 0 or -EINVAL. */
static int check_operands(const struct dhb_opts_line *line, char *err, size_t errlen)
{
	const struct dhb_opts_cmd *cmd = line->cmd;

	if (!cmd->operands)
		return 0;
	if (line->n_operands < cmd->min_operands)
		return dhb_err(-EINVAL, err, errlen,
			       "missing operands: %s %s (see dmaheap-bench %s --help)", cmd->name,
			       cmd->operands, cmd->name);
	if (cmd->max_operands && line->n_operands > cmd->max_operands)
		return dhb_err(-EINVAL, err, errlen, "too many operands: '%s' (%s takes %s)",
			       line->operands[cmd->max_operands], cmd->name, cmd->operands);
	return 0;
}

int dhb_opts_parse(const struct dhb_opts_cmd *cmd, int argc, char *const *argv, void *settings,
		   struct dhb_opts_line *line, char *err, size_t errlen)
{
	size_t n = cmd->n_opts ? cmd->n_opts : 1;
	bool dashes = false;
	int i, ret;

	memset(line, 0, sizeof(*line));
	line->cmd = cmd;
	line->given = calloc(n, sizeof(*line->given));
	line->defs = calloc(n, sizeof(*line->defs));
	line->operands = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*line->operands));
	if (!line->given || !line->defs || !line->operands)
		return -ENOMEM;
	ret = apply_defaults(cmd, settings, line, err, errlen);
	for (i = 0; i < argc && !ret; i++) {
		if (cmd->operands && !dashes && !strcmp(argv[i], "--"))
			dashes = true;
		else if (is_operand(cmd, argv[i], dashes))
			line->operands[line->n_operands++] = argv[i];
		else
			ret = parse_arg(cmd, argc, argv, &i, settings, line, err, errlen);
	}
	if (ret)
		return ret;
	line->help = given(line, "help");
	if (line->help)
		return 0;
	ret = check_operands(line, err, errlen);
	if (!ret)
		ret = check_excludes(line, err, errlen);
	if (!ret && cmd->check)
		ret = cmd->check(settings, line, err, errlen);
	return ret;
}

int dhb_opts_start(const struct dhb_opts_cmd *cmd, int argc, char **argv, void *settings,
		   struct dhb_opts_line *line)
{
	char err[512];
	int ret = dhb_opts_parse(cmd, argc, argv, settings, line, err, sizeof(err));

	if (ret == -ENOMEM) {
		fprintf(stderr, "dmaheap-bench %s: out of memory\n", cmd->name);
		return DHB_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "dmaheap-bench %s: %s\n", cmd->name, err);
		return DHB_EXIT_USAGE;
	}
	if (!line->help)
		return -1;
	errno = 0; /* see dhb_outfile_flush() */
	dhb_opts_help(cmd, stdout);
	ret = dhb_outfile_flush(stdout);
	if (ret) {
		fprintf(stderr, "dmaheap-bench %s: writing standard output: %s\n", cmd->name,
			strerror(-ret));
		return DHB_EXIT_FAIL;
	}
	return DHB_EXIT_OK;
}

void dhb_opts_line_free(struct dhb_opts_line *line)
{
	size_t i;

	for (i = 0; line->defs && i < line->cmd->n_opts; i++)
		free(line->defs[i]);
	free(line->defs);
	free(line->given);
	free(line->echo);
	free(line->operands);
	line->defs = NULL;
	line->given = NULL;
	line->echo = NULL;
	line->operands = NULL;
	line->n_operands = 0;
}

#define HELP_WIDTH  80 /* columns of --help */
#define HELP_INDENT 21 /* where an option's help starts: "  --name VALUE      " */

/* @text from column HELP_INDENT on, wrapped at blanks before HELP_WIDTH. */
static void put_wrapped(FILE *fp, const char *text)
{
	size_t col = HELP_INDENT, len;
	const char *p = text;

	while (*p) {
		len = strcspn(p, " ");
		if (col > HELP_INDENT && col + 1 + len >= HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_INDENT, "");
			col = HELP_INDENT;
		} else if (col > HELP_INDENT) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s", (int)len, p);
		col += len;
		p += len;
		p += strspn(p, " ");
	}
	fputc('\n', fp);
}

void dhb_opts_help(const struct dhb_opts_cmd *cmd, FILE *fp)
{
	char left[40], buf[DEF_LEN], text[DEF_LEN + 256];
	const struct dhb_opt *o;
	const char *def;
	size_t i;

	fprintf(fp, "usage: dmaheap-bench %s\n\n", cmd->usage);
	if (cmd->about)
		fprintf(fp, "%s\n\n", cmd->about);
	fputs("Options:\n", fp);
	for (i = 0; i < cmd->n_opts; i++) {
		o = &cmd->opts[i];
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
			 o->metavar ? o->metavar : "");
		def = default_text(o, buf, sizeof(buf));
		if (!def)
			def = o->def_text;
		snprintf(text, sizeof(text), "%s%s%s%s", o->help, def ? " (default: " : "",
			 def ? def : "", def ? ")" : "");
		fprintf(fp, "  %-*s", HELP_INDENT - 3, left);
		if (strlen(left) > HELP_INDENT - 3)
			fprintf(fp, "\n%*s", HELP_INDENT, "");
		else
			fputc(' ', fp);
		put_wrapped(fp, text);
	}
	if (cmd->footer)
		fprintf(fp, "\n%s\n", cmd->footer);
}

const struct dhb_kv *dhb_opts_echo(struct dhb_opts_line *line, size_t *n)
{
	const struct dhb_opt *o;
	size_t i;

	*n = 0;
	free(line->echo);
	line->echo = calloc(line->cmd->n_opts ? line->cmd->n_opts : 1, sizeof(*line->echo));
	if (!line->echo)
		return NULL;
	for (i = 0; i < line->cmd->n_opts; i++) {
		o = &line->cmd->opts[i];
		if (o->type == DHB_OPT_FLAG)
			continue;
		line->echo[*n].key = o->name;
		if (line->given[i])
			line->echo[*n].value = line->given[i];
		else if (given(line, o->excludes))
			line->echo[*n].value =
				NULL; /* e.g. --duration replaces the default count */
		else if (o->def)
			line->echo[*n].value = o->def;
		else if (line->defs[i])
			line->echo[*n].value = line->defs[i];
		else
			line->echo[*n].value = o->def_text;
		(*n)++;
	}
	return line->echo;
}

/* Writes the values of a describe line, blank-separated. */
struct emit_state {
	FILE *fp;
	bool first;
};

static void emit_value(void *arg, const char *value)
{
	struct emit_state *e = arg;

	fprintf(e->fp, "%s%s", e->first ? "" : " ", value);
	e->first = false;
}

static const char *kind_name(const struct dhb_opt *o)
{
	static const char *const kinds[] = {
		[DHB_COMPLETE_TEXT] = "text",
		[DHB_COMPLETE_FILE] = "file",
		[DHB_COMPLETE_WORD] = "word",
		[DHB_COMPLETE_LIST] = "list",
	};

	if (o->type == DHB_OPT_FLAG)
		return "flag";
	if (o->type == DHB_OPT_CHOICE && o->complete == DHB_COMPLETE_TEXT)
		return "word";
	return kinds[o->complete];
}

void dhb_opts_describe(const struct dhb_opts_cmd *cmd, FILE *fp)
{
	struct emit_state e = {.fp = fp};
	const struct dhb_opt *o;
	const char *p, *bar;
	size_t i;

	for (i = 0; i < cmd->n_opts; i++) {
		o = &cmd->opts[i];
		fprintf(fp, "--%s\t%s\t", o->name, kind_name(o));
		e.first = true;
		for (p = o->type == DHB_OPT_CHOICE ? o->choices : NULL; p;
		     p = bar ? bar + 1 : NULL) {
			bar = strchr(p, '|');
			fprintf(fp, "%s%.*s", e.first ? "" : " ",
				bar ? (int)(bar - p) : (int)strlen(p), p);
			e.first = false;
		}
		if (o->values)
			o->values(emit_value, &e);
		fputc('\n', fp);
	}
}

/* What is wrong with row @o of @cmd, or NULL. */
static const char *row_problem(const struct dhb_opts_cmd *cmd, const struct dhb_opt *o, char *err,
			       size_t errlen)
{
	char buf[DEF_LEN];
	union value x;
	const char *p, *def;
	size_t j;

	if (!o->name || !*o->name)
		return "no name";
	for (p = o->name; *p; p++) {
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return "a name of other characters than a-z, 0-9 and -";
	}
	if (!o->help || !*o->help)
		return "no help line";
	if ((o->type == DHB_OPT_FLAG) != !o->metavar)
		return "a metavar without a value, or a value without a metavar";
	if ((o->type == DHB_OPT_CHOICE) != !!o->choices)
		return "choices without DHB_OPT_CHOICE, or DHB_OPT_CHOICE without choices";
	if (o->type == DHB_OPT_UINT && o->min > o->max)
		return "min above max";
	if (!!o->def + !!o->def_fn + !!o->def_text > 1)
		return "more than one of def, def_fn and def_text";
	if (o->type == DHB_OPT_FLAG && (o->def || o->def_fn || o->def_text || o->values))
		return "a default or values for a flag";
	if (o->complete == DHB_COMPLETE_FILE && o->type != DHB_OPT_STRING)
		return "a file that is not a string";
	if ((o->complete == DHB_COMPLETE_WORD || o->complete == DHB_COMPLETE_LIST) && !o->values &&
	    !o->choices)
		return "a word or list to complete without values";
	if (o->excludes &&
	    (!find(cmd, o->excludes, strlen(o->excludes), &j) || !strcmp(o->excludes, o->name)))
		return "excludes an option the command does not have";
	if (!strcmp(o->name, "help") && o->type != DHB_OPT_FLAG)
		return "help that is not a flag";
	def = default_text(o, buf, sizeof(buf));
	if (def && parse_value(o, def, &x, err, errlen))
		return "a default that does not parse";
	return NULL;
}

int dhb_opts_validate(const struct dhb_opts_cmd *cmd, char *err, size_t errlen)
{
	const char *why = NULL;
	char msg[160];
	size_t i, j;

	if (!cmd->name || !*cmd->name || !cmd->summary || !cmd->usage || !cmd->main)
		return dhb_err(-EINVAL, err, errlen,
			       "command %s lacks a name, summary, usage or function",
			       cmd->name ? cmd->name : "(null)");
	for (i = 0; i < cmd->n_opts && !why; i++) {
		why = row_problem(cmd, &cmd->opts[i], msg, sizeof(msg));
		for (j = 0; j < i && !why; j++) {
			if (!strcmp(cmd->opts[i].name, cmd->opts[j].name))
				why = "is in the table twice";
		}
	}
	if (why)
		return dhb_err(-EINVAL, err, errlen, "command %s: option --%s: %s", cmd->name,
			       cmd->opts[i - 1].name ? cmd->opts[i - 1].name : "(null)", why);
	return 0;
}
