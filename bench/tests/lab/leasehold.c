// SPDX-License-Identifier: MIT
/*
 * bench.lab.pipeline's lessor: leases part of a KMS display and runs a command with the lessee.
 *
 *   leasehold CARD primary|cursor CMD [ARG...]
 *
 * Opens CARD, holds its DRM master, and leases a connected connector, a CRTC it can drive and
 * one plane of that CRTC: its primary plane (primary), or its cursor plane only (cursor: a
 * display the lessee can light but has no primary plane on). The lessee (a DRM master of the
 * leased objects only) is CMD's descriptor 3; the lease lasts until CMD ends. Silent but for
 * its own failures. Exit status: CMD's (128 + signal when a signal ended it), 125 when the lease
 * cannot be made or CMD not started. A test helper, sharing no code with the tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define FAIL 125

/* The plane's "type" property (DRM_PLANE_TYPE_*), or -1. */
static int plane_type(int fd, uint32_t id)
{
	drmModeObjectPropertiesPtr props =
		drmModeObjectGetProperties(fd, id, DRM_MODE_OBJECT_PLANE);
	drmModePropertyPtr p;
	int type = -1;
	uint32_t i;

	for (i = 0; props && i < props->count_props; i++) {
		p = drmModeGetProperty(fd, props->props[i]);
		if (p && !strcmp(p->name, "type"))
			type = (int)props->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return type;
}

/* A connected connector with a mode and the index of a CRTC its encoders reach; 0 or -1. */
static int find_output(int fd, drmModeResPtr res, uint32_t *conn_id, int *crtc)
{
	drmModeConnectorPtr c;
	drmModeEncoderPtr e;
	int i, j, k;

	for (i = 0; i < res->count_connectors && *crtc < 0; i++) {
		c = drmModeGetConnector(fd, res->connectors[i]);
		if (!c)
			continue;
		for (j = 0; c->connection == DRM_MODE_CONNECTED && c->count_modes &&
			    j < c->count_encoders && *crtc < 0;
		     j++) {
			e = drmModeGetEncoder(fd, c->encoders[j]);
			for (k = 0; e && k < res->count_crtcs && *crtc < 0; k++) {
				if (e->possible_crtcs & (1u << k)) {
					*crtc = k;
					*conn_id = c->connector_id;
				}
			}
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	return *crtc < 0 ? -1 : 0;
}

/* The plane of CRTC index @crtc of @type; 0 when there is none. */
static uint32_t find_plane(int fd, int crtc, int type)
{
	drmModePlaneResPtr res = drmModeGetPlaneResources(fd);
	drmModePlanePtr p;
	uint32_t i, id = 0;

	for (i = 0; res && i < res->count_planes && !id; i++) {
		p = drmModeGetPlane(fd, res->planes[i]);
		if (p && (p->possible_crtcs & (1u << crtc)) && plane_type(fd, p->plane_id) == type)
			id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(res);
	return id;
}

/* The lessee's descriptor, or -1 with why on stderr. */
static int make_lease(int fd, const char *card, int type)
{
	uint32_t objs[3], lessee_id; /* connector, CRTC, plane */
	drmModeResPtr res;
	int crtc = -1, lessee;

	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    (!drmIsMaster(fd) && drmSetMaster(fd))) {
		fprintf(stderr, "leasehold: %s: no universal planes, or not DRM master\n", card);
		return -1;
	}
	res = drmModeGetResources(fd);
	if (!res || find_output(fd, res, &objs[0], &crtc)) {
		fprintf(stderr, "leasehold: %s: no connected connector with a CRTC\n", card);
		drmModeFreeResources(res);
		return -1;
	}
	objs[1] = res->crtcs[crtc];
	drmModeFreeResources(res);
	objs[2] = find_plane(fd, crtc, type);
	if (!objs[2]) {
		fprintf(stderr, "leasehold: %s: CRTC %u has no plane of type %d\n", card, objs[1],
			type);
		return -1;
	}
	lessee = drmModeCreateLease(fd, objs, 3, O_CLOEXEC, &lessee_id);
	if (lessee < 0) {
		fprintf(stderr, "leasehold: %s: DRM_IOCTL_MODE_CREATE_LEASE: %s\n", card,
			strerror(-lessee));
		return -1;
	}
	return lessee;
}

int main(int argc, char **argv)
{
	int fd, lessee, type, status;
	pid_t pid;

	if (argc < 4 || (strcmp(argv[2], "primary") && strcmp(argv[2], "cursor"))) {
		fprintf(stderr, "usage: leasehold CARD primary|cursor CMD [ARG...]\n");
		return FAIL;
	}
	type = strcmp(argv[2], "primary") ? DRM_PLANE_TYPE_CURSOR : DRM_PLANE_TYPE_PRIMARY;
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "leasehold: %s: %s\n", argv[1], strerror(errno));
		return FAIL;
	}
	lessee = make_lease(fd, argv[1], type);
	if (lessee < 0) {
		close(fd);
		return FAIL;
	}
	pid = fork();
	if (pid == 0) {
		if (lessee == 3 ? !fcntl(3, F_SETFD, 0) : dup2(lessee, 3) == 3)
			execvp(argv[3], argv + 3);
		fprintf(stderr, "leasehold: %s: %s\n", argv[3], strerror(errno));
		_exit(FAIL);
	}
	close(lessee);
	status = FAIL << 8;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close(fd);
	if (pid < 0)
		return FAIL;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
