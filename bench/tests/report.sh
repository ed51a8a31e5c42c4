#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# report on a run the tool makes here (the memfd baseline) and a hand-made matrix, and on
# hand-written pipeline rows with their samples (pipeline_fixture.py): the page is one
# self-contained file (no script, link or remote source; every figure a data: URI of an SVG),
# the pipeline's page has its pipeline and frames figures, and in headless Chromium (Debian's
# chromium) each page loads without a console message, every figure renders with a nonzero
# size, and a screenshot is kept in ARTEFACTS.
# Usage: report.sh DMAHEAP-BENCH ARTEFACTS
# shellcheck source=../../scripts/tests/lib.sh
. "$(dirname "$0")/../../scripts/tests/lib.sh"
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FIXTURE=$(cd "$(dirname "$0")" && pwd)/pipeline_fixture.py
mkdir -p "$2" && ART=$(cd "$2" && pwd)
cd "$OUT" || exit 1
if ! command -v gnuplot >/dev/null; then
	echo "skip - gnuplot is not installed (scripts/setup test installs gnuplot-nox)"
	exit 77
fi

"$BIN" run --heaps memfd --sizes 4K,64K --tests alloc,map,cpu,sync --iterations 5 --warmup 0 \
	--events none --table none --json r.json --csv r.csv --samples s.csv >/dev/null 2>&1 || {
	fail "the memfd run" "status $?"
	finish
	exit 1
}
cat >m.json <<'MATRIX'
{"kernel": "6.12.117", "board": "b",
 "sources": [{"name": "system", "backend": "dma-heap", "path": "/dev/dma_heap/system",
              "properties": ["non-contiguous", "cached"]}],
 "devices": [{"name": "cam0", "kind": "v4l2", "capabilities": "capture"},
             {"name": "card0", "kind": "drm", "capabilities": "kms"}],
 "matrix": {"size_bytes": 4096, "cells": [
   {"source": "system", "device": "cam0", "queue": "capture", "result": "refused",
    "step": "VIDIOC_QBUF", "errno": "EFAULT", "reason": "needs <contiguous> memory"},
   {"source": "system", "device": "card0", "queue": null, "result": "ok"}]}}
MATRIX

run "$BIN" report --matrix m.json --output r.html r.json
expect_rc "report of a memfd run with a matrix" 0
expect_out "prints the page's path" stdout '^r\.html$'
if python3 - r.html <<'EOF'; then pass "the page is self-contained, its figures SVG data: URIs, its text escaped"; else fail "the page is self-contained"; fi
import re, sys
html = open(sys.argv[1]).read()
assert html.startswith("<!DOCTYPE html>"), html[:40]
for bad in ("<script", "<link", "http://", "https://", "<iframe", "url("):
    assert bad not in html, bad
imgs = re.findall(r'<img alt="([^"]*)" src="([^"]*)"', html)
assert len(imgs) >= 4, len(imgs)
assert all(src.startswith("data:image/svg+xml;base64,") for _, src in imgs)
for sec in ('id="summary"', 'id="matrix"', 'id="figures"', 'id="flags"', 'id="skips"',
            "<h2>Run</h2>", "<h2>Environment</h2>", "<h2>Settings</h2>"):
    assert sec in html, sec
assert "needs &lt;contiguous&gt; memory" in html
assert '<td class="refused">refused</td>' in html
assert "few_samples" in html  # 5 iterations: every row is flagged, and the flag explained
EOF

# A pipeline's page: its rows' figure and, from --samples, its frames figures.
python3 "$FIXTURE" r.csv s.csv || fail "fixtures: pipeline rows and samples" "the generator failed"
run "$BIN" report --samples p.samples --output p.html p.csv
if [ "$RC" = 0 ] && python3 - p.html <<'EOF'; then
import re, sys
alts = re.findall(r'<img alt="([^"]*)"', open(sys.argv[1]).read())
want = ["pipeline-source_vivid-000-vid-cap-display_vkms-buffers_4-rate_50-1200K",
        "frames-frame_time-source_vivid-000-vid-cap-display_vkms-buffers_4-rate_50-1200K",
        "frames-end_to_end_latency-source_vicodec-stateful-decoder-display_vkms-buffers_4-1200K"]
assert all(w in alts for w in want) and len(alts) == 6, alts
EOF
	pass "report of pipeline rows with --samples: the pipeline and frames figures"
else
	fail "report of pipeline rows with --samples"
fi
run "$BIN" report --samples other.samples --output q.html p.csv
expect_error "report --samples of another run" 2 \
	'^dmaheap-bench report: --samples other.samples: samples of another run \(2001-01-01T00:00:00Z\)'
if [ -e q.html ]; then fail "report --samples of another run wrote its page"; fi

if ! command -v chromium >/dev/null; then
	skip "the page in headless Chromium" "chromium is not installed (scripts/setup test)"
	finish
	exit $?
fi
chrome=(chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$OUT/chrome")

# A probe page's console message must show in the log, or the check below proves nothing.
echo '<!DOCTYPE html><script>console.error("dhb-probe")</script>' >probe.html
timeout 120 "${chrome[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$OUT/probe.html" \
	>/dev/null 2>probe.log
if grep -q 'CONSOLE.*dhb-probe' probe.log; then
	pass "headless Chromium logs a page's console messages"
else
	fail "headless Chromium logs a page's console messages" "$(tail -3 probe.log)"
fi

# Each page: loaded without a console message, a screenshot kept, every figure rendered (a page
# beside the report loads it in a frame and writes what each image measures into its own DOM,
# which --dump-dom prints).
for page in r p; do
	shot=$ART/$([ $page = r ] && echo report || echo pipeline-report)
	timeout 120 "${chrome[@]}" --enable-logging=stderr --v=0 --window-size=1280,2400 \
		--screenshot="$shot-screenshot.png" "file://$OUT/$page.html" >/dev/null 2>load.log
	cp $page.html "$shot.html"
	if grep -q CONSOLE load.log; then
		fail "$page.html loads without console messages" "$(grep CONSOLE load.log | head -3)"
	else
		pass "$page.html loads without console messages"
	fi
	if [ -s "$shot-screenshot.png" ] &&
		[ "$(head -c 8 "$shot-screenshot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
		pass "screenshot kept: $shot-screenshot.png"
	else
		fail "the screenshot of $page.html" "$(tail -3 load.log)"
	fi
	sed "s/@PAGE@/$page.html/" >check.html <<'PAGE'
<!DOCTYPE html><html><body><iframe id="r" src="@PAGE@" style="width:1280px;height:2000px"></iframe>
<pre id="out">pending</pre><script>
document.getElementById("r").addEventListener("load", function () {
  var im = this.contentDocument.images, bad = [], i;
  for (i = 0; i < im.length; i++)
    if (!im[i].complete || !im[i].naturalWidth || !im[i].naturalHeight || !im[i].width ||
        !im[i].height)
      bad.push(im[i].alt);
  document.getElementById("out").textContent = "images " + im.length + " unrendered " +
    bad.length + " " + bad.join(" ");
});
</script></body></html>
PAGE
	n=$(grep -o '<img ' $page.html | wc -l)
	got=$(timeout 120 "${chrome[@]}" --allow-file-access-from-files --virtual-time-budget=10000 \
		--dump-dom "file://$OUT/check.html" 2>/dev/null |
		grep -o 'images [0-9]* unrendered [0-9]*[^<]*')
	if [ "$got" = "images $n unrendered 0 " ]; then
		pass "every figure of $page.html renders with a nonzero size ($n images)"
	else
		fail "every figure of $page.html renders" "$n images in the page; the browser says: $got"
	fi
done
finish
