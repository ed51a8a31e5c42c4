# SPDX-License-Identifier: MIT
# compare's ratio new / base vs buffer size, one series per heap, the 95 % bootstrap interval as
# the whisker; filled points where the verdict is a regression or an improvement, open ones
# elsewhere; a line at 1 (no change) (plots/README.md). x the size in bytes; y the ratio.
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"
load _d."sizes.gp"

# The y range: every ratio and interval, and 1; tics at the usual changes.
stats data using (valid(3) ? $3 : $2) nooutput
ylo = STATS_min < 1 ? STATS_min : 1
stats data using (valid(4) ? $4 : $2) nooutput
yhi = STATS_max > 1 ? STATS_max : 1
set logscale y 2
set yrange [ylo / 1.05:yhi * 1.05]
if (yhi / ylo > 3) {
	set ytics ("1/64" 1 / 64.0, "1/16" 1 / 16.0, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, \
		   "2" 2, "4" 4, "8" 8, "16" 16, "64" 64)
} else {
	set ytics ("0.25" 0.25, "0.5" 0.5, "0.67" 2 / 3.0, "0.8" 0.8, "0.9" 0.9, "0.95" 0.95, \
		   "1" 1, "1.05" 1.05, "1.1" 1.1, "1.25" 1.25, "1.5" 1.5, "2" 2, "4" 4)
}
set ylabel "new / base (medians of run-level medians), 95 % interval"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#000000" lw 1.5 dt 2 back
set label 1 "filled: regression or improvement" at graph 0.01, graph 0.97 left font ",9" \
	tc rgb "#555555"
plot data using 1:(NaN):xtic(sizelabel($1)) notitle, \
     for [i = 1:nseries] data index (i - 1) using ($1 * dodge(i)):2 \
	with lines lc rgb scol(i) dt sdt(i) lw slw(i) title columnheader(1), \
     for [i = 1:nseries] data index (i - 1) using ($1 * dodge(i)):3:(0):($4 - $3) \
	with vectors heads size screen 0.004,90 lc rgb scol(i) lw 1 notitle, \
     for [i = 1:nseries] data index (i - 1) using ($1 * dodge(i)):2:($5 > 0 ? 7 : 6) \
	with points lc rgb scol(i) pt variable ps 1.1 notitle
