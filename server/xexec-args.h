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

#endif
