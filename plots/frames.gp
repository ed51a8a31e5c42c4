# SPDX-License-Identifier: MIT
# A pipeline's metric over its frames (frame_time, end_to_end_latency): x the frame (the sample's
# index), a line per source of buffers; then the reference series (after the sources: the
# display's frame period) as dashed lines (plots/README.md). Two to six sources get a panel each,
# one above the other on the same axes (their lines would hide each other in one); one source or
# more than six share one panel. y in ns: linear from 0, or log when the largest value is more
# than 10x the median (a few long frames would flatten the others).
array A[9]; do for [_i = 1:9] { A[_i] = value(sprintf("ARG%d", _i)) }  # load clears ARG1..ARG9
_d = ""; _p = ARG0
while (strstrt(_p, "/") > 0) { _i = strstrt(_p, "/"); _d = _d._p[1:_i]; _p = _p[_i + 1:] }
load _d."common.gp"

# The sources come first, the references after them.
nsrc = 0
do for [_i = 1:nseries] { if (!reference(_i)) { nsrc = nsrc + 1 } }
# gnuplot 5.4 runs a clause once even when its loop is empty (no reference): it then reads
# block 0 and draws nothing, without a colour or a title of its own.
rcol(i) = i <= nseries ? scol(i) : "#000000"
rblock(i) = i <= nseries ? i - 1 : 0
rtitle(i, show) = i <= nseries && show ? columnheader(1) : ""

stats data using 1:2 nooutput
set xrange [STATS_min_x:STATS_max_x > STATS_min_x ? STATS_max_x : STATS_min_x + 1]
ymin = STATS_min_y; ymax = STATS_max_y
stats data using 2 nooutput
if (ymin > 0 && ymax / STATS_median > 10) {
	set logscale y 10
	set yrange [ymin * ns_scale / 1.2:ymax * ns_scale * 1.2]
} else {
	set yrange [0:(ymax > 0 ? ymax : 1) * ns_scale * 1.05]
}
set format y "%.0s %cs"
set xlabel "frame (the sample's index)"

if (nsrc < 2 || nsrc > 6) {
	set ylabel what." (each frame)" noenhanced
	set key maxcols 3
	plot for [i = 1:nsrc] data index (i - 1) using 1:($2 * ns_scale) \
		with lines lc rgb scol(i) dt sdt(i) lw 1.2 title columnheader(1), \
	     for [i = nsrc + 1:nseries] data index rblock(i) \
		using 1:(i <= nseries ? $2 * ns_scale : NaN) \
		with lines lc rgb rcol(i) dt sdt(i) lw 1.5 title rtitle(i, 1)
	exit
}

# A panel per source, the x axis labelled under the last; the key (sources and references)
# at the right of each panel.
unset title
set multiplot title A[3]."\n".A[4] noenhanced
top = 0.9; bottom = 0.1; h = (top - bottom) / nsrc
set lmargin at screen 0.09
set rmargin at screen 0.68
set label 1 what." (each frame)" at screen 0.015, (top + bottom) / 2 center rotate by 90 \
	noenhanced
# Two or three tics a panel, 0 unlabelled (the panel below's top tic is near): a step of 1, 2
# or 5 times a power of ten (linear y).
nice(x) = (x / 10 ** floor(log10(x)) < 1.5 ? 1 : x / 10 ** floor(log10(x)) < 3.5 ? 2 : \
	   x / 10 ** floor(log10(x)) < 7.5 ? 5 : 10) * 10 ** floor(log10(x))
if (ymax > 0 && ymin > 0 && ymax / STATS_median > 10) {
	set ytics autofreq
} else {
	ystep = nice((ymax > 0 ? ymax : 1) * ns_scale / 2.5)
	set ytics ystep, ystep
}
unset mytics
do for [p = 1:nsrc] {
	set tmargin at screen top - (p - 1) * h
	set bmargin at screen top - p * h + 0.01
	set key at screen 0.70, top - (p - 1) * h left top vertical Left reverse samplen 2
	if (p < nsrc) {
		set format x ""
		unset xlabel
	} else {
		set format x "%g"
		set xlabel "frame (the sample's index)"
	}
	plot data index (p - 1) using 1:($2 * ns_scale) \
		with lines lc rgb scol(p) dt sdt(p) lw 1.2 title columnheader(1), \
	     for [i = nsrc + 1:nseries] data index rblock(i) \
		using 1:(i <= nseries ? $2 * ns_scale : NaN) \
		with lines lc rgb rcol(i) dt sdt(i) lw 1.5 title rtitle(i, p == 1)
	unset label 1
}
unset multiplot
