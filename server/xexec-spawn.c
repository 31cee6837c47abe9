/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Starting a module: fork() and exec with a close-on-exec status pipe, so
   that the imap process knows whether exec worked before it answers. */

#include "lib.h"
#include "fd-util.h"
#include "xexec-spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef __linux__
#  include <sys/prctl.h>
#endif
#include <unistd.h>

/* In the child, between fork() and exec: only async-signal-safe calls.
   error is the errno of the step that failed, taken right after it. */
static void ATTR_NORETURN
xexec_child_fail(int status_fd, int error)
{
	if (error == 0)
		error = EINVAL;
	if (write(status_fd, &error, sizeof(error)) < 0) {
		/* nothing left to tell it with */
	}
	_exit(127);
}

static void ATTR_NORETURN
xexec_child(const struct xexec_run_settings *set, pid_t parent,
	    const struct xexec_child_fds *fds, int status_fd)
{
	struct rlimit rl;
	sigset_t none;
	int sig, fd_in;

	/* Its own process group, so that it can be killed whole. */
	if (setpgid(0, 0) < 0)
		xexec_child_fail(status_fd, errno);
#ifdef __linux__
	/* If the imap process is killed outright (no chance to kill the
	   group), the module must not run on unsupervised. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		xexec_child_fail(status_fd, errno);
	if (getppid() != parent) {
		/* The imap process died before the line above: nobody is
		   left to run for or to tell. */
		_exit(127);
	}
#endif
	/* Dovecot ignores SIGPIPE and blocks others; a module starts with
	   the defaults. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);

	if (set->cpu_limit_secs > 0) {
		/* SIGXCPU at the limit, SIGKILL a second later */
		rl.rlim_cur = set->cpu_limit_secs;
		rl.rlim_max = (rlim_t)set->cpu_limit_secs + 1;
		if (setrlimit(RLIMIT_CPU, &rl) < 0)
			xexec_child_fail(status_fd, errno);
	}

	fd_in = fds->in != -1 ? fds->in : open("/dev/null", O_RDONLY);
	if (fd_in < 0 || dup2(fd_in, STDIN_FILENO) < 0 ||
	    dup2(fds->out, STDOUT_FILENO) < 0 ||
	    dup2(fds->err, STDERR_FILENO) < 0)
		xexec_child_fail(status_fd, errno);
	/* Keep only 0-2 and the close-on-exec status pipe. */
	if (status_fd != STDERR_FILENO + 1) {
		if (dup2(status_fd, STDERR_FILENO + 1) < 0)
			xexec_child_fail(status_fd, errno);
		status_fd = STDERR_FILENO + 1;
		(void)fcntl(status_fd, F_SETFD, FD_CLOEXEC);
	}
	closefrom(status_fd + 1);
	if (chdir(set->cwd) < 0 && chdir("/") < 0)
		xexec_child_fail(status_fd, errno);
	execve(set->argv[0], (char *const *)set->argv,
	       (char *const *)set->env);
	xexec_child_fail(status_fd, errno);
}

/* fork() and exec with a close-on-exec status pipe: the parent learns
   whether exec worked before it answers, also under valgrind, where
   posix_spawn()'s shared-memory error report does not work. Returns 0 or
   the errno of the failed step. */
int xexec_spawn(const struct xexec_run_settings *set,
		const struct xexec_child_fds *fds, pid_t *pid_r)
{
	int status[2], error = 0;
	ssize_t ret;
	pid_t pid, parent = getpid();

	if (pipe2(status, O_CLOEXEC) < 0)
		return errno;
	pid = fork();
	if (pid < 0) {
		error = errno;
		i_close_fd(&status[0]);
		i_close_fd(&status[1]);
		return error;
	}
	if (pid == 0) {
		close(status[0]);
		xexec_child(set, parent, fds, status[1]);
	}
	i_close_fd(&status[1]);
	do {
		ret = read(status[0], &error, sizeof(error));
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		/* Whether exec happened is unknown: do not let it run. */
		error = errno;
		(void)kill(pid, SIGKILL);
	} else if (ret > 0 && (ret != (ssize_t)sizeof(error) || error == 0)) {
		error = EIO;
	}
	i_close_fd(&status[0]);
	if (ret != 0) {
		/* The child exits at once; child-wait's waitpid(-1)
		   reaps it. */
		return error;
	}
	*pid_r = pid;
	return 0;
}

/* "No such file or directory (ENOENT)", and what ENOENT means when the
   program itself is there. */
const char *xexec_spawn_error(const char *path, int error)
{
	struct stat st;
	const char *name = NULL, *str;

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	name = strerrorname_np(error);
#endif
	str = t_strdup_printf("%s (%s)", strerror(error),
		name != NULL ? name : t_strdup_printf("errno %d", error));
	if (error == ENOENT && stat(path, &st) == 0) {
		str = t_strconcat(str, ": the file exists, so its #! "
				  "interpreter is missing", NULL);
	}
	return str;
}
