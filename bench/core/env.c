// SPDX-License-Identifier: MIT
// Gathers the environment of a run from uname, /proc and /sys, and its identity; parsers apart.
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "dhb/env.h"
#include "dhb/sink.h"

/*
 * Tool identity, from the build (bench/CMakeLists.txt): the version at configure time, the git
 * revision from a header that cmake/gitrev.cmake refreshes at every build.
 */
#ifndef DHB_VERSION
#define DHB_VERSION "unknown"
#endif
#ifdef DHB_GITREV_H
#include "dhb_gitrev.h"
#endif
#ifndef DHB_GIT_REV
#define DHB_GIT_REV "unknown"
#endif

const char *dhb_env_version(void)
{
	return DHB_VERSION;
}

const char *dhb_env_git_rev(void)
{
	return DHB_GIT_REV;
}

void dhb_env_identity(struct dhb_run_info *run, const struct dhb_env *env, char *ts, size_t tslen)
{
	if (dhb_sink_timestamp(time(NULL), ts, tslen))
		snprintf(ts, tslen, "unknown");
	run->tool_version = DHB_VERSION;
	run->git_rev = DHB_GIT_REV;
	run->timestamp = ts;
	run->hostname = env->hostname;
	run->board = env->board;
	run->kernel = env->kernel;
	run->cma_bytes = env->cma_total;
	run->boot_id = env->boot_id;
	run->repetition = 1; /* the first pass; run --repeat counts on (run_reps_begin()) */
}

bool dhb_env_has_program(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char file[PATH_MAX];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if ((size_t)snprintf(file, sizeof(file), "%.*s/%s", (int)(end - p),
				     end == p ? "." : p, name) < sizeof(file) &&
		    !access(file, X_OK))
			return true;
	}
	return false;
}

long dhb_env_read_file(const char *path, char *buf, size_t len)
{
	ssize_t r;
	size_t got = 0;
	int fd;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got + 1 < len) {
		r = read(fd, buf + got, len - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			close(fd);
			return (long)r;
		}
		if (!r)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd);
	return (long)got;
}

int dhb_env_meminfo(const char *text, const char *key, int64_t *bytes)
{
	size_t klen = strlen(key);
	const char *p = text;
	long long v;
	char *end;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			errno = 0;
			v = strtoll(p + klen + 1, &end, 10);
			if (errno || end == p + klen + 1 || v < 0)
				return -ENOENT;
			*bytes = (int64_t)v * 1024;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

int dhb_env_cmdline_arg(const char *cmdline, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key), vlen;
	const char *p = cmdline, *found = NULL, *end = NULL, *e;

	if (len)
		out[0] = '\0';
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		for (e = p; *e && !isspace((unsigned char)*e); e++)
			;
		if ((size_t)(e - p) > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			found = p + klen + 1;
			end = e;
		}
		p = e;
	}
	if (!found)
		return -ENOENT;
	vlen = (size_t)(end - found);
	if (!len)
		return -ENOSPC;
	snprintf(out, len, "%.*s", (int)vlen, found);
	return vlen < len ? 0 : -ENOSPC;
}

/* Copy @s into @out without leading and trailing blanks (and NULs of device-tree strings). */
static void trimmed(const char *s, char *out, size_t len)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	snprintf(out, len, "%.*s", (int)n, s);
}

void dhb_env_board(const char *dt_model, const char *vendor, const char *product, char *out,
		   size_t len)
{
	char v[128] = "", p[192] = "";

	if (dt_model) {
		trimmed(dt_model, out, len);
		if (*out)
			return;
	}
	if (vendor)
		trimmed(vendor, v, sizeof(v));
	if (product)
		trimmed(product, p, sizeof(p));
	if (*v && *p && strncmp(p, v, strlen(v)))
		snprintf(out, len, "%s %s", v, p);
	else if (*p)
		snprintf(out, len, "%s", p);
	else if (*v)
		snprintf(out, len, "%s", v);
	else
		snprintf(out, len, "unknown");
}

void dhb_env_compatible(const char *raw, size_t n, char *out, size_t len)
{
	size_t i = 0, k, used = 0, slen;

	if (len)
		out[0] = '\0';
	while (i < n) {
		slen = strnlen(raw + i, n - i);
		if (slen && used + !!used + slen < len) {
			if (used)
				out[used++] = ' ';
			for (k = 0; k < slen; k++) {
				unsigned char c = (unsigned char)raw[i + k];

				out[used++] = isspace(c) || iscntrl(c) ? '_' : (char)c;
			}
			out[used] = '\0';
		}
		i += slen + 1;
	}
}

static void probe_board(struct dhb_env *env)
{
	char model[256], vendor[128], product[192];
	bool dt, dv, dp;
	long n;

	dt = dhb_env_read_file("/proc/device-tree/model", model, sizeof(model)) > 0;
	dv = dhb_env_read_file("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor)) > 0;
	dp = dhb_env_read_file("/sys/class/dmi/id/product_name", product, sizeof(product)) > 0;
	dhb_env_board(dt ? model : NULL, dv ? vendor : NULL, dp ? product : NULL, env->board,
		      sizeof(env->board));
	n = dhb_env_read_file("/proc/device-tree/compatible", model, sizeof(model));
	if (n > 0)
		dhb_env_compatible(model, (size_t)n, env->dt_compatible,
				   sizeof(env->dt_compatible));
}

/* Size of a CMA area: newer kernels' sysfs total_pages, else debugfs count (root only). */
static void cma_area_size(struct dhb_env *env, struct dhb_cma_area *a)
{
	static const char *const dirs[][2] = {{"/sys/kernel/mm/cma/", "/total_pages"},
					      {"/sys/kernel/debug/cma/", "/count"}};
	char path[sizeof(a->source)], buf[64], *end;
	unsigned long long pages;
	size_t i;

	a->bytes = -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dirs[i][0], a->name,
				     dirs[i][1]) >= sizeof(path))
			continue;
		if (dhb_env_read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		errno = 0;
		pages = strtoull(buf, &end, 10);
		if (errno || end == buf)
			continue;
		a->bytes = (int64_t)pages * env->page_size;
		memcpy(a->source, path, sizeof(path));
		return;
	}
}

static void probe_cma_areas(struct dhb_env *env)
{
	static const char *const dirs[] = {"/sys/kernel/mm/cma", "/sys/kernel/debug/cma"};
	struct dhb_cma_area *a;
	struct dirent *de;
	size_t i, j;
	DIR *dir;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !env->n_cma_areas; i++) {
		dir = opendir(dirs[i]);
		if (!dir)
			continue;
		while ((de = readdir(dir)) && env->n_cma_areas < DHB_ENV_MAX_CMA) {
			if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(a->name))
				continue;
			for (j = 0; j < env->n_cma_areas; j++) {
				if (!strcmp(env->cma_areas[j].name, de->d_name))
					break;
			}
			if (j < env->n_cma_areas)
				continue;
			a = &env->cma_areas[env->n_cma_areas++];
			memcpy(a->name, de->d_name,
			       strlen(de->d_name) + 1); /* length checked above */
			cma_area_size(env, a);
		}
		closedir(dir);
	}
}

int dhb_env_probe(struct dhb_env *env)
{
	static char text[16384];
	struct utsname u;

	memset(env, 0, sizeof(*env));
	env->mem_total = env->mem_available = env->cma_total = env->cma_free = -1;
	env->page_size = sysconf(_SC_PAGESIZE);
	if (env->page_size <= 0)
		env->page_size = 4096;
	env->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (!uname(&u)) {
		snprintf(env->kernel, sizeof(env->kernel), "%s", u.release);
		snprintf(env->hostname, sizeof(env->hostname), "%s", u.nodename);
	}
	probe_board(env);
	if (dhb_env_read_file("/proc/meminfo", text, sizeof(text)) > 0) {
		dhb_env_meminfo(text, "MemTotal", &env->mem_total);
		dhb_env_meminfo(text, "MemAvailable", &env->mem_available);
		dhb_env_meminfo(text, "CmaTotal", &env->cma_total);
		dhb_env_meminfo(text, "CmaFree", &env->cma_free);
	}
	if (dhb_env_read_file("/proc/cmdline", text, sizeof(text)) > 0)
		dhb_env_cmdline_arg(text, "cma", env->cma_arg, sizeof(env->cma_arg));
	probe_cma_areas(env);
	if (dhb_env_read_file("/proc/sys/kernel/random/boot_id", text, sizeof(text)) > 0)
		sscanf(text, "%39s", env->boot_id);
	return 0;
}
