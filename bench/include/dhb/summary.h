// SPDX-License-Identifier: MIT
// The summary of a run: one pivot table (p50 per heap and size) per headline metric.
#ifndef DHB_SUMMARY_H
#define DHB_SUMMARY_H

#include <stdio.h>

#include "dhb/store.h"

/**
 * dhb_summary_print() - print the pivot tables of the headline metrics.
 * @fp: stream; write errors stay in it for the caller to check.
 * @s: the run's rows; nothing is printed when it is empty.
 *
 * One table per headline metric present in @s: a row per heap, a column per size, each cell
 * the row's p50 (bandwidths also as a share of the malloc baseline of the same size).
 */
void dhb_summary_print(FILE *fp, const struct dhb_row_store *s);

/**
 * dhb_summary_value() - a figure as the summaries show it: 3-4 significant digits; a latency
 * (@unit "ns") in the unit that keeps 1 <= value < 1000 ("41.2ms"), "-" when not finite.
 * @buf: result.
 * @len: size of @buf.
 * @v: the figure, in @unit.
 * @unit: its unit.
 */
void dhb_summary_value(char *buf, size_t len, double v, const char *unit);

/**
 * dhb_summary_no_geom() - @params without the source's picture (geom=WxH@FOURCC), as the
 * summary tables key their rows: a source's picture follows the size, so its rows share the table
 * (and the figure) of the sources without one.
 * @params: the row's params, or NULL.
 * @buf: room for the result when it differs from @params.
 * @len: bytes at @buf.
 *
 * Return: @params when it has no picture, else @buf.
 */
const char *dhb_summary_no_geom(const char *params, char *buf, size_t len);

#endif /* DHB_SUMMARY_H */
