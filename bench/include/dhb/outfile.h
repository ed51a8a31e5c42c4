// SPDX-License-Identifier: MIT
// Files named on the command line: checked all together before any is written, then written whole.
#ifndef DHB_OUTFILE_H
#define DHB_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Every command hands the paths of its options to dhb_outfile_check() before it opens anything
 * for writing. It refuses, with one line "--opt PATH: reason":
 *   - an output that is a directory, that cannot be written, or that cannot be created (missing
 *     parent directory, a file system that refuses, e.g. /proc); a new file is probed by
 *     creating and at once removing it, with SIGINT, SIGTERM and SIGHUP held back meanwhile;
 *   - an input that does not exist, cannot be read or is a directory;
 *   - the same file named twice, by name or through another name, a symbolic or a hard link
 *     (st_dev/st_ino for existing files, the resolved directory plus the name for new ones),
 *     an output that is an input included. Character and block devices (/dev/null) may repeat;
 *   - two outputs on standard output ("-", or a path naming the same file, pipe or socket as
 *     standard output), or an output that is the file standard input reads when an input is "-".
 * Nothing is created, truncated or changed on disk by the check.
 *
 * Files written whole (JSON, frag's CSV, a generated trace) go through dhb_outfile_open() and
 * dhb_outfile_commit(): a regular file (new, or existing, also through a symbolic link) is written
 * to a temporary file beside its target, ".NAME.PID.N.tmp", and renamed onto it only once every
 * byte is written and closed without error, so a failure midway leaves the old file as it was.
 * The temporary is removed on failure, and on SIGINT, SIGTERM or SIGHUP when those still have
 * their default action (the handler removes it and re-raises the signal); a program with its own
 * handler calls dhb_outfile_abort(). An existing file keeps its permission bits; another hard
 * link to it keeps the old content. Anything else (a character device such as /dev/null, a FIFO,
 * an existing writable file in a directory the user may not write to, or another user's file
 * in a sticky directory such as /tmp) is written in place. "-" is standard output, flushed and checked at commit but not closed.
 */

/* Flags of struct dhb_outfile_arg. */
#define DHB_OUTFILE_INPUT (1u << 0) /* read by the command, never written (else: an output) */
#define DHB_OUTFILE_DASH  (1u << 1) /* "-" is standard input (an input) or output */

/**
 * struct dhb_outfile_arg - one path of a command line.
 * @opt: the option that named it, for messages ("--csv").
 * @path: the path as given; NULL when the option is absent (skipped).
 * @flags: DHB_OUTFILE_*.
 * @std: set by dhb_outfile_check(): the path is standard input or output ("-", or an output
 *	naming the same file, pipe or socket as standard output); write it to stdout.
 */
struct dhb_outfile_arg {
	const char *opt;
	const char *path;
	unsigned int flags;
	bool std;
};

/**
 * dhb_outfile_check() - check every path of a command line before anything is written.
 * @args: the paths (inputs and outputs).
 * @n: number of entries.
 * @err: on failure, one line "--opt PATH: reason" (without the command's name).
 * @errlen: size of @err.
 *
 * Return: 0, or -errno (-EINVAL for a conflict between paths; -EISDIR, -ENOENT, -EACCES ... for
 * one path); the command reports @err as a usage error (status 2).
 */
int dhb_outfile_check(struct dhb_outfile_arg *args, size_t n, char *err, size_t errlen);

/**
 * struct dhb_outfile - a file being written whole.
 * @fp: the stream to write.
 * @name: for messages: the path as given, or "standard output".
 * @target: the file the temporary is renamed onto (symbolic links resolved), or NULL.
 * @tmp: the temporary, or NULL when written in place.
 * @slot: its entry in the list the signal handler removes, or -1.
 */
struct dhb_outfile {
	FILE *fp;
	const char *name;
	char *target;
	char *tmp;
	int slot;
};

/**
 * dhb_outfile_open() - start writing a file whole (see above).
 * @of: state to set up.
 * @path: the path; "-" for standard output.
 * @std: write standard output whatever @path says (struct dhb_outfile_arg.std).
 *
 * Return: 0 or -errno; on failure nothing is left open or on disk.
 */
int dhb_outfile_open(struct dhb_outfile *of, const char *path, bool std);

/**
 * dhb_outfile_commit() - finish: flush, check, close and rename the temporary into place.
 * @of: an open file; closed on every path.
 *
 * A write error is found as dhb_outfile_flush() finds it (set errno to 0 before writing).
 *
 * Return: 0, or -errno of the first write, close or rename error (the temporary is removed, the
 * target left as it was).
 */
int dhb_outfile_commit(struct dhb_outfile *of);

/**
 * dhb_outfile_abort() - give up: close, and remove the temporary; the target stays as it was.
 * @of: an open file (or one already committed or aborted: nothing happens).
 */
void dhb_outfile_abort(struct dhb_outfile *of);

/**
 * dhb_outfile_flush() - flush a stream and say whether every write to it so far succeeded.
 * @fp: stream (stdout included).
 *
 * When stdio's own flush of a full buffer failed earlier, it dropped that data, so the final
 * flush may succeed with the stream's error flag set and nothing said about the cause. Callers
 * therefore set errno to 0 before a batch of writes; the errno found here on entry (that of the
 * failed write) is then the one reported.
 *
 * Return: 0; the -errno of a failed flush; else, when an earlier write failed, -errno as found on
 * entry, or -EIO when that is 0.
 */
int dhb_outfile_flush(FILE *fp);

#endif /* DHB_OUTFILE_H */
