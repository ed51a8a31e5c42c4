// SPDX-License-Identifier: MIT
// Unit tests of option parsing: table-driven good and bad command lines, help and settings echo.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/opts.h"

#define MAXARGS 12

struct good_case {
	unsigned int cmd;
	const char *argv[MAXARGS];
};

struct bad_case {
	unsigned int cmd;
	const char *argv[MAXARGS];
	const char *msg; /* substring of the one-line message */
};

static int argc_of(const char *const *argv)
{
	int n = 0;

	while (n < MAXARGS && argv[n])
		n++;
	return n;
}

static int parse(unsigned int cmd, const char *const *argv, struct dhb_settings *s, char *err,
		 size_t len)
{
	dhb_settings_init(s);
	return dhb_opts_parse(cmd, argc_of(argv), (char *const *)argv, s, err, len);
}

Test(opts, defaults)
{
	struct dhb_settings s;
	const char *argv[] = {NULL};
	char err[256];

	cr_assert_eq(parse(DHB_CMD_RUN, argv, &s, err, sizeof(err)), 0);
	cr_assert_eq(s.iterations, DHB_DEFAULT_ITERATIONS);
	cr_assert_eq(s.warmup, DHB_DEFAULT_WARMUP);
	cr_assert_eq(s.cpu, -1);
	cr_assert_eq(s.max_mem, 0);
	cr_assert_null(s.heaps);
	cr_assert_str_eq(s.table, "full");
	cr_assert_eq(s.given, 0);
}

Test(opts, every_option_both_spellings)
{
	const char *a[] = {"--heaps", "sys*,udmabuf",	"--tests=alloc,cpu",
			   "--sizes", "4K..1M",		"--iterations",
			   "7",	      "--warmup=0",	"--cpu",
			   "1",	      "--max-mem=1.5G", NULL};
	const char *b[] = {"--duration",      "0.25",	 "--csv",   "out.csv",
			   "--json=out.json", "--table", "summary", NULL};
	struct dhb_settings s;
	char err[256];

	cr_assert_eq(parse(DHB_CMD_RUN, a, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(s.heaps, "sys*,udmabuf");
	cr_assert_str_eq(s.tests, "alloc,cpu");
	cr_assert_str_eq(s.sizes, "4K..1M");
	cr_assert_eq(s.iterations, 7);
	cr_assert_eq(s.warmup, 0);
	cr_assert_eq(s.cpu, 1);
	cr_assert_eq(s.max_mem, 1610612736ULL);
	cr_assert(dhb_opts_given(&s, "warmup"));
	cr_assert_not(dhb_opts_given(&s, "duration"));

	cr_assert_eq(parse(DHB_CMD_RUN, b, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_float_eq(s.duration, 0.25, 1e-12);
	cr_assert_str_eq(s.csv, "out.csv");
	cr_assert_str_eq(s.json, "out.json");
	cr_assert_str_eq(s.table, "summary");
	cr_assert_not(s.list_json);
}

Test(opts, good_lines)
{
	static const struct good_case cases[] = {
		{DHB_CMD_LIST, {"--json", NULL}},
		{DHB_CMD_LIST, {"--help", NULL}},
		{DHB_CMD_LIST, {"-h", NULL}},
		{DHB_CMD_RUN, {"--help", NULL}},
		{DHB_CMD_RUN, {"--iterations", "1000000000", NULL}},
		{DHB_CMD_RUN, {"--warmup", "0", "--cpu", "0", NULL}},
		{DHB_CMD_RUN, {"--duration", "86400", NULL}},
		{DHB_CMD_RUN, {"--duration=1e-3", NULL}},
		{DHB_CMD_RUN, {"--table", "none", "--heaps", "all", NULL}},
		{DHB_CMD_RUN, {"--sizes", "4K", "--max-mem", "4096", NULL}},
	};
	struct dhb_settings s;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(parse(cases[i].cmd, cases[i].argv, &s, err, sizeof(err)), 0,
			     "case %zu (%s): %s", i, cases[i].argv[0], err);
}

Test(opts, list_json_is_a_flag_run_json_a_file)
{
	const char *l[] = {"--json", NULL}, *r[] = {"--json", NULL};
	struct dhb_settings s;
	char err[256];

	cr_assert_eq(parse(DHB_CMD_LIST, l, &s, err, sizeof(err)), 0);
	cr_assert(s.list_json);
	cr_assert_eq(parse(DHB_CMD_RUN, r, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--json needs a value"), "%s", err);
}

Test(opts, bad_lines)
{
	static const struct bad_case cases[] = {
		{DHB_CMD_RUN, {"--iterations", "0", NULL}, "--iterations: '0'"},
		{DHB_CMD_RUN, {"--iterations", "-5", NULL}, "--iterations: '-5'"},
		{DHB_CMD_RUN, {"--iterations", "12x", NULL}, "--iterations: '12x'"},
		{DHB_CMD_RUN, {"--iterations", "", NULL}, "--iterations: ''"},
		{DHB_CMD_RUN, {"--iterations", "1000000001", NULL}, "from 1 to"},
		{DHB_CMD_RUN, {"--iterations", " 5", NULL}, "--iterations"},
		{DHB_CMD_RUN, {"--warmup", "x", NULL}, "--warmup: 'x'"},
		{DHB_CMD_RUN, {"--iterations", "5", "--duration", "1", NULL}, "exclude each other"},
		{DHB_CMD_RUN, {"--duration", "0", NULL}, "--duration: '0'"},
		{DHB_CMD_RUN, {"--duration", "nan", NULL}, "--duration: 'nan'"},
		{DHB_CMD_RUN, {"--duration", "inf", NULL}, "--duration"},
		{DHB_CMD_RUN, {"--duration", "1s", NULL}, "--duration: '1s'"},
		{DHB_CMD_RUN, {"--duration", "86401", NULL}, "at most 86400"},
		{DHB_CMD_RUN, {"--cpu", "1024", NULL}, "--cpu: '1024'"},
		{DHB_CMD_RUN, {"--cpu", "-1", NULL}, "--cpu"},
		{DHB_CMD_RUN, {"--max-mem", "1MB", NULL}, "--max-mem: size \"1MB\""},
		{DHB_CMD_RUN, {"--max-mem", "0", NULL}, "--max-mem"},
		{DHB_CMD_RUN, {"--table", "wide", NULL}, "one of full|summary|none"},
		{DHB_CMD_RUN, {"--table", "ful", NULL}, "one of"},
		{DHB_CMD_RUN, {"--heaps", "", NULL}, "--heaps: empty value"},
		{DHB_CMD_RUN, {"--heaps", NULL}, "--heaps needs a value (LIST)"},
		{DHB_CMD_RUN, {"--sizes", NULL}, "--sizes needs a value"},
		{DHB_CMD_RUN, {"--heaps", "a", "--heaps", "b", NULL}, "--heaps given twice"},
		{DHB_CMD_RUN, {"--bogus", NULL}, "unknown option '--bogus' for run"},
		{DHB_CMD_RUN, {"--bogus=3", NULL}, "unknown option '--bogus' for run"},
		{DHB_CMD_RUN, {"--iter", "3", NULL}, "unknown option '--iter'"},
		{DHB_CMD_RUN, {"-x", NULL}, "unexpected argument '-x'"},
		{DHB_CMD_RUN, {"system", NULL}, "unexpected argument 'system'"},
		{DHB_CMD_RUN, {"--", NULL}, "unexpected argument '--'"},
		{DHB_CMD_RUN, {"--help=yes", NULL}, "--help takes no value"},
		{DHB_CMD_LIST, {"--heaps", "system", NULL}, "unknown option '--heaps' for list"},
		{DHB_CMD_LIST, {"--json=x", NULL}, "--json takes no value"},
		{DHB_CMD_LIST, {"extra", NULL}, "unexpected argument"},
	};
	struct dhb_settings s;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(parse(cases[i].cmd, cases[i].argv, &s, err, sizeof(err)), -EINVAL,
			     "case %zu (%s) was accepted", i, cases[i].argv[0]);
		cr_expect(strstr(err, cases[i].msg), "case %zu: \"%s\" lacks \"%s\"", i, err,
			  cases[i].msg);
		cr_expect_null(strchr(err, '\n'), "case %zu: message is not one line", i);
	}
}

Test(opts, table_is_consistent)
{
	const struct dhb_opt *t;
	size_t n, i, j;

	t = dhb_opts_table(&n);
	cr_assert_gt(n, 0);
	cr_assert_leq(n, 32);
	for (i = 0; i < n; i++) {
		cr_expect(t[i].name && *t[i].name && t[i].help && *t[i].help, "option %zu", i);
		cr_expect(t[i].cmds & (DHB_CMD_LIST | DHB_CMD_RUN), "--%s has no command",
			  t[i].name);
		cr_expect_eq(t[i].type == DHB_OPT_FLAG, t[i].metavar == NULL,
			     "--%s: a metavar exactly when it takes a value", t[i].name);
		cr_expect_eq(t[i].type == DHB_OPT_CHOICE, t[i].choices != NULL, "--%s", t[i].name);
		for (j = 0; j < i; j++)
			cr_expect(strcmp(t[i].name, t[j].name) || !(t[i].cmds & t[j].cmds),
				  "--%s twice for one command", t[i].name);
	}
}

static char *help_text(unsigned int cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	dhb_opts_help(cmd, fp);
	fclose(fp);
	return buf;
}

Test(opts, help_comes_from_the_table)
{
	const struct dhb_opt *t;
	char *run = help_text(DHB_CMD_RUN), *list = help_text(DHB_CMD_LIST), want[64];
	size_t n, i;

	t = dhb_opts_table(&n);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "--%s%s%s", t[i].name, t[i].metavar ? " " : "",
			 t[i].metavar ? t[i].metavar : "");
		if (t[i].cmds & DHB_CMD_RUN)
			cr_expect(strstr(run, want), "run help lacks %s", want);
		if (t[i].cmds & DHB_CMD_LIST)
			cr_expect(strstr(list, want), "list help lacks %s", want);
	}
	cr_expect(strstr(run, "(default: 100)"));
	cr_expect_null(strstr(list, "--heaps"));
	free(run);
	free(list);
}

Test(opts, echo_for_json)
{
	const char *a[] = {"--heaps", "system", "--duration", "2", NULL};
	struct dhb_settings s;
	struct dhb_kv kv[32];
	char err[256];
	size_t n, i;
	bool heaps = false, iters = false, dur = false, sizes = false, cpu = false;

	cr_assert_eq(parse(DHB_CMD_RUN, a, &s, err, sizeof(err)), 0);
	n = dhb_opts_echo(DHB_CMD_RUN, &s, kv, 32);
	for (i = 0; i < n; i++) {
		cr_expect_neq(strcmp(kv[i].key, "help"), 0, "flags are not settings");
		if (!strcmp(kv[i].key, "heaps"))
			heaps = !strcmp(kv[i].value, "system");
		if (!strcmp(kv[i].key, "iterations"))
			iters = kv[i].value == NULL; /* --duration replaces the count */
		if (!strcmp(kv[i].key, "duration"))
			dur = !strcmp(kv[i].value, "2");
		if (!strcmp(kv[i].key, "sizes"))
			sizes = !strcmp(kv[i].value, DHB_DEFAULT_SIZES);
		if (!strcmp(kv[i].key, "cpu"))
			cpu = kv[i].value == NULL;
	}
	cr_expect(heaps && iters && dur && sizes && cpu);
}
