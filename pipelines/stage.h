// SPDX-License-Identifier: MIT
// The pipelines' own interface: frame records, the stage ops tables and the pipe they share.
#ifndef DHB_PIPELINES_STAGE_H
#define DHB_PIPELINES_STAGE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <xf86drmMode.h>

#include "dhb/backend.h"
#include "dhb/geom.h"
#include "dhb/pipeline.h"

#define DHB_FRAME_MAX_PLANES 4

/**
 * struct dhb_frame_times - when a frame passed each point, CLOCK_MONOTONIC ns (0: not yet).
 * @queued: given to the source empty (VIDIOC_QBUF).
 * @captured: the source's own timestamp of the frame (the V4L2 buffer's, when monotonic).
 * @dequeued: handed back by the source full (VIDIOC_DQBUF returned).
 * @committed: the atomic commit that shows it was issued.
 * @flipped: on screen: the page-flip event's timestamp (the vblank it was latched at).
 */
struct dhb_frame_times {
	uint64_t queued;
	uint64_t captured;
	uint64_t dequeued;
	uint64_t committed;
	uint64_t flipped;
};

/**
 * struct dhb_frame - one frame buffer and what is known of the frame in it.
 * @index: its place in the pipe's pool (the V4L2 buffer index too).
 * @n_planes: planes.
 * @fd: a dma-buf per plane (the pool's: stages never close them).
 * @offset: byte offset of each plane in its dma-buf.
 * @pitch: bytes per line of each plane.
 * @length: bytes of each plane's dma-buf.
 * @geom: the picture (DRM fourcc), the same for every frame of a pipe.
 * @size: bytes of the frame's data (the source's sizeimage).
 * @fence_fd: a sync_file that signals when the contents are ready, or -1; whoever receives the
 *            frame owns it (the sink passes it to the display as IN_FENCE_FD and closes it).
 * @sequence: the source's frame number.
 * @broken: the source says the contents are no good frame (V4L2_BUF_FLAG_ERROR).
 * @late: vblanks the flip came after the first one the commit could make.
 * @pos: the frame's place in what the source makes (a decoder: frames decoded since start, the
 *       stream's frame @pos modulo its length).
 * @vblank: the vblank sequence of its flip (the page-flip event's).
 * @wb_slot: --verify-with writeback: the writeback buffer of the commit that showed it, or -1.
 * @measured: dequeued among the measured frames, not the warm-up.
 * @t: timestamps.
 */
struct dhb_frame {
	unsigned int index;
	unsigned int n_planes;
	int fd[DHB_FRAME_MAX_PLANES];
	uint32_t offset[DHB_FRAME_MAX_PLANES];
	uint32_t pitch[DHB_FRAME_MAX_PLANES];
	uint64_t length;
	struct dhb_geom geom;
	uint64_t size;
	int fence_fd;
	uint32_t sequence;
	bool broken;
	uint32_t late;
	uint64_t pos;
	uint32_t vblank;
	int wb_slot;
	bool measured;
	struct dhb_frame_times t;
};

/* A display mode the sink offers: its size and refresh (mHz). */
struct dhb_pipe_mode {
	uint32_t width;
	uint32_t height;
	uint32_t refresh_mhz;
	bool preferred;
};

#define DHB_PIPE_MAX_MODES 128

struct dhb_stage;

/* CRCs kept from the display's debugfs (verify.c): the last DHB_CRC_RING vblanks'. */
#define DHB_CRC_RING 1024

/**
 * struct dhb_crc_src - the display's per-vblank CRCs, read as they come (--verify).
 * @fd: crc/data, non-blocking, or -1.
 * @seq: vblank sequence of each CRC kept.
 * @crc: the CRC.
 * @head: CRCs read so far; the ring holds the last DHB_CRC_RING.
 */
struct dhb_crc_src {
	int fd;
	uint32_t seq[DHB_CRC_RING];
	uint32_t crc[DHB_CRC_RING];
	uint64_t head;
};

/* Set the CRC source "auto" on CRTC @crtc of the card open on @card_fd and open its data. */
int dhb_crc_open(struct dhb_crc_src *c, int card_fd, unsigned int crtc, char *err, size_t errlen);
/* Read the CRCs that came (non-blocking): 0 or -errno. */
int dhb_crc_drain(struct dhb_crc_src *c);
/* The CRC of vblank @seq, when kept. */
bool dhb_crc_lookup(const struct dhb_crc_src *c, uint32_t seq, uint32_t *crc);
/* Close the data file (the CRC source stops); safe twice. */
void dhb_crc_close(struct dhb_crc_src *c);

/**
 * dhb_pipe_check_frame() - --verify: the display's CRC of frame @f, shown (debugfs, or through
 * the writeback connector), against the reference decode's of the stream's frame (check.c).
 * @p: pipe with cfg->ref_crc; its CRC source open, or its writeback attached (p->wb).
 * @f: the frame, after its flip.
 * @wb_bytes: with a writeback, the bytes the CPU read of its buffer; else untouched.
 * @why: one line on a mismatch or failure (untouched on -EINTR).
 * @len: size of @why.
 *
 * Waits up to 3 s for the CRC. Return: 0 (a match), -EBADMSG (a mismatch), -EINTR (the stop
 * flag), -ETIMEDOUT, or another -errno.
 */
int dhb_pipe_check_frame(struct dhb_pipe *p, const struct dhb_frame *f, uint64_t *wb_bytes,
			 char *why, size_t len);
/*
 * --verify: frame @f, which the decoder flagged broken (V4L2_BUF_FLAG_ERROR), is a stream frame
 * that did not decode as its reference did: it fails the run although never shown. The line
 * into @why; returns -EBADMSG.
 */
int dhb_pipe_check_broken(const struct dhb_pipe *p, const struct dhb_frame *f, char *why,
			  size_t len);

/* Buffers a writeback connector writes in turn (writeback.c): one per frame in flight, and spare. */
#define DHB_WB_BUFFERS 3

/**
 * struct dhb_wb_buf - a buffer the writeback connector writes a frame into.
 * @handle: its dumb buffer's GEM handle, 0 when none.
 * @fb: its framebuffer, 0 when none.
 * @size: bytes of the dumb buffer.
 * @pitch: bytes a line.
 * @fence: the out-fence of the job writing it (WRITEBACK_OUT_FENCE_PTR), or -1.
 * @busy: a commit carried a job for it that was not read back yet.
 */
struct dhb_wb_buf {
	uint32_t handle;
	uint32_t fb;
	uint64_t size;
	uint32_t pitch;
	int32_t fence;
	bool busy;
};

/**
 * struct dhb_wb - a writeback connector of the display's CRTC (--verify-with writeback).
 * @dev: the display.
 * @conn_id: the writeback connector.
 * @crtc_id: the CRTC it writes back.
 * @display_conn: the display's connector.
 * @alone: the writeback connector cannot be a clone of the display's connector (its encoders'
 *         possible_clones), so it takes the display connector's place on the CRTC for the run.
 * @prop_crtc: the connectors' CRTC_ID property.
 * @prop_fb: WRITEBACK_FB_ID.
 * @prop_fence: WRITEBACK_OUT_FENCE_PTR.
 * @width: the mode's size, the buffers'.
 * @height: see @width.
 * @buf: the buffers.
 * @n: buffers made.
 * @next: the buffer the next job takes, when free.
 * @attached: the connector is on the CRTC (the mode-setting commit put it there).
 */
struct dhb_wb {
	struct dhb_device *dev;
	uint32_t conn_id;
	uint32_t crtc_id;
	uint32_t display_conn;
	bool alone;
	uint32_t prop_crtc;
	uint32_t prop_fb;
	uint32_t prop_fence;
	uint32_t width;
	uint32_t height;
	struct dhb_wb_buf buf[DHB_WB_BUFFERS];
	unsigned int n;
	unsigned int next;
	bool attached;
};

struct dhb_pipe;

/* An atomic request's room: the objects one commit touches, and their properties in all. */
#define DHB_ATOMIC_MAX_OBJS  4
#define DHB_ATOMIC_MAX_PROPS 24

/**
 * struct dhb_atomic - an atomic KMS request, the arrays DRM_IOCTL_MODE_ATOMIC reads (atomic.c).
 * @n_objs: objects so far.
 * @n_props: properties so far, of every object.
 * @err: the first failure of dhb_atomic_add() (-EINVAL, -E2BIG), which the commit returns.
 * @objs: the objects, in order of their first property.
 * @counts: each object's properties.
 * @props: the property ids, each object's after the one's before it.
 * @values: their values.
 */
struct dhb_atomic {
	unsigned int n_objs;
	unsigned int n_props;
	int err;
	uint32_t objs[DHB_ATOMIC_MAX_OBJS];
	uint32_t counts[DHB_ATOMIC_MAX_OBJS];
	uint32_t props[DHB_ATOMIC_MAX_PROPS];
	uint64_t values[DHB_ATOMIC_MAX_PROPS];
};

/* An empty request; nothing else of it is written. */
void dhb_atomic_init(struct dhb_atomic *a);
/*
 * Set property @prop of object @obj to @value: after the object's other properties, or in
 * place of the value it had; a zero id or a full request is kept as @a's error.
 */
void dhb_atomic_add(struct dhb_atomic *a, uint32_t obj, uint32_t prop, uint64_t value);
/* Commit @a on @fd: 0, @a's error, or -errno of the ioctl; an empty request commits nothing. */
int dhb_atomic_commit(int fd, const struct dhb_atomic *a, uint32_t flags, void *user_data);

/*
 * Find a writeback connector for CRTC @crtc_id (number @crtc_index) of the display open on
 * @dev, which shows frames through connector @display_conn; -EOPNOTSUPP, why in the pipe's err.
 */
int dhb_wb_find(struct dhb_pipe *p, struct dhb_wb *wb, struct dhb_device *dev, uint32_t crtc_id,
		unsigned int crtc_index, uint32_t display_conn);
/* Make the buffers and their framebuffers, @width x @height XRGB8888: 0 or -errno (pipe's err). */
int dhb_wb_start(struct dhb_pipe *p, struct dhb_wb *wb, uint32_t width, uint32_t height);
/*
 * Add to an atomic request the writeback connector's part: with @modeset, the connector onto
 * the CRTC (no job); else a job for the next free buffer, whose number goes to *@slot. 0 or
 * -errno (-EBUSY: every buffer waits to be read back).
 */
int dhb_wb_add(struct dhb_wb *wb, struct dhb_atomic *req, bool modeset, int *slot);
/* The commit carrying the job of buffer @slot went in (@ok) or failed. */
void dhb_wb_committed(struct dhb_wb *wb, int slot, bool ok);
/**
 * dhb_wb_crc() - wait for buffer @slot's job, read the buffer and compute its vkms CRC.
 * @p: pipe (its wait: the stop flag).
 * @wb: the writeback.
 * @slot: the buffer.
 * @timeout_ms: the longest wait for the job's out-fence.
 * @crc: dhb_vkms_crc() of what the connector wrote.
 * @bytes: bytes of the buffer the CPU mapped and read.
 *
 * The mapping lasts only this call. Return: 0, -EINTR, -ETIMEDOUT, or another -errno (the
 * pipe's err says what failed).
 */
int dhb_wb_crc(struct dhb_pipe *p, struct dhb_wb *wb, int slot, int timeout_ms, uint32_t *crc,
	       uint64_t *bytes);
/*
 * Wait for jobs in flight, take the connector off the CRTC (the display's connector back on it
 * when it was replaced), remove the framebuffers, destroy the buffers: the first -errno (pipe's
 * err); safe after a partial start, and twice.
 */
int dhb_wb_stop(struct dhb_pipe *p, struct dhb_wb *wb);
/**
 * dhb_wb_can_clone() - whether two encoders may drive one CRTC together: each one's
 * possible_clones holds both (the kernel's atomic check, drm_atomic_check_valid_clones()).
 * @a_clones: possible_clones of encoder a.
 * @a_index: its index (its place in DRM_IOCTL_MODE_GETRESOURCES' encoders).
 * @b_clones: possible_clones of encoder b.
 * @b_index: its index.
 *
 * Return: true when they may.
 */
bool dhb_wb_can_clone(uint32_t a_clones, unsigned int a_index, uint32_t b_clones,
		      unsigned int b_index);
/* Whether @fourcc is among the @n formats of a WRITEBACK_PIXEL_FORMATS blob (@fmts). */
bool dhb_wb_has_format(const uint32_t *fmts, size_t n, uint32_t fourcc);

/**
 * struct dhb_stage_ops - one kind of stage.
 * @name: "capture", "decoder", "kms".
 * @latency_metric: a source's QBUF -> DQBUF metric ("capture_latency", "decode_latency").
 * @node_holds_frames: a source whose node's own mappings would be frame buffers (a capture
 *                     node's MMAP buffers; not a decoder's, which are bitstream), so that
 *                     cpu_frame_bytes counts them.
 * @init: open the device and agree on the format (struct dhb_pipe.fmt): a sink lists what it
 *        shows (modes), the source then picks; no buffers yet. 0 or -errno, why in the pipe's
 *        err.
 * @start: take the pool's @n frames (import them, REQBUFS) and start (STREAMON, the mode set);
 *         on failure it has released what it took. -EOPNOTSUPP: the device refuses the
 *         source's buffers (a skip).
 * @queue: hand @f to the stage: an empty buffer to fill (source), a frame to show (sink).
 * @dequeue: take a frame back: a full one (source, waiting for it), or (sink, waiting for the
 *           flip of the frame last queued) the frame the display let go, NULL when none.
 *           -EINTR when the pipe's stop flag was raised while waiting; -ETIMEDOUT.
 * @stop: stop and release what start took (STREAMOFF, the display restored, framebuffers and
 *        handles); safe after a failed or partial start, and twice.
 * @fini: close what init opened; safe twice.
 */
struct dhb_stage_ops {
	const char *name;
	const char *latency_metric;
	bool node_holds_frames;
	int (*init)(struct dhb_stage *s);
	int (*start)(struct dhb_stage *s, struct dhb_frame *frames, unsigned int n);
	int (*queue)(struct dhb_stage *s, struct dhb_frame *f);
	int (*dequeue)(struct dhb_stage *s, struct dhb_frame **f);
	int (*stop)(struct dhb_stage *s);
	void (*fini)(struct dhb_stage *s);
};

/**
 * struct dhb_stage - a stage of a pipe.
 * @ops: its kind.
 * @pipe: the pipe.
 * @priv: the stage's own state.
 */
struct dhb_stage {
	const struct dhb_stage_ops *ops;
	struct dhb_pipe *pipe;
	void *priv;
};

/**
 * struct dhb_pipe_fmt - a frame format the pipeline takes (format.c).
 * @drm: its DRM fourcc: what the display scans out, the rows' geom= (struct dhb_pipe_format).
 * @v4l2: the V4L2 pixel format of the same bytes, which the source is asked for.
 * @v4l2_name: V4L2's name of it, for messages ("XBGR32").
 * @gst: GStreamer's name of it, the peer's caps format=.
 * @bpp: bits per pixel.
 * @yuv: a YUV format.
 */
struct dhb_pipe_fmt {
	uint32_t drm;
	uint32_t v4l2;
	const char *v4l2_name;
	const char *gst;
	uint8_t bpp;
	bool yuv;
};

/* The format of DRM fourcc @drm (0: the default, XR24), NULL for one the pipeline does not take. */
const struct dhb_pipe_fmt *dhb_pipe_fmt_find(uint32_t drm);
/* @n fourccs as text, ", " between them, into @buf (cut at @len). */
void dhb_pipe_fourcc_join(const uint32_t *cc, size_t n, char *buf, size_t len);

/**
 * struct dhb_pipe_format - what the stages agreed on.
 * @geom: the picture (DRM fourcc; pitch is the source's bytesperline).
 * @size: bytes of a frame (sizeimage).
 * @rate_num: the source's frame rate, frames per @rate_den seconds; 0 when it does not say.
 * @rate_den: see @rate_num.
 * @mode: the display mode (same size as @geom).
 */
struct dhb_pipe_format {
	struct dhb_geom geom;
	uint64_t size;
	uint32_t rate_num;
	uint32_t rate_den;
	struct dhb_pipe_mode mode;
};

/**
 * struct dhb_pipe - two stages and their frames.
 * @cfg: the configuration.
 * @src: the source stage.
 * @sink: the sink stage.
 * @modes: the sink's modes (after its init).
 * @n_modes: number of @modes.
 * @pf: the frame format asked for (cfg->format's).
 * @fmt: the format (after both inits).
 * @stop: raised asynchronously to end waits (the run's signal flag), or NULL.
 * @retries: ioctl retries of the stages (EINTR/EAGAIN).
 * @source_name: the buffer source of the running item ("system"), for messages.
 * @crc: the display's CRCs while a --verify pipe runs (the sink opens them at start).
 * @wb: --verify-with writeback: the sink's writeback while it runs, else NULL.
 * @err: why the last hook failed, one line.
 */
struct dhb_pipe {
	const struct dhb_pipe_config *cfg;
	struct dhb_stage src;
	struct dhb_stage sink;
	struct dhb_pipe_mode modes[DHB_PIPE_MAX_MODES];
	size_t n_modes;
	const struct dhb_pipe_fmt *pf;
	struct dhb_pipe_format fmt;
	const volatile sig_atomic_t *stop;
	uint64_t retries;
	const char *source_name;
	struct dhb_crc_src crc;
	struct dhb_wb *wb;
	int clock;
	char err[256];
};

/*
 * The id of property @name of KMS object @id of type @type (DRM_MODE_OBJECT_*), 0 when it has
 * none; its value into *@value, which may be NULL (kms.c).
 */
uint32_t dhb_kms_prop_id(int fd, uint32_t id, uint32_t type, const char *name, uint64_t *value);

/* The stages (capture.c, decoder.c, kms.c). */
extern const struct dhb_stage_ops dhb_stage_capture;
extern const struct dhb_stage_ops dhb_stage_decoder;
extern const struct dhb_stage_ops dhb_stage_kms;

/* The frames of the stream a decoder stage decodes (after its init). */
size_t dhb_stage_decoder_frames(struct dhb_stage *s);

/**
 * dhb_gst_report() - a report of GStreamer's fpsdisplaysink in a line gst-launch-1.0 -v prints
 * ("...: last-message = rendered: N, dropped: M, current: F, average: F").
 * @line: the line, NUL-terminated.
 * @rendered: the frames rendered so far, N.
 *
 * Return: whether the line is such a report.
 */
bool dhb_gst_report(const char *line, uint64_t *rendered);

/* The stream a decoder stage decodes and its bytes in *@data (after its init), or NULL. */
const struct dhb_fwht_stream *dhb_stage_decoder_stream(struct dhb_stage *s, const uint8_t **data);

/**
 * dhb_pipe_system_cpu_ns() - the CPU time the whole machine has been busy, every CPU together
 * (/proc/stat: user, nice, system, irq, softirq, steal), ns; 0 when it cannot be read.
 */
uint64_t dhb_pipe_system_cpu_ns(void);

/**
 * dhb_pipe_clock_open() - a perf task-clock counter: of this thread (@pid 0), counting from now;
 * or of process @pid, counting from its next exec, with the threads and processes it starts.
 *
 * The pipeline's CPU per frame and its peer's are both read on such a counter, to the
 * nanosecond (the kernel's clock at each switch), rather than on the process CPU clock or the
 * tick-sampled times of /proc.
 *
 * Return: the counter's descriptor, or -errno where perf refuses (perf_event_paranoid).
 */
int dhb_pipe_clock_open(pid_t pid);
/* The count of a dhb_pipe_clock_open() counter, ns; 0 when the read fails. */
uint64_t dhb_pipe_clock_ns(int fd);

/**
 * dhb_pipe_wait() - poll @fd for @events, up to the pipe's timeout, in slices that look at the
 * stop flag.
 * @p: pipe.
 * @fd: descriptor.
 * @events: POLLIN ...
 * @timeout_ms: the bound (the pipe's when <= 0).
 * @revents: what poll() said when ready, may be NULL.
 *
 * Return: 0 when ready; -EINTR once the stop flag is raised; -ETIMEDOUT; -EIO on POLLERR.
 */
int dhb_pipe_wait(struct dhb_pipe *p, int fd, short events, int timeout_ms, short *revents);

/**
 * dhb_pipe_fail() - note why a stage failed in the pipe's err and pass the error on.
 * @p: pipe.
 * @err: -errno.
 * @fmt: printf format of what failed, then its arguments; ": ENAME (message)" follows.
 *
 * Return: @err.
 */
int dhb_pipe_fail(struct dhb_pipe *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CLOCK_MONOTONIC now, ns: the clock of V4L2 timestamps, DRM events and fences. */
uint64_t dhb_pipe_now(void);

/**
 * dhb_pipe_candidates() - the display modes to offer the source, best first: the size asked
 * for (@width x @height) only, else the preferred mode and then every mode no larger than it,
 * larger areas first; among modes of one size the preferred one, then the refresh nearest
 * 60 Hz. One mode per size.
 * @modes: the display's modes.
 * @n: number of @modes.
 * @width: the size asked for, 0 for none.
 * @height: see @width.
 * @out: indexes into @modes, room for @n.
 *
 * Return: the number of indexes written.
 */
size_t dhb_pipe_candidates(const struct dhb_pipe_mode *modes, size_t n, uint32_t width,
			   uint32_t height, size_t *out);

/**
 * struct dhb_fwht_stream - the frames of an FWHT stream (fwht.c).
 * @off: where each frame (its header) starts in the stream.
 * @len: each frame's bytes, header included.
 * @n: frames.
 * @max_len: the largest frame.
 * @width: the frames' width (one for the stream).
 * @height: their height.
 * @flags_first: the first frame's V4L2_FWHT_FL_* flags.
 * @components: the first frame's components (1 + the flags' COMPONENTS_NUM): 4 for 32-bit RGB.
 * @pixenc: the first frame's pixel encoding (V4L2_FWHT_FL_PIXENC_YUV, _RGB, _HSV).
 */
struct dhb_fwht_stream {
	size_t *off;
	size_t *len;
	size_t n;
	size_t max_len;
	uint32_t width;
	uint32_t height;
	uint32_t flags_first;
	uint32_t components;
	uint32_t pixenc;
};

/**
 * dhb_fwht_scan() - find the frames of a stream by their headers.
 * @data: the stream.
 * @size: its bytes.
 * @s: result; release with dhb_fwht_free().
 * @err: on failure, one line: not FWHT, where it is cut short or damaged, a size change.
 * @errlen: size of @err.
 *
 * Return: 0, -EINVAL (@err says why) or -ENOMEM.
 */
int dhb_fwht_scan(const uint8_t *data, size_t size, struct dhb_fwht_stream *s, char *err,
		  size_t errlen);
void dhb_fwht_free(struct dhb_fwht_stream *s);

#define DHB_MMAPQ_MAX 8

/**
 * struct dhb_mmapq - a V4L2 queue of MMAP buffers the CPU fills or reads (mmapq.c): a decoder's
 * bitstream, the stream maker's frames. The caller sets @fd and @q in a zeroed one.
 * @fd: the node (libv4l2's descriptor).
 * @q: the queue.
 * @addr: each buffer's mapping.
 * @len: each buffer's bytes.
 * @n: buffers.
 * @reqbufs: buffers requested.
 * @streaming: streamed on (the caller sets it after VIDIOC_STREAMON).
 */
struct dhb_mmapq {
	int fd;
	const struct dhb_v4l2_queue *q;
	void *addr[DHB_MMAPQ_MAX];
	size_t len[DHB_MMAPQ_MAX];
	unsigned int n;
	bool reqbufs;
	bool streaming;
};

/* REQBUFS @count (at most DHB_MMAPQ_MAX) MMAP buffers and map each: 0 or -errno. */
int dhb_mmapq_alloc(struct dhb_mmapq *m, unsigned int count, uint64_t *retries);
/* QBUF buffer @i with @bytesused bytes (an OUTPUT queue's data) and timestamp @stamp_ns. */
int dhb_mmapq_qbuf(struct dhb_mmapq *m, unsigned int i, uint32_t bytesused, uint64_t stamp_ns,
		   uint64_t *retries);
/* DQBUF, non-blocking: the buffer's index, its bytes and flags (may be NULL); -EAGAIN: none. */
int dhb_mmapq_dqbuf(struct dhb_mmapq *m, unsigned int *i, uint32_t *bytesused, uint32_t *flags);
/* STREAMOFF, unmap, REQBUFS 0: the first -errno; safe on a queue never set up, and twice. */
int dhb_mmapq_free(struct dhb_mmapq *m, uint64_t *retries);

#endif /* DHB_PIPELINES_STAGE_H */
