# SPDX-License-Identifier: MIT
# Shared by every plot script (plots/README.md): arguments, terminal, series styles, frame.
#
# Every script runs as: gnuplot -c SCRIPT DATA FORMAT TITLE SUBTITLE N COLOURS STYLES UNIT LABEL
# and writes the image (FORMAT svg or png) on standard output. DATA holds one block per series
# (two blank lines apart), each starting with a header line whose first field is the series'
# title; then "x y lo hi mark" lines, "?" for a missing value. N is the number of series,
# COLOURS one #rrggbb per series, STYLES one letter per series: p plain, d dashed, e dot-dash
# (variants of one heap), l a limit line (black), f a floor (grey, dotted), u a utilisation (grey).
# `load` clears ARG1 .. ARG9, so each script copies them into the array A first.

data = A[1]
nseries = A[5] + 0
unit = A[8]
what = A[9]

set encoding utf8
set micro
set datafile missing "?"
if (A[2] eq "png") {
	set terminal pngcairo size 1100,660 noenhanced font "Sans,11" background rgb "white"
} else {
	set terminal svg size 1100,660 dynamic noenhanced font "Sans,11" background rgb "white"
}
set title A[3]."\n".A[4] noenhanced
set key outside below center horizontal noenhanced samplen 3 spacing 1.1 width 2
set grid xtics ytics lc rgb "#e0e0e0" lw 1 dt 1
set border 3 lc rgb "#444444"
set tics nomirror
set mxtics default

# Series i (1 .. nseries): colour, dash type, line width, point size.
style(i) = A[7][i:i]
reference(i) = style(i) eq "l" || style(i) eq "f" || style(i) eq "u"
scol(i) = style(i) eq "l" ? "#000000" : reference(i) ? "#777777" : word(A[6], i)
sdt(i) = style(i) eq "d" || style(i) eq "l" ? 2 : style(i) eq "e" ? 4 : style(i) eq "f" ? 3 : \
	 style(i) eq "u" ? 5 : 1
slw(i) = style(i) eq "l" ? 2.5 : reference(i) ? 2 : 1.5
sps(i) = reference(i) ? 0 : 0.7

# Series i's offset along a log2 axis, so that the whiskers of a size do not hide each other.
dodge(i) = 2 ** ((i - 1 - (nseries - 1) / 2.0) * 0.05)

# A time in nanoseconds shown in seconds with an SI prefix ("10 µs").
ns_scale = 1e-9
