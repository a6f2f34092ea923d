/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* init: make the state directory, registry, host key, NSS view and home
 * base, check the UID range against everything else on the host, and
 * publish the view's parameters. Safe to run again at any time. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "db/chats.h"
#include "commands.h"
#include "cgroup/cgroup.h"
#include "db/events.h"
#include "json.h"
#include "lifecycle.h"
#include "disk/disk_budget.h"
#include "disk_report.h"
#include "disk_reserve.h"
#include "limits_text.h"
#include "sandbox_report.h"
#include "egress/egress_sync.h"
#include "egress/host_nft.h"
#include "host_net.h"
#include "net/route_check.h"
#include "db/settings.h"
#include "fs/shims.h"
#include "identity/subid.h"
#include "identity/uid_range.h"
#include "view/view_write.h"

static int check_subids(struct admin *a)
{
	static const char *const files[] = {"/etc/subuid", "/etc/subgid"};
	char who[512];

	for (size_t i = 0; i < 2; i++) {
		int r = cc_subid_overlap(files[i], a->config.uid_min, a->config.uid_max, who, sizeof(who));

		if (r < 0)
			return cc_fail_errno(&a->err, CC_ERR_SYSTEM, -r, "cannot read %s", files[i]);
		if (r > 0)
			return cc_fail(&a->err, CC_ERR_CONFLICT,
				       "uid_range %u-%u overlaps the subordinate ID allocation %s; choose another "
				       "uid_range in %s",
				       a->config.uid_min, a->config.uid_max, who, a->opt.config_path);
	}
	return 0;
}

/* Every user NSS can enumerate whose UID falls in the range must be one of
 * our own chats. */
static int check_existing_users(struct admin *a)
{
	struct passwd *pw;
	int rc = 0;

	setpwent();
	while (rc == 0 && (pw = getpwent())) {
		struct cc_chat chat;
		int found;

		if (pw->pw_uid < a->config.uid_min || pw->pw_uid > a->config.uid_max)
			continue;
		found = cc_chats_find_by_uid(&a->reg, pw->pw_uid, &chat, &a->err);
		if (found < 0)
			rc = -1;
		else if (!found || strcmp(chat.name, pw->pw_name) != 0)
			rc = cc_fail(&a->err, CC_ERR_CONFLICT,
				     "user %s (uid %u) already exists inside uid_range %u-%u; choose a range "
				     "without existing users in %s",
				     pw->pw_name, (unsigned)pw->pw_uid, a->config.uid_min, a->config.uid_max,
				     a->opt.config_path);
	}
	endpwent();
	return rc;
}

/* The identity settings may be (re)adopted only while no chat exists. */
static int adopt_identity(struct admin *a)
{
	int64_t count;

	if (cc_registry_begin_write(&a->reg, &a->err) < 0)
		return -1;
	if (cc_chats_count(&a->reg, &count, &a->err) < 0)
		goto fail;
	if (count == 0) {
		if (cc_settings_record_identity(&a->reg, &a->config, &a->err) < 0)
			goto fail;
	} else if (cc_settings_check_identity(&a->reg, &a->config, &a->err) < 0) {
		goto fail;
	}
	if (cc_events_add(&a->reg, a->now, a->actor, "init", NULL, NULL, &a->err) < 0)
		goto fail;
	return cc_registry_commit(&a->reg, &a->err);
fail:
	cc_registry_rollback(&a->reg);
	return -1;
}

/* A reminder, not an error: init works before nsswitch.conf is edited. */
static void warn_nsswitch(void)
{
	char line[512];
	int passwd = 0, group = 0;
	FILE *f = fopen("/etc/nsswitch.conf", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "passwd:", 7) == 0 && strstr(line, " chatcell"))
			passwd = 1;
		if (strncmp(line, "group:", 6) == 0 && strstr(line, " chatcell"))
			group = 1;
	}
	fclose(f);
	if (passwd && group)
		return;
	fprintf(stderr,
		"chatcell-admin: note: /etc/nsswitch.conf does not list 'chatcell' on its %s; chat users will not "
		"resolve until it does (see chatcell-admin(8), SETUP)\n",
		passwd ? "group line" : group ? "passwd line" : "passwd and group lines");
}

/* dev.tty.legacy_tiocsti = 1 (the kernel's default before 6.2) lets any
 * process type into a terminal it holds. Returns 1 if it is set. */
static int warn_legacy_tiocsti(void)
{
	char value[8] = "";
	FILE *f = fopen("/proc/sys/dev/tty/legacy_tiocsti", "re");

	if (!f)
		return 0; /* kernels before 6.2: TIOCSTI is always allowed, the filter applies the same */
	if (!fgets(value, sizeof(value), f))
		value[0] = '\0';
	fclose(f);
	if (value[0] != '1')
		return 0;
	fprintf(stderr,
		"chatcell-admin: warning: dev.tty.legacy_tiocsti = 1: a process can type commands into a terminal it "
		"holds (TIOCSTI). chatcell refuses TIOCSTI and TIOCLINUX in every chat session (seccomp) and gives "
		"'chatcell-admin run' and 'shell' a terminal of their own; for the host's other users set "
		"dev.tty.legacy_tiocsti = 0 (sysctl.d)\n");
	return 1;
}

/* Prepare the cgroup backend and say how limits are enforced, or why not. */
static int report_limits(struct admin *a, char *line, size_t line_len)
{
	enum cc_cgroup_backend backend;

	if (admin_backend(a, &backend) < 0)
		return -1;
	if (backend == CC_CGROUP_OFF) {
		struct cc_err why = {0};
		bool unavailable = cc_cgroup_host_check(&a->config, &why) < 0;

		snprintf(line, line_len, "per-chat limits: off (cgroup_backend = off in chatcell.conf)%s%s",
			 unavailable ? "; this host could not enforce them anyway: " : "", unavailable ? why.msg : "");
		return 0;
	}
	if (cc_cgroup_prepare(backend, &a->config, &a->err) < 0)
		return -1;
	if (backend == CC_CGROUP_CGROUPFS)
		snprintf(line, line_len, "per-chat limits: cgroupfs under %s (memory, pids, cpu, io)", a->config.cgroup_root);
	else
		snprintf(line, line_len, "per-chat limits: systemd (a chatcell-<uid>.slice per chat in chatcell.slice)");
	return 0;
}

/* A chat's disk budget where quotas are enforced (the rest is said by the
 * disk report, and refused at login). */
static int apply_disk_budget(const struct cc_chat *chat, void *ctx)
{
	struct admin *a = ctx;

	if (chat->state == CC_STATE_DELETED)
		return 0;
	return cc_disk_apply(&a->config, chat->uid, chat->disk_max, chat->inodes_max, false, &a->err);
}

/* init's exit: a failed rebuild of a running cell's table, once all the
 * rest is done. */
static int rebuild_outcome(struct admin *a, int rebuilt, const struct cc_err *rebuild)
{
	if (rebuilt == 0)
		return 0;
	a->err = *rebuild;
	cc_err_prefix(&a->err, "initialised, but not every running cell's egress table was rebuilt: ");
	return -1;
}

int cmd_init(struct admin *a)
{
	struct cc_shims_report shims;
	char limits_line[sizeof(((struct cc_err *)0)->msg) + 160], io_line[IO_DISKS_TEXT], host_line[HOST_NET_LINE];
	struct cc_forwarding_report forwarding;
	struct sandbox_report sandbox;
	struct disk_report disk;
	struct cc_err rebuild = {0};
	int rc, rebuilt, legacy_tiocsti;

	if (cc_uid_range_check_reserved(a->config.uid_min, a->config.uid_max, a->opt.config_path, &a->err) < 0 ||
	    check_subids(a) < 0 || check_existing_users(a) < 0)
		return -1;
	if (adopt_identity(a) < 0)
		return -1;
	if (cc_view_publish_params(a->view_fd, &a->config, &a->err) < 0 || admin_view_sync(a) < 0)
		return -1;
	if (cc_shims_sync(&a->config, CHATCELL_SHIMS_LIST, &shims, &a->err) < 0)
		return -1;
	/* The egress tables of running cells, as the registry says (a write
	 * transaction: no allowlist change commits meanwhile). */
	if (cc_registry_begin_write(&a->reg, &a->err) < 0)
		return -1;
	/* A cell that cannot be rebuilt keeps nothing else from being done:
	 * said at the end. */
	rebuilt = cc_egress_rebuild(&a->reg, &a->config, a->now, NULL, &rebuild);
	/* Every chat's budget on its trees as chatcell.conf names them now
	 * (a landlock_write path may be new), in the same read transaction. */
	rc = 0;
	if (a->config.disk_quota)
		rc = cc_chats_each(&a->reg, false, false, apply_disk_budget, a, &a->err);
	admin_end_rebuild(a);
	if (rc < 0)
		return -1;
	/* The host's part of the cells' network (it replaces a per-UID egress
	 * table of an earlier chatcell on the host: the same name), for cell
	 * ranges the host does not route elsewhere. */
	if (cc_cell_ranges_check_routes(&a->config, &a->err) < 0 ||
	    host_net_apply(a, &forwarding, host_line, sizeof(host_line)) < 0)
		return -1;
	if (report_limits(a, limits_line, sizeof(limits_line)) < 0)
		return -1;
	io_disks_describe(&a->config, io_line, sizeof(io_line));
	warn_nsswitch();
	legacy_tiocsti = warn_legacy_tiocsti();
	if (a->config.proc_admin_group[0])
		fprintf(stderr, "chatcell-admin: note: proc_admin_group in chatcell.conf has no effect any more: a cell's "
				"/proc exists only inside the cell and shows every process of the cell to the chat itself; "
				"remove the line\n");
	sandbox_report_make(&a->config, &sandbox);
	if (sandbox.warning[0])
		fprintf(stderr, "chatcell-admin: WARNING: %s\n", sandbox.warning);
	if (disk_reserve_make(a->state_fd, &a->err) < 0) {
		fprintf(stderr, "chatcell-admin: WARNING: %s; suspend and delete may then fail on a full disk\n",
			a->err.msg);
		a->err.kind = CC_OK;
	}
	disk_report_make(&a->config, &disk);
	if (disk.warning[0])
		fprintf(stderr, "chatcell-admin: %s%s\n", disk.logins_refused ? "WARNING: " : "note: ", disk.warning);
	if (a->opt.json) {
		printf("{\"state_dir\":\"%s\",\"home_base\":\"%s\",\"uid_min\":%u,\"uid_max\":%u,\"user_prefix\":\"%s\","
		       "\"shims_dir\":\"%s\",\"shims\":{\"linked\":%u,\"missing\":%u,\"privileged\":%u},",
		       CHATCELL_STATE_DIR, a->config.home_base, a->config.uid_min, a->config.uid_max,
		       a->config.user_prefix, a->config.shims_dir, shims.linked, shims.missing, shims.privileged);
		json_field_string(stdout, "limits", limits_line, 0);
		json_field_string(stdout, "io_disks", io_line, 1);
		fputc(',', stdout);
		host_net_json(stdout, "host_network", "inet " CC_HOST_NFT_TABLE, &forwarding);
		printf(",\"legacy_tiocsti\":%s,", legacy_tiocsti ? "true" : "false");
		printf("%s,", disk.json);
		sandbox_report_json(stdout, &sandbox);
		fputs("}\n", stdout);
		return rebuild_outcome(a, rebuilt, &rebuild);
	}
	printf("chatcell is initialised: registry %s/registry.db, homes in %s, UIDs %u-%u, names %s<12 hex>\n",
	       CHATCELL_STATE_DIR, a->config.home_base, a->config.uid_min, a->config.uid_max, a->config.user_prefix);
	printf("session PATH %s: %u commands linked from %s (%u not installed, %u refused as setuid/setgid/capable)\n",
	       a->config.shims_dir, shims.linked, CHATCELL_SHIMS_LIST, shims.missing, shims.privileged);
	printf("%s\n", limits_line);
	printf("%s\n", disk.line);
	printf("%s\n", io_line);
	printf("%s\n", host_line);
	printf("Landlock: %s\n", sandbox.line);
	return rebuild_outcome(a, rebuilt, &rebuild);
}
