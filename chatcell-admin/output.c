/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "output.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cell/cell.h"
#include "cgroup/cgroup.h"
#include "db/events.h"
#include "disk/disk_budget.h"
#include "db/egress_store.h"
#include "egress/egress_counter.h"
#include "egress/egress_nft.h"
#include "gate_probe.h"
#include "egress_text.h"
#include "limits_text.h"
#include "sandbox_report.h"
#include "json.h"

static void home_of(const struct admin *a, const struct cc_chat *chat, char *out, size_t out_len)
{
	snprintf(out, out_len, "%s/%s", a->config.home_base, chat->name);
}

static void json_identity_fields(struct admin *a, const struct cc_chat *chat)
{
	char home[CC_PATH_MAX + CC_NAME_MAX + 2];

	home_of(a, chat, home, sizeof(home));
	json_field_string(stdout, "name", chat->name, 0);
	json_field_u64(stdout, "uid", chat->uid, 1);
	json_field_u64(stdout, "gid", chat->uid, 1);
	json_field_string(stdout, "home", home, 1);
	json_field_string(stdout, "shell", a->config.shell, 1);
	json_field_string(stdout, "state", cc_chat_state_name(chat->state), 1);
}

static void json_record_fields(struct admin *a, const struct cc_chat *chat)
{
	json_identity_fields(a, chat);
	fputs(",\"chat_id\":", stdout);
	json_string(stdout, chat->chat_id, chat->chat_id_len);
	json_field_time(stdout, "created_at", chat->created_at, 1);
	json_field_time(stdout, "last_login_at", chat->last_login_at, 1);
	json_field_time(stdout, "last_logout_at", chat->last_logout_at, 1);
	json_field_time(stdout, "deleted_at", chat->deleted_at, 1);
	json_field_string(stdout, "unfinished", cc_chat_pending_name(chat->pending), 1);
}

void output_identity(struct admin *a, const struct cc_chat *chat, bool created)
{
	char home[CC_PATH_MAX + CC_NAME_MAX + 2];

	if (a->opt.json) {
		fputc('{', stdout);
		json_identity_fields(a, chat);
		fprintf(stdout, ",\"created\":%s}\n", created ? "true" : "false");
		return;
	}
	home_of(a, chat, home, sizeof(home));
	printf("%s uid=%u gid=%u home=%s state=%s%s\n", chat->name, chat->uid, chat->uid, home,
	       cc_chat_state_name(chat->state), created ? " (created)" : "");
}

struct event_print {
	bool first;
	bool json;
};

static int print_event(const struct cc_event *e, void *ctx)
{
	struct event_print *p = ctx;

	if (p->json) {
		fputs(p->first ? "{" : ",{", stdout);
		json_field_time(stdout, "at", e->at, 0);
		json_field_string(stdout, "actor", e->actor, 1);
		json_field_string(stdout, "action", e->action, 1);
		json_field_string(stdout, "detail", e->detail[0] ? e->detail : NULL, 1);
		fputc('}', stdout);
	} else {
		char at[32];

		format_time(e->at, at, sizeof(at));
		printf("  %s  %-8s %s%s%s\n", at, e->action, e->actor, e->detail[0] ? ": " : "", e->detail);
	}
	p->first = false;
	return 0;
}

static void print_time_line(const char *label, int64_t at)
{
	char text[32] = "never";

	if (at)
		format_time(at, text, sizeof(text));
	printf("%-12s %s\n", label, text);
}

/* Effective limits, and the live usage when limits are on. */
static void print_limits_and_usage(struct admin *a, const struct cc_chat *chat)
{
	struct limits_text t;
	struct cc_cgroup_usage u;
	struct cc_err err = {0};
	enum cc_cgroup_backend backend = CC_CGROUP_AUTO;
	char io_disks[IO_DISKS_TEXT];

	limits_describe(&a->config, chat, &t);
	io_disks_describe(&a->config, io_disks, sizeof(io_disks));
	if (a->opt.json) {
		fputs(",\"limits\":{", stdout);
		json_field_string(stdout, "memory_max", t.memory, 0);
		json_field_string(stdout, "pids_max", t.pids, 1);
		json_field_string(stdout, "cpu_max", t.cpu, 1);
		json_field_string(stdout, "disk_max", t.disk, 1);
		json_field_string(stdout, "inodes_max", t.inodes, 1);
		json_field_string(stdout, "io_weight", t.io_weight, 1);
		json_field_string(stdout, "io_max", t.io_max, 1);
		json_field_string(stdout, "io_disks", io_disks, 1);
		fputs("},\"usage\":", stdout);
	} else {
		printf("%-12s memory %s, pids %s, cpu %s, disk %s, inodes %s, io weight %s, io max %s\n", "limits", t.memory,
		       t.pids, t.cpu, t.disk, t.inodes, t.io_weight, io_max_shown(&t));
		printf("%-12s %s\n", "io disks", io_disks);
	}
	if (admin_backend(a, &backend) < 0 || backend == CC_CGROUP_OFF ||
	    cc_cgroup_usage(backend, &a->config, chat->uid, chat->name, &u, &err) < 0) {
		const char *why = backend == CC_CGROUP_OFF ? "limits are off (cgroup_backend = off)"
				  : a->err.kind         ? a->err.msg
							: err.msg;

		if (a->opt.json)
			fputs("null", stdout);
		else
			printf("%-12s unavailable: %s\n", "usage", why);
		a->err.kind = CC_OK;
		return;
	}
	if (a->opt.json) {
		printf("{\"memory_current\":%llu,\"pids_current\":%llu,\"cpu_usage_usec\":%llu,\"nr_throttled\":%llu,"
		       "\"throttled_usec\":%llu,\"oom_kills\":%llu,\"io_read_bytes\":%llu,\"io_written_bytes\":%llu}",
		       (unsigned long long)u.memory_current, (unsigned long long)u.pids_current,
		       (unsigned long long)u.cpu_usage_usec, (unsigned long long)u.nr_throttled,
		       (unsigned long long)u.throttled_usec, (unsigned long long)u.oom_kills,
		       (unsigned long long)u.io_read_bytes, (unsigned long long)u.io_written_bytes);
		return;
	}
	printf("%-12s memory %.1fM, %llu processes, cpu %.2f s, throttled %llu times (%.2f s), OOM kills %llu, "
	       "io read %.1fM, written %.1fM\n",
	       "usage", (double)u.memory_current / 1048576.0, (unsigned long long)u.pids_current,
	       (double)u.cpu_usage_usec / 1e6, (unsigned long long)u.nr_throttled, (double)u.throttled_usec / 1e6,
	       (unsigned long long)u.oom_kills, (double)u.io_read_bytes / 1048576.0,
	       (double)u.io_written_bytes / 1048576.0);
}

/* What the chat holds on disk, from the quota records. */
static void print_disk_usage(struct admin *a, const struct cc_chat *chat)
{
	struct cc_disk_usage u;
	struct cc_err err = {0};
	const char *why = NULL;

	if (!a->config.disk_quota)
		why = "disk quotas are off (disk_quota = off)";
	else if (cc_disk_usage(&a->config, chat->uid, &u, &err) < 0)
		why = err.msg;
	else if (u.counted == 0)
		why = "no filesystem of the chat's trees counts usage";
	if (why) {
		if (a->opt.json)
			fputs(",\"disk_usage\":null", stdout);
		else
			printf("%-12s unavailable: %s\n", "disk usage", why);
		return;
	}
	if (a->opt.json) {
		printf(",\"disk_usage\":{\"bytes\":%llu,\"inodes\":%llu}", (unsigned long long)u.bytes_used,
		       (unsigned long long)u.inodes_used);
		return;
	}
	printf("%-12s %.1fM in %llu files\n", "disk usage", (double)u.bytes_used / 1048576.0,
	       (unsigned long long)u.inodes_used);
}

/* The packets the running cell's egress table refused, by the allowlist
 * and by connections_max: 1 read, else 0. */
static int cell_rejected(uint32_t uid, struct cc_egress_count *rejected, struct cc_egress_count *capped)
{
	struct cc_err ignored = {0};
	struct cc_cell cell;
	int netns, rc = 0;

	memset(capped, 0, sizeof(*capped));
	if (cc_cell_find(uid, &cell, &ignored) <= 0)
		return 0;
	netns = cc_cell_netns_open(&cell);
	cc_cell_close(&cell);
	if (netns >= 0) {
		rc = cc_egress_counter(netns, CC_NFT_COUNTER, rejected, &ignored) > 0;
		/* a table made before the cap has no such counter: it stays 0 */
		if (rc)
			(void)cc_egress_counter(netns, CC_NFT_CAP_COUNTER, capped, &ignored);
		close(netns);
	}
	return rc;
}

/* Whether the chat's cell runs, its keeper, processes and age, and what
 * its egress table refused. */
/* The "capped" line of show: what the cell's cap and rate are. */
static void print_capped(const struct cc_config *config, uint64_t packets)
{
	unsigned questions = (unsigned)cc_dns_flows_max(config);

	if (config->connections_max)
		printf("%-12s %llu packets of new connections refused at the cell's cap (connections_max %u open, %u "
		       "new at once then %u a second, and %u questions to the DNS gate)\n",
		       "capped", (unsigned long long)packets, (unsigned)config->connections_max,
		       (unsigned)cc_new_flows_burst(config), (unsigned)cc_new_flows_per_second(config), questions);
	else
		printf("%-12s %llu packets of questions to the DNS gate refused past %u at once (connections_max "
		       "max: no other cap)\n",
		       "capped", (unsigned long long)packets, questions);
}

static void print_cell(struct admin *a, const struct cc_chat *chat)
{
	struct cc_cell_status st;
	struct cc_egress_count rejected, capped;
	struct cc_err err = {0};
	char started[32];
	int found = cc_cell_status(chat->uid, &st, &err);
	bool counted = found > 0 && cell_rejected(chat->uid, &rejected, &capped);

	if (a->opt.json) {
		if (found <= 0) {
			fputs(",\"cell\":{\"running\":false}", stdout);
			return;
		}
		printf(",\"cell\":{\"running\":true,\"keeper_pid\":%d,\"processes\":%u", (int)st.pid, st.processes);
		json_field_time(stdout, "started_at", st.started, 1);
		if (counted)
			printf(",\"egress_rejected\":{\"packets\":%llu,\"bytes\":%llu}"
			       ",\"egress_capped\":{\"packets\":%llu,\"bytes\":%llu}",
			       (unsigned long long)rejected.packets, (unsigned long long)rejected.bytes,
			       (unsigned long long)capped.packets, (unsigned long long)capped.bytes);
		printf(",\"dns_gate\":{\"address\":\"127.0.0.1:%u\",\"answering\":%s}}", (unsigned)a->config.dns_gate_port,
		       gate_answers(a->config.dns_gate_port) ? "true" : "false");
		return;
	}
	if (found < 0) {
		printf("%-12s unknown: %s\n", "cell", err.msg);
	} else if (found == 0) {
		printf("%-12s not running (it starts at the next login, or with ensure --start)\n", "cell");
	} else {
		format_time(st.started, started, sizeof(started));
		printf("%-12s running since %s (%lld s), keeper pid %d, %u process%s\n", "cell", started,
		       (long long)(a->now - st.started), (int)st.pid, st.processes, st.processes == 1 ? "" : "es");
		if (counted)
			printf("%-12s %llu packets (%llu bytes) refused by the egress policy since the cell started\n",
			       "rejected", (unsigned long long)rejected.packets, (unsigned long long)rejected.bytes);
		if (counted && capped.packets)
			print_capped(&a->config, capped.packets);
		if (gate_answers(a->config.dns_gate_port))
			printf("%-12s answering on 127.0.0.1:%u\n", "dns gate", (unsigned)a->config.dns_gate_port);
		else
			printf("%-12s NOT answering on 127.0.0.1:%u: the chat's lookups fail; start chatcelld "
			       "(systemctl start chatcelld)\n",
			       "dns gate", (unsigned)a->config.dns_gate_port);
	}
}

struct domain_print {
	bool json;
	unsigned count;
};

static int print_domain(const struct cc_egress_domain *d, void *ctx)
{
	struct domain_print *p = ctx;

	if (p->json) {
		if (p->count)
			fputc(',', stdout);
		egress_domain_json(stdout, d);
	} else {
		char text[320];

		egress_domain_text(d, true, text, sizeof(text));
		printf("%-12s %s\n", p->count ? "" : "egress", text);
	}
	p->count++;
	return 0;
}

/* The chat's domain rules (egress list shows every rule). */
static int print_egress(struct admin *a, const struct cc_chat *chat)
{
	struct domain_print p = {a->opt.json, 0};
	int rc;

	if (a->opt.json)
		fputs(",\"egress\":{\"domains\":[", stdout);
	rc = cc_egress_each_domain(&a->reg, chat->id, print_domain, &p, &a->err);
	if (a->opt.json)
		fputs("]}", stdout);
	return rc;
}

/* Landlock as the chat's next login gets it (the same for every chat). */
static void print_sandbox(struct admin *a)
{
	struct sandbox_report r;

	sandbox_report_make(&a->config, &r);
	if (a->opt.json) {
		fputc(',', stdout);
		sandbox_report_json(stdout, &r);
		return;
	}
	printf("%-12s %s\n", "landlock", r.line);
}

int output_chat_details(struct admin *a, const struct cc_chat *chat)
{
	struct event_print p = {.first = true, .json = a->opt.json};
	char home[CC_PATH_MAX + CC_NAME_MAX + 2];

	if (a->opt.json) {
		int rc;

		fputc('{', stdout);
		json_record_fields(a, chat);
		print_limits_and_usage(a, chat);
		print_disk_usage(a, chat);
		print_cell(a, chat);
		rc = print_egress(a, chat);
		print_sandbox(a);
		fputs(",\"events\":[", stdout);
		if (rc == 0)
			rc = cc_events_each_for_chat(&a->reg, chat->id, print_event, &p, &a->err);
		fputs("]}\n", stdout);
		return rc;
	}
	home_of(a, chat, home, sizeof(home));
	printf("%-12s %s\n", "name", chat->name);
	printf("%-12s %.*s\n", "chat id", (int)chat->chat_id_len, chat->chat_id);
	printf("%-12s %u (group %u)\n", "uid", chat->uid, chat->uid);
	printf("%-12s %s\n", "home", home);
	printf("%-12s %s\n", "state", cc_chat_state_name(chat->state));
	if (chat->pending != CC_PENDING_NONE)
		printf("%-12s %s (the next chatcell-admin command goes on with it)\n", "unfinished",
		       cc_chat_pending_name(chat->pending));
	print_time_line("created", chat->created_at);
	print_time_line("last login", chat->last_login_at);
	print_time_line("last logout", chat->last_logout_at);
	if (chat->deleted_at)
		print_time_line("deleted", chat->deleted_at);
	print_limits_and_usage(a, chat);
	print_disk_usage(a, chat);
	print_cell(a, chat);
	if (print_egress(a, chat) < 0)
		return -1;
	print_sandbox(a);
	printf("events:\n");
	return cc_events_each_for_chat(&a->reg, chat->id, print_event, &p, &a->err);
}

void output_list_begin(struct admin *a)
{
	if (a->opt.json)
		fputc('[', stdout);
	else
		printf("%-20s %-10s %-9s %-20s %-20s %s\n", "NAME", "UID", "STATE", "CREATED", "LAST LOGIN", "CHAT ID");
}

void output_list_row(struct admin *a, const struct cc_chat *chat, bool first)
{
	char created[32], login[32] = "never";

	if (a->opt.json) {
		fputs(first ? "{" : ",{", stdout);
		json_record_fields(a, chat);
		fputc('}', stdout);
		return;
	}
	format_time(chat->created_at, created, sizeof(created));
	if (chat->last_login_at)
		format_time(chat->last_login_at, login, sizeof(login));
	printf("%-20s %-10u %-9s %-20s %-20s %.*s\n", chat->name, chat->uid, cc_chat_state_name(chat->state), created,
	       login, (int)chat->chat_id_len, chat->chat_id);
}

void output_list_end(struct admin *a, unsigned count)
{
	if (a->opt.json)
		fputs("]\n", stdout);
	else if (count == 0)
		printf("(no chats)\n");
}
