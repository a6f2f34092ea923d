/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config/conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse_number.h"
#include "base/path_syntax.h"
#include "base/text_copy.h"
#include "base/trusted_dir.h"
#include "dns/dns_name.h"

#define CONFIG_FILE_MAX (1024L * 1024L)
#define CONFIG_LINE_MAX 4096

void cc_config_defaults(struct cc_config *config)
{
	memset(config, 0, sizeof(*config));
	/* 2^20 UIDs from 0x70000000: above systemd-nspawn's range and Debian's
	 * subordinate IDs, below systemd's foreign range and 2^31. */
	config->uid_min = 1879048192u;
	config->uid_max = 1879048192u + 1048575u;
	cc_copy(config->user_prefix, sizeof(config->user_prefix), "chat-");
	cc_copy(config->home_base, sizeof(config->home_base), "/home/chatcell");
	cc_copy(config->shell, sizeof(config->shell), "/bin/bash");
	cc_copy(config->shims_dir, sizeof(config->shims_dir), CHATCELL_SHIMS_DIR);
	config->quarantine_days = 30;
	config->cell_idle_stop = 3600;
	config->cell_ptys_max = 64;
	config->cgroup_backend = CC_CGROUP_AUTO;
	cc_copy(config->cgroup_root, sizeof(config->cgroup_root), "/sys/fs/cgroup/chatcell");
	config->memory_max = 256ull << 20;
	config->pids_max = 200;
	config->cpu_max_percent = 25;
	config->disk_quota = true;
	config->disk_max = 2ull << 30;
	config->inodes_max = 200000;
	config->io_weight = 100;
	cc_io_max_none(&config->io_max);
	config->landlock = CC_LANDLOCK_REQUIRED;
	config->open_files_max = 1024;
	config->processes_max = 512;
	config->locked_memory_max = 8ull << 20;
	config->core_max = 0;
	config->connections_max = 1024;
	/* 10.77.0.0/16 is in no well-known default: not Docker's pools
	 * (172.17-31/16, 192.168/16), Tailscale's 100.64/10, libvirt's
	 * 192.168.122/24, Kubernetes' (10.96/12, 10.244/16, k3s 10.42-43/16),
	 * Podman's 10.88/16, GCP's 10.128/9, nor home LANs (192.168.x,
	 * 10.0.x). The IPv6 range is a ULA /48 (RFC 4193) of a random global ID. */
	inet_pton(AF_INET, "10.77.0.0", config->cell_ipv4_range.addr);
	config->cell_ipv4_range.prefix_len = 16;
	inet_pton(AF_INET6, "fde8:edd2:e0ff::", config->cell_ipv6_range.addr);
	config->cell_ipv6_range.prefix_len = 48;
	config->dns_gate_port = 5300;
	config->dns_min_ttl = 60;
	config->dns_max_ttl = 86400;
	config->dns_grace = 120;
	config->dns_rate = 50;
	config->dns_burst = 200;
}

struct parse_ctx {
	struct cc_config *config;
	const char *origin;
	unsigned line;
	struct cc_err *err;
	unsigned seen_line[48]; /* per single-valued key (index in keys[]): where it was set */
};

static int bad_value(struct parse_ctx *ctx, const char *key, const char *expected, const char *value)
{
	return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s: expected %s, got '%s'", ctx->origin, ctx->line,
		       key, expected, value);
}

static int set_uid_range(struct parse_ctx *ctx, const char *key, const char *value)
{
	char first[16];
	const char *dash = strchr(value, '-');
	uint64_t lo, hi;

	if (!dash || (size_t)(dash - value) >= sizeof(first))
		goto bad;
	memcpy(first, value, (size_t)(dash - value));
	first[dash - value] = '\0';
	if (cc_parse_u64(first, CC_UID_ENVELOPE_MIN, CC_UID_ENVELOPE_MAX, &lo) < 0 ||
	    cc_parse_u64(dash + 1, lo, CC_UID_ENVELOPE_MAX, &hi) < 0)
		goto bad;
	ctx->config->uid_min = (uint32_t)lo;
	ctx->config->uid_max = (uint32_t)hi;
	return 0;
bad:
	return bad_value(ctx, key, "FIRST-LAST with 65536 <= FIRST <= LAST <= 2147483647", value);
}

/* A user or group name of 1 to max characters of [a-z0-9_-], starting
 * with a letter or '_' (what shadow-utils accepts, without '$'). */
static bool is_plain_name(const char *value, size_t max)
{
	size_t len = strlen(value);

	if (len == 0 || len > max || !((value[0] >= 'a' && value[0] <= 'z') || value[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = value[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int set_prefix(struct parse_ctx *ctx, const char *key, const char *value)
{
	if (!is_plain_name(value, CC_PREFIX_MAX))
		return bad_value(ctx, key, "1 to 20 characters of [a-z0-9_-] starting with a letter or '_'", value);
	cc_copy(ctx->config->user_prefix, sizeof(ctx->config->user_prefix), value);
	return 0;
}

/* out holds CC_PATH_MAX + 1 bytes. */
static int set_path(struct parse_ctx *ctx, const char *key, const char *value, char *out)
{
	if (!cc_path_is_simple_absolute(value, CC_PATH_MAX) || strcmp(value, "/") == 0)
		return bad_value(ctx, key,
				 "an absolute path of at most 200 bytes without '..', '.', '//', "
				 "a trailing '/', spaces, ':' or control characters",
				 value);
	cc_copy(out, CC_PATH_MAX + 1, value);
	return 0;
}

/* out holds CC_PATH_LIST_MAX + 1 bytes. */
static int set_path_list(struct parse_ctx *ctx, const char *key, const char *value, char *out)
{
	char copy[CC_PATH_LIST_MAX + 1];
	char *save = NULL;

	if (!cc_copy(copy, sizeof(copy), value))
		return bad_value(ctx, key, "at most 1024 bytes", value);
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (!cc_path_is_simple_absolute(dir, CC_PATH_MAX))
			return bad_value(ctx, key, "a ':'-separated list of absolute paths", value);
	cc_copy(out, CC_PATH_LIST_MAX + 1, value);
	return 0;
}

static int set_choice(struct parse_ctx *ctx, const char *key, const char *value, const char *const *names,
		      const char *expected, int *out)
{
	for (int i = 0; names[i]; i++) {
		if (strcmp(value, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return bad_value(ctx, key, expected, value);
}

/* "any", or ports and ranges: "3000,8000-8100". */
static int set_bind_ports(struct parse_ctx *ctx, const char *key, const char *value)
{
	const char *expected = "'any', or up to 16 ports and ranges from 1 to 65535 such as 3000,8000-8100";
	struct cc_config *c = ctx->config;
	char copy[CONFIG_LINE_MAX], *save = NULL;

	c->bind_port_ranges = 0;
	if (strcmp(value, "any") == 0)
		return 0;
	cc_copy(copy, sizeof(copy), value);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t first, last;

		if (dash)
			*dash = '\0';
		if (c->bind_port_ranges == CC_BIND_RANGES_MAX || cc_parse_u64(tok, 1, 65535, &first) < 0 ||
		    cc_parse_u64(dash ? dash + 1 : tok, first, 65535, &last) < 0)
			return bad_value(ctx, key, expected, value);
		c->bind_ports[c->bind_port_ranges++] = (struct cc_port_range){(uint16_t)first, (uint16_t)last};
	}
	return c->bind_port_ranges ? 0 : bad_value(ctx, key, expected, value);
}

static int set_limit(struct parse_ctx *ctx, const char *key, enum cc_limit_kind kind, const char *value,
		     uint64_t *out)
{
	char expected[96];

	if (cc_limit_parse(kind, value, out) == 0)
		return 0;
	snprintf(expected, sizeof(expected), kind == CC_LIMIT_IO_WEIGHT ? "%s" : "%s, or 'max'", cc_limit_expected(kind));
	return bad_value(ctx, key, expected, value);
}

static int add_egress(struct parse_ctx *ctx, const char *key, const char *value)
{
	struct cc_config *c = ctx->config;

	if (c->egress_allow_count == CC_EGRESS_DEFAULTS_MAX)
		return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s: at most %d default rules", ctx->origin,
			       ctx->line, key, CC_EGRESS_DEFAULTS_MAX);
	if (cc_egress_parse_rule(value, &c->egress_allow[c->egress_allow_count], ctx->err) < 0) {
		ctx->err->kind = CC_ERR_CONFIG;
		cc_err_prefix(ctx->err, "%s:%u: %s: ", ctx->origin, ctx->line, key);
		return -1;
	}
	c->egress_allow_count++;
	return 0;
}

static int set_dns_servers(struct parse_ctx *ctx, const char *key, const char *value)
{
	struct cc_config *c = ctx->config;
	char copy[CONFIG_LINE_MAX];
	struct cc_err ignored;
	char *save = NULL;

	c->dns_server_count = 0;
	cc_copy(copy, sizeof(copy), value);
	for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		struct cc_egress_rule *r;

		if (c->dns_server_count == CC_DNS_SERVERS_MAX)
			return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s: at most %d servers", ctx->origin,
				       ctx->line, key, CC_DNS_SERVERS_MAX);
		r = &c->dns_servers[c->dns_server_count];
		if (cc_egress_parse_prefix(tok, r, &ignored) < 0 ||
		    r->prefix_len != (r->family == AF_INET6 ? 128 : 32))
			return bad_value(ctx, key, "space-separated IPv4 or IPv6 addresses (no prefixes)", value);
		r->port_first = r->port_last = 53;
		c->dns_server_count++;
	}
	return 0;
}

int cc_dns_rule_check(const char *pattern, const struct cc_egress_rule *ports, char *out, struct cc_err *err)
{
	char why[128];

	if (cc_dns_pattern_normalize(pattern, out, CC_DNS_NAME_TEXT_MAX, why, sizeof(why)) < 0)
		return cc_fail(err, CC_ERR_INVALID, "invalid name rule: %s", why);
	if (ports && ports->port_last - ports->port_first + 1 > CC_DNS_PORTS_MAX)
		return cc_fail(err, CC_ERR_INVALID,
			       "ports %u-%u are %u ports; a name rule opens at most %d (the DNS gate adds one element per "
			       "port and address)",
			       ports->port_first, ports->port_last, ports->port_last - ports->port_first + 1,
			       CC_DNS_PORTS_MAX);
	return 0;
}

/* "PATTERN [tcp|udp PORT[-PORT]]" */
static int add_dns_allow(struct parse_ctx *ctx, const char *key, const char *value)
{
	struct cc_config *c = ctx->config;
	struct cc_dns_allow *allow = &c->dns_allow[c->dns_allow_count];
	char copy[CONFIG_LINE_MAX], *fields[4], *save = NULL;
	size_t n = 0;

	if (c->dns_allow_count == CC_DNS_ALLOW_MAX)
		return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s: at most %d name rules", ctx->origin, ctx->line,
			       key, CC_DNS_ALLOW_MAX);
	cc_copy(copy, sizeof(copy), value);
	for (char *tok = strtok_r(copy, " \t", &save); tok && n < 4; tok = strtok_r(NULL, " \t", &save))
		fields[n++] = tok;
	if (n != 1 && n != 3)
		return bad_value(ctx, key, "'PATTERN' or 'PATTERN tcp|udp PORT[-PORT]'", value);
	memset(allow, 0, sizeof(*allow));
	allow->any_port = n == 1;
	if ((n == 3 && (cc_egress_parse_proto(fields[1], &allow->ports, ctx->err) < 0 ||
			cc_egress_parse_ports(fields[2], &allow->ports, ctx->err) < 0)) ||
	    cc_dns_rule_check(fields[0], n == 3 ? &allow->ports : NULL, allow->pattern, ctx->err) < 0) {
		ctx->err->kind = CC_ERR_CONFIG;
		cc_err_prefix(ctx->err, "%s:%u: %s: ", ctx->origin, ctx->line, key);
		return -1;
	}
	c->dns_allow_count++;
	return 0;
}

static int set_group(struct parse_ctx *ctx, const char *key, const char *value)
{
	if (!is_plain_name(value, sizeof(ctx->config->proc_admin_group) - 1))
		return bad_value(ctx, key, "a group name (up to 32 characters of [a-z0-9_-])", value);
	cc_copy(ctx->config->proc_admin_group, sizeof(ctx->config->proc_admin_group), value);
	return 0;
}

static int set_cgroup_root(struct parse_ctx *ctx, const char *key, const char *value)
{
	if (strncmp(value, "/sys/fs/cgroup/", 15) != 0 || !cc_path_is_simple_absolute(value, CC_PATH_MAX))
		return bad_value(ctx, key, "a directory below /sys/fs/cgroup/", value);
	cc_copy(ctx->config->cgroup_root, sizeof(ctx->config->cgroup_root), value);
	return 0;
}

/* Do IPv4 prefixes a/alen and b/blen (8 <= len <= 32) share an address? */
static bool ipv4_overlaps(const uint8_t *a, unsigned alen, uint32_t b, unsigned blen)
{
	uint32_t mask = ~0u << (32 - (alen < blen ? alen : blen));
	uint32_t net = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];

	return ((net ^ b) & mask) == 0;
}

/* Where cells' addresses come from: a range with room for cells, clear of
 * addresses that already mean something on every host (loopback, this
 * network, multicast, and the link-local range of the cells' gateway). */
static int set_cell_range(struct parse_ctx *ctx, const char *key, const char *value, int family,
			  struct cc_ip_range *out)
{
	static const struct {
		uint32_t net;
		unsigned len;
	} reserved[] = {{0x00000000u, 8}, {0x7f000000u, 8}, {0xa9fe0000u, 16}, {0xe0000000u, 3}};
	struct cc_egress_rule r;
	struct cc_err ignored;
	bool v4 = family == AF_INET;

	if (!strchr(value, '/') || cc_egress_parse_prefix(value, &r, &ignored) < 0 || r.family != family ||
	    r.prefix_len < (v4 ? 8 : 16) || r.prefix_len > (v4 ? 30 : 120))
		return bad_value(ctx, key,
				 v4 ? "an IPv4 range from /8 to /30 without host bits, such as 10.77.0.0/16"
				    : "an IPv6 range from /16 to /120 without host bits, such as fde8:edd2:e0ff::/48",
				 value);
	if (v4) {
		for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
			if (ipv4_overlaps(r.addr, r.prefix_len, reserved[i].net, reserved[i].len))
				return bad_value(ctx, key,
						 "a range clear of 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16 (the cells' "
						 "gateway) and 224.0.0.0/3",
						 value);
	} else if ((r.addr[0] & 0xfe) != 0xfc && (r.addr[0] & 0xe0) != 0x20) {
		return bad_value(ctx, key, "a unique local (fc00::/7) or global (2000::/3) IPv6 range", value);
	}
	memcpy(out->addr, r.addr, sizeof(out->addr));
	out->prefix_len = r.prefix_len;
	return 0;
}

enum key_id {
	K_UID_RANGE, K_USER_PREFIX, K_HOME_BASE, K_SHELL, K_SHIMS_DIR, K_PATH_APPEND, K_PROC_ADMIN_GROUP,
	K_QUARANTINE_DAYS, K_MEMORY_MAX, K_PIDS_MAX, K_CPU_MAX, K_DNS_SERVERS, K_EGRESS_ALLOW, K_CGROUP_BACKEND,
	K_CGROUP_ROOT, K_CELL_IDLE_STOP, K_CELL_PTYS_MAX, K_LANDLOCK, K_LANDLOCK_READ, K_LANDLOCK_WRITE,
	K_LANDLOCK_BIND_PORTS, K_SYSCALLS_32BIT, K_OPEN_FILES_MAX, K_PROCESSES_MAX, K_LOCKED_MEMORY_MAX, K_CORE_MAX,
	K_DISK_QUOTA, K_DISK_MAX, K_INODES_MAX, K_CELL_IPV4_RANGE, K_CELL_IPV6_RANGE, K_IO_WEIGHT, K_IO_MAX,
	K_DNS_ALLOW, K_DNS_GATE_PORT, K_DNS_MIN_TTL, K_DNS_MAX_TTL, K_DNS_GRACE, K_DNS_RATE, K_DNS_BURST,
	K_CONNECTIONS_MAX,
};

static const struct {
	const char *name;
	enum key_id id;
	bool repeatable;
} keys[] = {
	{"uid_range", K_UID_RANGE, false},     {"user_prefix", K_USER_PREFIX, false},
	{"home_base", K_HOME_BASE, false},     {"shell", K_SHELL, false},
	{"shims_dir", K_SHIMS_DIR, false},     {"path_append", K_PATH_APPEND, false},
	{"proc_admin_group", K_PROC_ADMIN_GROUP, false},
	{"quarantine_days", K_QUARANTINE_DAYS, false},
	{"memory_max", K_MEMORY_MAX, false},   {"pids_max", K_PIDS_MAX, false},
	{"cpu_max", K_CPU_MAX, false},         {"io_weight", K_IO_WEIGHT, false},
	{"io_max", K_IO_MAX, false},           {"cgroup_backend", K_CGROUP_BACKEND, false},
	{"cgroup_root", K_CGROUP_ROOT, false}, {"dns_servers", K_DNS_SERVERS, false},
	{"egress_allow", K_EGRESS_ALLOW, true},
	{"cell_idle_stop", K_CELL_IDLE_STOP, false}, {"cell_ptys_max", K_CELL_PTYS_MAX, false},
	{"landlock", K_LANDLOCK, false},       {"landlock_read", K_LANDLOCK_READ, false},
	{"landlock_write", K_LANDLOCK_WRITE, false},
	{"landlock_bind_ports", K_LANDLOCK_BIND_PORTS, false},
	{"syscalls_32bit", K_SYSCALLS_32BIT, false},
	{"open_files_max", K_OPEN_FILES_MAX, false}, {"processes_max", K_PROCESSES_MAX, false},
	{"locked_memory_max", K_LOCKED_MEMORY_MAX, false}, {"core_max", K_CORE_MAX, false},
	{"disk_quota", K_DISK_QUOTA, false}, {"disk_max", K_DISK_MAX, false},
	{"inodes_max", K_INODES_MAX, false},
	{"cell_ipv4_range", K_CELL_IPV4_RANGE, false}, {"cell_ipv6_range", K_CELL_IPV6_RANGE, false},
	{"dns_allow", K_DNS_ALLOW, true},      {"dns_gate_port", K_DNS_GATE_PORT, false},
	{"dns_min_ttl", K_DNS_MIN_TTL, false}, {"dns_max_ttl", K_DNS_MAX_TTL, false},
	{"dns_grace", K_DNS_GRACE, false},     {"dns_rate", K_DNS_RATE, false},
	{"dns_burst", K_DNS_BURST, false},     {"connections_max", K_CONNECTIONS_MAX, false},
};

#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))
_Static_assert(KEY_COUNT <= sizeof(((struct parse_ctx *)0)->seen_line) / sizeof(unsigned),
	       "parse_ctx.seen_line has a place for every key");

static int apply(struct parse_ctx *ctx, enum key_id id, const char *key, const char *value)
{
	struct cc_config *c = ctx->config;
	uint64_t v;

	switch (id) {
	case K_UID_RANGE:
		return set_uid_range(ctx, key, value);
	case K_USER_PREFIX:
		return set_prefix(ctx, key, value);
	case K_HOME_BASE:
		return set_path(ctx, key, value, c->home_base);
	case K_SHELL:
		return set_path(ctx, key, value, c->shell);
	case K_SHIMS_DIR:
		return set_path(ctx, key, value, c->shims_dir);
	case K_PATH_APPEND:
		return set_path_list(ctx, key, value, c->path_append);
	case K_PROC_ADMIN_GROUP:
		return set_group(ctx, key, value);
	case K_QUARANTINE_DAYS:
		if (cc_parse_u64(value, 0, 3650, &v) < 0)
			return bad_value(ctx, key, "a number of days from 0 to 3650", value);
		c->quarantine_days = (uint32_t)v;
		return 0;
	case K_MEMORY_MAX:
		return set_limit(ctx, key, CC_LIMIT_MEMORY, value, &c->memory_max);
	case K_PIDS_MAX:
		return set_limit(ctx, key, CC_LIMIT_PIDS, value, &c->pids_max);
	case K_CPU_MAX:
		return set_limit(ctx, key, CC_LIMIT_CPU, value, &c->cpu_max_percent);
	case K_DISK_QUOTA: {
		static const char *const choices[] = {"off", "required", NULL};
		int required = 1;

		if (set_choice(ctx, key, value, choices, "required or off", &required) < 0)
			return -1;
		c->disk_quota = required != 0;
		return 0;
	}
	case K_DISK_MAX:
		return set_limit(ctx, key, CC_LIMIT_DISK, value, &c->disk_max);
	case K_INODES_MAX:
		return set_limit(ctx, key, CC_LIMIT_INODES, value, &c->inodes_max);
	case K_IO_WEIGHT:
		return set_limit(ctx, key, CC_LIMIT_IO_WEIGHT, value, &c->io_weight);
	case K_IO_MAX:
		return cc_io_max_parse(value, &c->io_max) == 0 ? 0 : bad_value(ctx, key, cc_io_max_expected(), value);
	case K_DNS_SERVERS:
		return set_dns_servers(ctx, key, value);
	case K_EGRESS_ALLOW:
		return add_egress(ctx, key, value);
	case K_CGROUP_BACKEND: {
		static const char *const backends[] = {"auto", "systemd", "cgroupfs", "off", NULL};
		int backend = 0;

		if (set_choice(ctx, key, value, backends, "auto, systemd, cgroupfs or off", &backend) < 0)
			return -1;
		c->cgroup_backend = (enum cc_cgroup_backend)backend;
		return 0;
	}
	case K_CGROUP_ROOT:
		return set_cgroup_root(ctx, key, value);
	case K_CELL_IDLE_STOP:
		if (strcmp(value, "never") == 0)
			v = 0;
		else if (cc_parse_seconds(value, 1, 7ULL * 24 * 3600, &v) < 0)
			return bad_value(ctx, key, "a duration from 1s to 168h such as 90s, 30m or 2h, or 'never'", value);
		c->cell_idle_stop = (uint32_t)v;
		return 0;
	case K_CELL_PTYS_MAX:
		if (cc_parse_u64(value, 1, 1024, &v) < 0)
			return bad_value(ctx, key, "a number of pseudo-terminals from 1 to 1024", value);
		c->cell_ptys_max = (uint32_t)v;
		return 0;
	case K_LANDLOCK: {
		static const char *const modes[] = {"required", "best-effort", "off", NULL};
		int mode = 0;

		if (set_choice(ctx, key, value, modes, "required, best-effort or off", &mode) < 0)
			return -1;
		c->landlock = (enum cc_landlock_mode)mode;
		return 0;
	}
	case K_LANDLOCK_READ:
		return set_path_list(ctx, key, value, c->landlock_read);
	case K_LANDLOCK_WRITE:
		return set_path_list(ctx, key, value, c->landlock_write);
	case K_LANDLOCK_BIND_PORTS:
		return set_bind_ports(ctx, key, value);
	case K_SYSCALLS_32BIT: {
		static const char *const choices[] = {"deny", "allow", NULL};
		int allow = 0;

		if (set_choice(ctx, key, value, choices, "deny or allow", &allow) < 0)
			return -1;
		c->syscalls_32bit = allow == 1;
		return 0;
	}
	case K_OPEN_FILES_MAX:
		if (cc_parse_u64(value, 64, 1048576, &c->open_files_max) < 0)
			return bad_value(ctx, key, "a number of open files from 64 to 1048576", value);
		return 0;
	case K_PROCESSES_MAX:
		if (strcmp(value, "max") == 0)
			c->processes_max = CC_LIMIT_UNLIMITED;
		else if (cc_parse_u64(value, 8, 4194304, &c->processes_max) < 0)
			return bad_value(ctx, key, "a number of processes from 8 to 4194304, or 'max'", value);
		return 0;
	case K_LOCKED_MEMORY_MAX:
		if (cc_parse_size(value, 0, 1ull << 40, &c->locked_memory_max) < 0)
			return bad_value(ctx, key, "a size such as 64K or 8M", value);
		return 0;
	case K_CORE_MAX:
		if (cc_parse_size(value, 0, 1ull << 40, &c->core_max) < 0)
			return bad_value(ctx, key, "a size such as 0 or 64M", value);
		return 0;
	case K_CONNECTIONS_MAX:
		if (strcmp(value, "max") == 0)
			v = 0;
		else if (cc_parse_u64(value, 1, 1048576, &v) < 0)
			return bad_value(ctx, key, "a number of connections from 1 to 1048576, or 'max'", value);
		c->connections_max = (uint32_t)v;
		return 0;
	case K_CELL_IPV4_RANGE:
		return set_cell_range(ctx, key, value, AF_INET, &c->cell_ipv4_range);
	case K_CELL_IPV6_RANGE:
		return set_cell_range(ctx, key, value, AF_INET6, &c->cell_ipv6_range);
	case K_DNS_ALLOW:
		return add_dns_allow(ctx, key, value);
	case K_DNS_GATE_PORT:
		if (cc_parse_u64(value, 1, 65535, &v) < 0)
			return bad_value(ctx, key, "a port from 1 to 65535", value);
		c->dns_gate_port = (uint16_t)v;
		return 0;
	case K_DNS_MIN_TTL:
	case K_DNS_MAX_TTL:
		/* Never 0: a learned element without a timeout would stay for good. */
		if (cc_parse_seconds(value, 1, 7ULL * 24 * 3600, &v) < 0)
			return bad_value(ctx, key, "a duration from 1s to 168h such as 60, 90s, 30m or 2h", value);
		*(id == K_DNS_MIN_TTL ? &c->dns_min_ttl : &c->dns_max_ttl) = (uint32_t)v;
		return 0;
	case K_DNS_GRACE:
		if (cc_parse_seconds(value, 0, 7ULL * 24 * 3600, &v) < 0)
			return bad_value(ctx, key, "a duration from 0 to 168h such as 0, 90s, 30m or 2h", value);
		c->dns_grace = (uint32_t)v;
		return 0;
	case K_DNS_RATE:
	case K_DNS_BURST:
		if (cc_parse_u64(value, 1, 1000000, &v) < 0)
			return bad_value(ctx, key, "a number of queries from 1 to 1000000", value);
		*(id == K_DNS_RATE ? &c->dns_rate : &c->dns_burst) = (uint32_t)v;
		return 0;
	}
	return -1;
}

static unsigned key_line(const struct parse_ctx *ctx, enum key_id id)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (keys[i].id == id)
			return ctx->seen_line[i];
	return 0;
}

/* Settings that must agree with each other, checked once the whole file is
 * read; the error names the line of the one set last. */
static int check_pair(struct parse_ctx *ctx, enum key_id low_id, const char *low, uint32_t low_value,
		      enum key_id high_id, const char *high, uint32_t high_value)
{
	unsigned low_line = key_line(ctx, low_id), high_line = key_line(ctx, high_id);

	if (high_value >= low_value)
		return 0;
	return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s (%u) must be at least %s (%u)", ctx->origin,
		       high_line > low_line ? high_line : low_line, high, high_value, low, low_value);
}

static int unknown_key(struct parse_ctx *ctx, const char *key)
{
	char known[1024] = "";
	size_t len = 0;

	for (size_t i = 0; i < KEY_COUNT && len < sizeof(known); i++)
		len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "", keys[i].name);
	return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: unknown key '%s' (known: %s)", ctx->origin, ctx->line, key,
		       known);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static int parse_line(struct parse_ctx *ctx, char *line)
{
	char *eq, *key, *value;

	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: control character in line", ctx->origin,
				       ctx->line);
	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: expected 'key = value' or a '#' comment, got '%s'",
			       ctx->origin, ctx->line, line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (size_t i = 0; i < KEY_COUNT; i++) {
		if (strcmp(keys[i].name, key) != 0)
			continue;
		if (!keys[i].repeatable) {
			if (ctx->seen_line[i])
				return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s is already set at line %u",
					       ctx->origin, ctx->line, key, ctx->seen_line[i]);
			ctx->seen_line[i] = ctx->line;
		}
		if (*value == '\0' && keys[i].id != K_PATH_APPEND && keys[i].id != K_DNS_SERVERS)
			return cc_fail(ctx->err, CC_ERR_CONFIG, "%s:%u: %s has no value", ctx->origin, ctx->line,
				       key);
		return apply(ctx, keys[i].id, key, value);
	}
	return unknown_key(ctx, key);
}

int cc_config_parse(struct cc_config *config, const char *text, const char *origin, struct cc_err *err)
{
	struct parse_ctx ctx = {.config = config, .origin = origin, .err = err};
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[CONFIG_LINE_MAX];

		ctx.line++;
		if (len >= sizeof(line))
			return cc_fail(err, CC_ERR_CONFIG, "%s:%u: line is longer than %d bytes", origin, ctx.line,
				       CONFIG_LINE_MAX - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		if (parse_line(&ctx, line) < 0)
			return -1;
		p += len + (nl ? 1 : 0);
	}
	if (check_pair(&ctx, K_DNS_MIN_TTL, "dns_min_ttl", config->dns_min_ttl, K_DNS_MAX_TTL, "dns_max_ttl",
		       config->dns_max_ttl) < 0 ||
	    check_pair(&ctx, K_DNS_RATE, "dns_rate", config->dns_rate, K_DNS_BURST, "dns_burst", config->dns_burst) < 0)
		return -1;
	return 0;
}

int cc_config_load(struct cc_config *config, const char *path, struct cc_err *err)
{
	cc_cleanup_close int fd = -1;
	cc_cleanup_free char *text = NULL;
	struct stat st;
	ssize_t n;

	cc_config_defaults(config);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		/* Only the default file may be absent (every setting its default):
		 * a file named on purpose that is not there is a mistake. */
		if (errno == ENOENT && strcmp(path, CHATCELL_CONF_PATH) == 0)
			return 0;
		if (errno == ENOENT)
			return cc_fail(err, CC_ERR_CONFIG,
				       "the configuration file %s does not exist; give the path of an existing file "
				       "(only the default %s may be missing)",
				       path, CHATCELL_CONF_PATH);
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot open %s", path);
	}
	if (fstat(fd, &st) < 0)
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot stat %s", path);
	if (!cc_root_only_file(&st))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s must be a regular file owned by root and not writable by group or others "
			       "(fix with: chown root:root %s && chmod 644 %s)",
			       path, path, path);
	if (st.st_size > CONFIG_FILE_MAX)
		return cc_fail(err, CC_ERR_CONFIG, "%s is larger than 1 MiB; it cannot be a chatcell.conf", path);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "reading %s", path);
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0)
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot read %s", path);
	text[n] = '\0';
	if (strlen(text) != (size_t)n)
		return cc_fail(err, CC_ERR_CONFIG, "%s contains a NUL byte; it is not a text file", path);
	return cc_config_parse(config, text, path, err);
}
