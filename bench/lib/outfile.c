// SPDX-License-Identifier: MIT
// Files named on the command line: one check of all paths first, then whole files via rename().
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhb/outfile.h"

#define MAX_TMP	     8	 /* temporaries open at once */
#define MAX_TMP_BASE 200 /* bytes of the target's name kept in a temporary's name */

/* ---- checking -------------------------------------------------------------------------- */

/* What a path names: an existing file (device, inode), or a new one (directory + name). */
struct ident {
	bool known;
	bool device; /* character or block device: may be named twice */
	dev_t dev;
	ino_t ino;
	char *norm; /* a new output: its resolved directory and name */
};

static int fail(char *err, size_t errlen, const struct dhb_outfile_arg *a, int ret, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const struct dhb_outfile_arg *a, int ret, const char *fmt,
		...)
{
	va_list ap;
	int w;

	if (!err || !errlen)
		return ret;
	w = snprintf(err, errlen, "%s%s%s: ", a->opt, *a->path ? " " : "", a->path);
	if (w >= 0 && (size_t)w < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + w, errlen - (size_t)w, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static void ident_of(struct ident *id, const struct stat *st)
{
	id->known = true;
	id->device = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode);
	id->dev = st->st_dev;
	id->ino = st->st_ino;
}

/* The file behind standard input or output, when it is one a path can name again. */
static bool std_ident(int fd, struct ident *id)
{
	struct stat st;

	if (fstat(fd, &st) ||
	    !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return false;
	ident_of(id, &st);
	return true;
}

static bool same(const struct ident *a, const struct ident *b)
{
	if (a->known && b->known)
		return !a->device && a->dev == b->dev && a->ino == b->ino;
	return a->norm && b->norm && !strcmp(a->norm, b->norm);
}

static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Whether @path can be created: create it and remove it again, signals held back meanwhile. */
static int probe_create(const char *path)
{
	sigset_t old;
	int fd, ret = 0;

	block_signals(&old);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0) {
		ret = -errno;
	} else {
		close(fd);
		if (unlink(path))
			ret = -errno;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* "DIR/NAME" with DIR resolved (symbolic links, "..", relative), or NULL. */
static char *normalise_new(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real, *out = NULL;
	size_t len;

	if (!slash)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		return NULL;
	real = realpath(dir, NULL);
	free(dir);
	if (!real)
		return NULL;
	slash = slash ? slash + 1 : path;
	len = strlen(real) + strlen(slash) + 2;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%s/%s", strcmp(real, "/") ? real : "", slash);
	free(real);
	return out;
}

static int check_input(struct dhb_outfile_arg *a, struct ident *id, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if ((a->flags & DHB_OUTFILE_DASH) && !strcmp(a->path, "-")) {
		a->std = true;
		std_ident(STDIN_FILENO, id);
		return 0;
	}
	if (stat(a->path, &st))
		return fail(err, errlen, a, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, a, -EISDIR, "%s", strerror(EISDIR));
	fd = open(a->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(err, errlen, a, -errno, "%s", strerror(errno));
	close(fd);
	ident_of(id, &st);
	return 0;
}

/* An output that does not exist yet: it must be creatable. */
static int check_new_output(struct dhb_outfile_arg *a, struct ident *id, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	if (!lstat(a->path, &st) && S_ISLNK(st.st_mode))
		return fail(err, errlen, a, -ENOENT, "a symbolic link to a missing file");
	ret = probe_create(a->path);
	if (ret)
		return fail(err, errlen, a, ret, "cannot create: %s", strerror(-ret));
	id->norm = normalise_new(a->path);
	if (!id->norm)
		return fail(err, errlen, a, -errno, "%s", strerror(errno));
	return 0;
}

static int check_output(struct dhb_outfile_arg *a, struct ident *id, const struct ident *out,
			char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if ((a->flags & DHB_OUTFILE_DASH) && !strcmp(a->path, "-")) {
		a->std = true;
		*id = *out;
		return 0;
	}
	if (stat(a->path, &st)) {
		if (errno == ENOENT)
			return check_new_output(a, id, err, errlen);
		return fail(err, errlen, a, -errno, "%s", strerror(errno));
	}
	ident_of(id, &st);
	if ((a->flags & DHB_OUTFILE_DASH) && same(id, out)) {
		a->std = true; /* /dev/stdout, or the file the shell redirected to */
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, a, -EISDIR, "%s", strerror(EISDIR));
	if (S_ISSOCK(st.st_mode))
		return fail(err, errlen, a, -ENXIO, "a socket, not a file");
	if (S_ISREG(st.st_mode)) {
		/* Opening without O_TRUNC tries write permission and changes nothing. */
		fd = open(a->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return fail(err, errlen, a, -errno, "cannot write: %s", strerror(errno));
		close(fd);
	} else if (access(a->path, W_OK)) {
		return fail(err, errlen, a, -errno, "cannot write: %s", strerror(errno));
	}
	return 0;
}

/* Two paths that must not name the same thing; 0 or a failure about @b. */
static int conflict(const struct dhb_outfile_arg *a, const struct ident *ia,
		    const struct dhb_outfile_arg *b, const struct ident *ib, char *err,
		    size_t errlen)
{
	bool a_in = a->flags & DHB_OUTFILE_INPUT, b_in = b->flags & DHB_OUTFILE_INPUT;

	if (a->std && b->std && a_in == b_in)
		return fail(err, errlen, b, -EINVAL, "standard %s is already %s by %s",
			    b_in ? "input" : "output", b_in ? "read" : "written", a->opt);
	if (a_in && b_in)
		return 0; /* reading one file twice is harmless */
	if (!same(ia, ib))
		return 0;
	if (a->std && a_in)
		return fail(err, errlen, b, -EINVAL,
			    "the same file as standard input, which %s - reads", a->opt);
	return fail(err, errlen, b, -EINVAL, "the same file as %s %s%s", a->opt, a->path,
		    a_in || b_in ? " (an output cannot be an input)" : "");
}

int dhb_outfile_check(struct dhb_outfile_arg *args, size_t n, char *err, size_t errlen)
{
	struct ident *ids, in = {0}, out = {0};
	size_t i, j;
	int ret = 0;

	if (err && errlen)
		err[0] = '\0';
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	std_ident(STDIN_FILENO, &in);
	std_ident(STDOUT_FILENO, &out);
	for (i = 0; i < n && !ret; i++) {
		struct dhb_outfile_arg *a = &args[i];

		a->std = false;
		if (!a->path)
			continue;
		if (!*a->path)
			ret = fail(err, errlen, a, -EINVAL, "empty file name");
		else if (a->flags & DHB_OUTFILE_INPUT)
			ret = check_input(a, &ids[i], err, errlen);
		else
			ret = check_output(a, &ids[i], &out, err, errlen);
		for (j = 0; j < i && !ret; j++) {
			if (args[j].path)
				ret = conflict(&args[j], &ids[j], a, &ids[i], err, errlen);
		}
	}
	for (i = 0; i < n; i++)
		free(ids[i].norm);
	free(ids);
	return ret;
}

/* ---- writing whole files --------------------------------------------------------------- */

static char tmp_names[MAX_TMP][PATH_MAX];
static volatile sig_atomic_t tmp_live[MAX_TMP];

/* Removes the temporaries, then the signal's default action (SA_RESETHAND) ends the process. */
static void on_signal(int sig)
{
	int saved = errno;
	size_t i;

	for (i = 0; i < MAX_TMP; i++) {
		if (tmp_live[i])
			unlink(tmp_names[i]);
	}
	raise(sig);
	errno = saved;
}

/* Our handler for the signals that still have their default action. */
static void install_cleanup(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (!sigaction(sigs[i], NULL, &old) && !(old.sa_flags & SA_SIGINFO) &&
		    old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* Create the temporary beside @target; registered for removal on a signal. 0 or -errno. */
static int make_tmp(struct dhb_outfile *of, const char *target, int *fd)
{
	const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
	int dirlen = slash ? (int)(slash - target + 1) : 0, slot, w, ret = -EEXIST;
	unsigned int k;
	sigset_t old;

	for (slot = 0; slot < MAX_TMP && tmp_live[slot]; slot++)
		;
	if (slot == MAX_TMP)
		return -EMFILE;
	install_cleanup();
	for (k = 0; k < 100 && ret == -EEXIST; k++) {
		w = snprintf(tmp_names[slot], PATH_MAX, "%.*s.%.*s.%ld.%u.tmp", dirlen, target,
			     MAX_TMP_BASE, base, (long)getpid(), k);
		if (w < 0 || w >= PATH_MAX)
			return -ENAMETOOLONG;
		block_signals(&old);
		*fd = open(tmp_names[slot], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
			   0666);
		ret = *fd < 0 ? -errno : 0;
		if (!ret)
			tmp_live[slot] = 1;
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (ret)
		return ret;
	of->tmp = strdup(tmp_names[slot]);
	of->slot = slot;
	return of->tmp ? 0 : -ENOMEM;
}

/* Close, and remove the temporary unless it was renamed into place. */
static void drop_tmp(struct dhb_outfile *of, bool renamed)
{
	sigset_t old;

	if (of->slot >= 0) {
		block_signals(&old);
		if (!renamed)
			unlink(tmp_names[of->slot]);
		tmp_live[of->slot] = 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	free(of->tmp);
	free(of->target);
	of->tmp = of->target = NULL;
	of->slot = -1;
}

/* Whether rename() may not replace @target: another user's file in a sticky directory (/tmp). */
static bool sticky_other(const char *target, const struct stat *st)
{
	const char *slash = strrchr(target, '/');
	char *dir;
	struct stat d;
	bool ret;

	if (st->st_uid == geteuid() || !geteuid() || !slash)
		return false;
	dir = strndup(target, slash == target ? 1 : (size_t)(slash - target));
	ret = dir && !stat(dir, &d) && (d.st_mode & S_ISVTX) && d.st_uid != geteuid();
	free(dir);
	return ret;
}

static int open_in_place(struct dhb_outfile *of, const char *path)
{
	of->fp = fopen(path, "we");
	return of->fp ? 0 : -errno;
}

int dhb_outfile_open(struct dhb_outfile *of, const char *path, bool std)
{
	struct stat st;
	bool exists;
	int fd = -1, ret;

	memset(of, 0, sizeof(*of));
	of->slot = -1;
	if (std || !strcmp(path, "-")) {
		of->fp = stdout;
		of->name = "standard output";
		return 0;
	}
	of->name = path;
	exists = !stat(path, &st);
	if (exists && !S_ISREG(st.st_mode))
		return open_in_place(of, path);
	of->target = exists ? realpath(path, NULL) : strdup(path);
	if (!of->target)
		return -errno;
	if (exists && sticky_other(of->target, &st)) {
		drop_tmp(of, false);
		return open_in_place(of, path);
	}
	ret = make_tmp(of, of->target, &fd);
	if (ret) {
		drop_tmp(of, false);
		if (fd >= 0)
			close(fd);
		/* A writable file in a directory we may not write to: write it in place. */
		if (exists && (ret == -EACCES || ret == -EPERM || ret == -EROFS))
			return open_in_place(of, path);
		return ret;
	}
	if (exists)
		fchmod(fd, st.st_mode & 07777); /* best effort, like an editor's save */
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		ret = -errno;
		close(fd);
		drop_tmp(of, false);
		return ret;
	}
	return 0;
}

int dhb_outfile_flush(FILE *fp)
{
	int seen = errno;

	errno = 0;
	if (fflush(fp))
		return errno ? -errno : -EIO;
	if (!ferror(fp))
		return 0;
	return seen > 0 ? -seen : -EIO;
}

int dhb_outfile_commit(struct dhb_outfile *of)
{
	sigset_t old;
	int ret;

	if (!of->fp)
		return -EINVAL;
	ret = dhb_outfile_flush(of->fp);
	if (of->fp != stdout && fclose(of->fp) && !ret)
		ret = -errno;
	of->fp = NULL;
	if (!ret && of->tmp) {
		block_signals(&old);
		if (rename(of->tmp, of->target))
			ret = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	drop_tmp(of, !ret);
	return ret;
}

void dhb_outfile_abort(struct dhb_outfile *of)
{
	if (of->fp && of->fp != stdout)
		fclose(of->fp);
	of->fp = NULL;
	drop_tmp(of, false);
}
