/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Dovecot 2.4: the module table is a named list filter, like sieve_script:

     xexec_timeout = 30s
     xexec_output_limit = 8M
     xexec blacklist {
       command = /usr/lib/dovecot/xexec/blacklist.sh %{user}
     }
     xexec changepassword {
       command = /usr/lib/dovecot/xexec/changepassword.sh %{user}
       args_in_env = yes
     }

   xexec_command is a string Dovecot does not expand (see
   xexec-setting-info.c), so it arrives as written and is split before the
   words are expanded with the mail user's variables. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "var-expand.h"
#include "settings.h"
#include "settings-parser.h"
#include "mail-user.h"
#include "xexec-settings.h"
#include "xexec-setting-info.h"

static int
xexec_plugin_settings_get(struct mail_user *user,
			  const struct xexec_plugin_settings **set_r)
{
	const char *error;

	if (settings_get(user->event, &xexec_setting_parser_info, 0,
			 set_r, &error) < 0) {
		e_error(user->event, "xexec: %s", error);
		return -1;
	}
	return 0;
}

bool xexec_settings_configured(struct mail_user *user)
{
	const struct xexec_plugin_settings *set;
	bool configured;

	if (xexec_plugin_settings_get(user, &set) < 0)
		return FALSE;
	configured = array_is_created(&set->modules) &&
		array_count(&set->modules) > 0;
	settings_free(set);
	return configured;
}

int xexec_settings_expand_word(struct mail_user *user, const char *word,
			       pool_t pool, const char **result_r,
			       const char **error_r)
{
	string_t *str = t_str_new(128);

	if (var_expand(str, word, mail_user_var_expand_params(user),
		       error_r) < 0)
		return -1;
	*result_r = p_strdup(pool, str_c(str));
	return 0;
}

static void
xexec_read_limits(const struct xexec_plugin_settings *plugin_set,
		  struct xexec_settings *set)
{
	/* Dovecot has checked the syntax; 0 and "infinite"/"unlimited" would
	   disable a limit, which the module table does not allow. */
	set->timeout_msecs = plugin_set->timeout;
	if (set->timeout_msecs == 0 || set->timeout_msecs > INT_MAX) {
		i_error("xexec: Invalid xexec_timeout, using %us",
			XEXEC_DEFAULT_TIMEOUT_MSECS / 1000);
		set->timeout_msecs = XEXEC_DEFAULT_TIMEOUT_MSECS;
	}
	set->output_limit = plugin_set->output_limit;
	if (set->output_limit == 0 || set->output_limit == SET_SIZE_UNLIMITED) {
		i_error("xexec: Invalid xexec_output_limit, using %u bytes",
			XEXEC_DEFAULT_OUTPUT_LIMIT);
		set->output_limit = XEXEC_DEFAULT_OUTPUT_LIMIT;
	}
	/* 0 would refuse every command, or (CPU) leave it unlimited */
	set->max_per_user = plugin_set->max_per_user;
	set->max_per_process = plugin_set->max_per_process;
	set->cpu_limit_secs = plugin_set->cpu_limit;
	if (set->max_per_user == 0) {
		i_error("xexec: Invalid xexec_max_per_user 0, using %u",
			XEXEC_DEFAULT_MAX_PER_USER);
		set->max_per_user = XEXEC_DEFAULT_MAX_PER_USER;
	}
	if (set->max_per_process == 0) {
		i_error("xexec: Invalid xexec_max_per_process 0, using %u",
			XEXEC_DEFAULT_MAX_PER_PROCESS);
		set->max_per_process = XEXEC_DEFAULT_MAX_PER_PROCESS;
	}
	if (set->cpu_limit_secs == 0 || set->cpu_limit_secs == SET_TIME_INFINITE) {
		i_error("xexec: Invalid xexec_cpu_limit, using %us",
			XEXEC_DEFAULT_CPU_LIMIT_SECS);
		set->cpu_limit_secs = XEXEC_DEFAULT_CPU_LIMIT_SECS;
	}
}

static void
xexec_read_module(struct mail_user *user, const char *name,
		  struct xexec_settings *set, pool_t pool)
{
	const struct xexec_plugin_settings *module_set;
	struct xexec_module module;
	const char *what = t_strdup_printf("xexec %s", name);
	const char *error;

	/* Checked before the lookup: the name is also a settings filter
	   name, and only a valid one is sure to need no escaping. */
	if (!xexec_module_name_is_valid(name)) {
		i_error("xexec: Ignoring %s: Invalid module name "
			"(letters, digits, - and _ only)", what);
		return;
	}
	if (settings_get_filter(user->event, "xexec", name,
				&xexec_setting_parser_info, 0,
				&module_set, &error) < 0) {
		i_error("xexec: Ignoring %s: %s", what, error);
		return;
	}
	if (xexec_module_init(user, name, module_set->command, pool,
			      &module, &error) < 0) {
		i_error("xexec: Ignoring %s { command = %s }: %s",
			what, module_set->command, error);
	} else {
		module.args_in_env = module_set->args_in_env;
		module.args_on_stdin = module_set->args_on_stdin;
		xexec_settings_add(set, what, &module);
	}
	settings_free(module_set);
}

const struct xexec_settings *
xexec_settings_read(struct mail_user *user, pool_t pool)
{
	const struct xexec_plugin_settings *plugin_set;
	struct xexec_settings *set;
	const char *name;

	set = p_new(pool, struct xexec_settings, 1);
	p_array_init(&set->modules, pool, 8);
	set->timeout_msecs = XEXEC_DEFAULT_TIMEOUT_MSECS;
	set->output_limit = XEXEC_DEFAULT_OUTPUT_LIMIT;
	set->max_per_user = XEXEC_DEFAULT_MAX_PER_USER;
	set->max_per_process = XEXEC_DEFAULT_MAX_PER_PROCESS;
	set->cpu_limit_secs = XEXEC_DEFAULT_CPU_LIMIT_SECS;
	if (xexec_plugin_settings_get(user, &plugin_set) < 0)
		return set;

	xexec_read_limits(plugin_set, set);
	if (array_is_created(&plugin_set->modules)) {
		array_foreach_elem(&plugin_set->modules, name) T_BEGIN {
			xexec_read_module(user, name, set, pool);
		} T_END;
	}
	settings_free(plugin_set);
	return set;
}
