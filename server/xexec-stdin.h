/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_STDIN_H
#define XEXEC_STDIN_H

/* The write end of a module's stdin pipe and what is still to be written. */
struct xexec_stdin {
	int fd;
	struct io *io;
	buffer_t *data;
	size_t pos;
};

/* Creates the pipe: *read_fd_r is for the child; in->data gets a copy of
   data. Returns -1 with errno set. */
int xexec_stdin_open(struct xexec_stdin *in, int *read_fd_r,
		     const buffer_t *data);
/* Writes what the pipe takes, then waits in the ioloop for the rest; closes
   the pipe when everything is written or the module stopped reading. */
void xexec_stdin_write(struct xexec_stdin *in);
/* Closes the pipe (if open) and wipes the copy. */
void xexec_stdin_close(struct xexec_stdin *in);

#endif
