// SPDX-License-Identifier: MIT
// The test registry: the one list of tests and its checks.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhb/registry.h"
#include "dhb/workload.h"

/* The one list of tests, in the order a run measures them: one X(NAME) line per test. */
#define DHB_TEST_LIST(X) \
	X(alloc)         \
	X(map)           \
	X(cpu)           \
	X(sync)          \
	X(import)        \
	X(fence)

#define DHB_TEST_DECLARE(n) extern const struct dhb_test dhb_test_##n;
#define DHB_TEST_ENTRY(n)   &dhb_test_##n,

DHB_TEST_LIST(DHB_TEST_DECLARE)

static const struct dhb_test *const tests[] = {DHB_TEST_LIST(DHB_TEST_ENTRY)};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

DHB_REGISTRY_DEFINE(const struct dhb_test, tests, dhb_test_first, dhb_test_next, dhb_test_find)

const struct dhb_test *const *dhb_tests_all(size_t *n)
{
	*n = NTESTS;
	return tests;
}

/* Why @t's descriptor is broken, or NULL. */
static const char *broken(const struct dhb_test *t)
{
	if (!t->name || !*t->name)
		return "has no name";
	if (!t->help || !*t->help)
		return "has no help line";
	if (!t->setup || !t->run_once || !t->teardown)
		return "lacks setup, run_once or teardown";
	if (!t->buffers && !t->malloc_buffers)
		return "declares no memory (buffers, malloc_buffers)";
	if (t->needs & ~DHB_NEED_ALL)
		return "declares an unknown need";
	return NULL;
}

int dhb_test_validate(const struct dhb_test *t, char *err, size_t errlen)
{
	const char *why = broken(t);

	if (why && err && errlen)
		snprintf(err, errlen, "test %s %s", t->name ? t->name : "(null)", why);
	return why ? -EINVAL : 0;
}

int dhb_tests_check(char *err, size_t errlen)
{
	size_t i, j;
	int ret;

	for (i = 0; i < NTESTS; i++) {
		ret = dhb_test_validate(tests[i], err, errlen);
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			if (strcmp(tests[i]->name, tests[j]->name))
				continue;
			if (err && errlen)
				snprintf(err, errlen, "test %s is registered twice",
					 tests[i]->name);
			return -EINVAL;
		}
	}
	return 0;
}
