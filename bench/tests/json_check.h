// SPDX-License-Identifier: MIT
// A strict, minimal JSON validator (RFC 8259 grammar) for the sink tests.
#ifndef DHB_JSON_CHECK_H
#define DHB_JSON_CHECK_H

#include <stdbool.h>
#include <string.h>

struct jc {
	const char *p;
	int depth;
};

static bool jc_value(struct jc *j);

static void jc_ws(struct jc *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool jc_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool jc_string(struct jc *j)
{
	int i;

	if (*j->p++ != '"')
		return false;
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20) /* includes the end of the text */
			return false;
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (i = 1; i <= 4; i++) {
					if (!jc_hex(j->p[i]))
						return false;
				}
				j->p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *j->p) || !*j->p)
				return false;
		}
		j->p++;
	}
	j->p++;
	return true;
}

static bool jc_digits(struct jc *j)
{
	const char *s = j->p;

	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static bool jc_number(struct jc *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!jc_digits(j))
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!jc_digits(j))
			return false;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!jc_digits(j))
			return false;
	}
	return true;
}

static bool jc_container(struct jc *j, char close, bool object)
{
	j->p++;
	jc_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		jc_ws(j);
		if (object) {
			if (!jc_string(j))
				return false;
			jc_ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!jc_value(j))
			return false;
		jc_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool jc_value(struct jc *j)
{
	bool ok;

	jc_ws(j);
	if (++j->depth > 64)
		return false;
	switch (*j->p) {
	case '{':
		ok = jc_container(j, '}', true);
		break;
	case '[':
		ok = jc_container(j, ']', false);
		break;
	case '"':
		ok = jc_string(j);
		break;
	case 't':
		ok = !strncmp(j->p, "true", 4) && (j->p += 4);
		break;
	case 'f':
		ok = !strncmp(j->p, "false", 5) && (j->p += 5);
		break;
	case 'n':
		ok = !strncmp(j->p, "null", 4) && (j->p += 4);
		break;
	default:
		ok = jc_number(j);
	}
	j->depth--;
	return ok;
}

/* Whether @text is exactly one valid JSON value (surrounded by whitespace at most). */
static inline bool json_valid(const char *text)
{
	struct jc j = {text, 0};

	if (!jc_value(&j))
		return false;
	jc_ws(&j);
	return !*j.p;
}

#endif /* DHB_JSON_CHECK_H */
