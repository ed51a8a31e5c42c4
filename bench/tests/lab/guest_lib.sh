# SPDX-License-Identifier: MIT
# Helpers of the pipeline lab tests' guest scripts (plain sh, sourced in the guest):
# live, the dma-bufs alive; caught PID, wait until PID handles SIGINT and SIGTERM; reap PID, wait
# for a signalled PID, showing and killing one that hangs; bounded S CMD, CMD run so (a hang fails
# its own step, not the whole guest at the lab's timeout); damage, a copy of a stream with bytes
# of its second frame overwritten.
# shellcheck shell=sh
live() { awk '/^Total [0-9]+ objects/ { print $2 }' /sys/kernel/debug/dma_buf/bufinfo; }
# caught PID: wait (up to 20 s) until PID catches SIGINT and SIGTERM, then 2 s more (mid-run):
# a background job of a script starts with SIGINT ignored, so a signal sent before the tool
# installs its handler would be lost.
caught() {
	_i=0
	while [ $_i -lt 100 ]; do
		_m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		if [ -n "$_m" ] && [ $((0x$_m & 0x4002)) = $((0x4002)) ]; then
			sleep 2
			return 0
		fi
		sleep 0.2
		_i=$((_i + 1))
	done
	echo "# $1 never caught SIGINT and SIGTERM"
}
# running PID S: PID still runs after S seconds (status 0), or it ended (1). These helpers' own
# variables start with an underscore, so that they leave the caller's alone.
running() {
	_i=0
	while [ $_i -lt $(($2 * 5)) ]; do
		_st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$_st" ] && [ "$_st" != Z ] || return 1
		sleep 0.2
		_i=$((_i + 1))
	done
}
# reap PID [S]: wait for PID (signalled, or a command run in the background to bound it) to end,
# up to S seconds (60); one still running then is shown (its state, wait channel and kernel
# stack, also appended to hangs.txt in the cwd, which outlives a guest killed later) and killed,
# so that a hang fails its own checks only. One that SIGKILL does not end within 10 s (stuck in
# the kernel) is left behind with status 124, so that the script goes on.
reap() {
	if running "$1" "${2:-60}"; then
		{
			echo "# $1 still running after ${2:-60} s: state $_st, wchan $(cat "/proc/$1/wchan")," \
				"uptime $(cut -d' ' -f1 /proc/uptime) s: $(tr '\0' ' ' <"/proc/$1/cmdline")"
			for _t in /proc/"$1"/task/*; do
				echo "#   thread ${_t##*/}: state $(awk '/^State:/ { print $2 }' "$_t/status")"
				sed 's/^/#     /' "$_t/stack" 2>/dev/null
			done
		} | tee -a hangs.txt
		kill -KILL "$1"
		if running "$1" 10; then
			echo "# $1 is still there 10 s after SIGKILL (state $_st): left behind" | tee -a hangs.txt
			return 124
		fi
	fi
	wait "$1"
}
# bounded S CMD...: CMD run in the background and reaped (reap) within S seconds; its status.
# What reap shows goes to fd 8, which the script opens as its own standard output (exec 8>&1),
# whatever the caller redirects CMD's output to.
bounded() {
	_b=$1
	shift
	"$@" &
	reap $! "$_b" >&8
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
