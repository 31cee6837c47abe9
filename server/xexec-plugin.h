/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

#ifndef XEXEC_PLUGIN_H
#define XEXEC_PLUGIN_H

struct module;

extern const char xexec_plugin_binary_dependency[];

bool cmd_xexec(struct client_command_context *cmd);

void xexec_plugin_init(struct module *module);
void xexec_plugin_deinit(void);

#endif
