/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_SETTING_INFO_H
#define XEXEC_SETTING_INFO_H

/* Dovecot 2.4: the settings as the configuration holds them. The same
   definition is built into the plugin, which reads them, and into the
   settings module libxexec_settings.so, which teaches the config parser
   the keys. */

struct xexec_plugin_settings {
	pool_t pool;

	/* xexec_timeout, xexec_output_limit: for all modules. */
	unsigned int timeout;
	uoff_t output_limit;
	/* xexec_max_per_user, xexec_max_per_process, xexec_cpu_limit. */
	unsigned int max_per_user, max_per_process, cpu_limit;
	/* The names of the "xexec NAME { }" blocks, in configuration order. */
	ARRAY_TYPE(const_string) modules;

	/* Inside "xexec NAME { }": xexec_name (set by Dovecot from NAME),
	   xexec_command (not %-expanded by Dovecot: split first, expanded per
	   word by the plugin) and xexec_args_in_env. */
	const char *name;
	const char *command;
	bool args_in_env;
	bool args_on_stdin;
};

extern const struct setting_parser_info xexec_setting_parser_info;

#endif
