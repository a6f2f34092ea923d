/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress_text.h"

#include <netinet/in.h>

#include "json.h"

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/* "443" or "8000-8010" */
static void ports_text(const struct cc_egress_rule *ports, char *out, size_t out_len)
{
	if (ports->port_first == ports->port_last)
		snprintf(out, out_len, "%u", ports->port_first);
	else
		snprintf(out, out_len, "%u-%u", ports->port_first, ports->port_last);
}

void egress_domain_text(const struct cc_egress_domain *d, bool with_private, char *out, size_t out_len)
{
	char ports[16];

	ports_text(&d->ports, ports, sizeof(ports));
	snprintf(out, out_len, "domain %s %s%s%s%s", d->pattern, d->any_port ? "any port" : proto_name(d->ports.proto),
		 d->any_port ? "" : " ", d->any_port ? "" : ports, with_private && d->private_ok ? ", private" : "");
}

void egress_domain_json(FILE *out, const struct cc_egress_domain *d)
{
	fputc('{', out);
	json_field_string(out, "domain", d->pattern, 0);
	if (d->any_port) {
		fputs(",\"any_port\":true", out);
	} else {
		char ports[16];

		ports_text(&d->ports, ports, sizeof(ports));
		json_field_string(out, "proto", proto_name(d->ports.proto), 1);
		json_field_string(out, "ports", ports, 1);
	}
	fprintf(out, ",\"private\":%s}", d->private_ok ? "true" : "false");
}
