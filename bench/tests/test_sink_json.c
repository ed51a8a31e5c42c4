// SPDX-License-Identifier: MIT
// Unit tests of the JSON sink: exact document, string escaping, UTF-8 handling, validity.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "json_check.h"
#include "testsink.h"

#define ROW1                                                                                    \
	"{\"schema_version\":2,\"tool_version\":\"0.1.0\",\"git_rev\":\"g1234abc\","            \
	"\"timestamp\":\"2026-11-20T23:26:00Z\",\"hostname\":\"lab,host\","                     \
	"\"board\":\"QEMU \\\"Standard "                                                        \
	"PC\\\"\",\"kernel\":\"6.12.0\\nx\",\"cma_bytes\":268435456,"                           \
	"\"boot_id\":\"8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2\",\"repetition\":2,"                \
	"\"test\":\"alloc\",\"heap\":\"system\",\"backend\":\"dma-heap\",\"size_bytes\":4096,"  \
	"\"metric\":\"alloc_latency\",\"params\":\"direction=rw\",\"unit\":\"ns\",\"n\":1000,"  \
	"\"min\":1200,\"p50\":1500.5,\"p90\":2000,\"p99\":3000,\"p99_9\":4000.25,\"max\":5000," \
	"\"mean\":1600.125,\"stddev\":123.456,\"cv\":0.0771,\"mad\":100,\"outliers\":3,"        \
	"\"flags\":\"approx;high_cv\"}"

Test(sink_json, exact_document)
{
	const struct dhb_kv settings[] = {
		{"heaps", "system,reserved"},
		{"sizes", "4K..64M"},
		{"dry_run", NULL},
	};
	/* a fact named like a run column is not written again: the identity says it */
	const struct dhb_kv env[] = {{"note", "tab\there \"q\" back\\slash"},
				     {"boot_id", "another"}};
	struct dhb_sink_config cfg = {
		.settings = settings,
		.n_settings = 3,
		.environment = env,
		.n_environment = 2,
	};
	struct dhb_row rows[2] = {tu_row(), tu_row()};
	char *out;

	out = tu_write(&dhb_sink_json_ops, &cfg, rows, 2);
	cr_assert_str_eq(out, "{\n"
			      "  \"schema_version\": 2,\n"
			      "  \"settings\": {\n"
			      "    \"heaps\": \"system,reserved\",\n"
			      "    \"sizes\": \"4K..64M\",\n"
			      "    \"dry_run\": null\n"
			      "  },\n"
			      "  \"environment\": {\n"
			      "    \"tool_version\": \"0.1.0\",\n"
			      "    \"git_rev\": \"g1234abc\",\n"
			      "    \"timestamp\": \"2026-11-20T23:26:00Z\",\n"
			      "    \"hostname\": \"lab,host\",\n"
			      "    \"board\": \"QEMU \\\"Standard PC\\\"\",\n"
			      "    \"kernel\": \"6.12.0\\nx\",\n"
			      "    \"cma_bytes\": 268435456,\n"
			      "    \"boot_id\": \"8c6b6ae4-27b4-4c41-9a59-2dd1cfd4c2a2\",\n"
			      "    \"repetition\": 2,\n"
			      "    \"note\": \"tab\\there \\\"q\\\" back\\\\slash\"\n"
			      "  },\n"
			      "  \"rows\": [\n"
			      "    " ROW1 ",\n"
			      "    " ROW1 "\n"
			      "  ]\n"
			      "}\n");
	cr_assert(json_valid(out));
	free(out);
}

Test(sink_json, empty_document)
{
	struct dhb_run_info run = {.cma_bytes = -1};
	struct dhb_sink_config cfg = {.run = &run};
	char *out;

	out = tu_write(&dhb_sink_json_ops, &cfg, NULL, 0);
	cr_assert_str_eq(out, "{\n"
			      "  \"schema_version\": 2,\n"
			      "  \"settings\": {},\n"
			      "  \"environment\": {\n"
			      "    \"tool_version\": \"\",\n"
			      "    \"git_rev\": \"\",\n"
			      "    \"timestamp\": \"\",\n"
			      "    \"hostname\": \"\",\n"
			      "    \"board\": \"\",\n"
			      "    \"kernel\": \"\",\n"
			      "    \"cma_bytes\": null,\n"
			      "    \"boot_id\": \"\",\n"
			      "    \"repetition\": null\n"
			      "  },\n"
			      "  \"rows\": []\n"
			      "}\n");
	cr_assert(json_valid(out));
	free(out);
}

/* The JSON text of @params as the sink writes it inside a row. */
static void check_escape(const char *params, const char *want)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row row = tu_row();
	char *out, *expect;
	size_t len = strlen(want) + 32;

	row.params = params;
	out = tu_write(&dhb_sink_json_ops, &cfg, &row, 1);
	cr_assert(json_valid(out), "invalid JSON for %s:\n%s", want, out);
	expect = malloc(len);
	snprintf(expect, len, "\"params\":\"%s\",", want);
	cr_assert_not_null(strstr(out, expect), "want %s in\n%s", expect, out);
	free(expect);
	free(out);
}

Test(sink_json, escaping)
{
	check_escape("plain", "plain");
	check_escape("\"quoted\" \\ /", "\\\"quoted\\\" \\\\ /");
	check_escape("\b\f\n\r\t", "\\b\\f\\n\\r\\t");
	check_escape("\x01\x02\x1b\x1f\x7f", "\\u0001\\u0002\\u001b\\u001f\x7f");
	/* UTF-8 passes through: e-acute, euro sign, U+FFFF, an emoji, U+10FFFF */
	check_escape("\xc3\xa9 \xe2\x82\xac \xef\xbf\xbf \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
		     "\xc3\xa9 \xe2\x82\xac \xef\xbf\xbf \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	/* invalid UTF-8: one U+FFFD per byte that starts no valid sequence */
	check_escape("a\xff"
		     "b",
		     "a\\ufffdb");
	check_escape("\xc0\xaf", "\\ufffd\\ufffd");			  /* overlong '/' */
	check_escape("\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd");		  /* overlong, 3 bytes */
	check_escape("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");		  /* surrogate */
	check_escape("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* above U+10FFFF */
	check_escape("x\xe2\x82", "x\\ufffd\\ufffd");			  /* truncated */
	check_escape("\x80", "\\ufffd");				  /* lone continuation */
}

Test(sink_json, non_finite_is_null)
{
	struct dhb_sink_config cfg = {0};
	struct dhb_row row = tu_row();
	char *out;

	row.stats.p50 = NAN;
	row.stats.max = INFINITY;
	row.stats.min = -INFINITY;
	row.stats.mean = 1e-300;
	out = tu_write(&dhb_sink_json_ops, &cfg, &row, 1);
	cr_assert(json_valid(out));
	cr_assert_not_null(strstr(out, "\"min\":null,\"p50\":null,"));
	cr_assert_not_null(strstr(out, "\"max\":null,\"mean\":1e-300,"));
	free(out);
}

Test(sink_json, validator_sanity)
{
	cr_assert(json_valid("{\"a\":[1,-2.5e+3,true,false,null,\"\\u00e9\"]}"));
	cr_assert(!json_valid("{\"a\":nan}"));
	cr_assert(!json_valid("{\"a\":1,}"));
	cr_assert(!json_valid("{\"a\":\"tab\there\"}"));
	cr_assert(!json_valid("[01]"));
	cr_assert(!json_valid("{} {}"));
}

Test(sink_json, append_refused)
{
	struct dhb_sink_config cfg = {.path = "/tmp/dhb-json-append-test.json", .append = true};
	struct dhb_sink sink;

	cfg.run = &tu_run;
	unlink(cfg.path);
	cr_assert_eq(dhb_sink_open(&sink, &dhb_sink_json_ops, &cfg), -EINVAL);
	cr_assert_neq(access(cfg.path, F_OK), 0, "nothing may be created");
}
