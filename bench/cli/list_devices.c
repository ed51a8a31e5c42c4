// SPDX-License-Identifier: MIT
// The list command's devices and compatibility matrix, as text and JSON.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dhb/sink.h"
#include "dhb/size.h"
#include "list_cmd.h"

const char *dhb_list_errno_name(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "errno";
}

void dhb_list_json_key(const char *key, const char *val, const char *sep)
{
	dhb_json_string(stdout, key);
	fputs(": ", stdout);
	dhb_json_string(stdout, val);
	fputs(sep, stdout);
}

void dhb_list_json_i64(const char *key, int64_t val, const char *sep)
{
	dhb_json_string(stdout, key);
	if (val < 0)
		printf(": null%s", sep);
	else
		printf(": %" PRId64 "%s", val, sep);
}

static const char *kind_name(const struct dhb_device *d)
{
	return d->kind == DHB_DEV_DRM ? "drm" : "v4l2";
}

/* "capture: mmap dmabuf; output: mmap dmabuf" for V4L2, "" for DRM. */
static void queues_text(const struct dhb_device *d, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int q;

	buf[0] = '\0';
	for (q = 0; q < d->n_queues && used < len; q++) {
		const struct dhb_v4l2_queue *vq = &d->queues[q];

		used += (size_t)snprintf(buf + used, len - used, "%s%s:%s%s%s%s", q ? "; " : "",
					 vq->name, vq->mem & 1 ? " mmap" : "",
					 vq->mem & 2 ? " userptr" : "",
					 vq->mem & 4 ? " dmabuf" : "", vq->mem & 7 ? "" : " none");
	}
}

void dhb_list_devices_text(const struct dhb_device *d, size_t n, const bool *sel)
{
	char caps[160], queues[96];
	int wn = 4, wp = 4, wd = 6;
	size_t i, shown = 0;
	bool denied = false;

	for (i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		wn = (int)strlen(d[i].name) > wn ? (int)strlen(d[i].name) : wn;
		wp = (int)strlen(d[i].path) > wp ? (int)strlen(d[i].path) : wp;
		wd = (int)strlen(d[i].driver) > wd ? (int)strlen(d[i].driver) : wd;
	}
	puts("\nDevices (what imports buffers; dmaheap-bench run --devices selects them):");
	printf("  %-*s  %-4s  %-*s  %-*s  %s\n", wn, "name", "kind", wp, "node", wd, "driver",
	       "capabilities");
	for (i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		shown++;
		if (d[i].err) {
			printf("  %-*s  %-4s  %-*s  %-*s  cannot use: %s (%s)\n", wn, d[i].name,
			       kind_name(&d[i]), wp, d[i].path, wd,
			       *d[i].driver ? d[i].driver : "?", strerror(-d[i].err),
			       dhb_list_errno_name(-d[i].err));
			denied |= d[i].err == -EACCES || d[i].err == -EPERM;
			continue;
		}
		dhb_device_caps_format(d[i].caps, caps, sizeof(caps));
		queues_text(&d[i], queues, sizeof(queues));
		printf("  %-*s  %-4s  %-*s  %-*s  %s%s%s%s\n", wn, d[i].name, kind_name(&d[i]), wp,
		       d[i].path, wd, d[i].driver, caps, *queues ? " (" : "", queues,
		       *queues ? ")" : "");
	}
	if (!shown)
		puts("  (none: no /dev/dri/card* or /dev/video* node)");
	if (denied)
		puts("  To grant access: device nodes of DRM and V4L2 belong to the group video "
		     "(udev's defaults);\n  usermod -aG video $USER and log in again.");
}

void dhb_list_devices_json(const struct dhb_device *d, size_t n, const bool *sel)
{
	char caps[160];
	bool first = true;
	size_t i;
	unsigned int q;

	fputs(",\n  \"devices\": [", stdout);
	for (i = 0; i < n; i++) {
		if (!sel[i])
			continue;
		fputs(first ? "\n    {" : ",\n    {", stdout);
		first = false;
		dhb_list_json_key("name", d[i].name, ", ");
		dhb_list_json_key("kind", kind_name(&d[i]), ", ");
		dhb_list_json_key("path", d[i].path, ", ");
		dhb_list_json_key("driver", *d[i].driver ? d[i].driver : NULL, ", ");
		dhb_list_json_key("card", *d[i].card ? d[i].card : NULL, ", ");
		printf("\"usable\": %s, ", d[i].err ? "false" : "true");
		dhb_list_json_key("errno", d[i].err ? dhb_list_errno_name(-d[i].err) : NULL, ", ");
		dhb_device_caps_format(d[i].caps, caps, sizeof(caps));
		dhb_list_json_key("capabilities", caps, ", \"queues\": [");
		for (q = 0; q < d[i].n_queues; q++) {
			fputs(q ? ", {" : "{", stdout);
			dhb_list_json_key("queue", d[i].queues[q].name, ", ");
			printf("\"mmap\": %s, \"userptr\": %s, \"dmabuf\": %s}",
			       d[i].queues[q].mem & 1 ? "true" : "false",
			       d[i].queues[q].mem & 2 ? "true" : "false",
			       d[i].queues[q].mem & 4 ? "true" : "false");
		}
		fputs("]}", stdout);
	}
	fputs(first ? "]" : "\n  ]", stdout);
}

static const char *state_word(enum dhb_matrix_state s)
{
	return s == DHB_MATRIX_OK ? "ok" : s == DHB_MATRIX_REFUSED ? "refused" : "not_tried";
}

/* Column label of a cell's device: "vkms", "vim2m/capture". */
static void cell_label(const struct dhb_matrix_cell *c, const struct dhb_device *d, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s%s%s", d[c->dev].name, c->queue ? "/" : "", c->queue ? c->queue : "");
}

void dhb_list_matrix_text(const struct dhb_matrix *m, const struct dhb_instance *v,
			  const struct dhb_device *d)
{
	char size[DHB_SIZE_FMT_LEN], label[DHB_NAME_LEN + 16];
	const struct dhb_matrix_cell *c;
	const char *why;
	size_t i, ncols = 0;
	int ws = 6;

	dhb_size_format(m->size, size, sizeof(size));
	printf("\nCompatibility matrix: one %s buffer of each source imported once by each device "
	       "(PRIME import + ADDFB2 XRGB8888 on KMS cards; VIDIOC_QBUF with DMABUF per V4L2 "
	       "queue)\n",
	       size);
	if (!m->n) {
		puts("  (nothing to try: no usable dma-buf source, or no device that imports)");
		return;
	}
	for (i = 0; i < m->n && m->cells[i].src == m->cells[0].src; i++)
		ncols++;
	for (i = 0; i < m->n; i++)
		ws = (int)strlen(v[m->cells[i].src].name) > ws
			     ? (int)strlen(v[m->cells[i].src].name)
			     : ws;
	for (i = 0; i < ncols; i++) {
		cell_label(&m->cells[i], d, label, sizeof(label));
		printf("  [%zu] %s\n", i + 1, label);
	}
	printf("  %-*s", ws, "source");
	for (i = 0; i < ncols; i++)
		printf(" %5s", (snprintf(label, sizeof(label), "[%zu]", i + 1), label));
	for (i = 0; i < m->n; i++) {
		c = &m->cells[i];
		if (!i || c->src != c[-1].src)
			printf("\n  %-*s", ws, v[c->src].name);
		printf(" %5s", c->state == DHB_MATRIX_OK	? "ok"
			       : c->state == DHB_MATRIX_REFUSED ? "NO"
								: "-");
	}
	putchar('\n');
	for (i = 0; i < m->n; i++) {
		c = &m->cells[i];
		if (c->state == DHB_MATRIX_OK)
			continue;
		if (c->state == DHB_MATRIX_NO_TRY && c->step && !strcmp(c->step, "allocation")) {
			/* The source made no buffer: once for the source, not per device. */
			if (i && c[-1].src == c->src && c[-1].state == DHB_MATRIX_NO_TRY)
				continue;
			printf("  %s: no %s buffer to try: %s (%s)\n", v[c->src].name, size,
			       strerror(-c->err), dhb_list_errno_name(-c->err));
			continue;
		}
		cell_label(c, d, label, sizeof(label));
		why = dhb_matrix_reason(m, c, v);
		printf("  %s -> %s: %s: %s: %s (%s)%s%s%s%s\n", v[c->src].name, label,
		       c->state == DHB_MATRIX_REFUSED ? "refused" : "not tried", c->step,
		       strerror(-c->err), dhb_list_errno_name(-c->err), *c->detail ? ", " : "",
		       c->detail, why ? ": " : "", why ? why : "");
	}
}

void dhb_list_matrix_json(const struct dhb_matrix *m, const struct dhb_instance *v,
			  const struct dhb_device *d)
{
	const struct dhb_matrix_cell *c;
	size_t i;

	printf(",\n  \"matrix\": {\"size_bytes\": %" PRIu64 ", \"cells\": [", m->size);
	for (i = 0; i < m->n; i++) {
		c = &m->cells[i];
		fputs(i ? ",\n    {" : "\n    {", stdout);
		dhb_list_json_key("source", v[c->src].name, ", ");
		dhb_list_json_key("backend", v[c->src].ops->name, ", ");
		dhb_list_json_key("device", d[c->dev].name, ", ");
		dhb_list_json_key("queue", c->queue, ", ");
		dhb_list_json_key("result", state_word(c->state), ", ");
		dhb_list_json_key("step", c->step, ", ");
		dhb_list_json_key("errno", c->err ? dhb_list_errno_name(-c->err) : NULL, ", ");
		dhb_list_json_key("error", c->err ? strerror(-c->err) : NULL, ", ");
		dhb_list_json_key("reason", dhb_matrix_reason(m, c, v), ", ");
		dhb_list_json_key("tried", *c->detail ? c->detail : NULL, "}");
	}
	fputs(m->n ? "\n  ]}" : "]}", stdout);
}
