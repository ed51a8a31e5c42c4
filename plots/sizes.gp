# SPDX-License-Identifier: MIT
# The buffer-size axis of the size plots (plots/README.md): log2, a tic at each size of the
# data labelled in B, KiB, MiB or GiB; each plot command starts with the clause sizetics.
stats data using 1 nooutput
set logscale x 2
set xtics () nomirror
set xrange [STATS_min / 2 ** 0.4:STATS_max * 2 ** 0.4]
set xlabel "buffer size"
sizelabel(b) = b >= 2 ** 30 ? sprintf("%g GiB", b / 2.0 ** 30) : b >= 2 ** 20 ? \
	       sprintf("%g MiB", b / 2.0 ** 20) : b >= 2 ** 10 ? \
	       sprintf("%g KiB", b / 2.0 ** 10) : sprintf("%g B", b)
