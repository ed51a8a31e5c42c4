# SPDX-License-Identifier: MIT
# A pipeline's times per frame: its metrics side by side in the order they were written (the
# categories, block 0 of the data), one series per source of buffers, the p50 with whiskers p90
# to p99; then the reference series (after the sources: the display's frame period) as lines
# across the categories (plots/README.md). y in ns.
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"

# The sources come first, the references after them.
nsrc = 0
do for [_i = 1:nseries] { if (!reference(_i)) { nsrc = nsrc + 1 } }
shift(i) = (i - 1 - (nsrc - 1) / 2.0) * 0.6 / (nsrc > 0 ? nsrc : 1)
stats data index 0 using 1 nooutput
lastcat = STATS_max
# A reference's line reaches the plot's edges: its first and last category's points moved out.
edge(x) = x == 0 ? -0.6 : x == lastcat ? lastcat + 0.6 : x
# gnuplot 5.4 runs a clause once even when its loop is empty (no reference): it then reads
# block 0 and draws nothing, without a colour or a title of its own.
rcol(i) = i <= nseries ? scol(i) : "#000000"
rblock(i) = i <= nseries ? i : 0
set xrange [-0.6:lastcat + 0.6]
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
set key maxcols 2 reverse Left
plot data index 0 using 1:(NaN):xtic(2) notitle, \
     for [i = 1:nsrc] data index i using ($1 + shift(i)):($2 * ns_scale) \
	with points lc rgb scol(i) pt 7 ps 1.2 title columnheader(1), \
     for [i = 1:nsrc] data index i using ($1 + shift(i)):($3 * ns_scale):(0):(($4 - $3) * ns_scale) \
	with vectors heads size screen 0.004,90 lc rgb scol(i) lw 1.5 notitle, \
     for [i = nsrc + 1:nseries] data index rblock(i) \
	using (edge($1)):(i <= nseries ? $2 * ns_scale : NaN) \
	with lines lc rgb rcol(i) dt sdt(i) lw slw(i) title (i <= nseries ? columnheader(1) : "")
