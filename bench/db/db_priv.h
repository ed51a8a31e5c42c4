// SPDX-License-Identifier: MIT
// The store's private parts: its handle, its tables as data, SQLite errors as -errno.
#ifndef DHB_DB_PRIV_H
#define DHB_DB_PRIV_H

#include <sqlite3.h>

#include "dhb/db.h"

/* The results schema version, as text for the `results` view. */
#define DHB_DB_STR_(x)	   #x
#define DHB_DB_STR(x)	   DHB_DB_STR_(x)
#define DHB_DB_SCHEMA_TEXT DHB_DB_STR(DHB_SCHEMA_VERSION)

struct dhb_db {
	sqlite3 *sql;
	char *path;
};

/* One column of a table: name, declared type, constraints (with a leading blank, or ""). */
struct dhb_db_col {
	const char *name;
	const char *type;
	const char *constraint;
};

/* One table: its columns and what follows them in CREATE TABLE (table constraints). */
struct dhb_db_table {
	const char *name;
	const struct dhb_db_col *cols;
	size_t n;
	const char *extra;
};

const struct dhb_db_table *dhb_db_table_find(const char *name);
int dhb_db_errno(sqlite3 *db);
/* One line "PATH: WHAT: sqlite's message" into @err; returns dhb_db_errno(). */
int dhb_db_fail(struct dhb_db *db, char *err, size_t errlen, const char *what);

#endif /* DHB_DB_PRIV_H */
