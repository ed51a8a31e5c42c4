# SPDX-License-Identifier: MIT
# The empirical distribution (ECDF) of one metric's samples at one buffer size, one series per
# heap: the fraction of samples at or below each value (plots/README.md). x the sample in the
# data's unit (ns: a log time axis); y the fraction.
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"

xs = 1
if (unit eq "ns") {
	xs = ns_scale
	set logscale x 10
	set format x "%.0s %cs"
	set xlabel what noenhanced
} else {
	set xlabel what." (".unit.")" noenhanced
}
# One value alone (a row of one sample, or a count that stayed 0): a range around it.
stats data using 1 nooutput
if (STATS_min == STATS_max && STATS_min == 0) {
	set xrange [-1:1]
} else {
	if (STATS_min == STATS_max) {
		set xrange [STATS_min * xs / 1.5:STATS_max * xs * 1.5]
	}
}
set yrange [0:1]
set ytics 0.1
set ylabel "fraction of samples at or below"
plot for [i = 1:nseries] data index (i - 1) using ($1 * xs):2 \
	with steps lc rgb scol(i) dt sdt(i) lw slw(i) title columnheader(1)
