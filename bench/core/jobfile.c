// SPDX-License-Identifier: MIT
// Job files (dhb/jobfile.h): INI sections of a command's options, read with libinih.
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhb/err.h"
#include "dhb/jobfile.h"

#define GLOBAL "global"

/* One section as read: the values it sets, by row of the table, and their lines. */
struct section {
	char name[DHB_JOBFILE_MAX_NAME + 1];
	unsigned int line;
	char **value;
	unsigned int *where;
};

/* The reading: libinih calls next_line() for every line, then on_key() for each key. */
struct reading {
	struct dhb_jobfile *jf;
	const char *const *not_keys;
	FILE *fp;
	char *buf;
	size_t cap;
	unsigned int line;
	bool indented; /* the line libinih parses now starts with a blank */
	struct section global;
	bool has_global;
	struct section *jobs;
	size_t n_jobs;
	struct section *cur;   /* the section being read, NULL before the first */
	unsigned int err_line; /* 0: no error (yet) */
	int ret;
	char *err;
	size_t errlen;
};

static int fail(struct reading *r, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The first error stops the reading: "FILE:LINE: reason". */
static int fail(struct reading *r, int ret, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (r->err_line)
		return 0;
	r->err_line = r->line ? r->line : 1;
	r->ret = ret;
	w = snprintf(r->err, r->errlen, "%s:%u: ", r->jf->path, r->err_line);
	if (w >= 0 && (size_t)w < r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err + w, r->errlen - (size_t)w, fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* @s (at most @n bytes) for a message: control bytes shown as '?', at most 64 bytes. */
static const char *visible(const char *s, size_t n, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < n && s[i] && i + 1 < len && i < 64; i++)
		buf[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static int section_init(struct section *s, const char *name, size_t len, unsigned int line,
			size_t n_opts)
{
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->line = line;
	s->value = calloc(n_opts ? n_opts : 1, sizeof(*s->value));
	s->where = calloc(n_opts ? n_opts : 1, sizeof(*s->where));
	return s->value && s->where ? 0 : -ENOMEM;
}

static void section_free(struct section *s, size_t n_opts)
{
	size_t i;

	for (i = 0; s->value && i < n_opts; i++)
		free(s->value[i]);
	free(s->value);
	free(s->where);
	s->value = NULL;
	s->where = NULL;
}

static bool job_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* A section header "[NAME]" at @p (blanks skipped): the section it opens. */
static void header(struct reading *r, const char *p)
{
	size_t n_opts = r->jf->cmd->n_opts, len, i;
	const char *end = strchr(p, ']'), *rest;
	char shown[72];
	struct section *s;

	if (!end)
		return (void)fail(r, -EINVAL, "a section header without ']'");
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest && *rest != ';' && *rest != '#')
		return (void)fail(r, -EINVAL, "text after the section header's ']'");
	len = (size_t)(end - p - 1);
	if (len == strlen(GLOBAL) && !strncmp(p + 1, GLOBAL, len)) {
		if (r->has_global)
			return (void)fail(r, -EINVAL, "[global] given twice (first on line %u)",
					  r->global.line);
		if (r->n_jobs)
			return (void)fail(r, -EINVAL, "[global] after the job [%s]; it comes first",
					  r->jobs[0].name);
		r->has_global = true;
		if (section_init(&r->global, p + 1, len, r->line, n_opts))
			return (void)fail(r, -ENOMEM, "out of memory");
		r->cur = &r->global;
		return;
	}
	for (i = 0; i < len && job_name_char(p[1 + i]); i++)
		;
	if (!len || len > DHB_JOBFILE_MAX_NAME || i < len)
		return (void)fail(r, -EINVAL,
				  "[%s] is not a job name (at most %d letters, digits, '.', '_' or "
				  "'-') nor [global]",
				  visible(p + 1, len, shown, sizeof(shown)), DHB_JOBFILE_MAX_NAME);
	if (len == strlen(GLOBAL) && !strncasecmp(p + 1, GLOBAL, len))
		return (void)fail(r, -EINVAL, "[%s]: the global section is [global]",
				  visible(p + 1, len, shown, sizeof(shown)));
	for (i = 0; i < r->n_jobs; i++) {
		if (strlen(r->jobs[i].name) == len && !strncmp(r->jobs[i].name, p + 1, len))
			return (void)fail(r, -EINVAL, "[%s] given twice (first on line %u)",
					  r->jobs[i].name, r->jobs[i].line);
	}
	if (r->n_jobs == DHB_JOBFILE_MAX_JOBS)
		return (void)fail(r, -EINVAL, "more than %d jobs", DHB_JOBFILE_MAX_JOBS);
	s = realloc(r->jobs, (r->n_jobs + 1) * sizeof(*s));
	if (!s)
		return (void)fail(r, -ENOMEM, "out of memory");
	r->jobs = s;
	s = &r->jobs[r->n_jobs];
	memset(s, 0, sizeof(*s));
	r->n_jobs++;
	if (section_init(s, p + 1, len, r->line, n_opts))
		return (void)fail(r, -ENOMEM, "out of memory");
	r->cur = s;
}

/*
 * libinih's reader: one line into @str, which holds @num bytes. The line is checked first (its
 * length, since libinih would read the rest of a longer one as a line of its own; NUL bytes,
 * which would cut it short), and a section header is taken here, because libinih calls the
 * handler for keys only and an empty job section would go unseen.
 */
static char *next_line(char *str, int num, void *arg)
{
	struct reading *r = arg;
	const char *p;
	ssize_t len;

	if (r->err_line)
		return NULL;
	errno = 0;
	len = getline(&r->buf, &r->cap, r->fp);
	if (len < 0) {
		if (ferror(r->fp))
			fail(r, errno ? -errno : -EIO, "read error: %s",
			     strerror(errno ? errno : EIO));
		return NULL;
	}
	r->line++;
	if (memchr(r->buf, '\0', (size_t)len))
		return fail(r, -EINVAL, "NUL byte in the line"), NULL;
	if (len > num - 1 || len > DHB_JOBFILE_MAX_LINE - 1)
		return fail(r, -EINVAL, "line longer than %d bytes", DHB_JOBFILE_MAX_LINE - 2),
		       NULL;
	memcpy(str, r->buf, (size_t)len + 1);
	p = r->buf;
	if (r->line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3; /* a UTF-8 byte order mark, which libinih skips too */
	r->indented = isspace((unsigned char)*p) && *p != '\n' && *p != '\r';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		if (r->indented)
			return fail(r, -EINVAL, "an indented section header"), NULL;
		header(r, p);
	}
	return r->err_line ? NULL : str;
}

/* Row of the table named @name, or -1. */
static long find_opt(const struct dhb_opts_cmd *cmd, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < cmd->n_opts; i++) {
		if (strlen(cmd->opts[i].name) == len && !strncmp(cmd->opts[i].name, name, len))
			return (long)i;
	}
	return -1;
}

static bool is_not_key(const struct reading *r, const struct dhb_opt *o)
{
	const char *const *k;

	if (o->type == DHB_OPT_FLAG)
		return true;
	for (k = r->not_keys; k && *k; k++) {
		if (!strcmp(*k, o->name))
			return true;
	}
	return false;
}

/* Whether rows @a and @b of @cmd exclude each other. */
static bool excluded(const struct dhb_opts_cmd *cmd, size_t a, size_t b)
{
	const char *ea = cmd->opts[a].excludes, *eb = cmd->opts[b].excludes;

	return (ea && !strcmp(ea, cmd->opts[b].name)) || (eb && !strcmp(eb, cmd->opts[a].name));
}

/* libinih's handler: one key of the current section. */
static int on_key(void *arg, const char *section, const char *name, const char *value)
{
	struct reading *r = arg;
	const struct dhb_opts_cmd *cmd = r->jf->cmd;
	struct section *s = r->cur;
	char shown[72];
	const char *key = visible(name, strlen(name), shown, sizeof(shown));
	size_t x;
	long o;

	if (r->err_line)
		return 1;
	if (!s || strcmp(section, s->name))
		return fail(r, -EINVAL, "'%s' outside a section (put it under [global] or a job)",
			    key);
	if (r->indented)
		return fail(r, -EINVAL,
			    "an indented line: keys start at the margin (libinih reads an indented "
			    "line as more of the value before)");
	o = find_opt(cmd, name, strlen(name));
	if (o < 0)
		return fail(r, -EINVAL,
			    "unknown key '%s' (the keys are %s's options: "
			    "dmaheap-bench %s --help)",
			    key, cmd->name, cmd->name);
	if (is_not_key(r, &cmd->opts[o]))
		return fail(r, -EINVAL, "'%s' is not a job-file key", key);
	if (s->value[o])
		return fail(r, -EINVAL, "'%s' set twice in [%s] (first on line %u)", key, s->name,
			    s->where[o]);
	if (!*value)
		return fail(r, -EINVAL, "'%s': empty value", key);
	for (x = 0; x < cmd->n_opts; x++) {
		if (s->value[x] && excluded(cmd, (size_t)o, x))
			return fail(r, -EINVAL, "'%s' and '%s' (line %u) exclude each other (%s)",
				    key, cmd->opts[x].name, s->where[x],
				    cmd->opts[o].excludes_why	? cmd->opts[o].excludes_why
				    : cmd->opts[x].excludes_why ? cmd->opts[x].excludes_why
								: "one or the other");
	}
	s->value[o] = strdup(value);
	if (!s->value[o])
		return fail(r, -ENOMEM, "out of memory");
	s->where[o] = r->line;
	return 1;
}

/* @v with every "{job}" replaced by @name, malloc'd (NULL when out of memory). */
static char *substitute(const char *v, const char *name)
{
	static const char tag[] = "{job}";
	size_t n = 0, len;
	const char *p;
	char *out, *o;

	for (p = strstr(v, tag); p; p = strstr(p + sizeof(tag) - 1, tag))
		n++;
	len = strlen(v) + n * strlen(name) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	for (o = out; *v;) {
		if (!strncmp(v, tag, sizeof(tag) - 1)) {
			o = stpcpy(o, name);
			v += sizeof(tag) - 1;
		} else {
			*o++ = *v++;
		}
	}
	*o = '\0';
	return out;
}

/* The jobs of @r into @r->jf: each section's values over [global]'s. */
static int resolve(struct reading *r)
{
	const struct dhb_opts_cmd *cmd = r->jf->cmd;
	struct dhb_jobfile *jf = r->jf;
	const struct section *g = r->has_global ? &r->global : NULL;
	size_t i, o, x;

	jf->jobs = calloc(r->n_jobs, sizeof(*jf->jobs));
	if (!jf->jobs)
		return -ENOMEM;
	for (i = 0; i < r->n_jobs; i++) {
		const struct section *s = &r->jobs[i];
		struct dhb_job *j = &jf->jobs[i];

		jf->n_jobs++;
		j->name = strdup(s->name);
		j->line = s->line;
		j->value = calloc(cmd->n_opts ? cmd->n_opts : 1, sizeof(*j->value));
		j->where = calloc(cmd->n_opts ? cmd->n_opts : 1, sizeof(*j->where));
		if (!j->name || !j->value || !j->where)
			return -ENOMEM;
		for (o = 0; o < cmd->n_opts; o++) {
			const char *v = s->value[o];
			unsigned int where = s->where[o];

			for (x = 0; !v && g && g->value[o] && x < cmd->n_opts; x++) {
				if (s->value[x] && excluded(cmd, o, x))
					break;
			}
			if (!v && g && g->value[o] && x == cmd->n_opts) {
				v = g->value[o];
				where = g->where[o];
			}
			if (!v)
				continue;
			j->value[o] = substitute(v, j->name);
			if (!j->value[o])
				return -ENOMEM;
			j->where[o] = where;
		}
	}
	return 0;
}

static int read_stream(struct dhb_jobfile *jf, FILE *fp, const char *const *not_keys, char *err,
		       size_t errlen)
{
	struct reading r = {.jf = jf, .not_keys = not_keys, .fp = fp, .err = err, .errlen = errlen};
	size_t i, n_opts = jf->cmd->n_opts;
	int ret;

	ret = ini_parse_stream(next_line, &r, on_key, &r);
	if (ret > 0 && (!r.err_line || (unsigned int)ret < r.err_line)) {
		r.err_line = 0;
		r.line = (unsigned int)ret;
		fail(&r, -EINVAL, "neither a [section] header nor a 'key = value' line");
	} else if (ret == -2 && !r.err_line) {
		fail(&r, -ENOMEM, "out of memory");
	} else if (!r.err_line && !r.n_jobs) {
		r.ret = dhb_err(-EINVAL, err, errlen,
				"%s: no job (a section such as [name], besides [global])",
				jf->path);
		r.err_line = 1;
	}
	ret = r.err_line ? r.ret : resolve(&r);
	if (ret == -ENOMEM && (!r.err_line || r.ret != -ENOMEM))
		dhb_err(ret, err, errlen, "%s: out of memory", jf->path);
	for (i = 0; i < r.n_jobs; i++)
		section_free(&r.jobs[i], n_opts);
	free(r.jobs);
	if (r.has_global)
		section_free(&r.global, n_opts);
	free(r.buf);
	return ret;
}

static void start(struct dhb_jobfile *jf, const char *path, const struct dhb_opts_cmd *cmd)
{
	memset(jf, 0, sizeof(*jf));
	jf->path = path;
	jf->cmd = cmd;
}

int dhb_jobfile_read(struct dhb_jobfile *jf, const char *path, const struct dhb_opts_cmd *cmd,
		     const char *const *not_keys, char *err, size_t errlen)
{
	FILE *fp;
	long size;
	int ret;

	start(jf, path, cmd);
	fp = fopen(path, "r");
	if (!fp)
		return dhb_err(-errno, err, errlen, "%s: %s", path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > DHB_JOBFILE_MAX_BYTES) {
		fclose(fp);
		return dhb_err(-EINVAL, err, errlen, "%s: larger than %u bytes", path,
			       DHB_JOBFILE_MAX_BYTES);
	}
	rewind(fp);
	ret = read_stream(jf, fp, not_keys, err, errlen);
	fclose(fp);
	return ret;
}

int dhb_jobfile_read_mem(struct dhb_jobfile *jf, const char *name, const char *data, size_t len,
			 const struct dhb_opts_cmd *cmd, const char *const *not_keys, char *err,
			 size_t errlen)
{
	FILE *fp;
	int ret;

	start(jf, name, cmd);
	if (len > DHB_JOBFILE_MAX_BYTES)
		return dhb_err(-EINVAL, err, errlen, "%s: larger than %u bytes", name,
			       DHB_JOBFILE_MAX_BYTES);
	fp = len ? fmemopen((void *)data, len, "r") : fopen("/dev/null", "r");
	if (!fp)
		return dhb_err(-errno, err, errlen, "%s: %s", name, strerror(errno));
	ret = read_stream(jf, fp, not_keys, err, errlen);
	fclose(fp);
	return ret;
}

long dhb_jobfile_find(const struct dhb_jobfile *jf, const char *name)
{
	size_t i;

	for (i = 0; i < jf->n_jobs; i++) {
		if (!strcmp(jf->jobs[i].name, name))
			return (long)i;
	}
	return -1;
}

/* The command line's value of row @o, or NULL. */
static const char *given(const struct dhb_opts_line *line, size_t o)
{
	return line && line->given ? line->given[o] : NULL;
}

/* Whether the command line gives row @o or an option that excludes it. */
static bool overridden(const struct dhb_opts_cmd *cmd, const struct dhb_opts_line *line, size_t o)
{
	size_t x;

	for (x = 0; x < cmd->n_opts; x++) {
		if (given(line, x) && (x == o || excluded(cmd, o, x)))
			return true;
	}
	return false;
}

/* "--NAME=VALUE" with {job} replaced, malloc'd. */
static char *argument(const char *name, const char *value, const char *job)
{
	char *v = substitute(value, job), *a = NULL;

	if (v && asprintf(&a, "--%s=%s", name, v) < 0)
		a = NULL;
	free(v);
	return a;
}

/* Whether one of @extra ("--NAME=VALUE") sets option @name. */
static bool in_extra(const char *const *extra, const char *name)
{
	size_t len = strlen(name);

	for (; extra && *extra; extra++) {
		if (!strncmp(*extra, "--", 2) && !strncmp(*extra + 2, name, len) &&
		    (*extra)[2 + len] == '=')
			return true;
	}
	return false;
}

int dhb_jobfile_args(const struct dhb_jobfile *jf, size_t i, const struct dhb_opts_line *line,
		     const char *const *extra, struct dhb_job_args *args)
{
	const struct dhb_opts_cmd *cmd = jf->cmd;
	const struct dhb_job *j = &jf->jobs[i];
	const char *v;
	size_t n = 0, o;

	for (o = 0; extra && extra[o]; o++)
		n++;
	args->argc = 0;
	args->argv = calloc(n + cmd->n_opts + 1, sizeof(*args->argv));
	if (!args->argv)
		return -ENOMEM;
	for (o = 0; extra && extra[o]; o++) {
		args->argv[args->argc] = strdup(extra[o]);
		if (!args->argv[args->argc++])
			return -ENOMEM;
	}
	for (o = 0; o < cmd->n_opts; o++) {
		if (cmd->opts[o].type == DHB_OPT_FLAG || in_extra(extra, cmd->opts[o].name))
			continue;
		v = given(line, o);
		if (!v && !overridden(cmd, line, o))
			v = j->value[o];
		if (!v)
			continue;
		args->argv[args->argc] = argument(cmd->opts[o].name, v, j->name);
		if (!args->argv[args->argc++])
			return -ENOMEM;
	}
	return 0;
}

void dhb_job_args_free(struct dhb_job_args *args)
{
	int i;

	for (i = 0; args->argv && i < args->argc; i++)
		free(args->argv[i]);
	free(args->argv);
	args->argv = NULL;
	args->argc = 0;
}

unsigned int dhb_jobfile_where(const struct dhb_jobfile *jf, size_t i,
			       const struct dhb_opts_line *line, const char *msg)
{
	const struct dhb_job *j = &jf->jobs[i];
	size_t len;
	long o;

	if (strncmp(msg, "--", 2))
		return j->line;
	len = strspn(msg + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
	o = find_opt(jf->cmd, msg + 2, len);
	if (o < 0 || given(line, (size_t)o) || !j->value[o] || overridden(jf->cmd, line, (size_t)o))
		return j->line;
	return j->where[o];
}

void dhb_jobfile_free(struct dhb_jobfile *jf)
{
	size_t i, o;

	for (i = 0; jf->jobs && i < jf->n_jobs; i++) {
		for (o = 0; jf->jobs[i].value && o < jf->cmd->n_opts; o++)
			free(jf->jobs[i].value[o]);
		free(jf->jobs[i].value);
		free(jf->jobs[i].where);
		free(jf->jobs[i].name);
	}
	free(jf->jobs);
	jf->jobs = NULL;
	jf->n_jobs = 0;
}
