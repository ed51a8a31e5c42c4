// SPDX-License-Identifier: MIT
// The environment of a run (kernel, host, board, memory, CMA areas), its identity, and the parsers.
#ifndef DHB_ENV_H
#define DHB_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHB_ENV_MAX_CMA 8

struct dhb_run_info;

/**
 * struct dhb_cma_area - one CMA area.
 * @name: area name ("reserved", "linux,cma" ...).
 * @bytes: size in bytes, -1 when unknown.
 * @source: where @bytes came from ("/sys/kernel/debug/cma/reserved/count"), or "".
 */
struct dhb_cma_area {
	char name[64];
	int64_t bytes;
	char source[128];
};

/**
 * struct dhb_env - facts about the machine, gathered once.
 * @kernel: kernel release (uname -r).
 * @hostname: host name.
 * @board: /proc/device-tree/model, else DMI "sys_vendor product_name", else "unknown".
 * @mem_total: MemTotal in bytes, -1 unknown.
 * @mem_available: MemAvailable in bytes, -1 unknown.
 * @cma_total: CmaTotal in bytes, -1 unknown (no CMA, or an old kernel).
 * @cma_free: CmaFree in bytes, -1 unknown.
 * @cma_arg: value of cma= on the kernel command line, "" when absent.
 * @cma_areas: CMA areas from /sys/kernel/mm/cma (names) and debugfs cma/NAME/count (sizes).
 * @n_cma_areas: number of @cma_areas.
 * @page_size: CPU page size in bytes.
 * @ncpus: online CPUs.
 * @boot_id: /proc/sys/kernel/random/boot_id (which boot measured), "" unknown.
 */
struct dhb_env {
	char kernel[65];
	char hostname[65];
	char board[256];
	int64_t mem_total;
	int64_t mem_available;
	int64_t cma_total;
	int64_t cma_free;
	char cma_arg[64];
	struct dhb_cma_area cma_areas[DHB_ENV_MAX_CMA];
	size_t n_cma_areas;
	long page_size;
	long ncpus;
	char boot_id[40];
	char dt_compatible[256];
};

/**
 * dhb_env_probe() - gather the environment; what cannot be read stays unknown.
 * @env: result.
 *
 * Return: 0.
 */
int dhb_env_probe(struct dhb_env *env);

/**
 * dhb_env_identity() - the identity of a run starting now, repeated on each of its rows.
 * @run: result: tool version and git revision, the current time, host, board, kernel,
 *       CmaTotal and boot of @env, repetition 1; its strings point into @env and @ts.
 * @env: environment from dhb_env_probe().
 * @ts: buffer for the timestamp (ISO-8601 UTC, "unknown" when the clock cannot be read).
 * @tslen: size of @ts, at least 21 bytes.
 */
void dhb_env_identity(struct dhb_run_info *run, const struct dhb_env *env, char *ts, size_t tslen);

/**
 * dhb_env_version() - the tool's version, set when the build was configured.
 *
 * Return: the version ("0.1.0"), or "unknown".
 */
const char *dhb_env_version(void);

/**
 * dhb_env_git_rev() - the tool's git revision, found when the build was configured.
 *
 * Return: "g" and the short revision, "-dirty" appended for a modified tree ("g1a2b3c4-dirty"),
 * or "unknown" outside a git checkout.
 */
const char *dhb_env_git_rev(void);

/**
 * dhb_env_meminfo() - one value of /proc/meminfo text, in bytes.
 * @text: the file's text.
 * @key: key without the colon ("CmaTotal").
 * @bytes: the value times 1024 (the file's unit is kB).
 *
 * Return: 0, or -ENOENT when @key is missing or malformed.
 */
int dhb_env_meminfo(const char *text, const char *key, int64_t *bytes);

/**
 * dhb_env_cmdline_arg() - value of KEY=VALUE on a kernel command line.
 * @cmdline: text of /proc/cmdline.
 * @key: key without '=' ("cma").
 * @out: the value (the last occurrence wins, as in the kernel), "" when absent.
 * @len: size of @out.
 *
 * Return: 0, -ENOENT when absent, -ENOSPC when truncated.
 */
int dhb_env_cmdline_arg(const char *cmdline, const char *key, char *out, size_t len);

/**
 * dhb_env_board() - the board name from the device-tree model or the DMI strings.
 * @dt_model: /proc/device-tree/model, or NULL.
 * @vendor: DMI sys_vendor, or NULL.
 * @product: DMI product_name, or NULL.
 * @out: result: @dt_model when set, else "vendor product" (the vendor once when the product
 *       already starts with it), else "unknown"; blanks trimmed.
 * @len: size of @out.
 */
void dhb_env_board(const char *dt_model, const char *vendor, const char *product, char *out,
		   size_t len);

/**
 * dhb_env_compatible() - the device tree's root "compatible" strings as one line.
 * @raw: the property's bytes (/proc/device-tree/compatible: strings, each ending in NUL).
 * @n: their number.
 * @out: result: the strings in order joined by ' ' (blanks and control bytes inside a string
 *       become '_'; empty strings are left out; strings that do not fit whole are dropped);
 *       "" when none.
 * @len: size of @out.
 */
void dhb_env_compatible(const char *raw, size_t n, char *out, size_t len);

/**
 * dhb_env_has_program() - whether @name is an executable file in a directory of PATH (as
 * execvp() looks: "/usr/bin:/bin" when PATH is unset, an empty entry the current directory).
 * @name: the program's file name.
 *
 * Return: true when found.
 */
bool dhb_env_has_program(const char *name);

/**
 * dhb_env_read_file() - read a small text file into @buf, NUL-terminated.
 * @path: file.
 * @buf: destination.
 * @len: size of @buf; longer files are truncated.
 *
 * Return: bytes read, or -errno.
 */
long dhb_env_read_file(const char *path, char *buf, size_t len);

#endif /* DHB_ENV_H */
