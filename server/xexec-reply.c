/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Formatting of module output for the wire. The data line must survive
   Thunderbird's response reader, which collapses runs of spaces, trims edge
   spaces and may mistake "{n}" for a literal: such lines go encoded. */

#include "lib.h"
#include "str.h"
#include "buffer.h"
#include "base64.h"
#include "unichar.h"
#include "xexec-reply.h"

#include <ctype.h>

#define XEXEC_MESSAGE_MAX_BYTES 400

static bool xexec_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool xexec_line_is_plain(const unsigned char *line, size_t size)
{
	size_t i;

	if (size > 0 && (line[0] == ' ' || line[size - 1] == ' '))
		return FALSE;
	for (i = 0; i < size; i++) {
		if (xexec_is_control(line[i]) || line[i] == '{')
			return FALSE;
		if (line[i] == ' ' && i + 1 < size && line[i + 1] == ' ')
			return FALSE;
	}
	return uni_utf8_data_is_valid(line, size);
}

/* TRUE when the text ends in "{<digits>}" or "{<digits>+}": a client that
   looks for a literal at the end of every untagged line (Python's imaplib
   does, also for "* OK") would swallow that many bytes of what follows. */
static bool xexec_ends_like_literal(const unsigned char *text, size_t size)
{
	size_t i;

	if (size < 3 || text[size - 1] != '}')
		return FALSE;
	i = size - 1;
	if (text[i - 1] == '+')
		i--;
	if (i == 0 || !i_isdigit(text[i - 1]))
		return FALSE;
	while (i > 0 && i_isdigit(text[i - 1]))
		i--;
	return i > 0 && text[i - 1] == '{';
}

void xexec_reply_append_human(string_t *dest, const unsigned char *line,
			      size_t size)
{
	size_t i, start;

	str_append(dest, "* OK ");
	start = str_len(dest);
	if (size > 0 && line[0] == '[')
		str_append_c(dest, '.');
	for (i = 0; i < size; i++)
		str_append_c(dest, xexec_is_control(line[i]) ? '?' : line[i]);
	if (xexec_ends_like_literal(str_data(dest) + start,
				    str_len(dest) - start))
		str_append_c(dest, '.');
}

void xexec_reply_append_item(string_t *dest, const unsigned char *line,
			     size_t size)
{
	size_t i;

	if (!xexec_line_is_plain(line, size)) {
		str_append_c(dest, '~');
		base64url_encode(BASE64_ENCODE_FLAG_NO_PADDING, SIZE_MAX,
				 line, size, dest);
		return;
	}
	str_append_c(dest, '"');
	for (i = 0; i < size; i++) {
		if (line[i] == '"' || line[i] == '\\')
			str_append_c(dest, '\\');
		str_append_c(dest, line[i]);
	}
	str_append_c(dest, '"');
}

size_t xexec_reply_line_cost(const unsigned char *line, size_t size)
{
	size_t human, item, i;

	/* "* OK " [.] text [.] CRLF */
	human = 5 + size + 2;
	if (size > 0 && line[0] == '[')
		human++;
	if (xexec_ends_like_literal(line, size))
		human++;
	if (xexec_line_is_plain(line, size)) {
		item = 2 + size;
		for (i = 0; i < size; i++) {
			if (line[i] == '"' || line[i] == '\\')
				item++;
		}
	} else {
		/* "~" and unpadded base64url */
		item = 1 + (size / 3) * 4 + (size % 3 == 0 ? 0 : size % 3 + 1);
	}
	/* and the space between items */
	return human + item + 1;
}

const char *xexec_reply_message(const unsigned char *data, size_t size)
{
	while (size > 0 && (data[0] == ' ' || data[0] == '\t')) {
		data++;
		size--;
	}
	while (size > 0 && (data[size - 1] == ' ' || data[size - 1] == '\t' ||
			    data[size - 1] == '\r'))
		size--;
	return xexec_reply_sanitize(data, size);
}

const char *xexec_reply_sanitize(const unsigned char *data, size_t size)
{
	string_t *str;
	size_t i;

	/* Cut at a character boundary; no "..." is added, since Dovecot's
	   timing suffix would eat one of its dots anyway. */
	if (size > XEXEC_MESSAGE_MAX_BYTES)
		size = uni_utf8_data_truncate(data, size,
					      XEXEC_MESSAGE_MAX_BYTES);
	str = t_str_new(size + 1);
	for (i = 0; i < size; i++)
		str_append_c(str, xexec_is_control(data[i]) ? '?' : data[i]);
	return str_c(str);
}

void xexec_reply_foreach_line(const buffer_t *data,
			      void (*callback)(const unsigned char *line,
					       size_t size, void *context),
			      void *context)
{
	const unsigned char *p = data->data, *end = p + data->used, *lf;

	while (p < end) {
		lf = memchr(p, '\n', end - p);
		if (lf == NULL) {
			callback(p, end - p, context);
			break;
		}
		callback(p, lf - p, context);
		p = lf + 1;
	}
}

static bool xexec_is_blank(const unsigned char *line, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return FALSE;
	}
	return TRUE;
}

bool xexec_reply_last_nonempty_line(const buffer_t *data,
				    const unsigned char **line_r,
				    size_t *size_r)
{
	const unsigned char *start = data->data, *end = start + data->used;
	const unsigned char *line_end = end, *p;

	while (line_end > start) {
		p = line_end;
		while (p > start && p[-1] != '\n')
			p--;
		if (!xexec_is_blank(p, line_end - p)) {
			*line_r = p;
			*size_r = line_end - p;
			return TRUE;
		}
		/* skip the LF before this line */
		line_end = p > start ? p - 1 : start;
	}
	return FALSE;
}
