/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_RUN_H
#define XEXEC_RUN_H

enum xexec_run_status {
	/* The program exited; code is its exit status (0 = success). */
	XEXEC_RUN_EXITED,
	/* The program was killed by a signal it did not get from us. */
	XEXEC_RUN_SIGNALED,
	/* The run-time limit passed; the process group was killed. */
	XEXEC_RUN_TIMEOUT,
	/* The output counted more than the limit; the group was killed. */
	XEXEC_RUN_OUTPUT_LIMIT,
};

struct xexec_run_result {
	enum xexec_run_status status;
	/* Exit status or signal number. */
	int code;
	/* Everything written to stdout (complete unless the limit hit). */
	const buffer_t *output;
	/* The end of what was written to stderr. */
	const buffer_t *error_tail;
};

struct xexec_run_settings {
	const char *const *argv;
	const char *const *env;
	const char *cwd;
	unsigned int timeout_msecs;
	/* What stdout and stderr together may count: stderr its bytes, each
	   stdout line line_cost() (NULL: its bytes and the LF). */
	uoff_t output_limit;
	size_t (*line_cost)(const unsigned char *line, size_t size);
	/* Written to the module's stdin, which is then closed (NULL: stdin is
	   /dev/null). Copied; the copy is wiped when done. */
	const buffer_t *stdin_data;
	/* RLIMIT_CPU of the module and everything it starts (0: none). */
	unsigned int cpu_limit_secs;
	/* An fd the run takes over and closes when the module's group is
	   gone (a slot lock), or -1. */
	int hold_fd;
};

typedef void xexec_run_callback_t(const struct xexec_run_result *result,
				  void *context);

/* Starts argv[0] without a shell in a process group of its own, stdin from
   stdin_data or /dev/null and no other inherited descriptors. The callback runs once, from
   the ioloop, when the program is done; it may free the run. Returns NULL and
   a reason for the server log when the program cannot be started. */
struct xexec_run *
xexec_run_start(const struct xexec_run_settings *set,
		xexec_run_callback_t *callback, void *context,
		const char **error_r);

/* Kills whatever still runs in the process group and frees everything. The
   callback is not called. */
void xexec_run_free(struct xexec_run **run);

/* How many runs this process has between start and free. */
unsigned int xexec_run_count(void);

void xexec_run_init(void);
void xexec_run_deinit(void);

#endif
