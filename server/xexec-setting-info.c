/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Dovecot 2.4 setting definitions, shared by the plugin and the settings
   module. Nothing here may need more than libdovecot: the config process
   that loads the settings module has no mail storage. */

#include "lib.h"
#include "array.h"
#include "settings-parser.h"
#include "xexec-settings.h"
#include "xexec-setting-info.h"

#undef DEF
#define DEF(type, field, key) \
	SETTING_DEFINE_STRUCT_##type(key, field, struct xexec_plugin_settings)

static const struct setting_define xexec_setting_defines[] = {
	DEF(TIME_MSECS, timeout, "xexec_timeout"),
	DEF(SIZE, output_limit, "xexec_output_limit"),
	DEF(UINT, max_per_user, "xexec_max_per_user"),
	DEF(UINT, max_per_process, "xexec_max_per_process"),
	DEF(TIME, cpu_limit, "xexec_cpu_limit"),

	/* "xexec NAME { ... }", a named list filter like sieve_script. */
	{ .type = SET_FILTER_ARRAY, .key = "xexec",
	  .offset = offsetof(struct xexec_plugin_settings, modules),
	  .filter_array_field_name = "xexec_name" },
	DEF(STR_NOVARS, name, "xexec_name"),
	DEF(STR_NOVARS, command, "xexec_command"),
	DEF(BOOL, args_in_env, "xexec_args_in_env"),
	DEF(BOOL, args_on_stdin, "xexec_args_on_stdin"),

	SETTING_DEFINE_LIST_END
};

static const struct xexec_plugin_settings xexec_default_settings = {
	.timeout = XEXEC_DEFAULT_TIMEOUT_MSECS,
	.output_limit = XEXEC_DEFAULT_OUTPUT_LIMIT,
	.max_per_user = XEXEC_DEFAULT_MAX_PER_USER,
	.max_per_process = XEXEC_DEFAULT_MAX_PER_PROCESS,
	.cpu_limit = XEXEC_DEFAULT_CPU_LIMIT_SECS,
	.modules = ARRAY_INIT,
	.name = "",
	.command = "",
	.args_in_env = FALSE,
	.args_on_stdin = FALSE,
};

const struct setting_parser_info xexec_setting_parser_info = {
	.name = "xexec",

	.defines = xexec_setting_defines,
	.defaults = &xexec_default_settings,

	.struct_size = sizeof(struct xexec_plugin_settings),
	.pool_offset1 = 1 + offsetof(struct xexec_plugin_settings, pool),
};
