/* SPDX-License-Identifier: MIT */
/*
 * The shape every registry shares (backends, tests): a static array of pointers to const
 * descriptors that each carry a name, walked in order and looked up by name.
 */
#ifndef DHB_REGISTRY_H
#define DHB_REGISTRY_H

#include <stddef.h>
#include <string.h>

/**
 * DHB_REGISTRY_DEFINE() - define first, next and find functions over a registry array.
 * @type: the descriptor type (e.g. const struct dhb_test); it has a `const char *name`.
 * @tab: the static array of `type *`, in registry order.
 * @first: name of the function returning the first entry (NULL when empty).
 * @next: name of the function returning the entry after its argument (NULL after the last).
 * @find: name of the function returning the entry with a given name (NULL when none).
 */
#define DHB_REGISTRY_DEFINE(type, tab, first, next, find)                   \
	type *first(void)                                                   \
	{                                                                   \
		return sizeof(tab) / sizeof(tab[0]) ? tab[0] : NULL;        \
	}                                                                   \
	type *next(type *cur)                                               \
	{                                                                   \
		size_t i_;                                                  \
                                                                            \
		for (i_ = 0; i_ + 1 < sizeof(tab) / sizeof(tab[0]); i_++) { \
			if (tab[i_] == cur)                                 \
				return tab[i_ + 1];                         \
		}                                                           \
		return NULL;                                                \
	}                                                                   \
	type *find(const char *name)                                        \
	{                                                                   \
		size_t i_;                                                  \
                                                                            \
		for (i_ = 0; i_ < sizeof(tab) / sizeof(tab[0]); i_++) {     \
			if (!strcmp(tab[i_]->name, name))                   \
				return tab[i_];                             \
		}                                                           \
		return NULL;                                                \
	}

#endif /* DHB_REGISTRY_H */
