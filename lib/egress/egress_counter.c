/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_counter.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/object.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "egress/egress_nft.h"
#include "egress/nft_batch.h"
#include "egress/nft_probe.h"

static int parse_counter(const struct nlmsghdr *nlh, void *data)
{
	struct cc_egress_count *count = data;
	struct nftnl_obj *o = nftnl_obj_alloc();

	if (!o)
		return MNL_CB_ERROR;
	if (nftnl_obj_nlmsg_parse(nlh, o) == 0) {
		count->packets = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
		count->bytes = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_BYTES);
	}
	nftnl_obj_free(o);
	return MNL_CB_OK;
}

int cc_egress_counter(int netns_fd, const char *name, struct cc_egress_count *count, struct cc_err *err)
{
	char buf[8192]; /* one counter object, or an error */
	struct mnl_socket *nl = cc_nft_socket_open(netns_fd);
	struct nftnl_obj *o;
	struct nlmsghdr *nlh;
	int rc;

	memset(count, 0, sizeof(*count));
	if (!nl)
		return cc_nft_kernel_error(errno, err);
	o = nftnl_obj_alloc();
	if (!o) {
		mnl_socket_close(nl);
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "reading the egress counter");
	}
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, CC_NFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, NFPROTO_INET, NLM_F_ACK, 1);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	rc = cc_nft_ask(nl, nlh, parse_counter, count, err);
	mnl_socket_close(nl);
	return rc;
}
