/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

/* libxexec_settings.so for Dovecot 2.4. The config parser (doveconf and the
   config service) loads every module in <moduledir>/settings and takes
   <module>_set_infos from it; without this it refuses the xexec keys. The
   module name comes from the file name: libxexec_settings.so is
   "xexec_settings". */

#include "lib.h"
#include "settings-parser.h"
#include "xexec-setting-info.h"

extern const char *xexec_settings_version;
extern const struct setting_parser_info *xexec_settings_set_infos[];

const char *xexec_settings_version = DOVECOT_ABI_VERSION;

const struct setting_parser_info *xexec_settings_set_infos[] = {
	&xexec_setting_parser_info,
	NULL
};
