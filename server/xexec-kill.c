/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Ending a module's process group. SIGTERM first, so that a module's cleanup
   traps run (the reference modules remove their temp copies of the lists and
   of the passwd-file there); SIGKILL after a grace period to whatever ignored
   it. Meanwhile the module's pipes stay open and are read empty: a shell
   that prints anything then (dash reports a killed background job on
   stderr) would otherwise die of SIGPIPE in the middle of its trap.

   The group is watched from the ioloop. When the imap process ends (the
   client disconnected: one client per process by default) the rest of the
   grace period is waited out here, since the module gets SIGKILL from
   PR_SET_PDEATHSIG the moment the process is gone. */

#include "lib.h"
#include "llist.h"
#include "ioloop.h"
#include "sleep.h"
#include "time-util.h"
#include "xexec-kill.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* How often a group in its grace period is looked at. */
#define XEXEC_KILL_CHECK_MSECS 20

struct xexec_kill {
	struct xexec_kill *prev, *next;
	pid_t pgid;
	struct timeval deadline;
	struct timeout *to;
	/* the module's stdout and stderr, drained; a held fd, kept */
	int fds[3];
	struct io *ios[2];
};

static struct xexec_kill *xexec_kills = NULL;

#ifdef __linux__
/* TRUE when a process of the group still runs. kill(-pgid, 0) would also
   count zombies, and members whose parent died are reaped by init, which
   in a container may take its time (or never come). */
static bool xexec_group_exists(pid_t pgid)
{
	DIR *dir;
	struct dirent *d;
	char path[64], buf[512], *p, state;
	long pgrp;
	ssize_t len;
	int fd;
	bool found = FALSE;

	if ((dir = opendir("/proc")) == NULL)
		return kill(-pgid, 0) == 0 || errno != ESRCH;
	while (!found && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		if (i_snprintf(path, sizeof(path), "/proc/%s/stat",
			       d->d_name) < 0 ||
		    (fd = open(path, O_RDONLY)) < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		i_close_fd(&fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* "pid (comm) state ppid pgrp ...": comm may hold spaces
		   and parentheses, so look from the last ')' */
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %c %*d %ld", &state, &pgrp) != 2)
			continue;
		found = pgrp == pgid && state != 'Z' && state != 'X';
	}
	(void)closedir(dir);
	return found;
}
#else
static bool xexec_group_exists(pid_t pgid)
{
	/* EPERM means a member exists that we may not signal. */
	return kill(-pgid, 0) == 0 || errno != ESRCH;
}
#endif

static void xexec_group_sigkill(pid_t pgid)
{
	if (kill(-pgid, SIGKILL) < 0 && errno != ESRCH)
		i_error("xexec: kill(-%ld, SIGKILL) failed: %m", (long)pgid);
}

/* Reads and drops what is in the pipe; closes it at EOF. */
static void xexec_kill_drain(struct xexec_kill *k, unsigned int i)
{
	unsigned char buf[4096];
	ssize_t ret;

	if (k->fds[i] == -1)
		return;
	do {
		ret = read(k->fds[i], buf, sizeof(buf));
	} while (ret > 0 || (ret < 0 && errno == EINTR));
	if (ret < 0 && errno == EAGAIN)
		return;
	io_remove(&k->ios[i]);
	i_close_fd(&k->fds[i]);
}

static void xexec_kill_drain_out(struct xexec_kill *k)
{
	xexec_kill_drain(k, 0);
}

static void xexec_kill_drain_err(struct xexec_kill *k)
{
	xexec_kill_drain(k, 1);
}

static void xexec_kill_free(struct xexec_kill *k)
{
	unsigned int i;

	DLLIST_REMOVE(&xexec_kills, k);
	timeout_remove(&k->to);
	for (i = 0; i < N_ELEMENTS(k->ios); i++)
		io_remove(&k->ios[i]);
	for (i = 0; i < N_ELEMENTS(k->fds); i++)
		i_close_fd(&k->fds[i]);
	i_free(k);
}

/* Returns TRUE (and frees k) when the group is done with. */
static bool xexec_kill_check_at(struct xexec_kill *k,
				const struct timeval *now)
{
	if (!xexec_group_exists(k->pgid)) {
		xexec_kill_free(k);
		return TRUE;
	}
	if (timeval_cmp(now, &k->deadline) >= 0) {
		xexec_group_sigkill(k->pgid);
		xexec_kill_free(k);
		return TRUE;
	}
	return FALSE;
}

static void xexec_kill_check(struct xexec_kill *k)
{
	(void)xexec_kill_check_at(k, &ioloop_timeval);
}

void xexec_kill_group(pid_t pgid, int fd_out, int fd_err, int fd_hold)
{
	struct xexec_kill *k;

	i_assert(pgid > 1);
	k = i_new(struct xexec_kill, 1);
	k->pgid = pgid;
	k->fds[0] = fd_out;
	k->fds[1] = fd_err;
	k->fds[2] = fd_hold;
	DLLIST_PREPEND(&xexec_kills, k);
	if (kill(-pgid, SIGTERM) < 0) {
		if (errno != ESRCH)
			i_error("xexec: kill(-%ld, SIGTERM) failed: %m",
				(long)pgid);
		xexec_kill_free(k);
		return;
	}
	(void)kill(-pgid, SIGCONT);

	io_loop_time_refresh();
	k->deadline = ioloop_timeval;
	timeval_add_msecs(&k->deadline, XEXEC_KILL_GRACE_MSECS);
	k->to = timeout_add_short(XEXEC_KILL_CHECK_MSECS,
				  xexec_kill_check, k);
	if (k->fds[0] != -1)
		k->ios[0] = io_add(k->fds[0], IO_READ, xexec_kill_drain_out, k);
	if (k->fds[1] != -1)
		k->ios[1] = io_add(k->fds[1], IO_READ, xexec_kill_drain_err, k);
}

void xexec_kill_deinit(void)
{
	struct xexec_kill *k, *next;
	struct timeval now;
	int status;

	while (xexec_kills != NULL) {
		i_gettimeofday(&now);
		for (k = xexec_kills; k != NULL; k = next) {
			next = k->next;
			xexec_kill_drain(k, 0);
			xexec_kill_drain(k, 1);
			/* Reap the leader (our child) here: the ioloop that
			   would do it runs no more. */
			(void)waitpid(k->pgid, &status, WNOHANG);
			(void)xexec_kill_check_at(k, &now);
		}
		if (xexec_kills != NULL)
			i_sleep_msecs(XEXEC_KILL_CHECK_MSECS);
	}
}
