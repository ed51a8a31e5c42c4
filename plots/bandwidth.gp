# SPDX-License-Identifier: MIT
# Bandwidth vs buffer size, one series per heap (p50), and the malloc baseline as the limit
# line (black, dashed) (plots/README.md). y in the data's unit (MB/s); x the size in bytes.
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"
load _d."sizes.gp"

set yrange [0:*]
set ylabel what." (".unit.", p50)" noenhanced
plot data using 1:(NaN):xtic(sizelabel($1)) notitle, \
     for [i = 1:nseries] data index (i - 1) using ($1 * dodge(i)):2 \
	with linespoints lc rgb scol(i) dt sdt(i) lw slw(i) pt 7 ps sps(i) title columnheader(1)
