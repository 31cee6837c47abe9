/* Module table and limits, read from the plugin {} settings:

     xexec = blacklist:/usr/local/dovecot/blacklist.sh %u
     xexec2 = whitelist:...
     xexec_timeout = 30s
     xexec_output_limit = 8M
     xexec_args_in_env = changepassword

   Dovecot %-expands plugin settings as a whole, so splitting the expanded
   string would let a user name with spaces add argv words. We therefore read
   the unexpanded value, split it first and expand each word on its own. */

#include "lib.h"
#include "array.h"
#include "str.h"
#include "var-expand.h"
#include "settings-parser.h"
#include "mail-user.h"
#include "mail-storage-settings.h"
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

static int
xexec_expand_word(struct mail_user *user, const char *word, pool_t pool,
		  const char **result_r, const char **error_r)
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
	ARRAY_TYPE(const_string) argv;
	const char *const *words, *colon, *expanded;

	colon = strchr(value, ':');
	if (colon == NULL) {
		*error_r = "Expected <module>:<program> [<argument> ...]";
		return -1;
	}
	module_r->name = p_strdup_until(pool, value, colon);
	if (!xexec_module_name_is_valid(module_r->name)) {
		*error_r = "Invalid module name (letters, digits, - and _ only)";
		return -1;
	}

	p_array_init(&argv, pool, 8);
	words = t_strsplit_spaces(colon + 1, " \t");
	if (words[0] == NULL || words[0][0] != '/') {
		*error_r = "The program must be given with its absolute path";
		return -1;
	}
	for (; *words != NULL; words++) {
		if (xexec_expand_word(user, *words, pool, &expanded,
				      error_r) < 0)
			return -1;
		array_push_back(&argv, &expanded);
	}
	array_append_zero(&argv);
	module_r->argv = array_front(&argv);
	return 0;
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
}

static void
xexec_read_args_in_env(struct mail_user *user, struct xexec_settings *set)
{
	const char *value, *const *names;
	struct xexec_module *module;
	bool found;

	value = mail_user_plugin_getenv(user, "xexec_args_in_env");
	if (value == NULL)
		return;
	for (names = t_strsplit_spaces(value, " \t,"); *names != NULL; names++) {
		found = FALSE;
		array_foreach_modifiable(&set->modules, module) {
			if (strcasecmp(module->name, *names) == 0) {
				module->args_in_env = TRUE;
				found = TRUE;
			}
		}
		if (!found) {
			i_error("xexec: xexec_args_in_env names unknown "
				"module %s", *names);
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
		i_zero(&module);
		if (xexec_module_parse(user, value, pool, &module,
				       &error) < 0) {
			i_error("xexec: Ignoring %s = %s: %s",
				name, value, error);
			continue;
		}
		if (xexec_settings_find(set, module.name) != NULL) {
			i_error("xexec: Ignoring %s: module %s is already "
				"defined", name, module.name);
			continue;
		}
		array_push_back(&set->modules, &module);
	}
	xexec_read_args_in_env(user, set);
	return set;
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
