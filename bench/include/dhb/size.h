// SPDX-License-Identifier: MIT
// Buffer sizes on the command line: parsing single sizes, ranges and lists, and compact printing.
#ifndef DHB_SIZE_H
#define DHB_SIZE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Size syntax
 * -----------
 *   size   := number [suffix]
 *   number := digits ["." digits]            decimal only; no sign, exponent, hex or spaces
 *   suffix := "B" | unit | unit "i" | unit "iB"   case-insensitive
 *   unit   := "K" | "M" | "G" | "T" | "P" | "E"     binary: K = 2^10, M = 2^20 ... E = 2^60
 *
 * Every multiple is binary (4K = 4096 = 4KiB). "KB", "MB" ... are refused as ambiguous (SI says
 * 1000) rather than guessed. A fraction is allowed when the result is a whole number of bytes
 * (1.5M = 1572864, 0.5K = 512; 1.5 and 1.1K are refused); at most 19 digits after the point.
 * A size is at least 1 and at most 2^63 - 1 (DHB_SIZE_MAX: sizes end up in off_t).
 *
 * Lists: items separated by ",", blanks (space, tab) around an item ignored. An item is a size
 * or a range "lo..hi": lo, 2*lo, 4*lo ... up to hi inclusive, where hi must be lo times a power
 * of two (4K..64M; "3K..10K" is refused rather than silently stopping at 6K) and lo <= hi.
 * The result keeps the user's order (a run measures sizes in the order asked, e.g. largest
 * first to meet fragmentation early) and drops repeats after their first occurrence.
 *
 * Errors come back as -EINVAL or -ERANGE (too large) or -ENOMEM, with a one-line message naming
 * the offending text in the caller's buffer, e.g.
 *   size "1MM": unknown suffix "MM" (use K, M, G, T, P or E, optionally followed by iB)
 */
#define DHB_SIZE_MAX	 ((uint64_t)INT64_MAX)
#define DHB_SIZE_FMT_LEN 24 /* enough for any uint64_t: 20 digits, or "1023.875E" */

/**
 * struct dhb_size_list - result of dhb_sizes_parse_list().
 * @v: sizes in bytes, in the user's order without repeats.
 * @n: number of sizes.
 */
struct dhb_size_list {
	uint64_t *v;
	size_t n;
};

/**
 * dhb_size_parse() - parse one size ("4096", "4K", "1.5M", "64KiB").
 * @s: text, the whole of which must be a size.
 * @out: size in bytes.
 * @err: buffer for a message on failure, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0, -EINVAL (malformed, zero, negative, not whole bytes) or -ERANGE (above DHB_SIZE_MAX).
 */
int dhb_size_parse(const char *s, uint64_t *out, char *err, size_t errlen);

/**
 * dhb_sizes_parse_list() - parse a list of sizes and ranges ("4K,64K,1M..8M").
 * @s: text.
 * @out: result; free with dhb_sizes_free(). Empty ({NULL, 0}) on failure.
 * @err: buffer for a message on failure, may be NULL.
 * @errlen: size of @err.
 *
 * Return: 0, -EINVAL, -ERANGE or -ENOMEM.
 */
int dhb_sizes_parse_list(const char *s, struct dhb_size_list *out, char *err, size_t errlen);

/**
 * dhb_sizes_free() - release a list from dhb_sizes_parse_list(); it is left empty.
 * @l: list.
 */
void dhb_sizes_free(struct dhb_size_list *l);

/**
 * dhb_size_format() - print a size compactly in a form dhb_size_parse() reads back exactly.
 * @v: size in bytes.
 * @buf: destination.
 * @len: size of @buf; DHB_SIZE_FMT_LEN always suffices.
 *
 * Uses the largest unit (E, P, T, G, M, K) that leaves at least 1 before the point and at most
 * three exact decimals after it, else plain bytes: 4096 -> "4K", 1572864 -> "1.5M",
 * 33554432 -> "32M", 3000 -> "3000", 0 -> "0".
 *
 * Return: 0, or -ENOSPC when @buf is too small (it then holds a truncated string).
 */
int dhb_size_format(uint64_t v, char *buf, size_t len);

#endif /* DHB_SIZE_H */
