/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_REPLY_H
#define XEXEC_REPLY_H

/* Reply lines per docs/PROTOCOL.md section 4. */

/* Appends "* OK <text>" for one output line: control bytes become '?', a
   leading '[' is dot-stuffed so it never reads as a response code, and a
   '.' is appended to a line that ends in "{<digits>}" or "{<digits>+}" so it
   never reads as a literal. */
void xexec_reply_append_human(string_t *dest, const unsigned char *line,
			      size_t size);

/* Appends one data-line item: a quoted string for a plain line, otherwise
   "~" + base64url without padding. */
void xexec_reply_append_item(string_t *dest, const unsigned char *line,
			     size_t size);

/* The bytes one output line (without its LF) adds to the reply: its human
   line with CRLF and its data-line item with one separating space. */
size_t xexec_reply_line_cost(const unsigned char *line, size_t size);

/* Makes a module's message safe as the text of a tagged reply: trimmed,
   then as xexec_reply_sanitize(). */
const char *xexec_reply_message(const unsigned char *data, size_t size);
/* Control bytes (0x00-0x1F, 0x7F) become '?', cut to 400 bytes at a UTF-8
   boundary. */
const char *xexec_reply_sanitize(const unsigned char *data, size_t size);

/* Calls callback for every LF-separated line of data (a final line without
   LF included; empty data has no lines). */
void xexec_reply_foreach_line(const buffer_t *data,
			      void (*callback)(const unsigned char *line,
					       size_t size, void *context),
			      void *context);

/* The last line with something other than white space in it, or NULL. */
bool xexec_reply_last_nonempty_line(const buffer_t *data,
				    const unsigned char **line_r,
				    size_t *size_r);

#endif
