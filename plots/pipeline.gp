# SPDX-License-Identifier: MIT
# A pipeline's frame times: its metrics side by side (the categories, block 0 of the data), one
# series per heap, the p50 with whiskers p90 to p99 (plots/README.md). y in ns.
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"

shift(i) = (i - 1 - (nseries - 1) / 2.0) * 0.6 / nseries
stats data index 0 using 1 nooutput
set xrange [-0.6:STATS_max + 0.6]
set xtics () rotate by -20
set grid noxtics
set logscale y 10
# Every point at one value (a figure of one row): a range below it, so that it is not empty.
stats data using 2 nooutput
if (STATS_min == STATS_max) {
	set yrange [STATS_min * ns_scale / 3:*]
}
set format y "%.0s %cs"
set ylabel what.": p50 (points), p90 to p99 (whiskers)" noenhanced
plot data index 0 using 1:(NaN):xtic(2) notitle, \
     for [i = 1:nseries] data index i using ($1 + shift(i)):($2 * ns_scale) \
	with points lc rgb scol(i) pt 7 ps 1.2 title columnheader(1), \
     for [i = 1:nseries] data index i using ($1 + shift(i)):($3 * ns_scale):(0):(($4 - $3) * ns_scale) \
	with vectors heads size screen 0.004,90 lc rgb scol(i) lw 1.5 notitle
