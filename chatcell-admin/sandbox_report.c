/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sandbox_report.h"

#include "json.h"

static const char *const mode_names[] = {"required", "best-effort", "off"};

void sandbox_report_make(const struct cc_config *config, struct sandbox_report *r)
{
	const struct cc_landlock_state *st = &r->state;
	char restricts[160] = "";

	cc_landlock_assess(config, &r->state);
	r->mode = mode_names[config->landlock];
	r->warning[0] = '\0';
	if (st->abi)
		cc_landlock_describe(st->abi, config, restricts, sizeof(restricts));
	if (st->refused) {
		snprintf(r->line, sizeof(r->line), "%s, and chat logins are refused: %s", r->mode, st->why);
		snprintf(r->warning, sizeof(r->warning),
			 "chat logins are refused: %s (landlock = required); boot a kernel with Landlock, or set landlock "
			 "= best-effort in chatcell.conf to let chats in without it",
			 st->why);
	} else if (!st->in_force) {
		snprintf(r->line, sizeof(r->line), "%s, NOT in force: %s", r->mode, st->why);
		snprintf(r->warning, sizeof(r->warning),
			 "chat sessions run WITHOUT Landlock (%s): they can read every world-readable file of the host "
			 "and write wherever it is world-writable; set landlock = required in chatcell.conf",
			 st->why);
	} else {
		snprintf(r->line, sizeof(r->line), "%s, in force: %s%s%s", r->mode, restricts, st->why ? "; " : "",
			 st->why ? st->why : "");
		if (config->landlock == CC_LANDLOCK_BEST_EFFORT)
			snprintf(r->warning, sizeof(r->warning),
				 "landlock = best-effort: on a kernel without Landlock chat sessions would run without "
				 "it, able to read every world-readable file of the host; set landlock = required in "
				 "chatcell.conf");
	}
}

void sandbox_report_json(FILE *out, const struct sandbox_report *r)
{
	fputs("\"landlock\":{", out);
	json_field_string(out, "mode", r->mode, 0);
	fprintf(out, ",\"abi\":%d,\"in_force\":%s,\"logins_refused\":%s", r->state.abi,
		r->state.in_force ? "true" : "false", r->state.refused ? "true" : "false");
	json_field_string(out, "line", r->line, 1);
	fputc('}', out);
}
