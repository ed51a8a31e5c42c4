// SPDX-License-Identifier: MIT
// JSON sink: one document with schema version, settings, environment and the rows.
#include <errno.h>
#include <string.h>

#include "sink_priv.h"

/*
 * Layout (one row per line, so files diff well):
 *
 *   {
 *     "schema_version": 2,
 *     "settings": { "key": "value", ... },
 *     "environment": { "tool_version": ..., "repetition": ..., caller's keys ... },
 *     "rows": [
 *       {"schema_version":2,"tool_version":"0.1.0",...,"flags":""},
 *       ...
 *     ]
 *   }
 *
 * Strings: '"' and '\' are escaped, control characters below 0x20 become \b \f \n \r \t or
 * \u00XX, valid UTF-8 passes through unchanged, and each byte of an invalid UTF-8 sequence
 * becomes U+FFFD (JSON text must be Unicode). Missing numbers are null.
 */

size_t dhb_utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0; /* overlong, out of range or a surrogate */
	return n;
}

void dhb_json_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	if (!s) {
		fputs("null", fp);
		return;
	}
	putc('"', fp);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			putc('\\', fp);
			putc(*s++, fp);
		} else if (*s < 0x20) {
			switch (*s) {
			case '\b':
				fputs("\\b", fp);
				break;
			case '\f':
				fputs("\\f", fp);
				break;
			case '\n':
				fputs("\\n", fp);
				break;
			case '\r':
				fputs("\\r", fp);
				break;
			case '\t':
				fputs("\\t", fp);
				break;
			default:
				fprintf(fp, "\\u%04x", *s);
			}
			s++;
		} else if (*s < 0x80) {
			putc(*s++, fp);
		} else if ((n = dhb_utf8_len(s))) {
			fwrite(s, 1, n, fp);
			s += n;
		} else {
			fputs("\\ufffd", fp);
			s++;
		}
	}
	putc('"', fp);
}

static void json_member(FILE *fp, const char *indent, bool *first, const char *key)
{
	fprintf(fp, "%s\n%s", *first ? "" : ",", indent);
	dhb_json_string(fp, key);
	fputs(": ", fp);
	*first = false;
}

static void json_object(FILE *fp, const char *name, const struct dhb_kv *kv, size_t n, bool end)
{
	bool first = true;
	size_t i;

	fprintf(fp, "  \"%s\": {", name);
	for (i = 0; i < n; i++) {
		json_member(fp, "    ", &first, kv[i].key);
		dhb_json_string(fp, kv[i].value);
	}
	fprintf(fp, "%s}%s\n", first ? "" : "\n  ", end ? "" : ",");
}

/* Whether @key names a run identity column, which "environment" holds first. */
static bool is_run_column(const char *key)
{
	size_t i;

	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		if (dhb_sink_column_is_run(i) && !strcmp(dhb_sink_column(i), key))
			return true;
	}
	return false;
}

/* One cell of the schema as a JSON value: a string, a number, or null. */
static void json_cell(FILE *fp, const struct dhb_cell *c)
{
	if (c->type == DHB_CELL_STR)
		dhb_json_string(fp, c->text);
	else if (c->type == DHB_CELL_NUM)
		fputs(c->text, fp);
	else
		fputs("null", fp);
}

/*
 * The environment starts with the run identity, the schema's run columns written as in a row;
 * then the caller's facts, but for one that names a run column (written already: a key of an
 * object must be unique, and the identity is what readers take).
 */
static int json_open(struct dhb_sink *sink)
{
	static const struct dhb_row none;
	FILE *fp = sink->fp;
	struct dhb_cell c;
	bool first = true;
	size_t i;

	fprintf(fp, "{\n  \"schema_version\": %d,\n", DHB_SCHEMA_VERSION);
	json_object(fp, "settings", sink->cfg.settings, sink->cfg.n_settings, false);
	fputs("  \"environment\": {", fp);
	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		if (!dhb_sink_column_is_run(i))
			continue;
		json_member(fp, "    ", &first, dhb_sink_column(i));
		dhb_sink_cell(sink->cfg.run, &none, i, &c);
		json_cell(fp, &c);
	}
	for (i = 0; i < sink->cfg.n_environment; i++) {
		if (is_run_column(sink->cfg.environment[i].key))
			continue;
		json_member(fp, "    ", &first, sink->cfg.environment[i].key);
		dhb_json_string(fp, sink->cfg.environment[i].value);
	}
	fputs("\n  },\n  \"rows\": [", fp);
	return 0;
}

static int json_write_row(struct dhb_sink *sink, const struct dhb_row *row)
{
	FILE *fp = sink->fp;
	struct dhb_cell c;
	size_t i;

	fputs(sink->rows ? ",\n    {" : "\n    {", fp);
	for (i = 0; i < dhb_sink_ncolumns(); i++) {
		if (i)
			putc(',', fp);
		dhb_json_string(fp, dhb_sink_column(i));
		putc(':', fp);
		dhb_sink_cell(sink->cfg.run, row, i, &c);
		json_cell(fp, &c);
	}
	putc('}', fp);
	return 0;
}

static int json_close(struct dhb_sink *sink)
{
	fputs(sink->rows ? "\n  ]\n}\n" : "]\n}\n", sink->fp);
	return 0;
}

const struct dhb_sink_ops dhb_sink_json_ops = {
	.name = "json",
	.open = json_open,
	.write_row = json_write_row,
	.close = json_close,
};
