// SPDX-License-Identifier: MIT
// The report's HTML: the page, its inline style, escaped text, tables and embedded figures.
#include <stdint.h>
#include <string.h>

#include "dhb/report.h"
#include "report_priv.h"

/* Inline style: readable tables and figures, no external font or asset. */
static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;max-width:1200px;color:#222}"
	"h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}"
	"table{border-collapse:collapse;font-size:.9em;display:block;overflow-x:auto}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#f0f0f0}pre{font-size:.8em;overflow-x:auto;background:#fafafa;"
	"padding:.5em;border:1px solid #eee}"
	"figure{display:inline-block;margin:.5em;border:1px solid #eee;padding:.3em}"
	"figure img{width:560px;height:auto;display:block}figcaption{font-size:.8em;color:#555}"
	".ok{background:#dfd}.refused{background:#fdd}.not_tried{background:#eee}";

void dhb_report_text(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

void dhb_report_begin(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", fp);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      fp);
	dhb_report_text(fp, title);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	dhb_report_text(fp, title);
	fputs("</h1>\n", fp);
}

void dhb_report_heading(FILE *fp, const char *heading, const char *id, const char *text)
{
	fprintf(fp, "<h2 id=\"%s\">", id);
	dhb_report_text(fp, heading);
	fputs("</h2>\n", fp);
	if (text) {
		fputs("<p>", fp);
		dhb_report_text(fp, text);
		fputs("</p>\n", fp);
	}
}

void dhb_report_kv(FILE *fp, const char *heading, const struct dhb_kv *kv, size_t n)
{
	size_t i;

	fputs("<h2>", fp);
	dhb_report_text(fp, heading);
	fputs("</h2>\n<table>\n", fp);
	for (i = 0; i < n; i++) {
		fputs("<tr><th>", fp);
		dhb_report_text(fp, kv[i].key);
		fputs("</th><td>", fp);
		dhb_report_text(fp, kv[i].value ? kv[i].value : "-");
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

void dhb_report_pre(FILE *fp, const char *heading, const char *id, const char *text)
{
	dhb_report_heading(fp, heading, id, NULL);
	fputs("<pre>", fp);
	dhb_report_text(fp, text);
	fputs("</pre>\n", fp);
}

void dhb_report_figure(FILE *fp, const char *name, const void *svg, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = svg;
	size_t i;

	fputs("<figure><img alt=\"", fp);
	dhb_report_text(fp, name);
	fputs("\" src=\"data:image/svg+xml;base64,", fp);
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		fputc(b64[v >> 18], fp);
		fputc(b64[(v >> 12) & 63], fp);
		fputc(b64[(v >> 6) & 63], fp);
		fputc(b64[v & 63], fp);
	}
	if (len - i == 1) {
		fputc(b64[p[i] >> 2], fp);
		fputc(b64[(p[i] & 3) << 4], fp);
		fputs("==", fp);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];

		fputc(b64[v >> 10], fp);
		fputc(b64[(v >> 4) & 63], fp);
		fputc(b64[(v & 15) << 2], fp);
		fputc('=', fp);
	}
	fputs("\"><figcaption>", fp);
	dhb_report_text(fp, name);
	fputs("</figcaption></figure>\n", fp);
}

void dhb_report_end(FILE *fp)
{
	fputs("</body>\n</html>\n", fp);
}
