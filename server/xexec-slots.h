/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_SLOTS_H
#define XEXEC_SLOTS_H

struct mail_user;

/* Takes one of the user's max_per_user slots: a slot file in
   ~/.xexec-slots/ locked with flock(), so that all of the user's sessions
   (one imap process each by default) share the count and a crashed process
   frees its slot. Returns 1 with the locked fd (close-on-exec; closing it
   frees the slot), 0 when every slot is taken, -1 when the slots cannot be
   used (no home, a read-only home; logged): the caller then goes on
   without the per-user cap. */
int xexec_slot_take(struct mail_user *user, unsigned int max_per_user,
		    int *fd_r);

#endif
