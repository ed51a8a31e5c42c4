// SPDX-License-Identifier: MIT
// Recommend's engine: the uses, the rows, and the judging of every heap for every use.
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/size.h"
#include "rec_priv.h"

#define ROLE_NOT_FOUND ((const char *)1)

struct dhb_rec *dhb_rec_new(uint64_t size_bytes)
{
	struct dhb_rec *r = calloc(1, sizeof(*r));

	if (r)
		r->size = size_bytes;
	return r;
}

void dhb_rec_free(struct dhb_rec *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nrows; i++) {
		free(r->rows[i].heap);
		free(r->rows[i].backend);
		free(r->rows[i].test);
		free(r->rows[i].metric);
		free(r->rows[i].unit);
	}
	free(r->rows);
	for (i = 0; i < r->nsrc; i++) {
		free(r->src[i].name);
		free(r->src[i].backend);
		free(r->src[i].path);
	}
	free(r->src);
	for (i = 0; i < r->ndev; i++) {
		free(r->dev[i].name);
		free(r->dev[i].kind);
		free(r->dev[i].caps);
	}
	free(r->dev);
	for (i = 0; i < r->ncells; i++) {
		struct dhb_rec_cell *c = &r->cells[i];

		free(c->source);
		free(c->device);
		free(c->queue);
		free(c->result);
		free(c->step);
		free(c->errname);
		free(c->reason);
	}
	free(r->cells);
	for (i = 0; i < r->nuses; i++) {
		struct rec_use *u = &r->uses[i];

		for (size_t j = 0; j < u->nt; j++)
			free(u->t[j].queue);
		free(u->t);
		free(u->spec);
		free(u->alias);
		free(u->touch_text);
		free(u->v);
	}
	free(r->uses);
	free(r->tool_version);
	free(r->git_rev);
	free(r->timestamp);
	free(r->hostname);
	free(r->board);
	free(r->kernel);
	free(r->matrix_board);
	free(r->matrix_kernel);
	free(r);
}

/* @dst replaced by a copy of @s (NULL stays NULL); -ENOMEM. */
static int set_str(char **dst, const char *s)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c)
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

/* The metrics recommend ranks by: they are the only rows kept. */
static bool wanted(const struct dhb_row *row)
{
	static const char *const keep[][2] = {
		{"cpu", "read_bw"}, {"cpu", "write_bw"}, {"alloc", "alloc_latency"}};
	size_t i;

	if (row->params && *row->params)
		return false;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (!strcmp(row->test, keep[i][0]) && !strcmp(row->metric, keep[i][1]))
			return true;
	}
	return false;
}

int dhb_rec_add_row(struct dhb_rec *r, const struct dhb_run_info *run, const struct dhb_row *row)
{
	struct rec_row *x;

	if (r->have_run && (strcmp(r->board, run->board ? run->board : "") ||
			    strcmp(r->kernel, run->kernel ? run->kernel : "")))
		r->mixed = true;
	if (set_str(&r->tool_version, run->tool_version) || set_str(&r->git_rev, run->git_rev) ||
	    set_str(&r->timestamp, run->timestamp) || set_str(&r->hostname, run->hostname) ||
	    set_str(&r->board, run->board) || set_str(&r->kernel, run->kernel))
		return -ENOMEM;
	r->run = (struct dhb_run_info){.tool_version = r->tool_version,
				       .git_rev = r->git_rev,
				       .timestamp = r->timestamp,
				       .hostname = r->hostname,
				       .board = r->board,
				       .kernel = r->kernel,
				       .cma_bytes = run->cma_bytes};
	r->have_run = true;
	if (!wanted(row) || isnan(row->stats.p50))
		return 0;
	if (r->nrows == r->caprows) {
		size_t cap = r->caprows ? r->caprows * 2 : 64;
		struct rec_row *v = realloc(r->rows, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->rows = v;
		r->caprows = cap;
	}
	x = &r->rows[r->nrows];
	*x = (struct rec_row){strdup(row->heap),   strdup(row->backend), strdup(row->test),
			      strdup(row->metric), strdup(row->unit),	 row->size_bytes,
			      row->stats.p50};
	r->nrows++;
	if (!x->heap || !x->backend || !x->test || !x->metric || !x->unit)
		return -ENOMEM;
	return 0;
}

const struct dhb_run_info *dhb_rec_run_info(const struct dhb_rec *r)
{
	return r->have_run ? &r->run : NULL;
}

const struct dhb_rec_source *rec_source(const struct dhb_rec *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nsrc; i++) {
		if (!strcmp(r->src[i].name, name))
			return &r->src[i];
	}
	return NULL;
}

/* Whether the comma list @caps holds @word. */
static bool has_cap(const char *caps, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = caps; (p = strstr(p, word)); p += n) {
		if ((p == caps || p[-1] == ' ' || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
	}
	return false;
}

/* The roles: what a device of each is, and the queue the use's buffer goes to. */
static const struct {
	const char *name;
	const char *kind;
	const char *need, *need2, *refuse;
	const char *queue;
	const char *what;
} roles[] = {
	{"camera", "v4l2", "capture", NULL, "m2m", "capture",
	 "a V4L2 capture device that is not memory-to-memory"},
	{"decoder", "v4l2", "m2m", "codec", NULL, "capture", "a V4L2 codec (m2m, codec)"},
	{"display", "drm", "kms", NULL, NULL, NULL, "a DRM card with KMS"},
};

static bool is_role(size_t k, const struct dhb_rec_device *d)
{
	return !strcmp(d->kind, roles[k].kind) && has_cap(d->caps, roles[k].need) &&
	       (!roles[k].need2 || has_cap(d->caps, roles[k].need2)) &&
	       (!roles[k].refuse || !has_cap(d->caps, roles[k].refuse));
}

static const struct dhb_rec_device *find_device(const struct dhb_rec *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ndev; i++) {
		if (!strcmp(r->dev[i].name, name))
			return &r->dev[i];
	}
	return NULL;
}

static int add_touch(struct rec_use *u, const struct dhb_rec_device *d, const char *queue)
{
	struct rec_touch *t = realloc(u->t, (u->nt + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	u->t = t;
	t[u->nt].dev = d;
	t[u->nt].queue = queue ? strdup(queue) : NULL;
	if (queue && !t[u->nt].queue)
		return -ENOMEM;
	u->nt++;
	return 0;
}

/* One TOUCH of a use into @u; 0, -EINVAL (@err says why), -ENOMEM. */
static int parse_touch(struct dhb_rec *r, struct rec_use *u, char *t, char *err, size_t errlen)
{
	const struct dhb_rec_device *d;
	char *eq = strchr(t, '='), *slash;
	size_t k, i, found = 0;
	int ret;

	if (!strcmp(t, "cpu-read") || !strcmp(t, "cpu-write")) {
		*(t[4] == 'r' ? &u->cpu_read : &u->cpu_write) = true;
		return 0;
	}
	if (eq)
		*eq++ = '\0';
	for (k = 0; k < sizeof(roles) / sizeof(roles[0]); k++) {
		if (!strcmp(t, roles[k].name))
			break;
	}
	if (!r->have_matrix) {
		snprintf(err, errlen,
			 "%s: a device touches the buffer: give the matrix "
			 "(--matrix FILE, from list --matrix --json)",
			 u->spec);
		return -EINVAL;
	}
	if (k == sizeof(roles) / sizeof(roles[0])) {
		if (eq) {
			snprintf(err, errlen, "%s: unknown role %s (camera, decoder, display)",
				 u->spec, t);
			return -EINVAL;
		}
		slash = strchr(t, '/');
		if (slash)
			*slash++ = '\0';
		d = find_device(r, t);
		if (!d) {
			snprintf(err, errlen,
				 "%s: %s is neither a use (camera, decoder, display, "
				 "cpu-read, cpu-write) nor a device of the matrix",
				 u->spec, t);
			return -EINVAL;
		}
		return add_touch(u, d, slash);
	}
	if (eq) {
		d = find_device(r, eq);
		if (!d || !is_role(k, d)) {
			snprintf(err, errlen, "%s: %s is not %s of the matrix", u->spec, eq,
				 roles[k].what);
			return -EINVAL;
		}
		return add_touch(u, d, roles[k].queue);
	}
	for (i = 0; i < r->ndev; i++) {
		if (!is_role(k, &r->dev[i]))
			continue;
		ret = add_touch(u, &r->dev[i], roles[k].queue);
		if (ret)
			return ret;
		found++;
	}
	if (!found) {
		snprintf(err, errlen, "%s: the matrix has no %s (%s)", u->spec, roles[k].name,
			 roles[k].what);
		return -EINVAL;
	}
	return 0;
}

/* What the alias and the touches' text are made of; 0 or -ENOMEM. */
static int describe(struct rec_use *u, const char *touches)
{
	size_t i, len = 0;
	char *s, *a;

	for (i = 0; i < u->nt; i++)
		len += strlen(u->t[i].dev->name) + (u->t[i].queue ? strlen(u->t[i].queue) : 0) + 3;
	s = calloc(1, len + 1);
	if (!s)
		return -ENOMEM;
	for (i = 0; i < u->nt; i++)
		sprintf(s + strlen(s), "%s%s%s%s", i ? ", " : "", u->t[i].dev->name,
			u->t[i].queue ? "/" : "", u->t[i].queue ? u->t[i].queue : "");
	u->touch_text = s;
	if (u->alias)
		return 0;
	a = calloc(1, strlen(touches) + 1);
	if (!a)
		return -ENOMEM;
	for (s = a; *touches; touches++) {
		if (*touches == '=') /* role=DEV: the role names the alias */
			touches += strcspn(touches, "+") - 1;
		else if (*touches == '+')
			*s++ = '-';
		else if (!isalnum((unsigned char)*touches) && *touches != '_' && *touches != '.' &&
			 *touches != '-')
			*s++ = '_';
		else
			*s++ = *touches;
	}
	u->alias = a;
	return 0;
}

static bool alias_ok(const char *a)
{
	if (!*a || *a == '.' || strlen(a) > 64)
		return false;
	for (; *a; a++) {
		if (!isalnum((unsigned char)*a) && *a != '_' && *a != '.' && *a != '-')
			return false;
	}
	return true;
}

int dhb_rec_add_use(struct dhb_rec *r, const char *spec, char *err, size_t errlen)
{
	struct rec_use *u, *v = realloc(r->uses, (r->nuses + 1) * sizeof(*v));
	char *copy, *touches, *colon, *t, *save = NULL;
	int ret = 0;
	size_t i;

	if (!v)
		return -ENOMEM;
	r->uses = v;
	u = &r->uses[r->nuses++];
	*u = (struct rec_use){.spec = strdup(spec)};
	copy = strdup(spec);
	if (!u->spec || !copy) {
		free(copy);
		return -ENOMEM;
	}
	touches = copy;
	colon = strchr(copy, ':');
	if (colon) {
		*colon = '\0';
		touches = colon + 1;
		if (!alias_ok(copy)) {
			snprintf(err, errlen,
				 "%s: the alias must be 1 to 64 of [A-Za-z0-9_.-], "
				 "not starting with '.'",
				 spec);
			ret = -EINVAL;
			goto out;
		}
		u->alias = strdup(copy);
		if (!u->alias) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (!*touches) {
		snprintf(err, errlen,
			 "%s: no use (camera, decoder, display, cpu-read, cpu-write "
			 "or a device, joined by '+')",
			 spec);
		ret = -EINVAL;
		goto out;
	}
	{
		char *dup = strdup(touches);

		if (!dup) {
			ret = -ENOMEM;
			goto out;
		}
		for (t = strtok_r(dup, "+", &save); t && !ret; t = strtok_r(NULL, "+", &save))
			ret = parse_touch(r, u, t, err, errlen);
		free(dup);
	}
	if (!ret && !u->nt && !u->cpu_read && !u->cpu_write) {
		snprintf(err, errlen, "%s: nothing touches the buffer", spec);
		ret = -EINVAL;
	}
	if (!ret)
		ret = describe(u, touches);
	for (i = 0; !ret && i + 1 < r->nuses; i++) {
		if (!strcmp(r->uses[i].alias, u->alias)) {
			snprintf(err, errlen,
				 "%s: alias %s is already the alias of %s (name one "
				 "with ALIAS:)",
				 spec, u->alias, r->uses[i].spec);
			ret = -EINVAL;
		}
	}
out:
	free(copy);
	return ret;
}

size_t dhb_rec_n_uses(const struct dhb_rec *r)
{
	return r->nuses;
}
