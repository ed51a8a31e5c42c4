# SPDX-License-Identifier: MIT
# Fragmentation over a replayed trace, one series per source and policy: external
# fragmentation (1 - largest free extent / free) after each row's operations, and the trace's
# own utilisation (live bytes / region, grey) on the same 0..1 axis (plots/README.md).
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"

set yrange [0:1]
set ytics 0.1
set xlabel "operations applied (trace order)"
set ylabel "external fragmentation (1 - largest free / free)"
plot for [i = 1:nseries] data index (i - 1) using 1:2 \
	with lines lc rgb scol(i) dt sdt(i) lw slw(i) title columnheader(1)
