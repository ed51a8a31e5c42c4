// SPDX-License-Identifier: MIT
// Unit tests of the option tables: good and bad command lines, help, settings echo, description.
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/opts.h"
#include "dhb/plan.h"
#include "dhb/workload.h"

/* The commands (bench/cli/); tests include no cli header (bench.layers), so declared here. */
extern const struct dhb_opts_cmd dhb_cmd_list, dhb_cmd_run, dhb_cmd_frag, dhb_cmd_pipeline;

#define LIST	(&dhb_cmd_list)
#define PIPE	(&dhb_cmd_pipeline)
#define RUN	(&dhb_cmd_run)
#define FRAG	(&dhb_cmd_frag)
#define MAXARGS 16

struct good_case {
	const struct dhb_opts_cmd *cmd;
	const char *argv[MAXARGS];
};

struct bad_case {
	const struct dhb_opts_cmd *cmd;
	const char *argv[MAXARGS];
	const char *msg; /* substring of the one-line message */
};

/* Room for any command's settings. */
union settings {
	char bytes[512];
	uint64_t align;
};

/* The field of @s that option @name of @cmd fills (found by the table's offset). */
static void *field(const struct dhb_opts_cmd *cmd, void *s, const char *name)
{
	size_t i;

	for (i = 0; i < cmd->n_opts; i++) {
		if (!strcmp(cmd->opts[i].name, name))
			return (char *)s + cmd->opts[i].off;
	}
	cr_assert_fail("%s has no --%s", cmd->name, name);
	return NULL;
}

#define STR(cmd, s, name)  (*(const char **)field(cmd, s, name))
#define U64(cmd, s, name)  (*(uint64_t *)field(cmd, s, name))
#define DBL(cmd, s, name)  (*(double *)field(cmd, s, name))
#define INT(cmd, s, name)  (*(int *)field(cmd, s, name))
#define FLAG(cmd, s, name) (*(bool *)field(cmd, s, name))

static int argc_of(const char *const *argv)
{
	int n = 0;

	while (n < MAXARGS && argv[n])
		n++;
	return n;
}

static struct dhb_opts_line line;

static int parse(const struct dhb_opts_cmd *cmd, const char *const *argv, void *s, char *err,
		 size_t len)
{
	int ret;

	dhb_opts_line_free(&line);
	memset(s, 0, sizeof(union settings));
	ret = dhb_opts_parse(cmd, argc_of(argv), (char *const *)argv, s, &line, err, len);
	return ret;
}

static void fini(void)
{
	dhb_opts_line_free(&line);
}

TestSuite(opts, .fini = fini);

Test(opts, defaults)
{
	union settings s;
	const char *argv[] = {NULL};
	const struct dhb_test *t;
	char err[256], all[256] = "";

	dhb_for_each_test (t)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", *all ? "," : "",
			 t->name);
	cr_assert_eq(parse(RUN, argv, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(U64(RUN, &s, "iterations"), 100);
	cr_assert_eq(U64(RUN, &s, "warmup"), 2);
	cr_assert_eq(INT(RUN, &s, "cpu"), -1);
	cr_assert_eq(U64(RUN, &s, "max-mem"), 0);
	cr_assert_str_eq(STR(RUN, &s, "heaps"), "all");
	cr_assert_str_eq(STR(RUN, &s, "tests"), all, "the default names every registered test");
	cr_assert_str_eq(STR(RUN, &s, "sizes"), DHB_PLAN_DEFAULT_SIZES);
	cr_assert_str_eq(STR(RUN, &s, "table"), "full");
	cr_assert_null(STR(RUN, &s, "events"));
	cr_assert_null(STR(RUN, &s, "samples"));
	cr_assert_not(dhb_opts_given(&line, "iterations"));
	cr_assert_not(line.help);
}

Test(opts, every_option_both_spellings)
{
	const char *a[] = {"--heaps", "sys*,udmabuf",	"--tests=alloc,cpu",
			   "--sizes", "4K..1M",		"--iterations",
			   "7",	      "--warmup=0",	"--cpu",
			   "1",	      "--max-mem=1.5G", NULL};
	const char *b[] = {"--duration",
			   "0.25",
			   "--csv",
			   "out.csv",
			   "--json=out.json",
			   "--samples=s.csv",
			   "--events",
			   "kmem:mm_page_alloc",
			   "--table",
			   "summary",
			   NULL};
	union settings s;
	char err[256];

	cr_assert_eq(parse(RUN, a, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(STR(RUN, &s, "heaps"), "sys*,udmabuf");
	cr_assert_str_eq(STR(RUN, &s, "tests"), "alloc,cpu");
	cr_assert_str_eq(STR(RUN, &s, "sizes"), "4K..1M");
	cr_assert_eq(U64(RUN, &s, "iterations"), 7);
	cr_assert_eq(U64(RUN, &s, "warmup"), 0);
	cr_assert_eq(INT(RUN, &s, "cpu"), 1);
	cr_assert_eq(U64(RUN, &s, "max-mem"), 1610612736ULL);
	cr_assert(dhb_opts_given(&line, "warmup"));
	cr_assert_not(dhb_opts_given(&line, "duration"));

	cr_assert_eq(parse(RUN, b, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_float_eq(DBL(RUN, &s, "duration"), 0.25, 1e-12);
	cr_assert_str_eq(STR(RUN, &s, "csv"), "out.csv");
	cr_assert_str_eq(STR(RUN, &s, "json"), "out.json");
	cr_assert_str_eq(STR(RUN, &s, "samples"), "s.csv");
	cr_assert_str_eq(STR(RUN, &s, "events"), "kmem:mm_page_alloc");
	cr_assert_str_eq(STR(RUN, &s, "table"), "summary");
}

Test(opts, frag_options)
{
	const char *a[] = {"--workload", "camera",   "--seed=7", "--util", "0.5",
			   "--ops",	 "4194304",  "--region", "64M",	   "--granule",
			   "64K",	 "--policy", "buddy",	 NULL};
	const char *b[] = {"--trace", "t.csv",	"--interval", "3",  "--repeat=1000",
			   "--heap",  "system", "--max-mem",  "1G", "--csv",
			   "-",	      NULL};
	union settings s;
	char err[256];

	cr_assert_eq(parse(FRAG, a, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(STR(FRAG, &s, "workload"), "camera");
	cr_assert_eq(U64(FRAG, &s, "seed"), 7);
	cr_assert_float_eq(DBL(FRAG, &s, "util"), 0.5, 1e-12);
	cr_assert_eq(U64(FRAG, &s, "ops"), 4194304);
	cr_assert_eq(U64(FRAG, &s, "region"), 64 << 20);
	cr_assert_eq(U64(FRAG, &s, "granule"), 64 << 10);
	cr_assert_eq(U64(FRAG, &s, "repeat"), 5, "the default");
	cr_assert_str_eq(STR(FRAG, &s, "policy"), "buddy");
	cr_assert_eq(parse(FRAG, b, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(U64(FRAG, &s, "interval"), 3);
	cr_assert_eq(U64(FRAG, &s, "repeat"), 1000);
	cr_assert_eq(U64(FRAG, &s, "region"), 256 << 20, "the default");
	cr_assert_eq(U64(FRAG, &s, "max-mem"), 1 << 30);
	cr_assert_float_eq(DBL(FRAG, &s, "util"), 0.9, 1e-12);
}

/* pipeline's --verify: a flag; --verify-with says how (crc or writeback) and implies it. */
Test(opts, pipeline_verify_with)
{
	const char *plain[] = {"--verify", NULL}, *wb[] = {"--verify-with", "writeback", NULL};
	const char *crc[] = {"--verify", "--verify-with=crc", NULL};
	const char *bogus[] = {"--verify-with", "bogus", NULL},
		   *eq[] = {"--verify=writeback", NULL};
	union settings s;
	char err[256];

	cr_assert_eq(parse(PIPE, plain, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert(FLAG(PIPE, &s, "verify"));
	cr_assert_null(STR(PIPE, &s, "verify-with"), "no default: the CRC path unless given");
	cr_assert_eq(parse(PIPE, wb, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(FLAG(PIPE, &s, "verify"));
	cr_assert_str_eq(STR(PIPE, &s, "verify-with"), "writeback");
	cr_assert_eq(parse(PIPE, crc, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(STR(PIPE, &s, "verify-with"), "crc");
	cr_assert_eq(parse(PIPE, bogus, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--verify-with: 'bogus' is not one of crc|writeback"), "%s", err);
	cr_assert_eq(parse(PIPE, eq, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--verify takes no value"), "%s", err);
}

/* pipeline's --no-fences: a flag, off unless given, taking no value. */
Test(opts, pipeline_no_fences)
{
	const char *none[] = {NULL}, *on[] = {"--no-fences", NULL}, *eq[] = {"--no-fences=1", NULL};
	union settings s;
	char err[256];

	cr_assert_eq(parse(PIPE, none, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(FLAG(PIPE, &s, "no-fences"), "fences unless asked");
	cr_assert_eq(parse(PIPE, on, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert(FLAG(PIPE, &s, "no-fences"));
	cr_assert_eq(parse(PIPE, eq, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--no-fences takes no value"), "%s", err);
}

/* pipeline's --format: XR24 unless given (the command checks the name: dhb_pipe_format_parse). */
Test(opts, pipeline_format)
{
	const char *none[] = {NULL}, *rg16[] = {"--format", "RG16", NULL};
	union settings s;
	char err[256];

	cr_assert_eq(parse(PIPE, none, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(STR(PIPE, &s, "format"), "XR24");
	cr_assert_eq(parse(PIPE, rg16, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(STR(PIPE, &s, "format"), "RG16");
}

Test(opts, good_lines)
{
	static const struct good_case cases[] = {
		{LIST, {"--json", NULL}},
		{LIST, {"--help", NULL}},
		{LIST, {"-h", NULL}},
		{RUN, {"--help", NULL}},
		{RUN, {"--iterations", "1000000000", NULL}},
		{RUN, {"--warmup", "0", "--cpu", "0", NULL}},
		{RUN, {"--duration", "86400", NULL}},
		{RUN, {"--duration=1e-3", NULL}},
		{RUN, {"--table", "none", "--heaps", "all", NULL}},
		{RUN, {"--sizes", "4K", "--max-mem", "4096", NULL}},
		{RUN, {"--iterations", "5", "--duration", "1", "--help", NULL}},
		{FRAG, {"--help", NULL}},
		{FRAG, {"--trace", "-", NULL}},
		{FRAG, {"--workload", "video", "--emit-trace", "-", NULL}},
	};
	union settings s;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(parse(cases[i].cmd, cases[i].argv, &s, err, sizeof(err)), 0,
			     "case %zu (%s): %s", i, cases[i].argv[0], err);
}

Test(opts, list_json_is_a_flag_run_json_a_file)
{
	const char *l[] = {"--json", NULL}, *r[] = {"--json", NULL};
	union settings s;
	char err[256];

	cr_assert_eq(parse(LIST, l, &s, err, sizeof(err)), 0);
	cr_assert(FLAG(LIST, &s, "json"));
	cr_assert_eq(parse(RUN, r, &s, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--json needs a value"), "%s", err);
}

Test(opts, bad_lines)
{
	static const struct bad_case cases[] = {
		{RUN, {"--iterations", "0", NULL}, "--iterations: '0'"},
		{RUN, {"--iterations", "-5", NULL}, "--iterations: '-5'"},
		{RUN, {"--iterations", "12x", NULL}, "--iterations: '12x'"},
		{RUN, {"--iterations", "", NULL}, "--iterations: ''"},
		{RUN, {"--iterations", "1000000001", NULL}, "from 1 to"},
		{RUN, {"--iterations", " 5", NULL}, "--iterations"},
		{RUN, {"--warmup", "x", NULL}, "--warmup: 'x'"},
		{RUN, {"--iterations", "5", "--duration", "1", NULL}, "exclude each other"},
		{RUN, {"--duration", "0", NULL}, "--duration: '0'"},
		{RUN, {"--duration", "nan", NULL}, "--duration: 'nan'"},
		{RUN, {"--duration", "inf", NULL}, "--duration"},
		{RUN, {"--duration", "1s", NULL}, "--duration: '1s'"},
		{RUN, {"--duration", "86401", NULL}, "at most 86400"},
		{RUN, {"--cpu", "1024", NULL}, "--cpu: '1024'"},
		{RUN, {"--cpu", "-1", NULL}, "--cpu"},
		{RUN, {"--max-mem", "1MB", NULL}, "--max-mem: size \"1MB\""},
		{RUN, {"--max-mem", "0", NULL}, "--max-mem"},
		{RUN, {"--table", "wide", NULL}, "one of full|summary|none"},
		{RUN, {"--table", "ful", NULL}, "one of"},
		{RUN, {"--heaps", "", NULL}, "--heaps: empty value"},
		{RUN, {"--heaps", NULL}, "--heaps needs a value (LIST)"},
		{RUN, {"--sizes", NULL}, "--sizes needs a value"},
		{RUN, {"--heaps", "a", "--heaps", "b", NULL}, "--heaps given twice"},
		{RUN, {"--bogus", NULL}, "unknown option '--bogus' for run"},
		{RUN, {"--bogus=3", NULL}, "unknown option '--bogus' for run"},
		{RUN, {"--iter", "3", NULL}, "unknown option '--iter'"},
		{RUN, {"-x", NULL}, "unexpected argument '-x'"},
		{RUN, {"system", NULL}, "unexpected argument 'system'"},
		{RUN, {"--", NULL}, "unexpected argument '--'"},
		{RUN, {"--help=yes", NULL}, "--help takes no value"},
		{LIST, {"--sizes", "4K", NULL}, "unknown option '--sizes' for list"},
		{LIST, {"--json=x", NULL}, "--json takes no value"},
		{LIST, {"extra", NULL}, "unexpected argument"},
		{RUN, {"--samples", "", NULL}, "--samples: empty value"},
		{RUN, {"--events", NULL}, "--events needs a value (LIST)"},
		{RUN, {"--samples", "a", "--samples=b", NULL}, "--samples given twice"},
		{FRAG, {"--seed", "x", "--trace", "t", NULL}, "--seed: 'x' is not a whole number"},
		{FRAG, {"--ops", "4194305", NULL}, "from 1 to 4194304"},
		{FRAG,
		 {"--repeat", "0", NULL},
		 "--repeat: '0' is not a whole number from 1 to 1000"},
		{FRAG, {"--util", "1", NULL}, "--util: '1' is not a fraction above 0 and below 1"},
		{FRAG, {"--util", "", NULL}, "--util: '' is not a fraction"},
		{FRAG, {"-h", "--help", NULL}, "--help given twice"},
		{FRAG, {NULL}, "give exactly one of --trace FILE and --workload NAME"},
		{FRAG, {"--trace", "t", "--emit-trace", "e", NULL}, "it needs --workload"},
		{FRAG, {"--trace", "t", "--granule", "12K", NULL}, "is not a power of two"},
		{FRAG, {"--trace", "t", "--granule", "2T", NULL}, "is larger than"},
		{FRAG,
		 {"--trace", "t", "--region", "6K", "--granule", "4K", NULL},
		 "not a multiple"},
		{FRAG, {"--json", NULL}, "unknown option '--json' for frag"},
		{FRAG, {"trace.csv", NULL}, "unexpected argument 'trace.csv'"},
		/* A control character in what a message names: refused, the message one line. */
		{RUN,
		 {"--csv", "a\nb.csv", NULL},
		 "--csv: a value with a control character (byte 0x0a)"},
		{PIPE,
		 {"--size", "640\r480", NULL},
		 "--size: a value with a control character (byte 0x0d)"},
		{PIPE, {"--format=X\nR24", NULL}, "--format: a value with a control character"},
		{RUN,
		 {"--iterations", "5\n", NULL},
		 "--iterations: a value with a control character"},
		{RUN, {"a\nb", NULL}, "unexpected argument 'a?b'"},
		{RUN, {"--a\tb", NULL}, "unknown option '--a?b' for run"},
	};
	union settings s;
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

static int no_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Every option at most once, whatever its number: a table of 40 rows, each given once, then twice. */
Test(opts, no_cap_on_the_number_of_options)
{
	static char names[40][8], vals[40][8];
	struct dhb_opt rows[40];
	struct dhb_opts_cmd cmd = {.name = "many",
				   .summary = "s",
				   .usage = "many",
				   .opts = rows,
				   .n_opts = 40,
				   .main = no_main};
	uint64_t v[40];
	char *argv[81], err[256];
	size_t i;

	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "o%zu", i);
		snprintf(vals[i], sizeof(vals[i]), "%zu", i);
		rows[i] = (struct dhb_opt){.name = names[i],
					   .metavar = "N",
					   .type = DHB_OPT_UINT,
					   .off = i * sizeof(uint64_t),
					   .max = 100,
					   .help = "h"};
		argv[2 * i] = names[i];
	}
	cr_assert_eq(dhb_opts_validate(&cmd, err, sizeof(err)), 0, "%s", err);
	for (i = 0; i < 40; i++) {
		static char arg[40][12];

		snprintf(arg[i], sizeof(arg[i]), "--o%zu", i);
		argv[2 * i] = arg[i];
		argv[2 * i + 1] = vals[i];
	}
	dhb_opts_line_free(&line);
	cr_assert_eq(dhb_opts_parse(&cmd, 80, argv, v, &line, err, sizeof(err)), 0, "%s", err);
	for (i = 0; i < 40; i++)
		cr_expect_eq(v[i], i);
	argv[80] = argv[78];
	dhb_opts_line_free(&line);
	cr_assert_eq(dhb_opts_parse(&cmd, 81, argv, v, &line, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "--o39 given twice"), "%s", err);
}

Test(opts, tables_are_valid)
{
	const struct dhb_opts_cmd *cmds[] = {LIST, RUN, FRAG};
	char err[256];
	size_t i;

	for (i = 0; i < 3; i++)
		cr_expect_eq(dhb_opts_validate(cmds[i], err, sizeof(err)), 0, "%s", err);
}

static char *text_of(const struct dhb_opts_cmd *cmd, bool describe)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	if (describe)
		dhb_opts_describe(cmd, fp);
	else
		dhb_opts_help(cmd, fp);
	fclose(fp);
	return buf;
}

Test(opts, help_and_description_come_from_the_table)
{
	const struct dhb_opts_cmd *cmds[] = {LIST, RUN, FRAG};
	char want[64], *help, *desc;
	const struct dhb_opt *o;
	size_t c, i;

	for (c = 0; c < 3; c++) {
		help = text_of(cmds[c], false);
		desc = text_of(cmds[c], true);
		for (i = 0; i < cmds[c]->n_opts; i++) {
			o = &cmds[c]->opts[i];
			snprintf(want, sizeof(want), "--%s%s%s", o->name, o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
			cr_expect(strstr(help, want), "%s help lacks %s", cmds[c]->name, want);
			snprintf(want, sizeof(want), "--%s\t", o->name);
			cr_expect(strstr(desc, want), "%s description lacks %s", cmds[c]->name,
				  want);
		}
		free(help);
		free(desc);
	}
	help = text_of(RUN, false);
	cr_expect(strstr(help, "(default: 100)"));
	cr_expect(strstr(help, "(default: " DHB_PLAN_DEFAULT_SIZES ")"));
	free(help);
	help = text_of(LIST, false);
	cr_expect_null(strstr(help, "--sizes"));
	cr_expect(strstr(help, "--matrix"));
	free(help);
	desc = text_of(RUN, true);
	cr_expect(strstr(desc, "--tests\tlist\talloc map cpu sync import fence\n"), "%s", desc);
	cr_expect(strstr(desc, "--samples\tfile\t\n"), "%s", desc);
	cr_expect(strstr(desc, "--table\tword\tfull summary none\n"), "%s", desc);
	cr_expect(strstr(desc, "--help\tflag\t\n"), "%s", desc);
	free(desc);
	desc = text_of(FRAG, true);
	cr_expect(strstr(desc, "--policy\tlist\tbest-fit first-fit buddy all\n"), "%s", desc);
	cr_expect(strstr(desc, "--workload\tword\tvideo camera random\n"), "%s", desc);
	free(desc);
}

Test(opts, echo_for_json)
{
	const char *a[] = {"--heaps", "system", "--duration", "2", NULL};
	const struct dhb_kv *kv;
	union settings s;
	char err[256];
	size_t n, i;
	bool heaps = false, iters = false, dur = false, sizes = false, cpu = false, tests = false;
	bool events = false, samples = false;

	cr_assert_eq(parse(RUN, a, &s, err, sizeof(err)), 0);
	kv = dhb_opts_echo(&line, &n);
	cr_assert_not_null(kv);
	for (i = 0; i < n; i++) {
		cr_expect_neq(strcmp(kv[i].key, "help"), 0, "flags are not settings");
		if (!strcmp(kv[i].key, "heaps"))
			heaps = !strcmp(kv[i].value, "system");
		if (!strcmp(kv[i].key, "iterations"))
			iters = kv[i].value == NULL; /* --duration replaces the count */
		if (!strcmp(kv[i].key, "duration"))
			dur = !strcmp(kv[i].value, "2");
		if (!strcmp(kv[i].key, "sizes"))
			sizes = !strcmp(kv[i].value, DHB_PLAN_DEFAULT_SIZES);
		if (!strcmp(kv[i].key, "tests"))
			tests = kv[i].value && !strcmp(kv[i].value, STR(RUN, &s, "tests"));
		if (!strcmp(kv[i].key, "cpu"))
			cpu = kv[i].value == NULL;
		if (!strcmp(kv[i].key, "events")) /* a default in words: the settings say it */
			events = kv[i].value && !strcmp(kv[i].value, "the software events only");
		if (!strcmp(kv[i].key, "samples"))
			samples = kv[i].value == NULL;
	}
	cr_expect(heaps && iters && dur && sizes && cpu && tests && events && samples);
}
