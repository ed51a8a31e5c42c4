// SPDX-License-Identifier: MIT
// Atomic KMS requests built in place: no heap, nothing zeroed, the arrays the ioctl reads.
#include <errno.h>
#include <string.h>
#include <xf86drm.h>

#include "stage.h"

/*
 * A request holds its properties in the layout DRM_IOCTL_MODE_ATOMIC reads: the objects in
 * order of their first property, each object's count, and one array of property ids and one of
 * values in which each object's properties follow one another. A property for an object seen
 * before goes in after that object's others (the arrays' tail moves by one; they are short),
 * or replaces its value when the object has it already (the last value set wins, as it does
 * in libdrm's requests). libdrm's drmModeAtomicCommit() copies the request into a zeroed array
 * with room for 170 properties (4 KB) and allocates four more arrays on every commit: callgrind
 * counted some 7000 instructions a frame's commit there, 4100 of them in that zeroing (a rep
 * stosb, counted a byte an instruction), and in the lab, whose clock counts instructions too
 * (--icount), the frame loop took 8-10 us less without it (README, Figures). On hardware a
 * zeroing of 4 KB is far cheaper than that; the allocations stay saved.
 */

void dhb_atomic_init(struct dhb_atomic *a)
{
	a->n_objs = 0;
	a->n_props = 0;
	a->err = 0;
}

void dhb_atomic_add(struct dhb_atomic *a, uint32_t obj, uint32_t prop, uint64_t value)
{
	unsigned int i, at = 0, end;

	if (a->err)
		return;
	if (!obj || !prop) {
		a->err = -EINVAL;
		return;
	}
	for (i = 0; i < a->n_objs && a->objs[i] != obj; i++)
		at += a->counts[i];
	if (i < a->n_objs) {
		for (end = at + a->counts[i]; at < end; at++) {
			if (a->props[at] == prop) {
				a->values[at] = value;
				return;
			}
		}
	} else if (a->n_objs == DHB_ATOMIC_MAX_OBJS) {
		a->err = -E2BIG;
		return;
	}
	if (a->n_props == DHB_ATOMIC_MAX_PROPS) {
		a->err = -E2BIG;
		return;
	}
	memmove(&a->props[at + 1], &a->props[at], (a->n_props - at) * sizeof(a->props[0]));
	memmove(&a->values[at + 1], &a->values[at], (a->n_props - at) * sizeof(a->values[0]));
	a->props[at] = prop;
	a->values[at] = value;
	a->n_props++;
	if (i == a->n_objs) {
		a->objs[i] = obj;
		a->counts[i] = 0;
		a->n_objs++;
	}
	a->counts[i]++;
}

int dhb_atomic_commit(int fd, const struct dhb_atomic *a, uint32_t flags, void *user_data)
{
	struct drm_mode_atomic arg = {
		.flags = flags,
		.count_objs = a->n_objs,
		.objs_ptr = (uint64_t)(uintptr_t)a->objs,
		.count_props_ptr = (uint64_t)(uintptr_t)a->counts,
		.props_ptr = (uint64_t)(uintptr_t)a->props,
		.prop_values_ptr = (uint64_t)(uintptr_t)a->values,
		.user_data = (uint64_t)(uintptr_t)user_data,
	};

	if (a->err)
		return a->err;
	if (!a->n_objs)
		return 0;
	return drmIoctl(fd, DRM_IOCTL_MODE_ATOMIC, &arg) ? -errno : 0;
}
