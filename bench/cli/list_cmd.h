// SPDX-License-Identifier: MIT
// The list command's helpers: JSON pieces, errno names, devices and the compatibility matrix.
#ifndef DHB_CLI_LIST_CMD_H
#define DHB_CLI_LIST_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhb/backend.h"
#include "dhb/device.h"
#include "dhb/matrix.h"

/* The symbolic name of errno @e ("EACCES"), or "errno" when it has none here. */
const char *dhb_list_errno_name(int e);
/* "KEY": "VAL" (null when @val is NULL) then @sep, on stdout. */
void dhb_list_json_key(const char *key, const char *val, const char *sep);
/* "KEY": VAL (null when negative) then @sep, on stdout. */
void dhb_list_json_i64(const char *key, int64_t val, const char *sep);

/* The devices as a text table (selected ones only), and how to grant access to refused ones. */
void dhb_list_devices_text(const struct dhb_device *d, size_t n, const bool *sel);
/* ,"devices": [...] (selected ones only) on stdout. */
void dhb_list_devices_json(const struct dhb_device *d, size_t n, const bool *sel);

/* The matrix as a grid and a list of refusals with their reasons. */
void dhb_list_matrix_text(const struct dhb_matrix *m, const struct dhb_instance *v,
			  const struct dhb_device *d);
/* ,"matrix": {...} on stdout. */
void dhb_list_matrix_json(const struct dhb_matrix *m, const struct dhb_instance *v,
			  const struct dhb_device *d);

#endif /* DHB_CLI_LIST_CMD_H */
