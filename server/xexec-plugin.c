/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* Plugin entry points: registers XEXEC (and UID XEXEC, the form Thunderbird
   sends) and advertises the capability to users who have modules. */

#include "imap-common.h"
#include "imap-commands.h"
#include "mail-user.h"
#include "xexec-settings.h"
#include "xexec-run.h"
#include "xexec-plugin.h"

const char *xexec_plugin_version = DOVECOT_ABI_VERSION;
const char xexec_plugin_binary_dependency[] = "imap";

static struct module *xexec_module;
static imap_client_created_func_t *next_hook_client_created;

static void xexec_client_created(struct client **client)
{
	if (mail_user_is_plugin_loaded((*client)->user, xexec_module) &&
	    xexec_settings_configured((*client)->user))
		client_add_capability(*client, "XEXEC");

	if (next_hook_client_created != NULL)
		next_hook_client_created(client);
}

void xexec_plugin_init(struct module *module)
{
	/* USES_SEQS makes a pipelined LOGOUT (or EXPUNGE) wait for the
	   module's reply instead of cutting it off. */
	command_register("XEXEC", cmd_xexec, COMMAND_FLAG_USES_SEQS);
	command_register("UID XEXEC", cmd_xexec, COMMAND_FLAG_USES_SEQS);

	xexec_module = module;
	next_hook_client_created =
		imap_client_created_hook_set(xexec_client_created);
	xexec_run_init();
}

void xexec_plugin_deinit(void)
{
	xexec_run_deinit();
	imap_client_created_hook_set(next_hook_client_created);
	command_unregister("UID XEXEC");
	command_unregister("XEXEC");
}
