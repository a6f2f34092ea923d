/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell.conf parsing: defaults, every key, and every error path with its
 * exact message (file:line and what was expected). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "config/conf.h"
#include "egress/egress_nft.h"

static void parse_ok(const char *text, struct cc_config *config)
{
	struct cc_err err = {0};

	cc_config_defaults(config);
	if (cc_config_parse(config, text, "t.conf", &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
}

static void parse_fails(const char *text, const char *expected)
{
	struct cc_config config;
	struct cc_err err = {0};

	cc_config_defaults(&config);
	assert_int_equal(cc_config_parse(&config, text, "t.conf", &err), -1);
	assert_int_equal(err.kind, CC_ERR_CONFIG);
	assert_string_equal(err.msg, expected);
}

static void defaults_avoid_reserved_ranges(void **state)
{
	struct cc_config c;

	cc_config_defaults(&c);
	assert_int_equal(c.uid_min, 1879048192u);
	assert_int_equal(c.uid_max, 1880096767u);
	assert_true(c.uid_min > 1879048191u);  /* above systemd-nspawn's range */
	assert_true(c.uid_max < 2147352576u);  /* below systemd's foreign range and 2^31 */
	assert_true(c.uid_min > 600100000u);   /* above Debian's subordinate ID pool */
	assert_string_equal(c.user_prefix, "chat-");
	assert_string_equal(c.home_base, "/home/chatcell");
	assert_string_equal(c.shell, "/bin/bash");
	assert_int_equal(c.quarantine_days, 30);
	assert_int_equal(c.memory_max, 256ull << 20);
	assert_int_equal(c.pids_max, 200);
	assert_int_equal(c.cpu_max_percent, 25);
	assert_int_equal(c.io_weight, 100);
	assert_true(cc_io_max_is_none(&c.io_max));
}

static void parses_the_disk_budget(void **state)
{
	struct cc_config c;

	(void)state;
	cc_config_defaults(&c);
	assert_true(c.disk_quota);
	assert_true(c.disk_max == 2ull << 30);
	assert_int_equal(c.inodes_max, 200000);
	parse_ok("disk_quota = off\ndisk_max = 500M\ninodes_max = 2M\n", &c);
	assert_false(c.disk_quota);
	assert_true(c.disk_max == 500ull << 20);
	assert_int_equal(c.inodes_max, 2000000);
	parse_ok("disk_quota = required\ndisk_max = max\ninodes_max = 5000\n", &c);
	assert_true(c.disk_quota);
	assert_true(c.disk_max == CC_LIMIT_UNLIMITED);
	assert_int_equal(c.inodes_max, 5000);
	parse_fails("disk_quota = yes\n", "t.conf:1: disk_quota: expected required or off, got 'yes'");
	parse_fails("disk_max = 512K\n",
		    "t.conf:1: disk_max: expected a size of at least 1M such as 500M or 2G, or 'max', got '512K'");
	parse_fails("inodes_max = 99\n", "t.conf:1: inodes_max: expected a number of files from 100 to 4294967295, "
					   "such as 5000, 200k or 1M, or 'max', got '99'");
	parse_fails("inodes_max = 5000M\n", "t.conf:1: inodes_max: expected a number of files from 100 to "
					      "4294967295, such as 5000, 200k or 1M, or 'max', got '5000M'");
	parse_fails("inodes_max = k\n", "t.conf:1: inodes_max: expected a number of files from 100 to 4294967295, "
					  "such as 5000, 200k or 1M, or 'max', got 'k'");
}

static void parses_every_key(void **state)
{
	struct cc_config c;

	parse_ok("# comment\n"
		 "\n"
		 "  uid_range = 70000-70009  \n"
		 "user_prefix=bot_\n"
		 "home_base = /srv/chats\n"
		 "shell = /usr/bin/zsh\n"
		 "shims_dir = /opt/shims\n"
		 "path_append = /usr/bin:/bin\n"
		 "proc_admin_group = adm\n"
		 "quarantine_days = 0\n"
		 "memory_max = 1G\n"
		 "pids_max = max\n"
		 "cpu_max = 150%\n"
		 "io_weight = 50\n"
		 "io_max = wbps=20M riops=1000\n"
		 "cgroup_backend = cgroupfs\n"
		 "cgroup_root = /sys/fs/cgroup/bots\n"
		 "dns_servers = 127.0.0.53 ::1\n"
		 "egress_allow = 203.0.113.0/24 tcp 443\n"
		 "egress_allow = 2001:db8::/32 udp 53\n"
		 "cell_idle_stop = 15m\n"
		 "cell_ptys_max = 8\n",
		 &c);
	assert_int_equal(c.uid_min, 70000);
	assert_int_equal(c.uid_max, 70009);
	assert_string_equal(c.user_prefix, "bot_");
	assert_string_equal(c.home_base, "/srv/chats");
	assert_string_equal(c.shell, "/usr/bin/zsh");
	assert_string_equal(c.shims_dir, "/opt/shims");
	assert_string_equal(c.path_append, "/usr/bin:/bin");
	assert_string_equal(c.proc_admin_group, "adm");
	assert_int_equal(c.quarantine_days, 0);
	assert_int_equal(c.memory_max, 1ull << 30);
	assert_true(c.pids_max == CC_LIMIT_UNLIMITED);
	assert_int_equal(c.cpu_max_percent, 150);
	assert_int_equal(c.io_weight, 50);
	assert_int_equal(c.io_max.wbps, 20ull << 20);
	assert_int_equal(c.io_max.riops, 1000);
	assert_true(c.io_max.rbps == CC_LIMIT_UNLIMITED && c.io_max.wiops == CC_LIMIT_UNLIMITED);
	assert_int_equal(c.cgroup_backend, CC_CGROUP_CGROUPFS);
	assert_string_equal(c.cgroup_root, "/sys/fs/cgroup/bots");
	assert_int_equal(c.dns_server_count, 2);
	assert_int_equal(c.dns_servers[1].prefix_len, 128);
	assert_int_equal(c.egress_allow_count, 2);
	assert_int_equal(c.egress_allow[1].port_first, 53);
	assert_int_equal(c.cell_idle_stop, 900);
	assert_int_equal(c.cell_ptys_max, 8);
	parse_ok("cell_idle_stop = never\n", &c);
	assert_int_equal(c.cell_idle_stop, 0);
	parse_ok("cell_idle_stop = 2h\n", &c);
	assert_int_equal(c.cell_idle_stop, 7200);
	parse_ok("cell_idle_stop = 45\n", &c);
	assert_int_equal(c.cell_idle_stop, 45);
}

static void parses_the_kernel_surface_keys(void **state)
{
	struct cc_config c;

	(void)state;
	cc_config_defaults(&c);
	assert_int_equal(c.landlock, CC_LANDLOCK_REQUIRED);
	assert_int_equal(c.bind_port_ranges, 0);
	assert_false(c.syscalls_32bit);
	assert_int_equal(c.open_files_max, 1024);
	assert_int_equal(c.core_max, 0);
	parse_ok("landlock = best-effort\n"
		 "landlock_read = /srv/data:/opt/tool/bin\n"
		 "landlock_write = /srv/scratch\n"
		 "landlock_bind_ports = 3000,8000-8100\n"
		 "syscalls_32bit = allow\n"
		 "open_files_max = 4096\n"
		 "processes_max = max\n"
		 "locked_memory_max = 64K\n"
		 "core_max = 1M\n",
		 &c);
	assert_int_equal(c.landlock, CC_LANDLOCK_BEST_EFFORT);
	assert_string_equal(c.landlock_read, "/srv/data:/opt/tool/bin");
	assert_string_equal(c.landlock_write, "/srv/scratch");
	assert_int_equal(c.bind_port_ranges, 2);
	assert_int_equal(c.bind_ports[0].first, 3000);
	assert_int_equal(c.bind_ports[0].last, 3000);
	assert_int_equal(c.bind_ports[1].first, 8000);
	assert_int_equal(c.bind_ports[1].last, 8100);
	assert_true(c.syscalls_32bit);
	assert_int_equal(c.open_files_max, 4096);
	assert_true(c.processes_max == CC_LIMIT_UNLIMITED);
	assert_int_equal(c.locked_memory_max, 64 << 10);
	assert_int_equal(c.core_max, 1 << 20);
	parse_ok("landlock = off\nlandlock_bind_ports = any\n", &c);
	assert_int_equal(c.landlock, CC_LANDLOCK_OFF);
	assert_int_equal(c.bind_port_ranges, 0);
	parse_fails("landlock = maybe\n", "t.conf:1: landlock: expected required, best-effort or off, got 'maybe'");
	parse_fails("landlock_bind_ports = 0\n",
		    "t.conf:1: landlock_bind_ports: expected 'any', or up to 16 ports and ranges from 1 to 65535 such as "
		    "3000,8000-8100, got '0'");
	parse_fails("landlock_bind_ports = 9000-8000\n",
		    "t.conf:1: landlock_bind_ports: expected 'any', or up to 16 ports and ranges from 1 to 65535 such as "
		    "3000,8000-8100, got '9000-8000'");
	parse_fails("landlock_write = tmp\n",
		    "t.conf:1: landlock_write: expected a ':'-separated list of absolute paths, got 'tmp'");
	parse_fails("syscalls_32bit = yes\n", "t.conf:1: syscalls_32bit: expected deny or allow, got 'yes'");
	parse_fails("open_files_max = 10\n",
		    "t.conf:1: open_files_max: expected a number of open files from 64 to 1048576, got '10'");
}

static void parses_the_connection_cap(void **state)
{
	struct cc_config c;

	(void)state;
	cc_config_defaults(&c);
	assert_int_equal(c.connections_max, 1024);
	/* the rate of new flows that follows: twice the cap at once, then a
	 * cap per 10 s, at least 1 a second */
	assert_int_equal(cc_new_flows_burst(&c), 2048);
	assert_int_equal(cc_new_flows_per_second(&c), 102);
	parse_ok("connections_max = 1\n", &c);
	assert_int_equal(c.connections_max, 1);
	assert_int_equal(cc_new_flows_burst(&c), 2);
	assert_int_equal(cc_new_flows_per_second(&c), 1);
	parse_ok("connections_max = 1048576\n", &c);
	assert_int_equal(c.connections_max, 1048576);
	assert_int_equal(cc_new_flows_burst(&c), 2097152);
	assert_int_equal(cc_new_flows_per_second(&c), 104857);
	parse_ok("connections_max = max\n", &c);
	assert_int_equal(c.connections_max, 0);
	static const char *const bad[] = {"0", "1048577", "-1", "10k", "unlimited"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[64], expected[160];

		snprintf(line, sizeof(line), "connections_max = %s\n", bad[i]);
		snprintf(expected, sizeof(expected),
			 "t.conf:1: connections_max: expected a number of connections from 1 to 1048576, or 'max', got '%s'",
			 bad[i]);
		parse_fails(line, expected);
	}
}

static void cell_range(const struct cc_ip_range *r, int family, char *out, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(family, r->addr, addr, sizeof(addr));
	snprintf(out, len, "%s/%u", addr, r->prefix_len);
}

static void parses_the_cell_ranges(void **state)
{
	struct cc_config c;
	char got[64];

	(void)state;
	cc_config_defaults(&c);
	cell_range(&c.cell_ipv4_range, AF_INET, got, sizeof(got));
	assert_string_equal(got, "10.77.0.0/16");
	cell_range(&c.cell_ipv6_range, AF_INET6, got, sizeof(got));
	assert_string_equal(got, "fde8:edd2:e0ff::/48");
	parse_ok("cell_ipv4_range = 100.127.0.0/20\ncell_ipv6_range = 2001:db8:1::/64\n", &c);
	cell_range(&c.cell_ipv4_range, AF_INET, got, sizeof(got));
	assert_string_equal(got, "100.127.0.0/20");
	cell_range(&c.cell_ipv6_range, AF_INET6, got, sizeof(got));
	assert_string_equal(got, "2001:db8:1::/64");
	parse_ok("cell_ipv4_range = 10.0.0.0/8\ncell_ipv6_range = fc00:1::ff00/120\n", &c);
	assert_int_equal(c.cell_ipv4_range.prefix_len, 8);
	assert_int_equal(c.cell_ipv6_range.prefix_len, 120);
}

static void refuses_unusable_cell_ranges(void **state)
{
	const char *v4 = "an IPv4 range from /8 to /30 without host bits, such as 10.77.0.0/16";
	const char *v4_reserved = "a range clear of 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16 (the cells' gateway) "
				  "and 224.0.0.0/3";
	const char *v6 = "an IPv6 range from /16 to /120 without host bits, such as fde8:edd2:e0ff::/48";
	const char *bad[][3] = {
		{"cell_ipv4_range = 10.77.0.1", v4, "10.77.0.1"},
		{"cell_ipv4_range = 10.77.0.0/31", v4, "10.77.0.0/31"},
		{"cell_ipv4_range = 10.0.0.0/7", v4, "10.0.0.0/7"},
		{"cell_ipv4_range = 10.77.0.1/16", v4, "10.77.0.1/16"},
		{"cell_ipv4_range = fd00::/48", v4, "fd00::/48"},
		{"cell_ipv4_range = 127.1.0.0/16", v4_reserved, "127.1.0.0/16"},
		{"cell_ipv4_range = 169.0.0.0/8", v4_reserved, "169.0.0.0/8"},
		{"cell_ipv4_range = 169.254.1.0/24", v4_reserved, "169.254.1.0/24"},
		{"cell_ipv4_range = 0.1.0.0/16", v4_reserved, "0.1.0.0/16"},
		{"cell_ipv4_range = 239.1.0.0/16", v4_reserved, "239.1.0.0/16"},
		{"cell_ipv6_range = fd00::/12", v6, "fd00::/12"},
		{"cell_ipv6_range = fd00::/121", v6, "fd00::/121"},
		{"cell_ipv6_range = fd00::1/64", v6, "fd00::1/64"},
		{"cell_ipv6_range = 10.77.0.0/16", v6, "10.77.0.0/16"},
		{"cell_ipv6_range = fe80:1::/64", "a unique local (fc00::/7) or global (2000::/3) IPv6 range", "fe80:1::/64"},
		{"cell_ipv6_range = ff02:1::/64", "a unique local (fc00::/7) or global (2000::/3) IPv6 range", "ff02:1::/64"},
	};
	char expected[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(expected, sizeof(expected), "t.conf:1: %.15s: expected %s, got '%s'", bad[i][0], bad[i][1],
			 bad[i][2]);
		parse_fails(bad[i][0], expected);
	}
}

static void empty_file_and_no_newline_are_fine(void **state)
{
	struct cc_config c;

	parse_ok("", &c);
	assert_string_equal(c.user_prefix, "chat-");
	parse_ok("user_prefix = x", &c);
	assert_string_equal(c.user_prefix, "x");
}

static void reports_structural_errors(void **state)
{
	parse_fails("uid_range 1-2\n", "t.conf:1: expected 'key = value' or a '#' comment, got 'uid_range 1-2'");
	parse_fails("\n\nuid_rnage = 70000-70001\n",
		    "t.conf:3: unknown key 'uid_rnage' (known: uid_range, user_prefix, home_base, shell, shims_dir, "
		    "path_append, proc_admin_group, quarantine_days, memory_max, pids_max, cpu_max, io_weight, io_max, "
		    "cgroup_backend, "
		    "cgroup_root, dns_servers, egress_allow, cell_idle_stop, cell_ptys_max, landlock, landlock_read, "
		    "landlock_write, landlock_bind_ports, syscalls_32bit, open_files_max, processes_max, "
		    "locked_memory_max, core_max, disk_quota, disk_max, inodes_max, cell_ipv4_range, "
		    "cell_ipv6_range, dns_allow, dns_gate_port, dns_min_ttl, dns_max_ttl, dns_grace, dns_rate, "
		    "dns_burst, connections_max)");
	parse_fails("shell = /bin/sh\nshell = /bin/bash\n", "t.conf:2: shell is already set at line 1");
	parse_fails("cell_idle_stop = 10d\n",
		    "t.conf:1: cell_idle_stop: expected a duration from 1s to 168h such as 90s, 30m or 2h, or 'never', got '10d'");
	parse_fails("cell_idle_stop = 0\n",
		    "t.conf:1: cell_idle_stop: expected a duration from 1s to 168h such as 90s, 30m or 2h, or 'never', got '0'");
	parse_fails("cell_ptys_max = 0\n",
		    "t.conf:1: cell_ptys_max: expected a number of pseudo-terminals from 1 to 1024, got '0'");
	parse_fails("shell =\n", "t.conf:1: shell has no value");
	parse_fails("shell = /bin/\x01sh\n", "t.conf:1: control character in line");
}

static void rejects_overlong_line(void **state)
{
	char *text = malloc(5000);

	memset(text, '#', 4999);
	text[4999] = '\0';
	parse_fails(text, "t.conf:1: line is longer than 4095 bytes");
	free(text);
}

static void reports_bad_values(void **state)
{
	const char *range = "FIRST-LAST with 65536 <= FIRST <= LAST <= 2147483647";
	char expected[512];

	snprintf(expected, sizeof(expected), "t.conf:1: uid_range: expected %s, got '1000-2000'", range);
	parse_fails("uid_range = 1000-2000", expected);
	snprintf(expected, sizeof(expected), "t.conf:1: uid_range: expected %s, got '70010-70000'", range);
	parse_fails("uid_range = 70010-70000", expected);
	snprintf(expected, sizeof(expected), "t.conf:1: uid_range: expected %s, got '2147483000-2147483648'", range);
	parse_fails("uid_range = 2147483000-2147483648", expected);
	snprintf(expected, sizeof(expected), "t.conf:1: uid_range: expected %s, got '70000'", range);
	parse_fails("uid_range = 70000", expected);
	parse_fails("user_prefix = Chat-",
		    "t.conf:1: user_prefix: expected 1 to 20 characters of [a-z0-9_-] starting with a letter or '_', "
		    "got 'Chat-'");
	parse_fails("user_prefix = abcdefghijklmnopqrstu",
		    "t.conf:1: user_prefix: expected 1 to 20 characters of [a-z0-9_-] starting with a letter or '_', "
		    "got 'abcdefghijklmnopqrstu'");
	parse_fails("home_base = relative/dir",
		    "t.conf:1: home_base: expected an absolute path of at most 200 bytes without '..', '.', '//', a "
		    "trailing '/', spaces, ':' or control characters, got 'relative/dir'");
	parse_fails("home_base = /",
		    "t.conf:1: home_base: expected an absolute path of at most 200 bytes without '..', '.', '//', a "
		    "trailing '/', spaces, ':' or control characters, got '/'");
	parse_fails("shell = /bin/../bin/sh",
		    "t.conf:1: shell: expected an absolute path of at most 200 bytes without '..', '.', '//', a "
		    "trailing '/', spaces, ':' or control characters, got '/bin/../bin/sh'");
	parse_fails("path_append = /usr/bin:bin",
		    "t.conf:1: path_append: expected a ':'-separated list of absolute paths, got '/usr/bin:bin'");
	parse_fails("proc_admin_group = Admins",
		    "t.conf:1: proc_admin_group: expected a group name (up to 32 characters of [a-z0-9_-]), got 'Admins'");
	parse_fails("quarantine_days = 3651", "t.conf:1: quarantine_days: expected a number of days from 0 to 3650, "
					      "got '3651'");
	parse_fails("quarantine_days = -1", "t.conf:1: quarantine_days: expected a number of days from 0 to 3650, "
					    "got '-1'");
	parse_fails("memory_max = 1M", "t.conf:1: memory_max: expected a size of at least 4M such as 256M or 2G, or "
				       "'max', got '1M'");
	parse_fails("memory_max = 12X", "t.conf:1: memory_max: expected a size of at least 4M such as 256M or 2G, or "
					"'max', got '12X'");
	parse_fails("pids_max = 0", "t.conf:1: pids_max: expected a number of processes from 1 to 4194304, or 'max', "
				    "got '0'");
	parse_fails("cpu_max = 25", "t.conf:1: cpu_max: expected a percentage of one CPU such as 25% or 200%, or "
				    "'max', got '25'");
	parse_fails("cpu_max = 0%", "t.conf:1: cpu_max: expected a percentage of one CPU such as 25% or 200%, or "
				    "'max', got '0%'");
	parse_fails("io_weight = 0", "t.conf:1: io_weight: expected a weight from 1 to 10000 (100 is an equal share), "
				     "got '0'");
	parse_fails("io_weight = max", "t.conf:1: io_weight: expected a weight from 1 to 10000 (100 is an equal "
				       "share), got 'max'");
	parse_fails("io_max = wbps=1K", "t.conf:1: io_max: expected space-separated rbps=, wbps= (bytes per second "
					"from 64K, such as 20M), riops=, wiops= (operations per second from 10 to "
					"10000000), each also 'max'; or 'max' for no cap, got 'wbps=1K'");
	parse_fails("cgroup_backend = v1", "t.conf:1: cgroup_backend: expected auto, systemd, cgroupfs or off, got 'v1'");
	parse_fails("cgroup_root = /tmp/cg", "t.conf:1: cgroup_root: expected a directory below /sys/fs/cgroup/, got '/tmp/cg'");
	parse_fails("dns_servers = 10.0.0.0/8", "t.conf:1: dns_servers: expected space-separated IPv4 or IPv6 "
						"addresses (no prefixes), got '10.0.0.0/8'");
	parse_fails("egress_allow = 10.0.0.1 tcp 0",
		    "t.conf:1: egress_allow: port '0' must be a number from 1 to 65535 or a range FIRST-LAST within it");
}

static void parses_the_dns_gate_keys(void **state)
{
	struct cc_config c;

	cc_config_defaults(&c);
	assert_int_equal(c.dns_allow_count, 0);
	assert_int_equal(c.dns_gate_port, 5300);
	assert_int_equal(c.dns_min_ttl, 60);
	assert_int_equal(c.dns_max_ttl, 86400);
	assert_int_equal(c.dns_grace, 120);
	assert_int_equal(c.dns_rate, 50);
	assert_int_equal(c.dns_burst, 200);
	parse_ok("dns_allow = API.Anthropic.com.\n"
		 "dns_allow = *.pypi.org tcp 443\n"
		 "dns_allow = ntp.example.net udp 123-124\n"
		 "dns_gate_port = 53\n"
		 "dns_min_ttl = 5m\n"
		 "dns_max_ttl = 2h\n"
		 "dns_grace = 0\n"
		 "dns_rate = 10\n"
		 "dns_burst = 10\n",
		 &c);
	assert_int_equal(c.dns_allow_count, 3);
	assert_string_equal(c.dns_allow[0].pattern, "api.anthropic.com");
	assert_true(c.dns_allow[0].any_port);
	assert_string_equal(c.dns_allow[1].pattern, "*.pypi.org");
	assert_false(c.dns_allow[1].any_port);
	assert_int_equal(c.dns_allow[1].ports.proto, 6);
	assert_int_equal(c.dns_allow[1].ports.port_first, 443);
	assert_int_equal(c.dns_allow[1].ports.port_last, 443);
	assert_int_equal(c.dns_allow[2].ports.proto, 17);
	assert_int_equal(c.dns_allow[2].ports.port_first, 123);
	assert_int_equal(c.dns_allow[2].ports.port_last, 124);
	assert_int_equal(c.dns_gate_port, 53);
	assert_int_equal(c.dns_min_ttl, 300);
	assert_int_equal(c.dns_max_ttl, 7200);
	assert_int_equal(c.dns_grace, 0);
	assert_int_equal(c.dns_rate, 10);
	assert_int_equal(c.dns_burst, 10);
	/* 64 ports is the most one rule opens. */
	parse_ok("dns_allow = a.example.com tcp 1000-1063\n", &c);
	assert_int_equal(c.dns_allow[0].ports.port_last, 1063);
}

static void reports_bad_dns_gate_values(void **state)
{
	parse_fails("dns_allow = \n", "t.conf:1: dns_allow has no value");
	parse_fails("dns_allow = *\n", "t.conf:1: dns_allow: invalid name rule: '*' alone would allow every name");
	parse_fails("dns_allow = *.com\n", "t.conf:1: dns_allow: invalid name rule: '*.' needs at least two labels "
					   "after it: a wildcard may not cover a top-level domain");
	parse_fails("dns_allow = a..b\n", "t.conf:1: dns_allow: invalid name rule: the name has an empty label (two "
					  "dots in a row, or a leading dot)");
	parse_fails("dns_allow = a/b.com\n", "t.conf:1: dns_allow: invalid name rule: the name has a character other "
					     "than letters, digits, '-' and '_'");
	parse_fails("dns_allow = a.com tcp\n",
		    "t.conf:1: dns_allow: expected 'PATTERN' or 'PATTERN tcp|udp PORT[-PORT]', got 'a.com tcp'");
	parse_fails("dns_allow = a.com tcp 443 x\n",
		    "t.conf:1: dns_allow: expected 'PATTERN' or 'PATTERN tcp|udp PORT[-PORT]', got 'a.com tcp 443 x'");
	parse_fails("dns_allow = a.com icmp 1\n", "t.conf:1: dns_allow: unknown protocol 'icmp' (expected tcp or udp)");
	parse_fails("dns_allow = a.com tcp 0\n",
		    "t.conf:1: dns_allow: port '0' must be a number from 1 to 65535 or a range FIRST-LAST within it");
	parse_fails("\ndns_allow = a.com udp 1000-1064\n",
		    "t.conf:2: dns_allow: ports 1000-1064 are 65 ports; a name rule opens at most 64 (the DNS gate adds "
		    "one element per port and address)");
	parse_fails("dns_gate_port = 0\n", "t.conf:1: dns_gate_port: expected a port from 1 to 65535, got '0'");
	parse_fails("dns_gate_port = 65536\n", "t.conf:1: dns_gate_port: expected a port from 1 to 65535, got '65536'");
	parse_fails("dns_min_ttl = 0\n",
		    "t.conf:1: dns_min_ttl: expected a duration from 1s to 168h such as 60, 90s, 30m or 2h, got '0'");
	parse_fails("dns_max_ttl = 8d\n",
		    "t.conf:1: dns_max_ttl: expected a duration from 1s to 168h such as 60, 90s, 30m or 2h, got '8d'");
	parse_fails("dns_grace = -1\n",
		    "t.conf:1: dns_grace: expected a duration from 0 to 168h such as 0, 90s, 30m or 2h, got '-1'");
	parse_fails("dns_rate = 0\n", "t.conf:1: dns_rate: expected a number of queries from 1 to 1000000, got '0'");
	parse_fails("dns_burst = many\n", "t.conf:1: dns_burst: expected a number of queries from 1 to 1000000, got 'many'");
	parse_fails("dns_rate = 1\ndns_rate = 2\n", "t.conf:2: dns_rate is already set at line 1");
	/* Pairs: the error names the line of the one set last. */
	parse_fails("dns_max_ttl = 30\n", "t.conf:1: dns_max_ttl (30) must be at least dns_min_ttl (60)");
	parse_fails("dns_max_ttl = 300\n\ndns_min_ttl = 10m\n",
		    "t.conf:3: dns_max_ttl (300) must be at least dns_min_ttl (600)");
	parse_fails("dns_rate = 500\n", "t.conf:1: dns_burst (200) must be at least dns_rate (500)");
	parse_fails("dns_rate = 5\ndns_burst = 4\n", "t.conf:2: dns_burst (4) must be at least dns_rate (5)");
}

/* `line` once more than `cap` allows: refused at the line past the cap,
 * with "t.conf:<line>: " + `message`. */
static void fails_past_cap(const char *line, int cap, const char *message)
{
	size_t size = strlen(line) * (size_t)(cap + 1) + 1, used = 0;
	char *text = malloc(size);
	char expected[128];

	assert_non_null(text);
	for (int i = 0; i <= cap; i++)
		used += (size_t)snprintf(text + used, size - used, "%s", line);
	snprintf(expected, sizeof(expected), "t.conf:%d: %s", cap + 1, message);
	parse_fails(text, expected);
	free(text);
}

static void caps_repeated_dns_allow_rules(void **state)
{
	char message[64];

	snprintf(message, sizeof(message), "dns_allow: at most %d name rules", CC_DNS_ALLOW_MAX);
	fails_past_cap("dns_allow = a.example.com\n", CC_DNS_ALLOW_MAX, message);
}

static void caps_repeated_egress_rules(void **state)
{
	char message[64];

	snprintf(message, sizeof(message), "egress_allow: at most %d default rules", CC_EGRESS_DEFAULTS_MAX);
	fails_past_cap("egress_allow = 10.0.0.1 tcp 443\n", CC_EGRESS_DEFAULTS_MAX, message);
}

/* File-level checks need a file owned by root, so they run as root. */
static char *write_temp(const char *text, mode_t mode)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/chatcell-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
	return path;
}

/* Only the default file may be missing; the default's absence is tested
 * in integration/bad_input.sh, where /etc/chatcell is the sandbox's. */
static void a_missing_named_file_is_an_error(void **state)
{
	struct cc_config c;
	struct cc_err err = {0};

	assert_int_equal(cc_config_load(&c, "/nonexistent/chatcell.conf", &err), -1);
	assert_int_equal(err.kind, CC_ERR_CONFIG);
	assert_string_equal(err.msg, "the configuration file /nonexistent/chatcell.conf does not exist; give the path "
				     "of an existing file (only the default " CHATCELL_CONF_PATH " may be missing)");
}

static void refuses_unsafe_files(void **state)
{
	struct cc_config c;
	struct cc_err err = {0};
	char expected[512];
	char *path;

	if (geteuid() != 0)
		skip();
	path = write_temp("user_prefix = x\n", 0664);
	assert_int_equal(cc_config_load(&c, path, &err), -1);
	assert_int_equal(err.kind, CC_ERR_PERMISSION);
	snprintf(expected, sizeof(expected),
		 "%s must be a regular file owned by root and not writable by group or others (fix with: chown "
		 "root:root %s && chmod 644 %s)",
		 path, path, path);
	assert_string_equal(err.msg, expected);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(cc_config_load(&c, path, &err), -1);
	assert_string_equal(err.msg, expected);
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(cc_config_load(&c, path, &err), 0);
	assert_string_equal(c.user_prefix, "x");
	unlink(path);
}

static void refuses_nul_bytes_and_reports_file_lines(void **state)
{
	struct cc_config c;
	struct cc_err err = {0};
	char expected[256];
	char *path;
	int fd;

	if (geteuid() != 0)
		skip();
	path = write_temp("shell = /bin/sh\n", 0644);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "\0x", 2), 2);
	close(fd);
	assert_int_equal(cc_config_load(&c, path, &err), -1);
	snprintf(expected, sizeof(expected), "%s contains a NUL byte; it is not a text file", path);
	assert_string_equal(err.msg, expected);
	unlink(path);

	path = write_temp("shell = /bin/sh\nbogus\n", 0644);
	assert_int_equal(cc_config_load(&c, path, &err), -1);
	snprintf(expected, sizeof(expected), "%s:2: expected 'key = value' or a '#' comment, got 'bogus'", path);
	assert_string_equal(err.msg, expected);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_avoid_reserved_ranges),
		cmocka_unit_test(parses_every_key),
		cmocka_unit_test(parses_the_disk_budget),
		cmocka_unit_test(parses_the_kernel_surface_keys),
		cmocka_unit_test(parses_the_cell_ranges),
		cmocka_unit_test(refuses_unusable_cell_ranges),
		cmocka_unit_test(empty_file_and_no_newline_are_fine),
		cmocka_unit_test(reports_structural_errors),
		cmocka_unit_test(rejects_overlong_line),
		cmocka_unit_test(reports_bad_values),
		cmocka_unit_test(parses_the_connection_cap),
		cmocka_unit_test(caps_repeated_egress_rules),
		cmocka_unit_test(parses_the_dns_gate_keys),
		cmocka_unit_test(reports_bad_dns_gate_values),
		cmocka_unit_test(caps_repeated_dns_allow_rules),
		cmocka_unit_test(a_missing_named_file_is_an_error),
		cmocka_unit_test(refuses_unsafe_files),
		cmocka_unit_test(refuses_nul_bytes_and_reports_file_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
