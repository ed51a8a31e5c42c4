#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks `list --matrix --json` against what the lab kernel's sources say for each pair.
# usage: check_matrix.py MATRIX.json KERNEL_SERIES   (prints one line per check; status 1 on a failure)
#
# What the sources say (drivers/media/common/videobuf2, drivers/dma-buf, drivers/gpu/drm):
#  - vkms and vgem import every dma-buf through PRIME (attach + map_attachment: an sg table,
#    which every exporter here gives); vkms also takes an XRGB8888 framebuffer over it.
#  - vb2-vmalloc queues (vivid instance 0, vim2m, vicodec) vmap the buffer at QBUF
#    (vb2_vmalloc_map_dmabuf): every exporter with .vmap works; udmabuf has none on 6.1, so
#    QBUF fails with EFAULT there, and works on 6.12.
#  - vb2-dma-contig queues (vivid instance 1, allocators=1) need one contiguous chunk
#    (vb2_dc_map_dmabuf: EFAULT otherwise): CMA and reference-heap buffers work; udmabuf's
#    (shmem pages, one at a time) do not. The system heap's 1M chunks are often adjacent in a
#    fresh guest, so its buffers may pass: either answer is accepted, a refusal only with EFAULT.
import json
import sys

doc = json.load(open(sys.argv[1]))
series = sys.argv[2]
cells = {}
for c in doc["matrix"]["cells"]:
    key = (c["source"], c["device"] + ("/" + c["queue"] if c["queue"] else ""))
    cells[key] = c
bad = 0


def check(src, dev, want, errno=None, reason=None):
    global bad
    c = cells.get((src, dev))
    name = "%s -> %s is %s%s" % (src, dev, want, " (%s)" % errno if errno else "")
    ok = c is not None and c["result"] in want.split("|")
    if ok and c["result"] == "ok":
        errno = reason = None
    if ok and errno:
        ok = c["errno"] == errno
    if ok and reason:
        ok = c["reason"] is not None and reason in c["reason"]
    print(("ok - " if ok else "not ok - ") + name + ("" if ok else ": got %r" % (c,)))
    bad |= not ok


vmalloc_queues = ["vivid-000-vid-cap/capture", "vivid-000-vid-out/output", "vim2m/capture",
                  "vim2m/output"]
contig_queues = ["vivid-001-vid-cap/capture", "vivid-001-vid-out/output"]
ref = "memory@40000000-contiguous"
for src in ["system", "reserved", ref, "udmabuf", "drm-dumb:vkms"]:
    for dev in ["vkms", "vgem"]:
        check(src, dev, "ok")
for dev in vmalloc_queues:
    check("system", dev, "ok")
    check("reserved", dev, "ok")
    if series == "6.1":
        check("udmabuf", dev, "refused", "EFAULT", "vmap")
    else:
        check("udmabuf", dev, "ok")
for dev in contig_queues:
    check("reserved", dev, "ok")
    check(ref, dev, "ok")
    check("udmabuf", dev, "refused", "EFAULT", "contiguous")
    check("system", dev, "ok|refused", "EFAULT", "contiguous")
sys.exit(1 if bad else 0)
