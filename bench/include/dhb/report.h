// SPDX-License-Identifier: MIT
// The HTML report: one self-contained page (inline CSS, figures as data: URIs), section by section.
#ifndef DHB_REPORT_H
#define DHB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "dhb/results.h"

/*
 * The report is one HTML file that needs nothing else: no script, no external style sheet,
 * font or image; the CSS is inline and every figure is an <img> whose source is a data: URI of
 * the SVG gnuplot drew (the plot command's figures: the C code never draws). It opens from
 * file:// offline. The caller writes the sections in order between dhb_report_begin() and
 * dhb_report_end(); every text is HTML-escaped here.
 */

/**
 * dhb_report_begin() - the document's head, its style and title.
 * @fp: stream.
 * @title: the page's title.
 */
void dhb_report_begin(FILE *fp, const char *title);

/**
 * dhb_report_kv() - a section of KEY / VALUE pairs (run identity, environment, settings).
 * @fp: stream.
 * @heading: the section's heading.
 * @kv: the pairs (a NULL value shows as "-").
 * @n: their number.
 */
void dhb_report_kv(FILE *fp, const char *heading, const struct dhb_kv *kv, size_t n);

/**
 * dhb_report_pre() - a section of preformatted text (the summary tables).
 * @fp: stream.
 * @heading: the section's heading.
 * @id: the section's id.
 * @text: the text.
 */
void dhb_report_pre(FILE *fp, const char *heading, const char *id, const char *text);

/**
 * dhb_report_figure() - one figure: an SVG image embedded as a data: URI, with its name.
 * @fp: stream.
 * @name: the figure's name (plot's NAME).
 * @svg: the image's bytes.
 * @len: their number.
 */
void dhb_report_figure(FILE *fp, const char *name, const void *svg, size_t len);

/**
 * dhb_report_heading() - a section heading and a line of text under it.
 * @fp: stream.
 * @heading: the heading.
 * @id: the section's id.
 * @text: one paragraph, or NULL.
 */
void dhb_report_heading(FILE *fp, const char *heading, const char *id, const char *text);

/**
 * dhb_report_matrix() - the compatibility matrix of `list --matrix --json`: a table of sources
 * by device (queue), and each refusal's step, errno and reason.
 * @fp: stream.
 * @path: the file.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Return: 0, or -EPROTO for a file that is not that output (nothing written then).
 */
int dhb_report_matrix(FILE *fp, const char *path, char *err, size_t errlen);

/**
 * dhb_report_check_matrix() - whether @path is that output, before anything is written.
 * @path: the file.
 * @err: on failure, one line.
 * @errlen: size of @err.
 *
 * Return: 0 or -EPROTO.
 */
int dhb_report_check_matrix(const char *path, char *err, size_t errlen);

/**
 * dhb_report_flags() - the flags the rows carry, how many rows each, and what each means.
 * @fp: stream.
 * @res: the rows.
 */
void dhb_report_flags(FILE *fp, const struct dhb_results *res);

/**
 * dhb_report_skips() - what the run did not measure: per test, the sources and sizes the run's
 * settings asked for that have no rows (a test skipped as unsupported, or a size over a
 * source's limit); run's standard error says why.
 * @fp: stream.
 * @res: the rows.
 */
void dhb_report_skips(FILE *fp, const struct dhb_results *res);

/**
 * dhb_report_end() - close the document.
 * @fp: stream.
 */
void dhb_report_end(FILE *fp);

/* The flags dhb_report_flags() explains, in bit order (for the schema test). */
size_t dhb_report_nflags(void);
const char *dhb_report_flag(size_t i);

#endif /* DHB_REPORT_H */
