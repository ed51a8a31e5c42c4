# SPDX-License-Identifier: MIT
# Sync cost vs buffer size for one direction: per heap the start (solid) and end (dashed) of
# DMA_BUF_IOCTL_SYNC, p50 with whiskers p90 to p99, and the ioctl's own floor (grey, dotted)
# (plots/README.md). Data in ns (y); x the size in bytes.
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"
load _d."sizes.gp"

set logscale y 10
# Every point at one value (a figure of one row): a range below it, so that it is not empty.
stats data using 2 nooutput
if (STATS_min == STATS_max) {
	set yrange [STATS_min * ns_scale / 3:*]
}
set format y "%.0s %cs"
set ylabel "sync cost: p50 (points), p90 to p99 (whiskers)"
plot data using 1:(NaN):xtic(sizelabel($1)) notitle, \
     for [i = 1:nseries] data index (i - 1) using ($1 * dodge(i)):($2 * ns_scale) \
	with linespoints lc rgb scol(i) dt sdt(i) lw slw(i) pt 7 ps sps(i) title columnheader(1), \
     for [i = 1:nseries] data index (i - 1) using ($1 * dodge(i)):($3 * ns_scale):(0):(($4 - $3) * ns_scale) \
	with vectors heads size screen 0.004,90 lc rgb scol(i) lw 1 notitle
