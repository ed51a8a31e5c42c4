// SPDX-License-Identifier: MIT
// Unit tests of job files (dhb/jobfile.h): what is read, merged and refused, with FILE:LINE.
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhb/jobfile.h"
#include "dhb/opts.h"
#include "jobfile_toy.h"

/* The run command (bench/cli/); tests include no cli header (bench.layers), so declared here. */
extern const struct dhb_opts_cmd dhb_cmd_run;

static struct dhb_jobfile jf;
static char err[DHB_JOBFILE_ERR_LEN];

static int rd(const char *text)
{
	dhb_jobfile_free(&jf);
	err[0] = '\0';
	return dhb_jobfile_read_mem(&jf, "t.ini", text, strlen(text), &toy, toy_not_keys, err,
				    sizeof(err));
}

static void fini(void)
{
	dhb_jobfile_free(&jf);
}

TestSuite(jobfile, .fini = fini);

Test(jobfile, global_and_jobs)
{
	cr_assert_eq(rd("; the suite\n"
			"[global]\n"
			"heaps = system   ; an inline comment\n"
			"json: out-{job}.json\n"
			"\n"
			"[small]\n"
			"iterations = 5\n"
			"# a comment\n"
			"[big]\n"
			"heaps = {job}-{job},x\n"
			"[empty]\n"),
		     0, "%s", err);
	cr_assert_eq(jf.n_jobs, 3);
	cr_assert_str_eq(jf.jobs[0].name, "small");
	cr_assert_eq(jf.jobs[0].line, 6);
	cr_assert_str_eq(jf.jobs[0].value[TOY_HEAPS], "system");
	cr_assert_eq(jf.jobs[0].where[TOY_HEAPS], 3);
	cr_assert_str_eq(jf.jobs[0].value[TOY_JSON], "out-small.json");
	cr_assert_eq(jf.jobs[0].where[TOY_JSON], 4);
	cr_assert_str_eq(jf.jobs[0].value[TOY_ITER], "5");
	cr_assert_eq(jf.jobs[0].where[TOY_ITER], 7);
	cr_assert_null(jf.jobs[0].value[TOY_DUR]);
	cr_assert_str_eq(jf.jobs[1].value[TOY_HEAPS], "big-big,x");
	cr_assert_eq(jf.jobs[1].where[TOY_HEAPS], 10);
	cr_assert_null(jf.jobs[1].value[TOY_ITER]);
	cr_assert_str_eq(jf.jobs[2].name, "empty");
	cr_assert_eq(jf.jobs[2].line, 11);
	cr_assert_str_eq(jf.jobs[2].value[TOY_JSON], "out-empty.json");
	cr_assert_eq(dhb_jobfile_find(&jf, "big"), 1);
	cr_assert_eq(dhb_jobfile_find(&jf, "nope"), -1);
}

Test(jobfile, crlf_bom_and_the_line_limit)
{
	char text[512];

	cr_assert_eq(rd("\xEF\xBB\xBF[a]\r\nheaps = x\r\n"), 0, "%s", err);
	cr_assert_str_eq(jf.jobs[0].value[TOY_HEAPS], "x");
	/* DHB_JOBFILE_MAX_LINE - 2 bytes and the line end fit; one more does not */
	snprintf(text, sizeof(text), "[a]\nheaps=%0*d\n", DHB_JOBFILE_MAX_LINE - 2 - 6, 0);
	cr_assert_eq(rd(text), 0, "%s", err);
	snprintf(text, sizeof(text), "[a]\nheaps=%0*d\n", DHB_JOBFILE_MAX_LINE - 1 - 6, 0);
	cr_assert_eq(rd(text), -EINVAL);
	cr_assert_str_eq(err, "t.ini:2: line longer than 198 bytes");
}

Test(jobfile, a_job_value_drops_what_it_excludes_from_global)
{
	cr_assert_eq(rd("[global]\niterations = 7\n[a]\nduration = 2\n[b]\n"), 0, "%s", err);
	cr_assert_null(jf.jobs[0].value[TOY_ITER]);
	cr_assert_str_eq(jf.jobs[0].value[TOY_DUR], "2");
	cr_assert_str_eq(jf.jobs[1].value[TOY_ITER], "7");
}

struct bad {
	const char *text;
	const char *msg; /* the whole message */
};

Test(jobfile, refused_with_file_and_line)
{
	static const struct bad cases[] = {
		{"[a]\nheap = x\n", "t.ini:2: unknown key 'heap' (the keys are toy's options: "
				    "dmaheap-bench toy --help)"},
		{"heaps = x\n[a]\n", "t.ini:1: 'heaps' outside a section (put it under [global] "
				     "or a job)"},
		{"[a]\nheaps = x\nheaps = y\n",
		 "t.ini:3: 'heaps' set twice in [a] (first on line 2)"},
		{"[a]\nheaps = x\n  json = y\n",
		 "t.ini:3: an indented line: keys start at the margin (libinih reads an indented "
		 "line as more of the value before)"},
		{"[a]\n  [b]\n", "t.ini:2: an indented section header"},
		{"[a]\nheaps =\n", "t.ini:2: 'heaps': empty value"},
		{"[a]\nduration = 1\niterations = 2\n",
		 "t.ini:3: 'iterations' and 'duration' (line 2) exclude each other (one or the "
		 "other)"},
		{"[a]\njob = x\n", "t.ini:2: 'job' is not a job-file key"},
		{"[a]\nhelp = x\n", "t.ini:2: 'help' is not a job-file key"},
		{"[a b]\n",
		 "t.ini:1: [a b] is not a job name (at most 40 letters, digits, '.', '_' "
		 "or '-') nor [global]"},
		{"[]\n", "t.ini:1: [] is not a job name (at most 40 letters, digits, '.', '_' or "
			 "'-') nor [global]"},
		{"[a/b]\n", "t.ini:1: [a/b] is not a job name (at most 40 letters, digits, '.', "
			    "'_' or '-') nor [global]"},
		{"[GLOBAL]\n", "t.ini:1: [GLOBAL]: the global section is [global]"},
		{"[a]\n[b]\n[a]\n", "t.ini:3: [a] given twice (first on line 1)"},
		{"[global]\n[global]\n", "t.ini:2: [global] given twice (first on line 1)"},
		{"[a]\n[global]\n", "t.ini:2: [global] after the job [a]; it comes first"},
		{"[a\n", "t.ini:1: a section header without ']'"},
		{"[a] x\n", "t.ini:1: text after the section header's ']'"},
		{"[a]\njust words\n[b]\nheap = 1\n",
		 "t.ini:2: neither a [section] header nor a 'key = value' line"},
		{"[global]\nheaps = x\n",
		 "t.ini: no job (a section such as [name], besides [global])"},
		{"", "t.ini: no job (a section such as [name], besides [global])"},
		{"[a]\nheaps = x\0y\n", "t.ini:2: NUL byte in the line"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text);

		if (strstr(cases[i].msg, "NUL"))
			len += 3; /* the bytes after the NUL */
		dhb_jobfile_free(&jf);
		cr_expect_eq(dhb_jobfile_read_mem(&jf, "t.ini", cases[i].text, len, &toy,
						  toy_not_keys, err, sizeof(err)),
			     -EINVAL, "case %zu", i);
		cr_expect_str_eq(err, cases[i].msg, "case %zu", i);
	}
}

Test(jobfile, too_many_jobs)
{
	size_t cap = (DHB_JOBFILE_MAX_JOBS + 1) * 8, used = 0, i;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	for (i = 0; i <= DHB_JOBFILE_MAX_JOBS; i++)
		used += (size_t)snprintf(text + used, cap - used, "[j%zu]\n", i);
	cr_assert_eq(rd(text), -EINVAL);
	cr_assert(strstr(err, "t.ini:257: more than 256 jobs"), "%s", err);
	free(text);
}

Test(jobfile, files_read_and_missing)
{
	char path[] = "/tmp/dhb-jobfile-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "[a]\nheaps = x\n", 14), 14);
	close(fd);
	dhb_jobfile_free(&jf);
	cr_assert_eq(dhb_jobfile_read(&jf, path, &toy, toy_not_keys, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(jf.n_jobs, 1);
	unlink(path);
	dhb_jobfile_free(&jf);
	cr_assert_eq(dhb_jobfile_read(&jf, path, &toy, toy_not_keys, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "No such file"), "%s", err);
}

/* The arguments of job @i under the command line @argv, joined by ' '. */
static const char *args_of(size_t i, const char *const *argv, int argc, const char *const *extra)
{
	static char buf[512];
	struct toy s = {0};
	struct dhb_opts_line line = {0};
	struct dhb_job_args a;
	size_t used = 0;
	int k;

	cr_assert_eq(dhb_opts_parse(&toy, argc, (char *const *)argv, &s, &line, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(dhb_jobfile_args(&jf, i, &line, extra, &a), 0);
	buf[0] = '\0';
	for (k = 0; k < a.argc; k++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", k ? " " : "",
					 a.argv[k]);
	cr_assert_null(a.argv[a.argc]);
	/* the arguments parse as a command line */
	dhb_opts_line_free(&line);
	cr_assert_eq(dhb_opts_parse(&toy, a.argc, a.argv, &s, &line, err, sizeof(err)), 0, "%s",
		     err);
	dhb_opts_line_free(&line);
	dhb_job_args_free(&a);
	return buf;
}

Test(jobfile, the_command_line_wins)
{
	static const char *const none[] = {NULL};
	static const char *const heaps[] = {"--heaps", "cli-{job}", NULL};
	static const char *const duration[] = {"--duration=3", NULL};
	static const char *const extra[] = {"--job=t.ini", "--heaps=e", NULL};

	cr_assert_eq(rd("[global]\nheaps = g\niterations = 9\n[a]\njson = {job}.json\n"), 0, "%s",
		     err);
	cr_assert_str_eq(args_of(0, none, 0, NULL), "--heaps=g --json=a.json --iterations=9");
	cr_assert_str_eq(args_of(0, heaps, 2, NULL), "--heaps=cli-a --json=a.json --iterations=9");
	/* --duration drops the file's iterations, which it excludes */
	cr_assert_str_eq(args_of(0, duration, 1, NULL), "--heaps=g --json=a.json --duration=3");
	/* the extra arguments come first and replace the file's and the command line's */
	cr_assert_str_eq(args_of(0, heaps, 2, extra),
			 "--job=t.ini --heaps=e --json=a.json --iterations=9");
}

Test(jobfile, where_a_message_points)
{
	static const char *const argv[] = {"--json", "x", NULL};
	struct toy s = {0};
	struct dhb_opts_line line = {0};

	cr_assert_eq(rd("[global]\nheaps = g\n\n[a]\niterations = 0\njson = j\n"), 0, "%s", err);
	cr_assert_eq(dhb_jobfile_where(&jf, 0, NULL, "--iterations: '0' is not ..."), 5);
	cr_assert_eq(dhb_jobfile_where(&jf, 0, NULL, "--heaps: no heap matches 'g'"), 2);
	cr_assert_eq(dhb_jobfile_where(&jf, 0, NULL, "--json j: cannot create"), 6);
	cr_assert_eq(dhb_jobfile_where(&jf, 0, NULL, "--duration: x"), 4);
	cr_assert_eq(dhb_jobfile_where(&jf, 0, NULL, "plan needs up to 1G"), 4);
	cr_assert_eq(dhb_jobfile_where(&jf, 0, NULL, "--nosuch: x"), 4);
	cr_assert_eq(dhb_opts_parse(&toy, 2, (char *const *)argv, &s, &line, err, sizeof(err)), 0);
	/* the command line's --json is not the file's: the job's header */
	cr_assert_eq(dhb_jobfile_where(&jf, 0, &line, "--json x: cannot create"), 4);
	dhb_opts_line_free(&line);
}

/* Every option of run that takes a value is a key, but --job and --section. */
Test(jobfile, run_options_are_the_keys)
{
	static const char *const run_not_keys[] = {"job", "section", NULL};
	char text[256];
	size_t i;

	for (i = 0; i < dhb_cmd_run.n_opts; i++) {
		const struct dhb_opt *o = &dhb_cmd_run.opts[i];
		bool key = o->type != DHB_OPT_FLAG && strcmp(o->name, "job") &&
			   strcmp(o->name, "section");

		snprintf(text, sizeof(text), "[a]\n%s = 1\n", o->name);
		dhb_jobfile_free(&jf);
		cr_expect_eq(dhb_jobfile_read_mem(&jf, "r.ini", text, strlen(text), &dhb_cmd_run,
						  run_not_keys, err, sizeof(err)),
			     key ? 0 : -EINVAL, "--%s: %s", o->name, err);
	}
}
