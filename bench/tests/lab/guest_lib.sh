# SPDX-License-Identifier: MIT
# Helpers of the pipeline lab tests' guest scripts (plain sh, sourced in the guest):
# live, the dma-bufs alive; caught PID, wait until PID handles SIGINT and SIGTERM; reap PID, wait
# for a signalled PID, showing and killing one that hangs.
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
# reap PID: wait for PID (signalled) to end, up to 60 s; one still running then is shown (its
# state, wait channel and kernel stack) and killed, so that a hang fails its own checks only.
reap() {
	i=0
	while [ $i -lt 300 ]; do
		st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] || break
		sleep 0.2
		i=$((i + 1))
	done
	if [ $i -ge 300 ]; then
		echo "# $1 still running 60 s after the signal: state $st, wchan $(cat "/proc/$1/wchan")"
		sed 's/^/#   /' "/proc/$1/stack" 2>/dev/null
		kill -KILL "$1"
	fi
	wait "$1"
}
