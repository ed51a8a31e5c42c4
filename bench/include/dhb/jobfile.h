// SPDX-License-Identifier: MIT
// Job files: a command's options in an INI file, a [global] section and one section per job.
#ifndef DHB_JOBFILE_H
#define DHB_JOBFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "dhb/opts.h"

/*
 * Job files
 * ---------
 * In the spirit of fio's: `dmaheap-bench run --job FILE` reads an INI file whose keys are the
 * long names of the command's options (its table, dhb/opts.h, so there is no second list), in
 * an optional [global] section, which comes first, and one section per job:
 *
 *     [global]
 *     iterations = 50
 *     json = results-{job}.json
 *
 *     [alloc-small]
 *     tests = alloc
 *     sizes = 4K..64K
 *
 * A job takes its own section's values, else [global]'s; an option given on the command line
 * replaces both, for every job. A value given at a higher level also drops the lower levels'
 * values of the options it excludes (struct dhb_opt.excludes): duration in a job drops
 * iterations from [global], --duration on the command line drops iterations from the file.
 * "{job}" in any value, on the command line too, is the job's name. Values are checked as the
 * command line's are, when a job's arguments are parsed (dhb_jobfile_args()).
 *
 * The file is read with libinih (Debian's libinih, pkg-config inih): "key = value" or
 * "key: value" lines, blanks around keys and values stripped, comment lines starting with ';' or
 * '#', and a ';' after a blank ends a value (an inline comment). On top of it this reader
 * refuses, with one line "FILE:LINE: reason":
 *   - a line longer than libinih's line buffer (DHB_JOBFILE_MAX_LINE bytes with its line end), a
 *     NUL byte, a line libinih cannot read (neither a section header nor a key and value);
 *   - a key outside a section, a key that is not an option of the command or that the command
 *     keeps off job files (--help, --job), a key set twice in a section, an indented line (which
 *     libinih would join to the key before as a second value), an empty value;
 *   - a section name other than [global] that is not a job name (DHB_JOBFILE_MAX_NAME bytes of
 *     letters, digits, '.', '_' and '-'; "Global" or "GLOBAL" are taken for typos), a section
 *     given twice, [global] after a job, text after a header's ']';
 *   - a file without a job (then "FILE: no job ..."), more than DHB_JOBFILE_MAX_JOBS jobs, more
 *     than DHB_JOBFILE_MAX_BYTES bytes.
 * An empty job section is a job with [global]'s values (or the defaults).
 */
#define DHB_JOBFILE_MAX_LINE  200 /* libinih's INI_MAX_LINE as Debian builds it */
#define DHB_JOBFILE_MAX_NAME  40
#define DHB_JOBFILE_MAX_JOBS  256
#define DHB_JOBFILE_MAX_BYTES (1u << 20)
#define DHB_JOBFILE_ERR_LEN   512

/**
 * struct dhb_job - one job of a job file.
 * @name: its section's name.
 * @line: the line of its section header.
 * @value: per row of the command's table, the value the file gives the job ({job} replaced),
 *         NULL when the file gives none.
 * @where: per row, the line @value comes from (its section's or [global]'s), 0 when none.
 */
struct dhb_job {
	char *name;
	unsigned int line;
	char **value;
	unsigned int *where;
};

/**
 * struct dhb_jobfile - a job file read.
 * @path: its name as given (for messages).
 * @cmd: the command whose options are its keys.
 * @jobs: the jobs, in file order.
 * @n_jobs: their number.
 */
struct dhb_jobfile {
	const char *path;
	const struct dhb_opts_cmd *cmd;
	struct dhb_job *jobs;
	size_t n_jobs;
};

/**
 * dhb_jobfile_read() - read a job file.
 * @jf: filled in; release with dhb_jobfile_free() whatever this returns.
 * @path: the file; it must outlive @jf.
 * @cmd: the command whose options are the keys.
 * @not_keys: options of @cmd that are no keys (NULL-terminated; flags never are), or NULL.
 * @err: one line on failure, "FILE:LINE: reason" or "FILE: reason".
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL for a malformed file; -errno when it cannot be read; -ENOMEM.
 */
int dhb_jobfile_read(struct dhb_jobfile *jf, const char *path, const struct dhb_opts_cmd *cmd,
		     const char *const *not_keys, char *err, size_t errlen);

/**
 * dhb_jobfile_read_mem() - dhb_jobfile_read() on bytes in memory.
 * @jf: as for dhb_jobfile_read().
 * @name: the file name for messages; it must outlive @jf.
 * @data: the bytes (need not end in NUL).
 * @len: their number.
 * @cmd: as for dhb_jobfile_read().
 * @not_keys: as for dhb_jobfile_read().
 * @err: as for dhb_jobfile_read().
 * @errlen: as for dhb_jobfile_read().
 *
 * Return: as dhb_jobfile_read().
 */
int dhb_jobfile_read_mem(struct dhb_jobfile *jf, const char *name, const char *data, size_t len,
			 const struct dhb_opts_cmd *cmd, const char *const *not_keys, char *err,
			 size_t errlen);

/**
 * dhb_jobfile_find() - a job by name.
 * @jf: the file.
 * @name: the job's name.
 *
 * Return: its index in @jf->jobs, or -1.
 */
long dhb_jobfile_find(const struct dhb_jobfile *jf, const char *name);

/**
 * struct dhb_job_args - the arguments of one job, for dhb_opts_parse().
 * @argc: their number.
 * @argv: "--NAME=VALUE" each (owned), NULL-terminated.
 */
struct dhb_job_args {
	int argc;
	char **argv;
};

/**
 * dhb_jobfile_args() - the arguments that run job @i: per row of the table, the value on the
 * command line, else the job's; {job} replaced in both. The command line drops the file's
 * values of the options its own exclude or that exclude its own.
 * @jf: the file.
 * @i: the job.
 * @line: the command line (its options as given; NULL for none).
 * @extra: further "--NAME=VALUE" arguments put first (NULL-terminated), or NULL; they replace
 *         the command line's and the file's values of the same options.
 * @args: the arguments; release with dhb_job_args_free().
 *
 * Return: 0 or -ENOMEM.
 */
int dhb_jobfile_args(const struct dhb_jobfile *jf, size_t i, const struct dhb_opts_line *line,
		     const char *const *extra, struct dhb_job_args *args);

void dhb_job_args_free(struct dhb_job_args *args);

/**
 * dhb_jobfile_where() - the line of the job file an option's value of job @i comes from.
 * @jf: the file.
 * @i: the job.
 * @line: the command line, as given to dhb_jobfile_args().
 * @msg: a message about one option, starting with "--NAME" (as the checks write them).
 *
 * Return: the line; the job's section header's line when @msg names no option whose value
 * comes from the file.
 */
unsigned int dhb_jobfile_where(const struct dhb_jobfile *jf, size_t i,
			       const struct dhb_opts_line *line, const char *msg);

/**
 * dhb_jobfile_free() - release what a job file holds.
 * @jf: the file; may be released twice.
 */
void dhb_jobfile_free(struct dhb_jobfile *jf);

#endif /* DHB_JOBFILE_H */
