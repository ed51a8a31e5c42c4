// SPDX-License-Identifier: MIT
// Unit tests of the environment parsers: /proc/meminfo, the kernel command line, board names.
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dhb/env.h"

Test(env, meminfo)
{
	const char *text =
		"MemTotal:        2030000 kB\nMemFree:  1 kB\nCmaTotal:         262144 kB\n"
		"CmaFree:               0 kB\nBad:\n";
	int64_t v = -1;

	cr_assert_eq(dhb_env_meminfo(text, "CmaTotal", &v), 0);
	cr_expect_eq(v, 268435456);
	cr_assert_eq(dhb_env_meminfo(text, "CmaFree", &v), 0);
	cr_expect_eq(v, 0);
	cr_expect_eq(dhb_env_meminfo(text, "MemAvailable", &v), -ENOENT);
	cr_expect_eq(dhb_env_meminfo(text, "Mem", &v), -ENOENT, "whole keys only");
	cr_expect_eq(dhb_env_meminfo(text, "Bad", &v), -ENOENT);
}

Test(env, cmdline)
{
	char out[32];

	cr_assert_eq(dhb_env_cmdline_arg("console=ttyS0 cma=256M ro", "cma", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "256M");
	cr_assert_eq(dhb_env_cmdline_arg("cma=64M foo cma=128M@0-4G\n", "cma", out, sizeof(out)),
		     0);
	cr_expect_str_eq(out, "128M@0-4G", "the last one wins");
	cr_expect_eq(dhb_env_cmdline_arg("xcma=1 cma_pernuma=4M", "cma", out, sizeof(out)),
		     -ENOENT);
	cr_expect_str_eq(out, "");
	cr_expect_eq(dhb_env_cmdline_arg("cma=123456789", "cma", out, 4), -ENOSPC);
}

Test(env, board)
{
	char out[128];

	dhb_env_board("Raspberry Pi 5 Model B Rev 1.0\n", "x", "y", out, sizeof(out));
	cr_expect_str_eq(out, "Raspberry Pi 5 Model B Rev 1.0");
	dhb_env_board(NULL, "QEMU\n", "Standard PC (i440FX + PIIX, 1996)\n", out, sizeof(out));
	cr_expect_str_eq(out, "QEMU Standard PC (i440FX + PIIX, 1996)");
	dhb_env_board(NULL, "LENOVO", "LENOVO ThinkPad", out, sizeof(out));
	cr_expect_str_eq(out, "LENOVO ThinkPad");
	dhb_env_board("", NULL, "Box", out, sizeof(out));
	cr_expect_str_eq(out, "Box");
	dhb_env_board(NULL, NULL, NULL, out, sizeof(out));
	cr_expect_str_eq(out, "unknown");
}

Test(env, compatible)
{
	static const char rpi[] = "raspberrypi,5-model-b\0brcm,bcm2712\0";
	static const char odd[] = "a b\0\0c\td\0tail-without-nul";
	char out[64];

	dhb_env_compatible(rpi, sizeof(rpi) - 1, out, sizeof(out));
	cr_expect_str_eq(out, "raspberrypi,5-model-b brcm,bcm2712");
	dhb_env_compatible(odd, sizeof(odd) - 1, out, sizeof(out));
	cr_expect_str_eq(out, "a_b c_d tail-without-nul");
	/* a string that does not fit whole is left out */
	dhb_env_compatible(rpi, sizeof(rpi) - 1, out, 30);
	cr_expect_str_eq(out, "raspberrypi,5-model-b");
	dhb_env_compatible("", 0, out, sizeof(out));
	cr_expect_str_eq(out, "");
}
