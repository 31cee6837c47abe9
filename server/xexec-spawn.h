/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_SPAWN_H
#define XEXEC_SPAWN_H

#include "xexec-run.h"

/* The pipe ends the child gets as 0, 1 and 2 (in -1: /dev/null). */
struct xexec_child_fds {
	int in, out, err;
};

/* fork() and exec of set->argv[0] in a process group of its own, with the
   signal defaults, RLIMIT_CPU, PR_SET_PDEATHSIG, only fds 0-2 and the cwd
   of set. Returns 0 with the pid, or the errno of the step that failed. */
int xexec_spawn(const struct xexec_run_settings *set,
		const struct xexec_child_fds *fds, pid_t *pid_r);

/* "No such file or directory (ENOENT)" for the log, and what ENOENT means
   when the program itself is there. */
const char *xexec_spawn_error(const char *path, int error);

#endif
