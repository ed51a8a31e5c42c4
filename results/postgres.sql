-- SPDX-License-Identifier: MIT
-- dmaheap-bench results in PostgreSQL: the CSV columns of results/SCHEMA.md (schema version 2)
-- as one table, and the dashboard views (results/STORE.md). Load with
--   \copy results FROM 'run.csv' WITH (FORMAT csv, HEADER true)
-- and a file of schema version 1 (no boot_id, no repetition) by naming its columns (STORE.md).
CREATE TABLE IF NOT EXISTS results (
	schema_version integer NOT NULL CHECK (schema_version IN (1, 2)),
	tool_version text NOT NULL,
	git_rev text NOT NULL,
	"timestamp" timestamptz NOT NULL,
	hostname text NOT NULL,
	board text NOT NULL,
	kernel text NOT NULL,
	cma_bytes bigint,
	boot_id text,
	repetition integer CHECK (repetition >= 1),
	test text NOT NULL,
	heap text NOT NULL,
	backend text NOT NULL,
	size_bytes bigint NOT NULL,
	metric text NOT NULL,
	params text,
	unit text NOT NULL,
	n bigint NOT NULL,
	min double precision,
	p50 double precision,
	p90 double precision,
	p99 double precision,
	p99_9 double precision,
	max double precision,
	mean double precision,
	stddev double precision,
	cv double precision,
	mad double precision,
	outliers bigint NOT NULL,
	flags text,
	UNIQUE NULLS NOT DISTINCT (tool_version, git_rev, "timestamp", hostname, board, kernel,
				   test, heap, backend, size_bytes, metric, params),
	CHECK (schema_version = 1 OR repetition IS NOT NULL)
);

-- One run-level median per run and row key.
CREATE OR REPLACE VIEW run_medians AS
SELECT board, kernel, test, heap, backend, size_bytes, metric, coalesce(params, '') AS params,
       unit, "timestamp", hostname, nullif(boot_id, '') AS boot_id, repetition, p50
FROM results;

-- Per board and kernel: the median and spread of the run-level medians of every heap, test,
-- size and metric.
CREATE OR REPLACE VIEW kernel_medians AS
SELECT board, kernel, test, heap, backend, size_bytes, metric, params, unit,
       count(*) AS runs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p50) AS median,
       min(p50) AS lowest, max(p50) AS highest
FROM run_medians
GROUP BY board, kernel, test, heap, backend, size_bytes, metric, params, unit;

-- Heap x size medians of one metric per kernel and board (pivot in the dashboard).
CREATE OR REPLACE VIEW heap_size_medians AS
SELECT kernel, board, metric, unit, heap, size_bytes, median, runs
FROM kernel_medians
WHERE params = '' OR params IS NULL;
