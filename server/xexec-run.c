/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Runs a module without blocking the imap process: output arrives through
   non-blocking pipes in the ioloop and the exit through child-wait.
   lib-program-client is not used because it signals only the child's own
   pid (a shell module's children would survive a timeout) and reports no
   exit status. */

#include "lib.h"
#include "buffer.h"
#include "ioloop.h"
#include "fd-util.h"
#include "child-wait.h"
#include "xexec-kill.h"
#include "xexec-stdin.h"
#include "xexec-spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define XEXEC_READ_CHUNK (64 * 1024)
/* Only the last stderr line is used, so keep a bounded tail of it. */
#define XEXEC_ERROR_TAIL_MAX (16 * 1024)
#define XEXEC_ERROR_TAIL_KEEP (4 * 1024)

struct xexec_pipe {
	int fd;
	struct io *io;
	buffer_t *data;
};

struct xexec_run {
	pid_t pid;
	struct child_wait *child_wait;
	struct xexec_pipe out, err;
	struct xexec_stdin in;
	/* Given by the caller; released when the run and its group end. */
	int hold_fd;
	struct timeout *to;
	/* The output limit bounds the reply: stdout counts as the bytes each
	   line adds to it (line_cost), stderr as its bytes. */
	uoff_t output_limit, err_total, lines_cost;
	/* out.data up to here is complete lines, already in lines_cost */
	size_t out_scanned;
	size_t (*line_cost)(const unsigned char *line, size_t size);

	xexec_run_callback_t *callback;
	void *context;
	struct xexec_run_result result;

	bool exited:1;
	bool finished:1;
	bool killed:1;
	bool counted:1;
};

/* Runs between start and free, for xexec_max_per_process. */
static unsigned int xexec_runs_alive = 0;

unsigned int xexec_run_count(void)
{
	return xexec_runs_alive;
}

static void xexec_run_kill_group(struct xexec_run *run)
{
	/* The module leads its own process group, so this reaches every
	   child it started. Once only: a second SIGTERM could cut short
	   the cleanup trap the first one started. */
	if (run->killed)
		return;
	run->killed = TRUE;
	/* The pipes and the held fd go with it (see xexec_kill_group()). */
	io_remove(&run->out.io);
	io_remove(&run->err.io);
	xexec_stdin_close(&run->in);
	xexec_kill_group(run->pid, run->out.fd, run->err.fd, run->hold_fd);
	run->out.fd = run->err.fd = run->hold_fd = -1;
}

static void xexec_pipe_close(struct xexec_pipe *pipe)
{
	io_remove(&pipe->io);
	i_close_fd(&pipe->fd);
}

static void
xexec_run_finish(struct xexec_run *run, enum xexec_run_status status)
{
	if (run->finished)
		return;
	run->finished = TRUE;

	if (!run->exited || status != XEXEC_RUN_EXITED)
		xexec_run_kill_group(run);
	timeout_remove(&run->to);
	xexec_pipe_close(&run->out);
	xexec_pipe_close(&run->err);
	xexec_stdin_close(&run->in);

	run->result.status = status;
	run->result.output = run->out.data;
	run->result.error_tail = run->err.data;
	/* last: the callback may free the run */
	run->callback(&run->result, run->context);
}

static size_t xexec_raw_line_cost(const unsigned char *line ATTR_UNUSED,
				  size_t size)
{
	return size + 1;
}

/* Adds the lines that are complete now (all of them at the end, when the
   last one needs no LF) and returns what the output counts so far; an
   unfinished line counts its bytes until it is complete. */
static uoff_t xexec_run_output_size(struct xexec_run *run, bool end)
{
	const unsigned char *data = run->out.data->data, *lf;
	size_t used = run->out.data->used;

	while (run->out_scanned < used) {
		lf = memchr(data + run->out_scanned, '\n',
			    used - run->out_scanned);
		if (lf == NULL && !end)
			break;
		if (lf == NULL)
			lf = data + used;
		run->lines_cost += run->line_cost(data + run->out_scanned,
						  lf - (data + run->out_scanned));
		run->out_scanned = lf - data + (lf < data + used ? 1 : 0);
	}
	return run->err_total + run->lines_cost + (used - run->out_scanned);
}

static void xexec_error_tail_trim(buffer_t *data)
{
	if (data->used <= XEXEC_ERROR_TAIL_MAX)
		return;
	buffer_delete(data, 0, data->used - XEXEC_ERROR_TAIL_KEEP);
}

/* Reads what is available. Returns 1 when more may come, 0 at EOF and -1
   when the output limit was passed. */
static int xexec_pipe_read(struct xexec_run *run, struct xexec_pipe *pipe)
{
	unsigned char chunk[XEXEC_READ_CHUNK];
	ssize_t ret;

	while (pipe->fd != -1) {
		ret = read(pipe->fd, chunk, sizeof(chunk));
		if (ret > 0) {
			buffer_append(pipe->data, chunk, ret);
			if (pipe == &run->err) {
				run->err_total += ret;
				xexec_error_tail_trim(pipe->data);
			}
			if (xexec_run_output_size(run, FALSE) >
			    run->output_limit)
				return -1;
			continue;
		}
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 && errno == EAGAIN)
			return 1;
		if (ret < 0)
			i_error("xexec: read() from module failed: %m");
		xexec_pipe_close(pipe);
		return 0;
	}
	return 0;
}

static void xexec_run_input(struct xexec_run *run, struct xexec_pipe *pipe)
{
	if (xexec_pipe_read(run, pipe) < 0)
		xexec_run_finish(run, XEXEC_RUN_OUTPUT_LIMIT);
}

static void xexec_run_stdout(struct xexec_run *run)
{
	xexec_run_input(run, &run->out);
}

static void xexec_run_stderr(struct xexec_run *run)
{
	xexec_run_input(run, &run->err);
}

static void xexec_run_timeout(struct xexec_run *run)
{
	xexec_run_finish(run, XEXEC_RUN_TIMEOUT);
}

static void
xexec_run_exited(const struct child_wait_status *status,
		 struct xexec_run *run)
{
	int wstatus = status->status;

	run->exited = TRUE;
	child_wait_free(&run->child_wait);

	/* Everything the module wrote before exiting is in the pipes now. */
	if (xexec_pipe_read(run, &run->out) < 0 ||
	    xexec_pipe_read(run, &run->err) < 0 ||
	    xexec_run_output_size(run, TRUE) > run->output_limit) {
		xexec_run_finish(run, XEXEC_RUN_OUTPUT_LIMIT);
		return;
	}
	/* Whatever the module left behind in its group must not outlive it
	   or keep our pipes open. */
	xexec_run_kill_group(run);
	if (WIFSIGNALED(wstatus)) {
		run->result.code = WTERMSIG(wstatus);
		xexec_run_finish(run, XEXEC_RUN_SIGNALED);
	} else {
		run->result.code = WEXITSTATUS(wstatus);
		xexec_run_finish(run, XEXEC_RUN_EXITED);
	}
}

static int xexec_pipe_open(struct xexec_pipe *pipe, int *write_fd_r)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fd_set_nonblock(fds[0], TRUE);
	pipe->fd = fds[0];
	*write_fd_r = fds[1];
	return 0;
}

struct xexec_run *
xexec_run_start(const struct xexec_run_settings *set,
		xexec_run_callback_t *callback, void *context,
		const char **error_r)
{
	struct xexec_run *run;
	struct xexec_child_fds fds = { .in = -1, .out = -1, .err = -1 };
	int ret;

	run = i_new(struct xexec_run, 1);
	run->out.fd = run->err.fd = run->in.fd = -1;
	run->hold_fd = set->hold_fd;
	run->pid = -1;
	run->output_limit = set->output_limit;
	run->line_cost = set->line_cost != NULL ? set->line_cost :
		xexec_raw_line_cost;
	run->callback = callback;
	run->context = context;

	if (xexec_pipe_open(&run->out, &fds.out) < 0 ||
	    xexec_pipe_open(&run->err, &fds.err) < 0 ||
	    (set->stdin_data != NULL &&
	     xexec_stdin_open(&run->in, &fds.in, set->stdin_data) < 0)) {
		*error_r = t_strdup_printf("pipe() failed: %m");
		i_close_fd(&fds.out);
		i_close_fd(&fds.err);
		xexec_run_free(&run);
		return NULL;
	}
	ret = xexec_spawn(set, &fds, &run->pid);
	i_close_fd(&fds.in);
	i_close_fd(&fds.out);
	i_close_fd(&fds.err);
	if (ret != 0) {
		*error_r = t_strdup_printf("Cannot run %s: %s", set->argv[0],
					   xexec_spawn_error(set->argv[0], ret));
		run->pid = -1;
		xexec_run_free(&run);
		return NULL;
	}

	run->out.data = buffer_create_dynamic(default_pool, 1024);
	run->err.data = buffer_create_dynamic(default_pool, 256);
	run->child_wait = child_wait_new_with_pid(run->pid, xexec_run_exited,
						  run);
	run->out.io = io_add(run->out.fd, IO_READ, xexec_run_stdout, run);
	run->err.io = io_add(run->err.fd, IO_READ, xexec_run_stderr, run);
	run->to = timeout_add(set->timeout_msecs, xexec_run_timeout, run);
	if (run->in.fd != -1)
		xexec_stdin_write(&run->in);
	run->counted = TRUE;
	xexec_runs_alive++;
	return run;
}

void xexec_run_free(struct xexec_run **_run)
{
	struct xexec_run *run = *_run;

	if (run == NULL)
		return;
	*_run = NULL;

	if (run->pid > 0 && !run->exited)
		xexec_run_kill_group(run);
	if (run->counted)
		xexec_runs_alive--;
	/* Without our wait the killed child is still reaped by child-wait's
	   waitpid(-1), so no zombie stays behind. */
	if (run->child_wait != NULL)
		child_wait_free(&run->child_wait);
	timeout_remove(&run->to);
	xexec_pipe_close(&run->out);
	xexec_pipe_close(&run->err);
	xexec_stdin_close(&run->in);
	i_close_fd(&run->hold_fd);
	buffer_free(&run->out.data);
	buffer_free(&run->err.data);
	i_free(run);
}

void xexec_run_init(void)
{
	child_wait_init();
}

void xexec_run_deinit(void)
{
	xexec_kill_deinit();
	child_wait_deinit();
}
