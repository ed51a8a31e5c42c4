// SPDX-License-Identifier: MIT
// What the report's files share: escaped text.
#ifndef DHB_REPORT_PRIV_H
#define DHB_REPORT_PRIV_H

#include <stdio.h>

/* @s with &, <, >, " and ' escaped (NULL writes nothing). */
void dhb_report_text(FILE *fp, const char *s);

#endif /* DHB_REPORT_PRIV_H */
