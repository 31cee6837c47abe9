/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Feeding a module's stdin without blocking the imap process. The data may
   be a password (xexec_args_on_stdin), so the copy is wiped, not just
   freed. */

#include "lib.h"
#include "buffer.h"
#include "ioloop.h"
#include "fd-util.h"
#include "safe-memset.h"
#include "xexec-stdin.h"

#include <fcntl.h>
#include <unistd.h>

int xexec_stdin_open(struct xexec_stdin *in, int *read_fd_r,
		     const buffer_t *data)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fd_set_nonblock(fds[1], TRUE);
	in->fd = fds[1];
	in->data = buffer_create_dynamic(default_pool, data->used + 1);
	buffer_append_buf(in->data, data, 0, SIZE_MAX);
	in->pos = 0;
	*read_fd_r = fds[0];
	return 0;
}

void xexec_stdin_close(struct xexec_stdin *in)
{
	io_remove(&in->io);
	i_close_fd(&in->fd);
	if (in->data != NULL) {
		safe_memset(buffer_get_modifiable_data(in->data, NULL), 0,
			    in->data->used);
		buffer_free(&in->data);
	}
}

void xexec_stdin_write(struct xexec_stdin *in)
{
	const unsigned char *data = in->data->data;
	ssize_t ret;

	while (in->pos < in->data->used) {
		ret = write(in->fd, data + in->pos, in->data->used - in->pos);
		if (ret > 0) {
			in->pos += ret;
			continue;
		}
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 && errno == EAGAIN) {
			if (in->io == NULL) {
				in->io = io_add(in->fd, IO_WRITE,
						xexec_stdin_write, in);
			}
			return;
		}
		/* EPIPE: the module does not read (any more); that is up
		   to the module. */
		break;
	}
	xexec_stdin_close(in);
}
