/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_KILL_H
#define XEXEC_KILL_H

/* How long a module's process group has between SIGTERM and SIGKILL. */
#define XEXEC_KILL_GRACE_MSECS 2000

/* Ends the process group pgid: SIGTERM (and SIGCONT, so a stopped process
   gets it) at once, SIGKILL to whatever is left after the grace period.
   Takes over fd_out and fd_err (the read ends of the module's pipes, -1 for
   none) and reads them empty until the group is gone, so that a cleanup
   trap that still prints is not killed by SIGPIPE; fd_hold (a slot lock,
   or -1) is closed then too. Returns at once; the
   rest happens in the ioloop. */
void xexec_kill_group(pid_t pgid, int fd_out, int fd_err, int fd_hold);

/* The process is ending: waits (up to the grace period) for the groups
   still being ended, then SIGKILLs what is left. */
void xexec_kill_deinit(void);

#endif
