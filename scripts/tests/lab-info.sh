#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lab test: 'scripts/lab info' names the kernel, heaps, V4L2 and DRM devices and the CMA size.
set -u
. "$(dirname "$0")/lib.sh"

run "$LAB" info -q --cma 128M
expect_rc "lab info" 0
expect_out "names the kernel" stdout '^kernel: +6\.12\.'
expect_out "names the system heap" stdout '^  /dev/dma_heap/system$'
expect_out "names the CMA heap" stdout '^  /dev/dma_heap/reserved$'
expect_out "gives the CMA size" stdout 'CMA 131072 KiB \(128 MiB\)'
expect_out "finds udmabuf" stdout '^udmabuf: /dev/udmabuf$'
expect_out "names vicodec's stateful encoder" stdout '^  /dev/video[0-9]+ +vicodec +stateful-encoder'
expect_out "names vicodec's stateful decoder" stdout '^  /dev/video[0-9]+ +vicodec +stateful-decoder'
expect_out "names vivid" stdout '^  /dev/video[0-9]+ +vivid +vivid-'
expect_out "names vim2m" stdout '^  /dev/video[0-9]+ +vim2m '
expect_out "names visl" stdout '^  /dev/video[0-9]+ +visl '
expect_out "names vkms with its writeback connector" stdout '^  /dev/dri/card[0-9]+ +vkms .*Writeback'
expect_out "names vgem" stdout '^  /dev/dri/card[0-9]+ +vgem '

run "$LAB" info -q --kernel 6.1
expect_rc "lab info --kernel 6.1" 0
expect_out "names the 6.1 kernel" stdout '^kernel: +6\.1\.'
expect_out "6.1: names vicodec" stdout '^  /dev/video[0-9]+ +vicodec '
expect_out "6.1: names vkms" stdout '^  /dev/dri/card[0-9]+ +vkms '

finish
