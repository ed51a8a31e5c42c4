// SPDX-License-Identifier: MIT
// Recommend's outputs: the JSON manifest (keys as data), the udev rules, and the human answer.
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dhb/size.h"
#include "rec_priv.h"

static void json_num(FILE *fp, double v)
{
	char buf[64];

	if (isnan(v) || dhb_sink_format_number(v, buf, sizeof(buf)))
		fputs("null", fp);
	else
		fputs(buf, fp);
}

static void json_str(FILE *fp, const char *s)
{
	if (s)
		dhb_json_string(fp, s);
	else
		fputs("null", fp);
}

static void json_tri(FILE *fp, int v)
{
	fputs(v < 0 ? "null" : v ? "true" : "false", fp);
}

static void v_alias(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	(void)r;
	json_str(fp, u->alias);
}

static void v_use(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	(void)r;
	json_str(fp, u->spec);
}

static void v_touch(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	size_t i;

	(void)r;
	fputc('[', fp);
	for (i = 0; i < u->nt; i++) {
		fputs(i ? ", {\"device\": " : "{\"device\": ", fp);
		json_str(fp, u->t[i].dev->name);
		fputs(", \"queue\": ", fp);
		json_str(fp, u->t[i].queue);
		fputc('}', fp);
	}
	fputc(']', fp);
}

static void v_cpu(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	(void)r;
	json_str(fp, u->cpu_read ? (u->cpu_write ? "read-write" : "read")
				 : (u->cpu_write ? "write" : "none"));
}

static void v_heap(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	(void)r;
	json_str(fp, u->heap);
}

static void v_path(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	(void)r;
	json_str(fp, u->path);
}

static void v_link(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	(void)r;
	fputs("\"/dev/dma_heap/", fp);
	fputs(u->alias, fp); /* [A-Za-z0-9_.-] only */
	fputc('"', fp);
}

static void v_contiguous(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	const struct dhb_rec_source *s = rec_source(r, u->heap);

	json_tri(fp, s ? s->contiguous : -1);
}

static void v_cached(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	const struct dhb_rec_source *s = rec_source(r, u->heap);

	json_tri(fp, s ? s->cached : -1);
}

static void v_evidence(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	const struct dhb_rec_evidence *e = &u->ev;

	(void)r;
	fputs("{\"test\": ", fp);
	json_str(fp, e->test);
	fputs(", \"metric\": ", fp);
	json_str(fp, e->metric);
	fputs(", \"unit\": ", fp);
	json_str(fp, e->unit);
	fprintf(fp, ", \"better\": \"%s\", \"size_bytes\": %" PRIu64 ", \"p50\": ",
		e->higher_better ? "higher" : "lower", e->size_bytes);
	json_num(fp, e->p50);
	fprintf(fp, ", \"runs\": %zu, \"runner_up\": ", e->runs);
	json_str(fp, e->runner_up);
	fputs(", \"runner_up_p50\": ", fp);
	json_num(fp, e->runner_up_p50);
	fputs(", \"ratio\": ", fp);
	json_num(fp, e->ratio);
	fputc('}', fp);
}

static void v_judged(FILE *fp, const struct rec_use *u, const struct dhb_rec *r)
{
	size_t i;

	(void)r;
	fputc('[', fp);
	for (i = 0; i < u->nv; i++) {
		const struct dhb_rec_verdict *v = &u->v[i];

		fputs(i ? ",\n        {\"heap\": " : "\n        {\"heap\": ", fp);
		json_str(fp, v->heap);
		fputs(", \"verdict\": ", fp);
		json_str(fp, v->chosen			   ? "chosen"
			     : !strcmp(v->stage, "ranked") ? "slower"
							   : "rejected");
		fputs(", \"stage\": ", fp);
		json_str(fp, v->chosen ? NULL : v->stage);
		fputs(", \"p50\": ", fp);
		json_num(fp, v->p50);
		fputs(", \"reason\": ", fp);
		json_str(fp, v->chosen ? NULL : v->reason);
		fputc('}', fp);
	}
	fputs("]", fp);
}

/* The keys of a use's object, in order; results/MANIFEST.md documents each (bench.schema). */
static const struct {
	const char *key;
	void (*value)(FILE *fp, const struct rec_use *u, const struct dhb_rec *r);
} use_keys[] = {
	{"alias", v_alias},   {"use", v_use},
	{"touch", v_touch},   {"cpu", v_cpu},
	{"heap", v_heap},     {"path", v_path},
	{"link", v_link},     {"contiguous", v_contiguous},
	{"cached", v_cached}, {"evidence", v_evidence},
	{"judged", v_judged},
};

size_t dhb_rec_manifest_nkeys(void)
{
	return sizeof(use_keys) / sizeof(use_keys[0]);
}

const char *dhb_rec_manifest_key(size_t i)
{
	return use_keys[i].key;
}

void dhb_rec_write_manifest(const struct dhb_rec *r, FILE *fp)
{
	size_t i, k;

	fprintf(fp,
		"{\n  \"manifest_version\": %d,\n  \"tool_version\": ", DHB_REC_MANIFEST_VERSION);
	json_str(fp, r->tool_version);
	fputs(", \"git_rev\": ", fp);
	json_str(fp, r->git_rev);
	fputs(",\n  \"results\": {\"timestamp\": ", fp);
	json_str(fp, r->timestamp);
	fputs(", \"hostname\": ", fp);
	json_str(fp, r->hostname);
	fputs(", \"board\": ", fp);
	json_str(fp, r->board);
	fputs(", \"kernel\": ", fp);
	json_str(fp, r->kernel);
	fputs("},\n  \"matrix\": ", fp);
	if (r->have_matrix) {
		fputs("{\"board\": ", fp);
		json_str(fp, r->matrix_board);
		fputs(", \"kernel\": ", fp);
		json_str(fp, r->matrix_kernel);
		fprintf(fp, ", \"size_bytes\": %" PRIu64 "}", r->matrix_size);
	} else {
		fputs("null", fp);
	}
	fprintf(fp, ",\n  \"size_bytes\": %" PRIu64 ",\n  \"link_priority\": %d,\n  \"uses\": [",
		r->size, DHB_REC_LINK_PRIORITY);
	for (i = 0; i < r->nuses; i++) {
		fputs(i ? ",\n    {" : "\n    {", fp);
		for (k = 0; k < dhb_rec_manifest_nkeys(); k++) {
			fprintf(fp, "%s\n      \"%s\": ", k ? "," : "", use_keys[k].key);
			use_keys[k].value(fp, &r->uses[i], r);
		}
		fputs("\n    }", fp);
	}
	fputs("\n  ]\n}\n", fp);
}

void dhb_rec_write_rules(const struct dhb_rec *r, FILE *fp)
{
	size_t i, j;

	fprintf(fp, "# dma-buf heap aliases chosen by dmaheap-bench recommend %s (%s)\n",
		r->tool_version ? r->tool_version : "", r->git_rev ? r->git_rev : "");
	fprintf(fp,
		"# from results of %s, kernel %s; install as "
		"/etc/udev/rules.d/70-dma-heap-aliases.rules\n",
		r->board ? r->board : "?", r->kernel ? r->kernel : "?");
	fputs("# Each alias names one heap; link_priority puts these links above a rule of the\n"
	      "# distribution's that gives the same name to another heap. Group video, mode "
	      "0660.\n",
	      fp);
	for (i = 0; i < r->nuses; i++) {
		const struct rec_use *u = &r->uses[i];

		for (j = 0; j < i && strcmp(r->uses[j].heap, u->heap); j++)
			;
		if (j < i)
			continue; /* its heap's line was written with the first use */
		fprintf(fp,
			"SUBSYSTEM==\"dma_heap\", KERNEL==\"%s\", GROUP=\"video\", "
			"MODE=\"0660\", OPTIONS+=\"link_priority=%d\"",
			u->heap, DHB_REC_LINK_PRIORITY);
		for (j = i; j < r->nuses; j++) {
			if (!strcmp(r->uses[j].heap, u->heap))
				fprintf(fp, ", SYMLINK+=\"dma_heap/%s\"", r->uses[j].alias);
		}
		fputc('\n', fp);
	}
}

/* A figure for people: whole numbers from 10^4, else two decimals. */
static const char *fig(double v, char *buf, size_t len)
{
	snprintf(buf, len, fabs(v) >= 1e4 ? "%.0f" : "%.2f", v);
	return buf;
}

void dhb_rec_write_text(const struct dhb_rec *r, FILE *fp)
{
	char size[32], a[48], b[48];
	size_t i, j;

	for (i = 0; i < r->nuses; i++) {
		const struct rec_use *u = &r->uses[i];
		const struct dhb_rec_evidence *e = &u->ev;

		dhb_size_format(e->size_bytes, size, sizeof(size));
		fprintf(fp, "%s%s: devices %s; CPU %s\n", i ? "\n" : "", u->spec,
			*u->touch_text ? u->touch_text : "none",
			u->cpu_read ? (u->cpu_write ? "reads and writes" : "reads")
				    : (u->cpu_write ? "writes" : "none"));
		if (u->heap) {
			fprintf(fp, "  heap: %s -> /dev/dma_heap/%s\n", u->heap, u->alias);
			fprintf(fp, "  evidence: %s %s at %s: p50 %s %s (%zu run%s)", e->test,
				e->metric, size, fig(e->p50, a, sizeof(a)), e->unit, e->runs,
				e->runs == 1 ? "" : "s");
			if (e->runner_up)
				fprintf(fp, "; runner-up %s p50 %s %s; ratio %.3g (%s better)\n",
					e->runner_up, fig(e->runner_up_p50, b, sizeof(b)), e->unit,
					e->ratio, e->higher_better ? "higher" : "lower");
			else
				fputs("; no runner-up\n", fp);
		} else {
			fprintf(fp, "  no heap can serve it:\n");
		}
		for (j = u->heap ? 1 : 0; j < u->nv; j++)
			fprintf(fp, "  %s %s: %s\n",
				strcmp(u->v[j].stage, "ranked") ? "rejected" : "slower",
				u->v[j].heap, u->v[j].reason);
	}
}
