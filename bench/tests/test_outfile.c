// SPDX-License-Identifier: MIT
// Unit tests of the path checks and whole-file writing (dhb_outfile_*): nothing touched on refusal.
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhb/outfile.h"

static char dir[64];

static void mkscratch(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dhb-outfile-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rmscratch(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* @name inside the scratch directory. */
static const char *at(const char *name)
{
	static char buf[4][192];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

/* The whole content of @path (static buffer), or NULL when it does not exist. */
static const char *get(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

#define OUT(o, p)                             \
	{                                     \
		o, p, DHB_OUTFILE_DASH, false \
	}
#define IN(o, p)                                                  \
	{                                                         \
		o, p, DHB_OUTFILE_INPUT | DHB_OUTFILE_DASH, false \
	}
#define CHECK(a, err) dhb_outfile_check(a, sizeof(a) / sizeof(a[0]), err, sizeof(err))

TestSuite(outfile, .init = mkscratch, .fini = rmscratch);

Test(outfile, good_paths_create_and_change_nothing)
{
	char err[256];

	put(at("old.json"), "old");
	{
		struct dhb_outfile_arg a[] = {IN("--trace", at("old.json")),
					      OUT("--csv", at("new.csv")), OUT("--json", NULL),
					      OUT("--emit", "/dev/null"), OUT("--x", "/dev/null")};

		cr_assert_eq(CHECK(a, err), 0, "%s", err);
		cr_assert(!a[0].std && !a[1].std);
	}
	cr_assert_eq(entries(), 1, "the probe of a new file leaves nothing behind");
	cr_assert_str_eq(get(at("old.json")), "old");
}

struct refusal {
	const char *what;
	int ret;
	const char *msg;
};

static void expect_refusal(struct dhb_outfile_arg *a, size_t n, const struct refusal *r)
{
	char err[256];
	int ret = dhb_outfile_check(a, n, err, sizeof(err));

	cr_expect_eq(ret, r->ret, "%s: %d (%s)", r->what, ret, err);
	cr_expect(strstr(err, r->msg), "%s: '%s' lacks '%s'", r->what, err, r->msg);
	cr_expect(!strchr(err, '\n'), "%s: one line", r->what);
}

#define REFUSE(r, ...)                                             \
	do {                                                       \
		struct dhb_outfile_arg a_[] = {__VA_ARGS__};       \
		expect_refusal(a_, sizeof(a_) / sizeof(a_[0]), r); \
	} while (0)

Test(outfile, one_path_refused)
{
	static const struct refusal
		isdir = {"directory", -EISDIR, "Is a directory"},
		nodir = {"missing directory", -ENOENT, "cannot create: No such file or directory"},
		proc = {"under /proc", -ENOENT, "/proc/x.csv: cannot create"},
		notdir = {"file as directory", -ENOTDIR, "Not a directory"},
		empty = {"empty name", -EINVAL, "--csv: empty file name"},
		dangling = {"dangling link", -ENOENT, "symbolic link to a missing"},
		noin = {"missing input", -ENOENT,
			"--trace /nonexistent/t.csv: No such file or directory"},
		indir = {"input directory", -EISDIR, "Is a directory"};

	put(at("f"), "f");
	cr_assert_eq(symlink(at("gone"), at("dangling")), 0);
	REFUSE(&isdir, OUT("--csv", dir));
	REFUSE(&nodir, OUT("--csv", at("nodir/x.csv")));
	REFUSE(&proc, OUT("--csv", "/proc/x.csv"));
	REFUSE(&notdir, OUT("--json", at("f/x.json")));
	REFUSE(&empty, OUT("--csv", ""));
	REFUSE(&dangling, OUT("--csv", at("dangling")));
	REFUSE(&noin, IN("--trace", "/nonexistent/t.csv"));
	REFUSE(&indir, IN("--trace", dir));
	cr_assert_eq(entries(), 2, "nothing created");
	cr_assert_str_eq(get(at("f")), "f");
}

/* A file this user may not write (as root: checked by an unprivileged child). */
Test(outfile, unwritable_file_refused)
{
	struct dhb_outfile_arg a[] = {OUT("--json", at("ro"))};
	char err[256];
	int status, ret;
	pid_t pid;

	put(at("ro"), "ro");
	cr_assert_eq(chmod(at("ro"), 0444), 0);
	cr_assert_eq(chmod(dir, 0755), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		if (!geteuid() && setuid(65534))
			_exit(100);
		ret = CHECK(a, err);
		_exit(ret == -EACCES && strstr(err, "cannot write: Permission denied") ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	cr_assert_str_eq(get(at("ro")), "ro");
}

Test(outfile, same_file_twice_refused)
{
	static const struct refusal
		byname = {"same name", -EINVAL, "the same file as --json"},
		newdot = {"new file, two spellings", -EINVAL, "the same file as --json"},
		input = {"output is the input", -EINVAL, "(an output cannot be an input)"},
		twostd = {"two on stdout", -EINVAL,
			  "--csv -: standard output is already written by --json"};
	char dotted[256], cwd[256];

	put(at("a"), "a");
	cr_assert_eq(symlink(at("a"), at("sym")), 0);
	cr_assert_eq(link(at("a"), at("hard")), 0);
	REFUSE(&byname, OUT("--json", at("a")), OUT("--csv", at("a")));
	REFUSE(&byname, OUT("--json", at("a")), OUT("--csv", at("sym")));
	REFUSE(&byname, OUT("--json", at("hard")), OUT("--csv", at("a")));
	REFUSE(&newdot, OUT("--json", at("new")), OUT("--csv", at("./new")));
	snprintf(dotted, sizeof(dotted), "%s/../%s/new", dir, strrchr(dir, '/') + 1);
	REFUSE(&newdot, OUT("--json", at("new")), OUT("--csv", dotted));
	REFUSE(&input, IN("--trace", at("a")), OUT("--csv", at("hard")));
	REFUSE(&twostd, OUT("--json", "-"), OUT("--csv", "-"));
	/* A relative name and an absolute one. */
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(dir), 0);
	REFUSE(&newdot, OUT("--json", at("new")), OUT("--csv", "new"));
	cr_assert_eq(chdir(cwd), 0);
	cr_assert_eq(entries(), 3, "nothing created");
	cr_assert_str_eq(get(at("a")), "a");
}

Test(outfile, standard_streams)
{
	struct dhb_outfile_arg a[] = {IN("--trace", "-"), OUT("--csv", "-")};
	struct dhb_outfile_arg b[] = {OUT("--csv", "-"), {"--json", "-", 0, false}};
	char err[256];

	cr_assert_eq(CHECK(a, err), 0, "stdin and stdout are two streams: %s", err);
	cr_assert(a[0].std && a[1].std);
	cr_assert_eq(CHECK(b, err), 0, "without DHB_OUTFILE_DASH '-' is a file: %s", err);
	cr_assert(b[0].std && !b[1].std);
}

/* An output naming the file standard output goes to is standard output. */
Test(outfile, path_of_stdout_is_stdout)
{
	struct dhb_outfile_arg a[] = {OUT("--json", at("o")), OUT("--csv", "-")};
	char err[256];
	int fd = open(at("o"), O_WRONLY | O_CREAT, 0644), saved = dup(1);

	cr_assert_geq(fd, 0);
	cr_assert_eq(dup2(fd, 1), 1);
	cr_assert_eq(CHECK(a, err), -EINVAL);
	dup2(saved, 1);
	cr_assert(strstr(err, "standard output is already written by --json"), "%s", err);
	a[1].path = NULL;
	dup2(fd, 1);
	cr_assert_eq(CHECK(a, err), 0, "%s", err);
	dup2(saved, 1);
	cr_assert(a[0].std);
	close(fd);
	close(saved);
}

Test(outfile, write_new_and_replace_keeping_mode_and_links)
{
	struct dhb_outfile of;
	struct stat st;

	cr_assert_eq(dhb_outfile_open(&of, at("new"), false), 0);
	fputs("fresh", of.fp);
	cr_assert_null(get(at("new")), "not there before the commit");
	cr_assert_eq(dhb_outfile_commit(&of), 0);
	cr_assert_str_eq(get(at("new")), "fresh");

	put(at("old"), "old");
	cr_assert_eq(chmod(at("old"), 0640), 0);
	cr_assert_eq(symlink("old", at("sym")), 0);
	cr_assert_eq(dhb_outfile_open(&of, at("sym"), false), 0);
	fputs("replaced", of.fp);
	cr_assert_str_eq(get(at("old")), "old", "untouched until the commit");
	cr_assert_eq(dhb_outfile_commit(&of), 0);
	cr_assert_str_eq(get(at("old")), "replaced");
	cr_assert_eq(lstat(at("sym"), &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link stays a link; its target is replaced");
	cr_assert_eq(stat(at("old"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640, "permission bits kept");
	cr_assert_eq(entries(), 3, "no temporary left");
}

Test(outfile, abort_and_failure_keep_the_old_file)
{
	struct dhb_outfile of;

	put(at("old"), "old");
	cr_assert_eq(dhb_outfile_open(&of, at("old"), false), 0);
	fputs("half", of.fp);
	dhb_outfile_abort(&of);
	cr_assert_str_eq(get(at("old")), "old");
	cr_assert_eq(entries(), 1, "temporary removed");
	dhb_outfile_abort(&of); /* twice is harmless */

	/* A device is written in place, and its error comes back at the commit. */
	cr_assert_eq(dhb_outfile_open(&of, "/dev/full", false), 0);
	cr_assert_null(of.tmp);
	fputs("x", of.fp);
	cr_assert_eq(dhb_outfile_commit(&of), -ENOSPC);
}

Test(outfile, flush_reports_earlier_errors)
{
	FILE *fp = fopen("/dev/full", "w");
	int i;

	cr_assert_not_null(fp);
	for (i = 0; i < 10000; i++)
		fputs("0123456789", fp); /* stdio flushes (and fails) on its own meanwhile */
	cr_assert_eq(dhb_outfile_flush(fp), -ENOSPC);
	errno = 0;
	cr_assert_eq(dhb_outfile_flush(fp), -EIO, "the error stays; its cause is gone");
	errno = ENOSPC; /* as a failed write left it; stdio dropped its data */
	cr_assert_eq(dhb_outfile_flush(fp), -ENOSPC, "the cause a caller kept");
	fclose(fp);
	fp = fopen("/dev/null", "w");
	errno = ENOENT;
	cr_assert_eq(dhb_outfile_flush(fp), 0, "no error: errno does not matter");
	fclose(fp);
}

/* SIGTERM while a file is being written: the process dies, the temporary goes, the old stays. */
Test(outfile, signal_removes_the_temporary)
{
	struct dhb_outfile of;
	int status;
	pid_t pid;

	put(at("old"), "old");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		signal(SIGTERM, SIG_DFL);
		if (dhb_outfile_open(&of, at("old"), false))
			_exit(1);
		fputs("half", of.fp);
		fflush(of.fp);
		raise(SIGTERM);
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
	cr_assert_str_eq(get(at("old")), "old");
	cr_assert_eq(entries(), 1, "temporary removed by the handler");
}

/* Another user's file in a sticky directory: rename() would fail, so it is written in place. */
Test(outfile, sticky_directory_written_in_place)
{
	struct dhb_outfile of;
	struct stat before, after;
	int status;
	pid_t pid;

	if (geteuid())
		cr_skip_test("needs root to make a file another user's");
	cr_assert_eq(chmod(dir, 01777), 0);
	put(at("theirs"), "old");
	cr_assert_eq(chmod(at("theirs"), 0666), 0);
	cr_assert_eq(stat(at("theirs"), &before), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		if (setuid(65534) || dhb_outfile_open(&of, at("theirs"), false) || of.tmp)
			_exit(1);
		fputs("new", of.fp);
		_exit(dhb_outfile_commit(&of) ? 2 : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	cr_assert_str_eq(get(at("theirs")), "new");
	cr_assert_eq(stat(at("theirs"), &after), 0);
	cr_assert_eq(after.st_ino, before.st_ino, "the same file, written in place");
}
