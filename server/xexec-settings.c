/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* The module table, whichever Dovecot it was configured for: module names,
   splitting a command into argv words, lookups. Reading the configuration
   is version-specific (xexec-settings-v23.c, xexec-settings-v24.c).

   Dovecot expands variables in a setting as a whole, so splitting the
   expanded string would let a user name with spaces add argv words. The
   readers therefore take the unexpanded command, which is split here first
   and expanded word by word. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "mail-user.h"
#include "xexec-settings.h"

#define XEXEC_MODULE_NAME_MAX_LEN 64

/* ASCII only, whatever the locale says. */
static bool xexec_is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

bool xexec_module_name_is_valid(const char *name)
{
	size_t i;

	if (!xexec_is_alnum(name[0]))
		return FALSE;
	for (i = 1; name[i] != '\0'; i++) {
		if (i >= XEXEC_MODULE_NAME_MAX_LEN)
			return FALSE;
		if (!xexec_is_alnum(name[i]) && name[i] != '-' && name[i] != '_')
			return FALSE;
	}
	return TRUE;
}

/* Splits at spaces and tabs, but not inside a variable: Dovecot 2.4 writes
   filters with spaces, %{user | domain}, and their arguments may be quoted
   strings. An unterminated %{ keeps the rest as one word, which the
   expansion then refuses. */
static const char *const *xexec_split_command(const char *command)
{
	ARRAY_TYPE(const_string) words;
	string_t *word = t_str_new(64);
	const char *p;
	unsigned int depth = 0;
	char quote = '\0';

	t_array_init(&words, 8);
	for (p = command;; p++) {
		if (*p == '\0' || (depth == 0 && (*p == ' ' || *p == '\t'))) {
			if (str_len(word) > 0) {
				array_push_back(&words, &(const char *){
					t_strdup(str_c(word)) });
				str_truncate(word, 0);
			}
			if (*p == '\0')
				break;
			continue;
		}
		str_append_c(word, *p);
		if (depth == 0) {
			/* %% is a literal %, so %%{ starts no variable */
			if (*p == '%' && (p[1] == '%' || p[1] == '{')) {
				if (p[1] == '{')
					depth = 1;
				str_append_c(word, *++p);
			}
		} else if (quote != '\0') {
			if (*p == '\\' && p[1] != '\0')
				str_append_c(word, *++p);
			else if (*p == quote)
				quote = '\0';
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}') {
			depth--;
		}
	}
	array_append_zero(&words);
	return array_front(&words);
}

int xexec_module_init(struct mail_user *user, const char *name,
		      const char *command, pool_t pool,
		      struct xexec_module *module_r, const char **error_r)
{
	ARRAY_TYPE(const_string) argv;
	const char *const *words, *expanded;

	i_zero(module_r);
	if (!xexec_module_name_is_valid(name)) {
		*error_r = "Invalid module name (letters, digits, - and _ only)";
		return -1;
	}
	module_r->name = p_strdup(pool, name);

	p_array_init(&argv, pool, 8);
	words = xexec_split_command(command);
	if (words[0] == NULL || words[0][0] != '/') {
		*error_r = "The program must be given with its absolute path";
		return -1;
	}
	for (; *words != NULL; words++) {
		if (xexec_settings_expand_word(user, *words, pool, &expanded,
					       error_r) < 0)
			return -1;
		array_push_back(&argv, &expanded);
	}
	array_append_zero(&argv);
	module_r->argv = array_front(&argv);
	return 0;
}

void xexec_settings_add(struct xexec_settings *set, const char *what,
			const struct xexec_module *module)
{
	if (xexec_settings_find(set, module->name) != NULL) {
		i_error("xexec: Ignoring %s: module %s is already defined",
			what, module->name);
		return;
	}
	array_push_back(&set->modules, module);
}

const struct xexec_module *
xexec_settings_find(const struct xexec_settings *set, const char *name)
{
	const struct xexec_module *module;

	array_foreach(&set->modules, module) {
		if (strcasecmp(module->name, name) == 0)
			return module;
	}
	return NULL;
}
