/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_ARGS_H
#define XEXEC_ARGS_H

struct imap_arg;

/* Decodes the client's arguments that follow the module name into argv
   words (allocated from pool) per docs/PROTOCOL.md section 3. first_index is
   the position of args[0] in the command, used in error messages. Returns
   FALSE with a sentence for the client when an argument is refused. */
bool xexec_args_decode(const struct imap_arg *args, unsigned int first_index,
		       pool_t pool, ARRAY_TYPE(const_string) *argv,
		       const char **error_r);

/* For a module with xexec_args_on_stdin every argument is one line: FALSE
   with a sentence for the client when one contains CR or LF. */
bool xexec_args_fit_lines(const ARRAY_TYPE(const_string) *args,
			  const char *module_name, const char **error_r);

/* The stdin format of xexec_args_on_stdin: the count, then one argument a
   line, each line ending in LF (docs/PROTOCOL.md section 5). Allocated
   from the data stack. */
const buffer_t *xexec_args_stdin_data(const ARRAY_TYPE(const_string) *args);

#endif
