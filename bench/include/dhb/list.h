// SPDX-License-Identifier: MIT
// Comma lists on the command line (--heaps, --devices): one walker for every one of them.
#ifndef DHB_LIST_H
#define DHB_LIST_H

#include <stdbool.h>
#include <stddef.h>

/**
 * dhb_list_next() - the next comma-separated item of *@p, without the blanks around it.
 * @p: position in the list; advanced past the item, NULL after the last one.
 * @buf: the item, always NUL-terminated (truncated when too long).
 * @len: size of @buf.
 * @too_long: set when the item did not fit in @buf.
 *
 * Return: false at the end of the list (*@p NULL), else true (an empty item gives "").
 */
bool dhb_list_next(const char **p, char *buf, size_t len, bool *too_long);

/**
 * dhb_list_is_all() - whether a selection list selects everything.
 * @list: the list, or NULL.
 *
 * Return: true for NULL and "all".
 */
bool dhb_list_is_all(const char *list);

#endif /* DHB_LIST_H */
