// SPDX-License-Identifier: MIT
// Internal interface of the sinks: the schema's columns and the text of one cell of a row.
#ifndef DHB_SINK_PRIV_H
#define DHB_SINK_PRIV_H

#include "dhb/sink.h"

/* How a cell is written: quoted string, bare number, or missing (empty CSV field, JSON null). */
enum dhb_cell_type {
	DHB_CELL_NULL,
	DHB_CELL_STR,
	DHB_CELL_NUM,
};

/**
 * struct dhb_cell - the text of one cell.
 * @type: how to write @text.
 * @text: the text (may point into @buf or into the row); "" for DHB_CELL_NULL.
 * @buf: storage for numbers and flags.
 */
struct dhb_cell {
	enum dhb_cell_type type;
	const char *text;
	char buf[128];
};

/* Fill @c with column @col (below dhb_sink_ncolumns()) of @row in the run @run. */
void dhb_sink_cell(const struct dhb_run_info *run, const struct dhb_row *row, size_t col,
		   struct dhb_cell *c);

#endif /* DHB_SINK_PRIV_H */
