// SPDX-License-Identifier: MIT
// A figure's data file, and gnuplot run on it with the figure's script from plots/.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhb/env.h"
#include "plot_priv.h"

/*
 * The data file (plots/README.md): comment lines naming the figure, then one block per series,
 * two blank lines apart, each starting with a header line whose first field is the series'
 * title (gnuplot's `title columnheader(1)`), then "x y lo hi mark" lines, "?" for a missing
 * value. A pipeline figure's file starts with one more block, its categories ("index name").
 */

/* A title for gnuplot: in double quotes, without double quotes or backslashes inside. */
static void quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++)
		fputc(*s == '"' || *s == '\\' ? '\'' : *s, fp);
	fputc('"', fp);
}

static void num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, " %.10g", v);
	else
		fputs(" ?", fp);
}

/*
 * The scripts' COLOURS and STYLES arguments of @f (plots/README.md), in malloc'ed strings;
 * -ENOMEM.
 */
static int series_args(const struct dhb_plot_figure *f, char **colours, char **styles)
{
	size_t i, off = 0;

	*colours = malloc(f->n_series * 8 + 1);
	*styles = malloc(f->n_series + 1);
	if (!*colours || !*styles) {
		free(*colours);
		free(*styles);
		return -ENOMEM;
	}
	**colours = '\0';
	for (i = 0; i < f->n_series; i++) {
		off += (size_t)sprintf(*colours + off, "%s#%06x", i ? " " : "",
				       (unsigned int)f->series[i].colour);
		(*styles)[i] = f->series[i].style;
	}
	(*styles)[f->n_series] = '\0';
	return 0;
}

int dhb_plot_write_data(const struct dhb_plot_figure *f, FILE *fp)
{
	char *colours, *styles;
	size_t i, k;

	if (series_args(f, &colours, &styles))
		return -ENOMEM;
	fprintf(fp, "# dmaheap-bench plot data (plots/README.md): %s, drawn by plots/%s\n", f->name,
		dhb_plot_kind_info(f->kind)->script);
	fprintf(fp, "# %s\n# %s\n# unit %s, %s; %zu series; columns: x y lo hi mark\n", f->title,
		f->subtitle, f->unit, f->label, f->n_series);
	fprintf(fp, "# arguments N COLOURS STYLES: %zu \"%s\" %s\n", f->n_series, colours, styles);
	free(colours);
	free(styles);
	if (f->cats) {
		fputs("\"categories\" index name\n", fp);
		for (k = 0; k < f->n_cats; k++) {
			fprintf(fp, "%zu ", k);
			quoted(fp, f->cats[k]);
			fputc('\n', fp);
		}
		fputs("\n\n", fp);
	}
	for (i = 0; i < f->n_series; i++) {
		const struct pseries *s = &f->series[i];

		quoted(fp, s->label);
		fputs(" x y lo hi mark\n", fp);
		for (k = 0; k < s->n; k++) {
			fprintf(fp, "%.10g", s->pts[k].x);
			num(fp, s->pts[k].y);
			num(fp, s->pts[k].lo);
			num(fp, s->pts[k].hi);
			fprintf(fp, " %d\n", s->pts[k].mark);
		}
		if (i + 1 < f->n_series)
			fputs("\n\n", fp);
	}
	return ferror(fp) ? -EIO : 0;
}

/* Whether @dir holds every kind's script (and their shared common.gp). */
int dhb_plot_check_scripts(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	unsigned int k;

	for (k = 0; k <= DHB_PLOT_NR_KINDS; k++) {
		const char *s = k < DHB_PLOT_NR_KINDS
					? dhb_plot_kind_info((enum dhb_plot_kind)k)->script
					: "common.gp";

		snprintf(path, sizeof(path), "%s/%s", dir, s);
		if (access(path, R_OK)) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -ENOENT;
		}
	}
	return 0;
}

/* Whether @path (resolved) lies inside @dir (resolved). */
static bool inside(const char *path, const char *dir)
{
	char d[PATH_MAX];
	size_t n;

	if (!realpath(dir, d))
		return false;
	n = strlen(d);
	return !strncmp(path, d, n) && path[n] == '/';
}

const char *dhb_plot_scripts_dir(void)
{
	static const char *const dirs[] = {DHB_PLOTS_SOURCE_DIR, DHB_PLOTS_INSTALL_DIR};
	char exe[PATH_MAX], err[16];
	size_t i;

	/* A binary of the build tree draws with the scripts of its source tree. */
	if (realpath("/proc/self/exe", exe) && inside(exe, DHB_BUILD_DIR) &&
	    !dhb_plot_check_scripts(dirs[0], err, sizeof(err)))
		return dirs[0];
	for (i = 2; i-- > 0;) {
		if (!dhb_plot_check_scripts(dirs[i], err, sizeof(err)))
			return dirs[i];
	}
	return NULL;
}

bool dhb_plot_gnuplot(void)
{
	return dhb_env_has_program("gnuplot");
}

/* The last lines of gnuplot's standard error (@fd, a memfd) into @msg, trimmed. */
static void messages(int fd, char *msg, size_t msglen)
{
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)msglen - 1 ? size - ((off_t)msglen - 1) : 0;
	ssize_t n;

	*msg = '\0';
	if (size <= 0 || lseek(fd, from, SEEK_SET) < 0)
		return;
	n = read(fd, msg, msglen - 1);
	msg[n > 0 ? n : 0] = '\0';
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
}

/* Run gnuplot with @argv, its stdout @out_fd and its stderr @err_fd; its wait status. */
static int run(char *const *argv, int out_fd, int err_fd, int *status)
{
	pid_t pid = fork();
	int in;

	if (pid < 0)
		return -errno;
	if (!pid) {
		in = open("/dev/null", O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int dhb_plot_render(const struct dhb_plot_figure *f, const char *scripts, const char *data,
		    enum dhb_plot_format format, int out_fd, char *msg, size_t msglen)
{
	char script[PATH_MAX], n[24], *colours, *styles;
	int err_fd, status = 0, ret;

	*msg = '\0';
	if (series_args(f, &colours, &styles))
		return -ENOMEM;
	err_fd = memfd_create("gnuplot-stderr", MFD_CLOEXEC);
	if (err_fd < 0) {
		ret = -errno;
		goto out_free;
	}
	snprintf(script, sizeof(script), "%s/%s", scripts, dhb_plot_kind_info(f->kind)->script);
	snprintf(n, sizeof(n), "%zu", f->n_series);
	{
		const char *argv[] = {"gnuplot",
				      "-c",
				      script,
				      data,
				      format == DHB_PLOT_PNG ? "png" : "svg",
				      f->title,
				      f->subtitle,
				      n,
				      colours,
				      styles,
				      f->unit,
				      f->label,
				      NULL};

		ret = run((char *const *)argv, out_fd, err_fd, &status);
	}
	messages(err_fd, msg, msglen);
	if (!ret && !(WIFEXITED(status) && !WEXITSTATUS(status))) {
		if (!*msg)
			snprintf(msg, msglen, "gnuplot %s %d",
				 WIFEXITED(status) ? "exited with" : "was killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		ret = -EPROTO;
	}
	close(err_fd);
out_free:
	free(colours);
	free(styles);
	return ret;
}
