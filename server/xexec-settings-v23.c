/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Dovecot 2.3: the module table and limits come from plugin {}:

     xexec = blacklist:/usr/lib/dovecot/xexec/blacklist.sh %u
     xexec2 = whitelist:...
     xexec_timeout = 30s
     xexec_output_limit = 8M
     xexec_args_in_env = changepassword
     xexec_args_on_stdin = changepassword
     xexec_max_per_user = 2
     xexec_max_per_process = 8
     xexec_cpu_limit = 30s

   Dovecot has already %-expanded every plugin {} value when a plugin asks
   for it, so the commands are read from the unexpanded settings. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "var-expand.h"
#include "settings-parser.h"
#include "mail-user.h"
#include "mail-storage-settings.h"
#include "xexec-settings.h"

static const char *
xexec_unexpanded_getenv(struct mail_user *user, const char *name)
{
	const struct mail_user_settings *set = user->unexpanded_set;
	const char *const *envs;
	unsigned int i, count;

	if (!array_is_created(&set->plugin_envs))
		return NULL;
	envs = array_get(&set->plugin_envs, &count);
	for (i = 0; i + 1 < count; i += 2) {
		if (strcmp(envs[i], name) == 0)
			return envs[i + 1];
	}
	return NULL;
}

/* Setting names in the order Dovecot plugins conventionally use:
   xexec, xexec2, xexec3, ... up to the first one that is missing. */
static const char *xexec_setting_name(unsigned int idx)
{
	return idx == 1 ? "xexec" : t_strdup_printf("xexec%u", idx);
}

bool xexec_settings_configured(struct mail_user *user)
{
	const char *value = xexec_unexpanded_getenv(user, "xexec");

	return value != NULL && value[0] != '\0';
}

int xexec_settings_expand_word(struct mail_user *user, const char *word,
			       pool_t pool, const char **result_r,
			       const char **error_r)
{
	string_t *str = t_str_new(128);

	if (var_expand_with_funcs(str, word, mail_user_var_expand_table(user),
				  mail_user_var_expand_func_table, user,
				  error_r) <= 0)
		return -1;
	*result_r = p_strdup(pool, str_c(str));
	return 0;
}

static int
xexec_module_parse(struct mail_user *user, const char *value, pool_t pool,
		   struct xexec_module *module_r, const char **error_r)
{
	const char *colon = strchr(value, ':');

	if (colon == NULL) {
		*error_r = "Expected <module>:<program> [<argument> ...]";
		return -1;
	}
	return xexec_module_init(user, t_strdup_until(value, colon), colon + 1,
				 pool, module_r, error_r);
}

/* A positive number; anything else is logged and the default used. */
static unsigned int
xexec_read_count(struct mail_user *user, const char *name, unsigned int def)
{
	const char *value = mail_user_plugin_getenv(user, name);
	unsigned int n;

	if (value == NULL)
		return def;
	if (str_to_uint(value, &n) < 0 || n == 0) {
		i_error("xexec: Invalid %s '%s', using %u", name, value, def);
		return def;
	}
	return n;
}

static void
xexec_read_limits(struct mail_user *user, struct xexec_settings *set)
{
	const char *value, *error;
	uoff_t bytes;

	set->timeout_msecs = XEXEC_DEFAULT_TIMEOUT_MSECS;
	value = mail_user_plugin_getenv(user, "xexec_timeout");
	if (value != NULL &&
	    (settings_get_time_msecs(value, &set->timeout_msecs, &error) < 0 ||
	     set->timeout_msecs == 0)) {
		i_error("xexec: Invalid xexec_timeout '%s', using %us",
			value, XEXEC_DEFAULT_TIMEOUT_MSECS / 1000);
		set->timeout_msecs = XEXEC_DEFAULT_TIMEOUT_MSECS;
	}

	set->output_limit = XEXEC_DEFAULT_OUTPUT_LIMIT;
	value = mail_user_plugin_getenv(user, "xexec_output_limit");
	if (value != NULL) {
		if (settings_get_size(value, &bytes, &error) < 0 || bytes == 0) {
			i_error("xexec: Invalid xexec_output_limit '%s', "
				"using %u bytes", value,
				XEXEC_DEFAULT_OUTPUT_LIMIT);
		} else {
			set->output_limit = bytes;
		}
	}

	set->max_per_user = xexec_read_count(user, "xexec_max_per_user",
					     XEXEC_DEFAULT_MAX_PER_USER);
	set->max_per_process = xexec_read_count(user, "xexec_max_per_process",
						XEXEC_DEFAULT_MAX_PER_PROCESS);
	set->cpu_limit_secs = XEXEC_DEFAULT_CPU_LIMIT_SECS;
	value = mail_user_plugin_getenv(user, "xexec_cpu_limit");
	if (value != NULL &&
	    (settings_get_time(value, &set->cpu_limit_secs, &error) < 0 ||
	     set->cpu_limit_secs == 0)) {
		i_error("xexec: Invalid xexec_cpu_limit '%s', using %us",
			value, XEXEC_DEFAULT_CPU_LIMIT_SECS);
		set->cpu_limit_secs = XEXEC_DEFAULT_CPU_LIMIT_SECS;
	}
}

/* A list of module names (xexec_args_in_env, xexec_args_on_stdin) that
   turns a flag on for each. */
static void
xexec_read_module_list(struct mail_user *user, struct xexec_settings *set,
		       const char *setting, bool on_stdin)
{
	const char *value, *const *names;
	struct xexec_module *module;
	bool found;

	value = mail_user_plugin_getenv(user, setting);
	if (value == NULL)
		return;
	for (names = t_strsplit_spaces(value, " \t,"); *names != NULL; names++) {
		found = FALSE;
		array_foreach_modifiable(&set->modules, module) {
			if (strcasecmp(module->name, *names) == 0) {
				if (on_stdin)
					module->args_on_stdin = TRUE;
				else
					module->args_in_env = TRUE;
				found = TRUE;
			}
		}
		if (!found) {
			i_error("xexec: %s names unknown module %s",
				setting, *names);
		}
	}
}

const struct xexec_settings *
xexec_settings_read(struct mail_user *user, pool_t pool)
{
	struct xexec_settings *set;
	struct xexec_module module;
	const char *name, *value, *error;
	unsigned int idx;

	set = p_new(pool, struct xexec_settings, 1);
	p_array_init(&set->modules, pool, 8);
	xexec_read_limits(user, set);

	for (idx = 1;; idx++) {
		name = xexec_setting_name(idx);
		value = xexec_unexpanded_getenv(user, name);
		if (value == NULL || value[0] == '\0')
			break;
		if (xexec_module_parse(user, value, pool, &module,
				       &error) < 0) {
			i_error("xexec: Ignoring %s = %s: %s",
				name, value, error);
			continue;
		}
		xexec_settings_add(set, name, &module);
	}
	xexec_read_module_list(user, set, "xexec_args_in_env", FALSE);
	xexec_read_module_list(user, set, "xexec_args_on_stdin", TRUE);
	return set;
}
