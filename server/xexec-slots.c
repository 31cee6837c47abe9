/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* The per-user cap on modules running at once (xexec_max_per_user). A
   counter in the imap process would only count one session; the slots are
   files in the user's home, one per allowed module, held with flock() for
   as long as the module's process group lives. */

#include "lib.h"
#include "mail-user.h"
#include "xexec-slots.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define XEXEC_SLOTS_DIR ".xexec-slots"

int xexec_slot_take(struct mail_user *user, unsigned int max_per_user,
		    int *fd_r)
{
	const char *home, *dir, *path;
	unsigned int i;
	int fd;

	if (mail_user_get_home(user, &home) <= 0)
		return -1;
	dir = t_strconcat(home, "/" XEXEC_SLOTS_DIR, NULL);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		e_error(user->event, "xexec: mkdir(%s) failed: %m "
			"(running modules are not counted per user)", dir);
		return -1;
	}
	for (i = 0; i < max_per_user; i++) {
		path = t_strdup_printf("%s/%u", dir, i);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0) {
			e_error(user->event, "xexec: open(%s) failed: %m "
				"(running modules are not counted per user)",
				path);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*fd_r = fd;
			return 1;
		}
		if (errno != EWOULDBLOCK) {
			e_error(user->event, "xexec: flock(%s) failed: %m "
				"(running modules are not counted per user)",
				path);
			i_close_fd(&fd);
			return -1;
		}
		i_close_fd(&fd);
	}
	return 0;
}
