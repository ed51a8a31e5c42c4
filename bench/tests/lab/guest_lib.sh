# SPDX-License-Identifier: MIT
# Helpers of the pipeline lab tests' guest scripts (plain sh, sourced in the guest):
# live, the dma-bufs alive; caught PID, wait until PID handles SIGINT and SIGTERM; reap PID, wait
# for a signalled PID, showing and killing one that hangs; damage, a copy of a stream with bytes
# of its second frame overwritten.
# shellcheck shell=sh
live() { awk '/^Total [0-9]+ objects/ { print $2 }' /sys/kernel/debug/dma_buf/bufinfo; }
# caught PID: wait (up to 20 s) until PID catches SIGINT and SIGTERM, then 2 s more (mid-run):
# a background job of a script starts with SIGINT ignored, so a signal sent before the tool
# installs its handler would be lost.
caught() {
	i=0
	while [ $i -lt 100 ]; do
		m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		if [ -n "$m" ] && [ $((0x$m & 0x4002)) = $((0x4002)) ]; then
			sleep 2
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	echo "# $1 never caught SIGINT and SIGTERM"
}
# reap PID [S]: wait for PID (signalled, or a command run in the background to bound it) to end,
# up to S seconds (60); one still running then is shown (its state, wait channel and kernel
# stack) and killed, so that a hang fails its own checks only.
reap() {
	i=0
	while [ $i -lt $((${2:-60} * 5)) ]; do
		st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] || break
		sleep 0.2
		i=$((i + 1))
	done
	if [ $i -ge $((${2:-60} * 5)) ]; then
		echo "# $1 still running after ${2:-60} s: state $st, wchan $(cat "/proc/$1/wchan")"
		sed 's/^/#   /' "/proc/$1/stack" 2>/dev/null
		kill -KILL "$1"
	fi
	wait "$1"
}
# damage STREAM COPY AT: COPY is the FWHT stream STREAM with 8 bytes overwritten AT bytes into its
# second frame (0: that frame's header; 144: its data, 100 bytes past its 44-byte header). The
# first frame's data size is the big-endian word at byte 40, the last field of its header.
damage() {
	cp "$1" "$2" || return 1
	# shellcheck disable=SC2046 # the four bytes, as four arguments
	set -- "$1" "$2" "$3" $(od -A n -t u1 -j 40 -N 4 "$1")
	printf 'XXXXXXXX' | dd of="$2" bs=1 seek=$((44 + ($4 << 24 | $5 << 16 | $6 << 8 | $7) + $3)) \
		conv=notrunc 2>/dev/null
}
