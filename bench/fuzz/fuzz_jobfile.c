// SPDX-License-Identifier: MIT
// libFuzzer target: job files (dhb/jobfile.h) read from any bytes, what a job holds, its arguments.
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhb/jobfile.h"
#include "dhb/opts.h"
#include "fuzz_check.h"
#include "jobfile_toy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERRLEN DHB_JOBFILE_ERR_LEN

static bool job_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n && n == strlen(s) && n <= DHB_JOBFILE_MAX_NAME;
}

/* What an accepted file promises: valid names, one-line values set on a line, arguments. */
static void check_jobs(const struct dhb_jobfile *jf, unsigned long lines)
{
	static const char *const extra[] = {"--job=x", NULL};
	struct dhb_job_args a;
	size_t i, j, o;

	check(jf->n_jobs >= 1 && jf->n_jobs <= DHB_JOBFILE_MAX_JOBS);
	for (i = 0; i < jf->n_jobs; i++) {
		const struct dhb_job *job = &jf->jobs[i];

		check(job_name(job->name) && strcmp(job->name, "global"));
		check(job->line >= 1 && job->line <= lines);
		for (j = 0; j < i; j++)
			check(strcmp(jf->jobs[j].name, job->name) && jf->jobs[j].line < job->line);
		for (o = 0; o < toy.n_opts; o++) {
			if (!job->value[o]) {
				check(!job->where[o]);
				continue;
			}
			check(*job->value[o] && !strchr(job->value[o], '\n'));
			check(!strstr(job->value[o], "{job}"));
			check(job->where[o] >= 1 && job->where[o] <= lines);
			check(toy_opts[o].type != DHB_OPT_FLAG && strcmp(toy_opts[o].name, "job"));
		}
		check(!job->value[TOY_ITER] ||
		      !job->value[TOY_DUR]); /* iterations and duration exclude */
		check(dhb_jobfile_args(jf, i, NULL, extra, &a) == 0);
		check(a.argc >= 1 && !a.argv[a.argc] && !strcmp(a.argv[0], "--job=x"));
		dhb_job_args_free(&a);
		check(dhb_jobfile_find(jf, job->name) == (long)i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhb_jobfile jf;
	unsigned long lines = 1;
	char *buf, *err;
	size_t i;
	int ret;

	/* Exact-size copies: ASan sees any read past the input or write past the message. */
	buf = malloc(size ? size : 1);
	err = calloc(1, ERRLEN);
	check(buf && err && (!size || memcpy(buf, data, size)));
	for (i = 0; i < size; i++)
		lines += buf[i] == '\n';
	ret = dhb_jobfile_read_mem(&jf, "f.ini", buf, size, &toy, toy_not_keys, err, ERRLEN);
	if (ret) {
		/* refused: the documented codes, "f.ini:" and one line within its buffer */
		check(ret == -EINVAL || ret == -ENOMEM);
		check(memchr(err, '\0', ERRLEN) && !strncmp(err, "f.ini", 5));
		check(!strchr(err, '\n') && !strchr(err, '\r'));
	} else {
		check_jobs(&jf, lines);
	}
	dhb_jobfile_free(&jf);
	free(buf);
	free(err);
	return 0;
}
