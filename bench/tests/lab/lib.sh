# SPDX-License-Identifier: MIT
# Helpers of the dmaheap-bench lab tests, on top of the shared test helpers (scripts/tests/lib.sh):
# guest CMD runs a command in the lab, which sees the build tree wherever it is (read-only).
# Usage: . lib.sh after setting BIN (the dmaheap-bench binary) and SCHEMA (results/SCHEMA.md).
# shellcheck shell=bash
set -u
: "${DHB_LAB:?DHB_LAB must name scripts/lab}"
# shellcheck source=../../../scripts/tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/tests/lib.sh"

# guest CMD...: run CMD as root in the lab (cwd shared); status in RC, stdout and stderr also in
# out.stdout and out.stderr in the cwd, where the guest-side scripts and checks read them.
# LAB_OPTS (an array) adds options of scripts/lab run, e.g. (--with-ref-heap). GStreamer (the
# pipelines' --peer) keeps its plugin registry in the cwd, so that it scans the plugins once a test,
# not at each start (some 4-5 s each in the lab).
LAB_OPTS=()
# A process that hung in the guest (guest_lib.sh's reap) is shown from hangs.txt, which outlives a
# guest the lab killed.
guest() {
	rm -f hangs.txt
	run "$LAB" run --wait -q --timeout 600 -e "GST_REGISTRY=$PWD/gst-registry.bin" "${LAB_OPTS[@]}" \
		-- "$@"
	[ ! -s hangs.txt ] || sed 's/^/# hung in the guest: /' hangs.txt
	cp "$OUT/stdout" out.stdout
	cp "$OUT/stderr" out.stderr
	if [ "$RC" = 124 ] || [ "$RC" = 125 ]; then
		echo "# the lab itself failed (status $RC):"
		sed 's/^/#   /' out.stderr
	fi
}
