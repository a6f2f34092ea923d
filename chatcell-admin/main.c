/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell-admin: the lifecycle of chat identities, for administrators and
 * provisioning scripts. See chatcell-admin(8). */
#include "config.h"

#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "base/std_fds.h"
#include "commands.h"
#include "recovery.h"

enum opt_bit {
	OPT_STDIN = 1 << 0,
	OPT_USER = 1 << 1,
	OPT_ARCHIVE = 1 << 2,
	OPT_STATE = 1 << 3,
	OPT_ALL = 1 << 4,
	OPT_EGRESS = 1 << 5, /* --port, --proto, --host, --domain, --private */
	OPT_LIMITS = 1 << 6, /* --memory, --pids, --cpu, --disk, --inodes, --io-weight, --io-max */
	OPT_START = 1 << 7,
	OPT_FORCE = 1 << 8,
};

struct command {
	const char *name;
	int (*run)(struct admin *a);
	unsigned options;
	bool command_follows; /* run: options stop at the chat, the rest is a command */
	bool passes_status;   /* run, shell: exit with the command's status */
	const char *usage;
};

static const struct command commands[] = {
	{"init", cmd_init, 0, false, false, "init"},
	{"ensure", cmd_ensure, OPT_STDIN | OPT_START, false, false, "ensure CHAT_ID | --stdin [--start]"},
	{"name", cmd_name, OPT_STDIN, false, false, "name CHAT_ID | --stdin"},
	{"show", cmd_show, OPT_STDIN | OPT_USER, false, false, "show CHAT_ID | --stdin | --user NAME"},
	{"list", cmd_list, OPT_STATE | OPT_ALL, false, false, "list [--state active|suspended|deleted] [--all]"},
	{"suspend", cmd_suspend, OPT_STDIN | OPT_USER, false, false, "suspend CHAT_ID | --stdin | --user NAME"},
	{"resume", cmd_resume, OPT_STDIN | OPT_USER, false, false, "resume CHAT_ID | --stdin | --user NAME"},
	{"delete", cmd_delete, OPT_STDIN | OPT_USER | OPT_ARCHIVE, false, false,
	 "delete CHAT_ID | --stdin | --user NAME [--archive DIR]"},
	{"run", cmd_run, OPT_STDIN | OPT_USER, true, true, "run CHAT_ID | --stdin | --user NAME [--] COMMAND [ARGS...]"},
	{"shell", cmd_shell, OPT_STDIN | OPT_USER, false, true, "shell CHAT_ID | --stdin | --user NAME"},
	{"limits", cmd_limits, OPT_STDIN | OPT_USER | OPT_LIMITS, false, false,
	 "limits CHAT_ID | --stdin | --user NAME [--memory SIZE] [--pids N] [--cpu P%] [--disk SIZE]\n"
	 "         [--inodes N] [--io-weight 1-10000] [--io-max 'rbps=SIZE wbps=SIZE riops=N wiops=N']\n"
	 "         (each also max or default)"},
	{"egress", cmd_egress, OPT_STDIN | OPT_USER | OPT_EGRESS, false, false,
	 "egress allow|deny CHAT ADDRESS[/PREFIX] | --host NAME --port P[-Q] [--proto tcp|udp]\n"
	 "  egress allow|deny CHAT --domain PATTERN [--port P[-Q] [--proto tcp|udp]] [--private]\n"
	 "  egress list CHAT | egress refresh [CHAT] | egress apply   (CHAT: CHAT_ID | --stdin | --user NAME)"},
	{"repair", cmd_repair, 0, false, false, "repair"},
	{"backup", cmd_backup, OPT_FORCE, false, false, "backup DIR [--force]"},
	{"restore", cmd_restore, OPT_FORCE, false, false, "restore DIR [--force]"},
	{"uninstall-host", cmd_uninstall_host, 0, false, false, "uninstall-host"},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* Exit status of run and shell when chatcell-admin itself fails. */
#define EXIT_RUN_FAILED 125

static void usage(FILE *out)
{
	fprintf(out, "usage: chatcell-admin [--config FILE] [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %s\n", commands[i].usage);
	fprintf(out, "\nA chat ID given with --stdin never shows in ps. See chatcell-admin(8).\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const struct option longopts[] = {
	{"config", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
	{"stdin", no_argument, NULL, 's'},        {"user", required_argument, NULL, 'u'},
	{"archive", required_argument, NULL, 'a'}, {"state", required_argument, NULL, 't'},
	{"all", no_argument, NULL, 'A'},          {"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},      {"port", required_argument, NULL, 'p'},
	{"proto", required_argument, NULL, 'P'},  {"host", required_argument, NULL, 'H'},
	{"memory", required_argument, NULL, 'm'}, {"pids", required_argument, NULL, 'n'},
	{"cpu", required_argument, NULL, 'C'},   {"start", no_argument, NULL, 'S'},
	{"force", no_argument, NULL, 'f'},      {"disk", required_argument, NULL, 'D'},
	{"inodes", required_argument, NULL, 'N'}, {"io-weight", required_argument, NULL, 'w'},
	{"io-max", required_argument, NULL, 'I'}, {"domain", required_argument, NULL, 'd'},
	{"private", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

/* One getopt pass; returns 0, or -1 after printing the usage. */
static int parse_options(int argc, char **argv, const char *optstring, struct admin_options *opt, unsigned *used)
{
	int c;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->config_path = optarg;
			break;
		case 'j':
			opt->json = true;
			break;
		case 's':
			opt->from_stdin = true, *used |= OPT_STDIN;
			break;
		case 'u':
			opt->user = optarg, *used |= OPT_USER;
			break;
		case 'a':
			opt->archive = optarg, *used |= OPT_ARCHIVE;
			break;
		case 't':
			opt->state = optarg, *used |= OPT_STATE;
			break;
		case 'A':
			opt->all = true, *used |= OPT_ALL;
			break;
		case 'p':
			opt->port = optarg, *used |= OPT_EGRESS;
			break;
		case 'P':
			opt->proto = optarg, *used |= OPT_EGRESS;
			break;
		case 'H':
			opt->host = optarg, *used |= OPT_EGRESS;
			break;
		case 'd':
			opt->domain = optarg, *used |= OPT_EGRESS;
			break;
		case 'v':
			opt->private_ok = true, *used |= OPT_EGRESS;
			break;
		case 'm':
			opt->memory = optarg, *used |= OPT_LIMITS;
			break;
		case 'n':
			opt->pids = optarg, *used |= OPT_LIMITS;
			break;
		case 'C':
			opt->cpu = optarg, *used |= OPT_LIMITS;
			break;
		case 'D':
			opt->disk = optarg, *used |= OPT_LIMITS;
			break;
		case 'N':
			opt->inodes = optarg, *used |= OPT_LIMITS;
			break;
		case 'w':
			opt->io_weight = optarg, *used |= OPT_LIMITS;
			break;
		case 'I':
			opt->io_max = optarg, *used |= OPT_LIMITS;
			break;
		case 'S':
			opt->start = true, *used |= OPT_START;
			break;
		case 'f':
			opt->force = true, *used |= OPT_FORCE;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("chatcell-admin %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

/* Global options, the command, then its options: anywhere on the line for
 * most commands; for run, only before the chat, so the command's own
 * options stay its own. Returns the command or NULL (usage printed). */
static const struct command *parse(int argc, char **argv, struct admin_options *opt)
{
	const struct command *cmd;
	unsigned used = 0;
	int first;

	opt->config_path = CHATCELL_CONF_PATH;
	if (parse_options(argc, argv, "+h", opt, &used) < 0)
		return NULL;
	if (optind >= argc) {
		usage(stderr);
		return NULL;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "chatcell-admin: unknown command '%s'; run 'chatcell-admin --help' for the list\n",
			argv[optind]);
		return NULL;
	}
	first = optind;
	argv[first] = argv[0]; /* the shifted vector's "program name" */
	optind = 0;            /* 0, not 1: GNU getopt then forgets the first pass's "+" mode */
	if (parse_options(argc - first, argv + first, cmd->command_follows ? "+h" : "h", opt, &used) < 0)
		return NULL;
	if (used & ~cmd->options) {
		fprintf(stderr, "chatcell-admin: an option given does not apply to '%s'; usage: chatcell-admin %s\n",
			cmd->name, cmd->usage);
		return NULL;
	}
	opt->argc = argc - first - optind;
	opt->argv = argv + first + optind;
	return cmd;
}

/* What the command needs to find in place (admin.h). */
static enum admin_mode open_mode(const struct command *cmd)
{
	if (cmd->run == cmd_init)
		return ADMIN_INIT;
	if (cmd->run == cmd_repair)
		return ADMIN_REPAIR;
	if (cmd->run == cmd_uninstall_host)
		return ADMIN_HOST;
	if (cmd->run == cmd_suspend || cmd->run == cmd_delete)
		return ADMIN_STOP;
	return cmd->run == cmd_restore ? ADMIN_RESTORE : ADMIN_USE;
}

int main(int argc, char **argv)
{
	struct admin a;
	const struct command *cmd;
	int rc;

	/* A short run: memory freed is kept for reuse, never handed back to the
	 * kernel and faulted in again (see cc_registry_tune_short_lived). */
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	cc_registry_tune_short_lived();
	memset(&a, 0, sizeof(a));
	if (cc_std_fds_open() < 0) {
		perror("chatcell-admin: cannot open /dev/null in place of a closed standard descriptor");
		return EXIT_SYSTEM;
	}
	cmd = parse(argc, argv, &a.opt);
	if (!cmd)
		return EXIT_USAGE;
	rc = admin_open(&a, open_mode(cmd));
	if (rc == 0)
		rc = cmd->run(&a);
	recovery_warn(&a); /* chats whose unfinished steps could not be finished */
	if (rc < 0 && (a.err.kind == CC_OK || !a.err.msg[0]))
		/* Every failure must say why; one that does not is ours to fix. */
		cc_fail(&a.err, CC_ERR_SYSTEM, "failed without saying why (a bug in chatcell: please report it)");
	if (rc < 0) {
		fprintf(stderr, "chatcell-admin %s: %s\n", cmd->name, a.err.msg);
		if (a.err.kind == CC_ERR_USAGE)
			fprintf(stderr, "usage: chatcell-admin %s\n", cmd->usage);
	}
	admin_close(&a);
	if (cmd->passes_status)
		return rc < 0 ? EXIT_RUN_FAILED : rc;
	if (fflush(stdout) != 0 && rc == 0) {
		perror("chatcell-admin: writing output");
		return EXIT_SYSTEM;
	}
	return rc < 0 ? admin_exit_code(a.err.kind) : EXIT_OK;
}
