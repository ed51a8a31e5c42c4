// SPDX-License-Identifier: GPL-2.0-only
/*
 * Smallest useful out-of-tree module for the lab's own test: proves that modules build against a
 * cached lab kernel tree and load into the lab kernel. It logs one line on load and unload.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/printk.h>

static int __init dhb_lab_probe_init(void)
{
	pr_info("dhb_lab_probe: loaded\n");
	return 0;
}

static void __exit dhb_lab_probe_exit(void)
{
	pr_info("dhb_lab_probe: unloaded\n");
}

module_init(dhb_lab_probe_init);
module_exit(dhb_lab_probe_exit);
MODULE_DESCRIPTION("dmaheap-bench lab self-test module");
MODULE_LICENSE("GPL");
