/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_SETTINGS_H
#define XEXEC_SETTINGS_H

struct mail_user;

#define XEXEC_DEFAULT_TIMEOUT_MSECS (30 * 1000)
#define XEXEC_DEFAULT_OUTPUT_LIMIT (8 * 1024 * 1024)
#define XEXEC_DEFAULT_MAX_PER_USER 2
#define XEXEC_DEFAULT_MAX_PER_PROCESS 8
#define XEXEC_DEFAULT_CPU_LIMIT_SECS 30

struct xexec_module {
	/* The name as the administrator wrote it. */
	const char *name;
	/* Program and configured words, %-expanded word by word. */
	const char *const *argv;
	/* Client arguments go into XEXEC_ARG<n> instead of argv: argv is
	   world-readable in /proc, the environment only for the same uid. */
	bool args_in_env;
	/* Client arguments go to the module's stdin ("N\n" and one line per
	   argument) instead of argv or the environment; arguments with CR or
	   LF are refused. */
	bool args_on_stdin;
};
ARRAY_DEFINE_TYPE(xexec_module, struct xexec_module);

struct xexec_settings {
	ARRAY_TYPE(xexec_module) modules;
	unsigned int timeout_msecs;
	uoff_t output_limit;
	/* Modules running at once for one user (all its sessions) and in one
	   imap process; RLIMIT_CPU of every module process. */
	unsigned int max_per_user, max_per_process, cpu_limit_secs;
};

/* TRUE when the name matches the protocol's module-name grammar. */
bool xexec_module_name_is_valid(const char *name);

/* TRUE when at least one module is configured for the user (cheap: nothing
   is expanded). */
bool xexec_settings_configured(struct mail_user *user);

/* Reads the user's module table and limits. Broken entries are logged and
   left out, so one typo does not take the other modules down. */
const struct xexec_settings *
xexec_settings_read(struct mail_user *user, pool_t pool);

const struct xexec_module *
xexec_settings_find(const struct xexec_settings *set, const char *name);

/* For the version-specific readers (xexec-settings-v23.c, -v24.c). */

/* Expands %variables of one word for the user, as the Dovecot version
   built against spells them. */
int xexec_settings_expand_word(struct mail_user *user, const char *word,
			       pool_t pool, const char **result_r,
			       const char **error_r);

/* Checks the name, splits the command into words FIRST and then expands
   each word on its own, so that a value with spaces (a user name) stays one
   argv word. Returns -1 with a reason for the log. */
int xexec_module_init(struct mail_user *user, const char *name,
		      const char *command, pool_t pool,
		      struct xexec_module *module_r, const char **error_r);

/* Appends a module unless one of the same name exists (then logged, naming
   the setting as "what"). */
void xexec_settings_add(struct xexec_settings *set, const char *what,
			const struct xexec_module *module);

#endif
