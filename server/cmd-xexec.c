/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* The XEXEC command (and UID XEXEC, which means the same): look up the
   module, decode the arguments, run the program without blocking the
   session and relay its output per docs/PROTOCOL.md. */

#include "imap-common.h"
#include "array.h"
#include "str.h"
#include "ostream.h"
#include "net.h"
#include "imap-commands.h"
#include "imap-sync.h"
#include "mail-user.h"
#include "xexec-settings.h"
#include "xexec-args.h"
#include "xexec-reply.h"
#include "xexec-run.h"
#include "xexec-slots.h"
#include "xexec-plugin.h"

#include <sys/stat.h>

#define XEXEC_DISCOVERY_NAME ".modules"
#define XEXEC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct cmd_xexec_context {
	struct client_command_context *cmd;
	/* The name for the data line: configured, or as sent. */
	const char *module_name;
	const struct xexec_settings *set;
	struct xexec_run *run;
	const struct xexec_run_result *result;
};

struct cmd_xexec_data_line {
	string_t *str;
	bool first;
};

static void cmd_xexec_append_item(const unsigned char *data, size_t size,
				  void *context)
{
	struct cmd_xexec_data_line *line = context;

	if (!line->first)
		str_append_c(line->str, ' ');
	line->first = FALSE;
	xexec_reply_append_item(line->str, data, size);
}

static void
cmd_xexec_send_data_line(struct client *client, const char *module_name,
			 const buffer_t *output)
{
	struct cmd_xexec_data_line line = { .first = TRUE };

	/* Up to the output limit and then some: not on the data stack,
	   which would keep that much for the rest of the session. */
	line.str = str_new(default_pool, 128 + (output == NULL ? 0 :
						output->used * 4 / 3));
	str_append(line.str, "* XEXEC ");
	if (xexec_module_name_is_valid(module_name) ||
	    strcmp(module_name, XEXEC_DISCOVERY_NAME) == 0)
		str_append(line.str, module_name);
	else
		str_append(line.str, "\"\"");
	str_append(line.str, " (");
	if (output != NULL)
		xexec_reply_foreach_line(output, cmd_xexec_append_item, &line);
	str_append_c(line.str, ')');
	client_send_line(client, str_c(line.str));
	str_free(&line.str);
}

static void cmd_xexec_send_human_line(const unsigned char *data, size_t size,
				      void *context)
{
	struct client *client = context;

	T_BEGIN {
		string_t *line = t_str_new(size + 8);

		xexec_reply_append_human(line, data, size);
		client_send_line(client, str_c(line));
	} T_END;
}

/* Replies without running anything: the data line with no lines, then NO. */
static bool
cmd_xexec_refuse(struct client_command_context *cmd, const char *module_name,
		 const char *code, const char *message)
{
	cmd_xexec_send_data_line(cmd->client, module_name, NULL);
	client_send_tagline(cmd, t_strdup_printf(
		"NO [%s] %s", code,
		xexec_reply_sanitize((const unsigned char *)message,
				     strlen(message))));
	return TRUE;
}

static bool cmd_xexec_discovery(struct client_command_context *cmd,
				const struct xexec_settings *set)
{
	const struct xexec_module *module;
	buffer_t *names = t_buffer_create(256);

	array_foreach(&set->modules, module) {
		buffer_append(names, module->name, strlen(module->name));
		buffer_append_c(names, '\n');
	}
	xexec_reply_foreach_line(names, cmd_xexec_send_human_line,
				 cmd->client);
	cmd_xexec_send_data_line(cmd->client, XEXEC_DISCOVERY_NAME, names);
	client_send_tagline(cmd, t_strdup_printf(
		"OK %u modules available", array_count(&set->modules)));
	return TRUE;
}

static const char *const *
cmd_xexec_env(struct mail_user *user, const char *module_name,
	      const ARRAY_TYPE(const_string) *env_args, const char **cwd_r)
{
	ARRAY_TYPE(const_string) env;
	const char *home, *const *arg;
	struct stat st;
	unsigned int n = 0;

	t_array_init(&env, 12);
	if (env_args != NULL) {
		array_push_back(&env, &(const char *){ t_strdup_printf(
			"XEXEC_ARGC=%u", array_count(env_args)) });
		array_foreach(env_args, arg) {
			array_push_back(&env, &(const char *){ t_strdup_printf(
				"XEXEC_ARG%u=%s", ++n, *arg) });
		}
	}
	array_push_back(&env, &(const char *){ "PATH=" XEXEC_PATH });
	array_push_back(&env, &(const char *){ "XEXEC_PROTOCOL=1" });
	array_push_back(&env, &(const char *){
		t_strconcat("USER=", user->username, NULL) });
	array_push_back(&env, &(const char *){
		t_strconcat("XEXEC_USER=", user->username, NULL) });
	array_push_back(&env, &(const char *){
		t_strconcat("XEXEC_MODULE=", module_name, NULL) });
	if (user->session_id != NULL) {
		array_push_back(&env, &(const char *){
			t_strconcat("XEXEC_SESSION=", user->session_id, NULL) });
	}
	if (user->conn.remote_ip != NULL && user->conn.remote_ip->family != 0) {
		array_push_back(&env, &(const char *){ t_strconcat(
			"XEXEC_REMOTE_IP=", net_ip2addr(user->conn.remote_ip),
			NULL) });
	}
	if (user->conn.local_ip != NULL && user->conn.local_ip->family != 0) {
		array_push_back(&env, &(const char *){ t_strconcat(
			"XEXEC_LOCAL_IP=", net_ip2addr(user->conn.local_ip),
			NULL) });
	}
	*cwd_r = "/";
	if (mail_user_get_home(user, &home) > 0) {
		array_push_back(&env, &(const char *){
			t_strconcat("HOME=", home, NULL) });
		if (stat(home, &st) == 0 && S_ISDIR(st.st_mode))
			*cwd_r = home;
	}
	array_append_zero(&env);
	return array_front(&env);
}

static const char *
cmd_xexec_module_message(const struct xexec_run_result *result,
			 const char *fallback)
{
	const unsigned char *line;
	size_t size;

	if (xexec_reply_last_nonempty_line(result->error_tail, &line, &size) ||
	    xexec_reply_last_nonempty_line(result->output, &line, &size))
		return xexec_reply_message(line, size);
	return fallback;
}

/* Runs from command_exec() once the module is done and the output is ours:
   at once, or from client_output() when the command that held the output
   (a FETCH in the middle of a literal) has let go of it. */
static bool cmd_xexec_reply(struct client_command_context *cmd)
{
	struct cmd_xexec_context *ctx = cmd->context;
	const struct xexec_run_result *result = ctx->result;
	const char *name = ctx->module_name, *tagline;
	bool relay_output = FALSE;

	if (cmd->cancel) {
		/* The client is gone: nobody to answer. */
		xexec_run_free(&ctx->run);
		return TRUE;
	}
	i_assert(cmd->client->output_cmd_lock == NULL);

	switch (result->status) {
	case XEXEC_RUN_EXITED:
		relay_output = TRUE;
		tagline = result->code == 0 ?
			"OK command exited successfully" :
			t_strdup_printf("NO [XEXEC-EXIT %d] %s", result->code,
				cmd_xexec_module_message(result, t_strdup_printf(
					"Module %s failed with exit status %d",
					name, result->code)));
		break;
	case XEXEC_RUN_SIGNALED:
		relay_output = TRUE;
		tagline = t_strdup_printf("NO [XEXEC-SIGNAL %d] %s",
			result->code, cmd_xexec_module_message(result,
				t_strdup_printf("Module %s was killed by "
						"signal %d", name,
						result->code)));
		break;
	case XEXEC_RUN_TIMEOUT:
		tagline = t_strdup_printf("NO [XEXEC-TIMEOUT %u] Module %s did "
			"not finish within %u seconds",
			(ctx->set->timeout_msecs + 999) / 1000, name,
			(ctx->set->timeout_msecs + 999) / 1000);
		break;
	case XEXEC_RUN_OUTPUT_LIMIT:
		tagline = t_strdup_printf("NO [XEXEC-LIMIT %"PRIuUOFF_T"] "
			"Module %s wrote more than the reply limit of "
			"%"PRIuUOFF_T" bytes",
			ctx->set->output_limit, name, ctx->set->output_limit);
		break;
	default:
		i_unreached();
	}
	if (relay_output) {
		xexec_reply_foreach_line(result->output,
					 cmd_xexec_send_human_line,
					 cmd->client);
	}
	cmd_xexec_send_data_line(cmd->client, name,
				 relay_output ? result->output : NULL);
	client_send_tagline(cmd, tagline);
	xexec_run_free(&ctx->run);
	return TRUE;
}

static void
cmd_xexec_finished(const struct xexec_run_result *result, void *context)
{
	struct cmd_xexec_context *ctx = context;
	struct client_command_context *cmd = ctx->cmd;
	struct client *client = cmd->client;
	bool finished;

	ctx->result = result;
	cmd->func = cmd_xexec_reply;
	if (client->output_cmd_lock != NULL) {
		/* Another command is in the middle of a reply (a FETCH
		   literal the client has not read yet): nothing may be sent
		   before it is done. client_output() runs the commands that
		   wait for output once the lock is released. */
		cmd->state = CLIENT_COMMAND_STATE_WAIT_OUTPUT;
		(void)client_handle_unfinished_cmd(cmd);
		return;
	}
	/* Resume the command the way Dovecot's own asynchronous commands
	   (SEARCH, URLFETCH) do. */
	o_stream_cork(client->output);
	finished = command_exec(cmd);
	o_stream_uncork(client->output);
	if (!finished)
		(void)client_handle_unfinished_cmd(cmd);
	else
		client_command_free(&cmd);
	cmd_sync_delayed(client);
	client_continue_pending_input(client);
}

/* While the module runs, the command is only called to be cancelled (the
   client disconnected): then the whole process group is killed. */
static bool cmd_xexec_wait(struct client_command_context *cmd)
{
	struct cmd_xexec_context *ctx = cmd->context;

	if (!cmd->cancel)
		return FALSE;
	xexec_run_free(&ctx->run);
	return TRUE;
}

static bool
cmd_xexec_start(struct client_command_context *cmd,
		const struct xexec_settings *set,
		const struct xexec_module *module,
		const struct imap_arg *client_args)
{
	struct client *client = cmd->client;
	struct cmd_xexec_context *ctx;
	struct xexec_run_settings run_set;
	ARRAY_TYPE(const_string) argv, decoded;
	const char *const *word, *error;

	ctx = p_new(cmd->pool, struct cmd_xexec_context, 1);
	ctx->cmd = cmd;
	ctx->module_name = module->name;
	ctx->set = set;

	p_array_init(&decoded, cmd->pool, 8);
	if (!xexec_args_decode(client_args, 1, cmd->pool, &decoded, &error))
		return cmd_xexec_refuse(cmd, module->name,
					"XEXEC-BADARGS", error);
	if (module->args_on_stdin &&
	    !xexec_args_fit_lines(&decoded, module->name, &error))
		return cmd_xexec_refuse(cmd, module->name,
					"XEXEC-BADARGS", error);
	if (xexec_run_count() >= set->max_per_process) {
		return cmd_xexec_refuse(cmd, module->name, "XEXEC-BUSY",
			t_strdup_printf("Too many modules are running in this "
					"server process (%u at most); try "
					"again when one has finished",
					set->max_per_process));
	}
	i_zero(&run_set);
	run_set.hold_fd = -1;
	if (xexec_slot_take(client->user, set->max_per_user,
			    &run_set.hold_fd) == 0) {
		return cmd_xexec_refuse(cmd, module->name, "XEXEC-BUSY",
			t_strdup_printf("Too many modules are running for "
					"this user (%u at most); try again "
					"when one has finished",
					set->max_per_user));
	}

	p_array_init(&argv, cmd->pool, 16);
	for (word = module->argv; *word != NULL; word++)
		array_push_back(&argv, word);
	if (!module->args_in_env && !module->args_on_stdin)
		array_append_array(&argv, &decoded);
	array_append_zero(&argv);

	run_set.argv = array_front(&argv);
	run_set.env = cmd_xexec_env(client->user, module->name,
				    module->args_in_env &&
				    !module->args_on_stdin ? &decoded : NULL,
				    &run_set.cwd);
	run_set.timeout_msecs = ctx->set->timeout_msecs;
	run_set.output_limit = ctx->set->output_limit;
	run_set.line_cost = xexec_reply_line_cost;
	run_set.cpu_limit_secs = ctx->set->cpu_limit_secs;
	if (module->args_on_stdin)
		run_set.stdin_data = xexec_args_stdin_data(&decoded);

	ctx->run = xexec_run_start(&run_set, cmd_xexec_finished, ctx, &error);
	if (ctx->run == NULL) {
		e_error(cmd->event, "xexec: module %s: %s", module->name, error);
		return cmd_xexec_refuse(cmd, module->name, "XEXEC-UNAVAILABLE",
			t_strdup_printf("Module %s is not available",
					module->name));
	}
	cmd->context = ctx;
	cmd->func = cmd_xexec_wait;
	cmd->state = CLIENT_COMMAND_STATE_WAIT_EXTERNAL;
	return FALSE;
}

/* Arguments may be passwords: keep them out of logs and stats.
   client_read_args() has already copied them onto the command's event,
   which every exporter (and the imap_command_finished event) sends on. */
static void cmd_xexec_forget_args(struct client_command_context *cmd)
{
	cmd->args = "";
	cmd->human_args = "";
	event_field_clear(cmd->event, "cmd_args");
	event_field_clear(cmd->event, "cmd_human_args");
}

bool cmd_xexec(struct client_command_context *cmd)
{
	const struct imap_arg *args;
	const struct xexec_settings *set;
	const struct xexec_module *module;
	const char *name;

	if (!client_read_args(cmd, 0, 0, &args))
		return FALSE;
	cmd_xexec_forget_args(cmd);

	if (IMAP_ARG_IS_EOL(&args[0]))
		return cmd_xexec_refuse(cmd, "", "XEXEC-BADARGS",
					"Missing module name");
	if (!imap_arg_get_astring(&args[0], &name))
		return cmd_xexec_refuse(cmd, "", "XEXEC-BADARGS",
					"Argument 0 (the module name) must be a string");

	set = xexec_settings_read(cmd->client->user, cmd->pool);
	if (strcmp(name, XEXEC_DISCOVERY_NAME) == 0)
		return cmd_xexec_discovery(cmd, set);

	module = xexec_module_name_is_valid(name) ?
		xexec_settings_find(set, name) : NULL;
	if (module == NULL) {
		const char *shown = xexec_module_name_is_valid(name) ?
			t_str_lcase(name) : "";
		return cmd_xexec_refuse(cmd, shown, "XEXEC-UNKNOWN",
			t_strdup_printf("Unknown module %s", name));
	}
	return cmd_xexec_start(cmd, set, module, args + 1);
}
