/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell.conf: the administrator's settings, parsed strictly. A malformed
 * line or an unknown key is an error naming file:line (see chatcell.conf(5)). */
#ifndef CHATCELL_CONF_H
#define CHATCELL_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "base/egress_rule.h"
#include "base/error.h"
#include "base/io_limit.h"
#include "base/limit_value.h"
#include "base/sizes.h"

#define CC_PATH_LIST_MAX 1024
#define CC_EGRESS_DEFAULTS_MAX 64
#define CC_DNS_SERVERS_MAX 8
#define CC_DNS_ALLOW_MAX 64
/* Ports one name rule may open: the DNS gate learns one element per port
 * and address of an answer. */
#define CC_DNS_PORTS_MAX 64

/* Where per-chat limits are enforced. chatcell.conf may say "auto"; the
 * backend cgroup.h resolves for a host is never CC_CGROUP_AUTO. */
enum cc_cgroup_backend { CC_CGROUP_AUTO, CC_CGROUP_SYSTEMD, CC_CGROUP_CGROUPFS, CC_CGROUP_OFF };

/* What a login does on a kernel without (enough) Landlock: refuse, go on
 * without it, or never use it (lib/sandbox/landlock.h). */
enum cc_landlock_mode { CC_LANDLOCK_REQUIRED, CC_LANDLOCK_BEST_EFFORT, CC_LANDLOCK_OFF };

#define CC_BIND_RANGES_MAX 16

/* An IPv4 or IPv6 range: network byte order (IPv4 in the first 4 bytes),
 * host bits clear. */
struct cc_ip_range {
	uint8_t addr[16];
	uint8_t prefix_len;
};

/* A range of TCP ports, first <= last. */
struct cc_port_range {
	uint16_t first, last;
};

struct cc_config {
	uint32_t uid_min;
	uint32_t uid_max;
	char user_prefix[CC_PREFIX_MAX + 1];
	char home_base[CC_PATH_MAX + 1];
	char shell[CC_PATH_MAX + 1];
	char shims_dir[CC_PATH_MAX + 1];
	char path_append[CC_PATH_LIST_MAX + 1]; /* colon-separated, may be empty */
	char proc_admin_group[33];              /* may see every process; empty: none */
	uint32_t quarantine_days;

	/* The cell of each chat (lib/cell/cell.h). */
	uint32_t cell_idle_stop; /* seconds without a process before it ends; 0: never */
	uint32_t cell_ptys_max;  /* pseudo-terminals of one cell */

	/* Where limits are enforced: cgroup v2 through systemd or directly. */
	enum cc_cgroup_backend cgroup_backend;
	char cgroup_root[CC_PATH_MAX + 1]; /* the delegated subtree of the cgroupfs backend */

	/* Default limits for every chat (per-chat overrides live in the registry). */
	uint64_t memory_max;     /* bytes, or CC_LIMIT_UNLIMITED */
	uint64_t pids_max;       /* or CC_LIMIT_UNLIMITED */
	uint64_t cpu_max_percent; /* of one CPU, or CC_LIMIT_UNLIMITED */
	uint64_t io_weight;       /* 1 to 10000; 100, the kernel's default, is an equal share */
	struct cc_io_max io_max;  /* on the disks of the homes and /tmp instances */

	/* Each chat's disk budget: user quotas on every filesystem it can
	 * write (lib/disk). Off: none are set and logins do not check. */
	bool disk_quota;
	uint64_t disk_max;   /* bytes, or CC_LIMIT_UNLIMITED */
	uint64_t inodes_max; /* files, or CC_LIMIT_UNLIMITED */

	/* The kernel surface of every session (lib/sandbox). */
	enum cc_landlock_mode landlock;
	char landlock_read[CC_PATH_LIST_MAX + 1];  /* ':'-separated, beyond the defaults; may be empty */
	char landlock_write[CC_PATH_LIST_MAX + 1]; /* likewise */
	struct cc_port_range bind_ports[CC_BIND_RANGES_MAX]; /* TCP ports a chat may bind */
	unsigned bind_port_ranges;                           /* 0: any port */
	bool syscalls_32bit;                                 /* the i386 and x32 ABIs are allowed */
	uint64_t open_files_max;    /* RLIMIT_NOFILE */
	uint64_t processes_max;     /* RLIMIT_NPROC, or CC_LIMIT_UNLIMITED */
	uint64_t locked_memory_max; /* RLIMIT_MEMLOCK, bytes */
	uint64_t core_max;          /* RLIMIT_CORE, bytes */

	/* Flows out of each cell tracked at once (its egress table's ct
	 * count): each is a conntrack entry in the cell and one on the host,
	 * kernel memory the host's table limits for everyone. 0: no cap. */
	uint32_t connections_max;

	/* Egress defaults applied to every chat. */
	struct cc_egress_rule egress_allow[CC_EGRESS_DEFAULTS_MAX];
	unsigned egress_allow_count;
	/* The resolvers the DNS gate (chatcelld) asks; cells reach only the gate. */
	struct cc_egress_rule dns_servers[CC_DNS_SERVERS_MAX];
	unsigned dns_server_count;

	/* The DNS gate. dns_allow: names every chat may look up, as
	 * "PATTERN [tcp|udp PORT[-PORT]]" (dns/dns_name.h); without ports, every
	 * TCP and UDP port but 53 and 853. */
	struct cc_dns_allow {
		char pattern[254];
		bool any_port;
		struct cc_egress_rule ports; /* proto and ports, when !any_port */
	} dns_allow[CC_DNS_ALLOW_MAX];
	unsigned dns_allow_count;
	uint16_t dns_gate_port; /* where the gate listens on 127.0.0.1; default 5300 */
	uint32_t dns_min_ttl;   /* seconds an answer's addresses stay open at least; default 60 */
	uint32_t dns_max_ttl;   /* and at most; default 86400 */
	uint32_t dns_grace;     /* seconds added to the TTL for connections made late; default 120 */
	uint32_t dns_rate;      /* queries per second per chat; default 50 */
	uint32_t dns_burst;     /* queries a chat may send at once above the rate; default 200 */

	/* Where each cell's own IPv4 /32 and IPv6 /128 come from
	 * (lib/net/cell_addr.h). */
	struct cc_ip_range cell_ipv4_range;
	struct cc_ip_range cell_ipv6_range;
};

void cc_config_defaults(struct cc_config *config);

/* Load `path` over the defaults. A missing CHATCELL_CONF_PATH means "all
 * defaults"; any other missing file is an error (it was named on purpose).
 * A file that is not root-owned or is writable by group/other is refused. */
int cc_config_load(struct cc_config *config, const char *path, struct cc_err *err);

/* How long a deleted chat keeps its UID (quarantine_days), in seconds. */
static inline int64_t cc_config_quarantine_seconds(const struct cc_config *config)
{
	return (int64_t)config->quarantine_days * 86400;
}

/* Parse a whole configuration text (exposed for unit tests). `origin` names
 * the file in messages. */
int cc_config_parse(struct cc_config *config, const char *text, const char *origin, struct cc_err *err);

/* A name rule (dns_allow, egress allow --domain): the pattern normalised
 * into out (CC_DNS_NAME_TEXT_MAX bytes) and, if ports is not NULL, its
 * ports at most CC_DNS_PORTS_MAX; else CC_ERR_INVALID with the reason. */
int cc_dns_rule_check(const char *pattern, const struct cc_egress_rule *ports, char *out, struct cc_err *err);

#endif
