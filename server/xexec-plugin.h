#ifndef XEXEC_PLUGIN_H
#define XEXEC_PLUGIN_H

struct module;

extern const char xexec_plugin_binary_dependency[];

bool cmd_xexec(struct client_command_context *cmd);

void xexec_plugin_init(struct module *module);
void xexec_plugin_deinit(void);

#endif
