/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Client arguments: IMAP astrings, plus "~" + base64url in an atom for the
   values Thunderbird's custom-command path cannot carry. Only atoms are
   decoded, so "~x" sent quoted stays the two bytes ~x. */

#include "lib.h"
#include "array.h"
#include "buffer.h"
#include "str.h"
#include "base64.h"
#include "imap-arg.h"
#include "xexec-args.h"

#define XEXEC_ENCODED_PREFIX '~'

/* Dovecot's decoder is lenient about stray bits and padding placement; the
   protocol promises that malformed input is refused, so check the shape. */
static unsigned int xexec_base64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : 63;
}

static bool xexec_base64url_shape_is_valid(const char *data)
{
	size_t len = strlen(data), chars = 0, padding = 0, i;
	unsigned int last;

	for (i = 0; i < len; i++) {
		if (data[i] == '=') {
			padding++;
			continue;
		}
		if (padding > 0 || !base64url_is_valid_char(data[i]))
			return FALSE;
		chars++;
	}
	if (chars % 4 == 1 || padding > 2)
		return FALSE;
	if (padding > 0 && len % 4 != 0)
		return FALSE;
	if (chars % 4 == 0)
		return TRUE;
	/* Canonical only: the bits after the last whole byte must be zero,
	   so every value has exactly one encoded form. */
	last = xexec_base64url_value(data[chars - 1]);
	return (last & (chars % 4 == 2 ? 0x0f : 0x03)) == 0;
}

static bool
xexec_arg_decode(const struct imap_arg *arg, unsigned int index, pool_t pool,
		 const char **value_r, const char **error_r)
{
	const char *str;
	buffer_t *decoded;

	if (arg->type == IMAP_ARG_LIST) {
		*error_r = t_strdup_printf("Argument %u is a list, expected "
					   "a string", index);
		return FALSE;
	}
	if (!imap_arg_get_astring(arg, &str)) {
		*error_r = t_strdup_printf("Argument %u is not a string",
					   index);
		return FALSE;
	}
	/* A literal may carry NUL; its length then exceeds the C string. */
	if (strlen(str) != arg->str_len) {
		*error_r = t_strdup_printf("Argument %u contains NUL", index);
		return FALSE;
	}
	if (arg->type != IMAP_ARG_ATOM || str[0] != XEXEC_ENCODED_PREFIX) {
		*value_r = p_strdup(pool, str);
		return TRUE;
	}

	str++;
	decoded = t_buffer_create(strlen(str) * 3 / 4 + 1);
	if (!xexec_base64url_shape_is_valid(str) ||
	    base64url_decode(BASE64_DECODE_FLAG_NO_WHITESPACE |
			     BASE64_DECODE_FLAG_IGNORE_PADDING,
			     str, strlen(str), decoded) < 0) {
		*error_r = t_strdup_printf("Argument %u is not valid "
					   "base64url", index);
		return FALSE;
	}
	if (memchr(decoded->data, '\0', decoded->used) != NULL) {
		*error_r = t_strdup_printf("Argument %u contains NUL", index);
		return FALSE;
	}
	*value_r = p_strndup(pool, decoded->data, decoded->used);
	return TRUE;
}

bool xexec_args_decode(const struct imap_arg *args, unsigned int first_index,
		       pool_t pool, ARRAY_TYPE(const_string) *argv,
		       const char **error_r)
{
	const char *value;
	unsigned int i;

	for (i = 0; !IMAP_ARG_IS_EOL(&args[i]); i++) {
		if (!xexec_arg_decode(&args[i], first_index + i, pool,
				      &value, error_r))
			return FALSE;
		array_push_back(argv, &value);
	}
	return TRUE;
}

bool xexec_args_fit_lines(const ARRAY_TYPE(const_string) *args,
			  const char *module_name, const char **error_r)
{
	const char *const *arg;
	unsigned int n = 0;

	array_foreach(args, arg) {
		n++;
		if (strpbrk(*arg, "\r\n") != NULL) {
			*error_r = t_strdup_printf("Argument %u contains a "
				"line break, which module %s cannot take",
				n, module_name);
			return FALSE;
		}
	}
	return TRUE;
}

const buffer_t *xexec_args_stdin_data(const ARRAY_TYPE(const_string) *args)
{
	string_t *str = t_str_new(128);
	const char *const *arg;

	str_printfa(str, "%u\n", array_count(args));
	array_foreach(args, arg) {
		str_append(str, *arg);
		str_append_c(str, '\n');
	}
	return str;
}
