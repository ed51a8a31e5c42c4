// SPDX-License-Identifier: MIT
// Zero-copy pipelines (pipelines/): a source stage and a sink stage passing dma-buf frames.
#ifndef DHB_PIPELINE_H
#define DHB_PIPELINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dhb/device.h"
#include "dhb/geom.h"
#include "dhb/store.h"
#include "dhb/workload.h"

/*
 * Pipelines
 * ---------
 * A pipeline moves frames from a source stage (a V4L2 capture node) to a sink stage (a KMS
 * display) through buffers of one buffer source (a heap, drm-dumb, v4l2-mmap: any
 * struct dhb_instance that gives dma-bufs), without the CPU touching them. Each stage is one
 * ops table (struct dhb_stage_ops, pipelines/stage.h) and the frames between them are
 * records (struct dhb_frame): a dma-buf per plane, the format, a fence, timestamps.
 *
 * dhb_pipe_open() opens both stages and agrees on a format once (the display's modes, the
 * source's frame sizes); then every buffer source is one plan item the core's runner runs
 * with dhb_pipeline_test (item->arg is the pipe): its setup allocates the buffers and starts
 * both stages on them, each iteration is one frame (dequeued from the source, committed to the
 * display, back to the source once the display lets it go), its teardown stops both stages
 * and releases every buffer, handle, framebuffer and fence. So the same pipeline runs on
 * every source side by side, and a signal (ctx->stop) ends the frame loop with the rows so far.
 */

/* Where the frames come from (struct dhb_pipe_config.source_kind). */
enum dhb_pipe_source {
	DHB_PIPE_CAPTURE = 1, /* a V4L2 capture node (vivid), V4L2_MEMORY_DMABUF buffers */
	DHB_PIPE_DECODER = 2, /* a V4L2 stateful decoder (vicodec) of an FWHT stream file */
};

/* How long a stage may keep the pipeline waiting for a frame or a flip before it fails. */
#define DHB_PIPE_TIMEOUT_MS 5000

/* Bounds of struct dhb_pipe_config.buffers. */
#define DHB_PIPE_MIN_BUFFERS 2
#define DHB_PIPE_MAX_BUFFERS 32

/**
 * struct dhb_pipe_config - what the pipeline is asked to do.
 * @source_kind: the source stage.
 * @source: the source device (a V4L2 capture node, or a stateful decoder); its path is opened
 *          again by the stage, non-blocking.
 * @stream: DHB_PIPE_DECODER: the FWHT stream file.
 * @display: the display (a DRM card with KMS), open; the pipe uses its descriptor, which must
 *           be able to hold DRM master (opened before any other on the card).
 * @buffers: frame buffers, DHB_PIPE_MIN_BUFFERS .. DHB_PIPE_MAX_BUFFERS.
 * @width: frame width asked for (--size), 0 to let the pipe choose.
 * @height: frame height asked for, 0 with @width.
 * @format: the frame format (--format), a DRM fourcc of dhb_pipe_format_parse(); 0 for XR24.
 * @timeout_ms: the longest wait for a frame or a flip (DHB_PIPE_TIMEOUT_MS when 0).
 * @ref_crc: --verify: the display's CRC (vkms's) of each frame of the stream, from its
 *           reference decode (dhb_ref_read()); NULL not to verify.
 * @n_ref: frames of @ref_crc.
 * @writeback: with @ref_crc (--verify-with writeback): the display reads each frame shown back
 *             through a writeback connector of its CRTC, and the CPU computes the same CRC of
 *             what it wrote, instead of the display's CRCs in debugfs.
 * @no_fences: --no-fences: commits carry neither an IN_FENCE_FD (no sync_file is exported from
 *             the source's buffer) nor an OUT_FENCE_PTR; the display's page-flip event alone
 *             says when a frame is shown (as kmssink does).
 */
struct dhb_pipe_config {
	enum dhb_pipe_source source_kind;
	const struct dhb_device *source;
	const char *stream;
	struct dhb_device *display;
	unsigned int buffers;
	uint32_t width;
	uint32_t height;
	uint32_t format;
	int timeout_ms;
	const uint32_t *ref_crc;
	size_t n_ref;
	bool writeback;
	bool no_fences;
};

struct dhb_pipe;

/**
 * dhb_pipe_open() - open both stages and agree on the frame format.
 * @cfg: what to do; must outlive the pipe.
 * @out: the pipe; release with dhb_pipe_close().
 * @err: one line on failure: what refused what, and what it offers instead.
 * @errlen: size of @err.
 *
 * The frame is @cfg's format (XRGB8888 unless asked: V4L2 XBGR32, the same bytes; the source is
 * asked for the V4L2 format of the display's) at a size both stages give exactly: the
 * one asked for, else the display's preferred mode, else its largest mode not larger than that
 * the source gives; the display runs that mode over the whole screen (6.1's vkms requires the
 * primary plane to cover the CRTC). The source is asked for the display's refresh rate.
 *
 * Return: 0; -EINVAL when what was asked cannot be (a size without a mode, a size the source
 * refuses, a format the display or the source does not give); -EOPNOTSUPP when a stage's device
 * cannot take part (no atomic KMS, no free primary plane, no DMABUF capture queue); -EBUSY when
 * another client holds the display (DRM master); another -errno when a device fails.
 */
int dhb_pipe_open(const struct dhb_pipe_config *cfg, struct dhb_pipe **out, char *err,
		  size_t errlen);

/* The frame format the pipeline takes when --format does not say. */
#define DHB_PIPE_FORMAT_DEFAULT "XR24"

/**
 * dhb_pipe_format_parse() - read --format: a one-plane frame format, by its DRM fourcc.
 * @s: the text (XR24, AR24, XB24, AB24, RG16, YUYV, UYVY).
 * @drm: result: the DRM fourcc.
 * @err: one line on failure (V4L2's name of a format gets DRM's named).
 * @errlen: size of @err.
 *
 * Return: 0 or -EINVAL.
 */
int dhb_pipe_format_parse(const char *s, uint32_t *drm, char *err, size_t errlen);

/**
 * dhb_pipe_format_at() - the name of the pipeline's frame format number @i (completion, help).
 * @i: 0, 1, ...
 * @name: result: its DRM fourcc as text.
 *
 * Return: false past the last.
 */
bool dhb_pipe_format_at(size_t i, char name[5]);

/**
 * dhb_pipe_close() - close both stages and free the pipe; safe on NULL.
 * @p: pipe.
 */
void dhb_pipe_close(struct dhb_pipe *p);

/**
 * dhb_pipe_frame_bytes() - the bytes of one frame buffer (the source's sizeimage).
 * @p: pipe.
 *
 * Return: bytes.
 */
uint64_t dhb_pipe_frame_bytes(const struct dhb_pipe *p);

/**
 * dhb_pipe_describe() - the pipeline in the params form of its rows:
 * "source=NODE;display=CARD;buffers=N;geom=WxH@FORMAT;rate=HZ", then ";fences=none" with
 * struct dhb_pipe_config.no_fences.
 * @p: pipe.
 * @buf: result.
 * @len: size of @buf.
 */
void dhb_pipe_describe(const struct dhb_pipe *p, char *buf, size_t len);

/*
 * The pipeline as a test the core's runner runs (never in the workloads' registry): item->arg
 * is the pipe, item->inst the buffer source, item->size dhb_pipe_frame_bytes(). Its metrics
 * are results/SCHEMA.md's pipeline rows.
 */
extern const struct dhb_test dhb_pipeline_test;

/**
 * struct dhb_gst_peer - the GStreamer peer's plan item argument (--peer gstreamer).
 * @pipe: the pipe whose devices, stream, size and rate GStreamer uses (its stages stopped).
 * @frames: frames measured (the difference of two runs: see pipelines/gst.c).
 */
struct dhb_gst_peer {
	struct dhb_pipe *pipe;
	unsigned int frames;
};

/*
 * The same pipeline run by gst-launch-1.0, as a test of the runner: item->arg is a struct
 * dhb_gst_peer, item->inst a source of dhb_gst_peer_ops (name "gstreamer"); run with one
 * iteration and no warmup, it records the rows fps and cpu_per_frame.
 */
extern const struct dhb_test dhb_pipeline_gst_test;
extern const struct dhb_backend_ops dhb_gst_peer_ops;

/**
 * dhb_gst_missing() - whether gst-launch-1.0 can be run.
 *
 * Return: NULL when it is on the PATH, else what to install (a skip's reason).
 */
const char *dhb_gst_missing(void);

/**
 * dhb_pipe_skip_reason() - why the pipe cannot run on @inst, or NULL when it can: not a
 * dma-buf, or a picture the source cannot make (drm-dumb, v4l2-mmap are asked for the frame).
 * @p: pipe.
 * @inst: a usable buffer source; its picture request (struct dhb_instance.want) is set.
 * @page_size: CPU page size.
 * @buf: room for a reason built at run time.
 * @len: size of @buf.
 *
 * Return: NULL, or the reason (a skip).
 */
const char *dhb_pipe_skip_reason(const struct dhb_pipe *p, struct dhb_instance *inst,
				 long page_size, char *buf, size_t len);

/**
 * dhb_pipe_summary_print() - the pipeline rows of @s, one line per buffer source: frames, fps,
 * end-to-end p50 and p99, the stages' latencies, task-clock and page faults per frame, late and
 * dropped frames, the most CPU-mapped frame-buffer bytes.
 * @fp: stream; write errors stay in it.
 * @s: rows; nothing is printed without pipeline rows.
 */
void dhb_pipe_summary_print(FILE *fp, const struct dhb_row_store *s);

/**
 * struct dhb_stream_config - an FWHT stream to make (--make-stream).
 * @source: the capture node whose frames are encoded (vivid: its test pattern).
 * @encoder: the stateful FWHT encoder (vicodec).
 * @path: the stream file, written whole (dhb/outfile.h); checked by the caller beforehand.
 * @frames: frames to encode.
 * @width: frame width, given exactly by both devices (vicodec: 640..4096 in steps of 8).
 * @height: frame height (vicodec: 360..2160).
 * @stop: set asynchronously to stop (SIGINT, SIGTERM): no file is left; or NULL.
 */
struct dhb_stream_config {
	const struct dhb_device *source;
	const struct dhb_device *encoder;
	const char *path;
	unsigned int frames;
	uint32_t width;
	uint32_t height;
	const volatile sig_atomic_t *stop;
};

/**
 * dhb_stream_make() - capture, encode and write a stream of XBGR32 frames (32-bit RGB FWHT).
 * @c: what to make.
 * @bytes: the stream's bytes written.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL when a device does not give the size or format exactly (a usage error);
 * -EINTR when stopped by @c->stop; another -errno when a device or the file fails. On failure
 * no stream is written.
 */
int dhb_stream_make(const struct dhb_stream_config *c, uint64_t *bytes, char *err, size_t errlen);

/**
 * dhb_vkms_crc() - the CRC vkms gives a frame it shows: crc32_le, seeded 0, of its lines
 * composed as 16-bit ARGB (each 8-bit channel times 257, alpha 0xffff).
 * @px: the frame, XRGB8888.
 * @width: pixels a line.
 * @height: lines.
 * @pitch: bytes a line.
 *
 * Return: the CRC.
 */
uint32_t dhb_vkms_crc(const uint8_t *px, uint32_t width, uint32_t height, uint32_t pitch);

/* Write the reference CRCs of a stream's frames to @path ("INDEX 0xCRC" lines): 0 or -errno. */
int dhb_ref_write(const char *path, const uint32_t *crc, size_t n);

/* The most frames a reference file may hold (a bound on what dhb_ref_read() takes in). */
#define DHB_REF_MAX_FRAMES 1000000u

/**
 * dhb_ref_read() - read a stream's reference CRCs (dhb_ref_write()'s file), at most
 * DHB_REF_MAX_FRAMES.
 * @path: the file.
 * @crc: the CRCs, malloc'd; free() them.
 * @n: frames.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0 or -errno (-EINVAL: not a reference file).
 */
int dhb_ref_read(const char *path, uint32_t **crc, size_t *n, char *err, size_t errlen);

/**
 * dhb_stream_reference() - decode a stream once with the stateful decoder into buffers of the
 * system heap the CPU maps, and give each frame's vkms CRC (the reference --verify checks the
 * display against).
 * @decoder: the stateful FWHT decoder.
 * @stream: the FWHT stream file.
 * @stop: set asynchronously to stop, or NULL.
 * @crc: the CRCs, malloc'd, one per frame of the stream; free() them.
 * @n: frames.
 * @err: one line on failure.
 * @errlen: size of @err.
 *
 * Return: 0, -EINTR when stopped, or -errno.
 */
int dhb_stream_reference(const struct dhb_device *decoder, const char *stream,
			 const volatile sig_atomic_t *stop, uint32_t **crc, size_t *n, char *err,
			 size_t errlen);

/**
 * dhb_pipe_mapped_bytes() - bytes of the given files mapped into this process now
 * (/proc/self/maps), the measure behind the cpu_frame_bytes rows.
 * @ids: the files, as (st_dev, st_ino) pairs: ids[2 * i], ids[2 * i + 1].
 * @n: number of files.
 * @bytes: result.
 *
 * Return: 0 or -errno (the maps file cannot be read).
 */
int dhb_pipe_mapped_bytes(const uint64_t *ids, size_t n, uint64_t *bytes);

/**
 * struct dhb_pipe_maps - dhb_pipe_mapped_bytes() once per frame at almost no cost: the maps are
 * scanned again only when this thread mapped something since the last scan, as a perf event's
 * ring of its mappings shows (a load, no system call), or, where perf gives no such event,
 * when the process's mapped size changed (a short read of /proc/self/statm).
 * @watch: the perf event (PERF_COUNT_SW_DUMMY, its mmap records), or -1.
 * @ring: its ring, mapped read-only, or NULL.
 * @ring_size: the ring's size in bytes.
 * @statm: /proc/self/statm where there is no ring, or -1 (then every reading scans).
 * @mark: the ring's head, or the process's mapped pages, after the last scan.
 * @bytes: the last scan's result.
 * @scans: scans so far.
 *
 * The ring sees every mapping the thread makes, even one gone again by the next reading, but
 * not another thread's; the size sees any thread's, but misses a mapping that, between two
 * readings, took the place of one of the very same size.
 */
struct dhb_pipe_maps {
	int watch;
	void *ring;
	size_t ring_size;
	int statm;
	uint64_t mark;
	uint64_t bytes;
	uint64_t scans;
};

/**
 * dhb_pipe_maps_open() - with @watch, opens the perf event of this thread's mappings and its
 * ring; without it or where that fails, /proc/self/statm (where that fails too, each reading
 * scans).
 */
void dhb_pipe_maps_open(struct dhb_pipe_maps *m, bool watch);

/**
 * dhb_pipe_maps_read() - dhb_pipe_mapped_bytes() of @ids, or the last scan's result while
 * nothing was mapped (no record in the ring, or the same mapped size).
 * @m: from dhb_pipe_maps_open().
 * @ids: as for dhb_pipe_mapped_bytes(), the same files at each call.
 * @n: number of files.
 * @bytes: result.
 *
 * Return: 0 or -errno (the maps file cannot be read).
 */
int dhb_pipe_maps_read(struct dhb_pipe_maps *m, const uint64_t *ids, size_t n, uint64_t *bytes);

/** dhb_pipe_maps_close() - closes what dhb_pipe_maps_open() opened; safe twice. */
void dhb_pipe_maps_close(struct dhb_pipe_maps *m);

#endif /* DHB_PIPELINE_H */
