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
	X(sync)

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

int dhb_tests_check(char *err, size_t errlen)
{
	const char *why = NULL;
	size_t i, j;

	for (i = 0; i < NTESTS && !why; i++) {
		const struct dhb_test *t = tests[i];

		if (!t->name || !*t->name)
			why = "has no name";
		else if (!t->help || !*t->help)
			why = "has no help line";
		else if (!t->setup || !t->run_once || !t->teardown)
			why = "lacks setup, run_once or teardown";
		else if (!t->buffers && !t->malloc_buffers)
			why = "declares no memory (buffers, malloc_buffers)";
		for (j = 0; j < i && !why; j++) {
			if (!strcmp(t->name, tests[j]->name))
				why = "is registered twice";
		}
		if (why && err && errlen)
			snprintf(err, errlen, "test %s %s", t->name ? t->name : "(null)", why);
	}
	return why ? -EINVAL : 0;
}
