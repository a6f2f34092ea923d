/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Drives pam_chatcell through libpam as an application would, with a
 * private stack (pam_start_confdir) naming the module file given, so the
 * ASan-built copy can be exercised under --enable-sanitizers.
 *
 *   pam_harness MODULE_PATH USER
 * Prints "account=<status> session=<status> ns=<same|new> tmp=<dev:ino>"
 * and, after close_session, "closed=<status>". */
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sanitizer_cell.h"

static int quiet_conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s\n", msg[i]->msg);
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp ? PAM_SUCCESS : PAM_BUF_ERR;
}

static const char *status_name(int s)
{
	switch (s) {
	case PAM_SUCCESS:
		return "SUCCESS";
	case PAM_IGNORE:
		return "IGNORE";
	case PAM_SESSION_ERR:
		return "SESSION_ERR";
	case PAM_ACCT_EXPIRED:
		return "ACCT_EXPIRED";
	case PAM_PERM_DENIED:
		return "PERM_DENIED";
	default:
		return "OTHER";
	}
}

int main(int argc, char **argv)
{
	struct pam_conv conv = {quiet_conv, NULL};
	char confdir[] = "/tmp/pam-harness-XXXXXX", stack[256];
	pam_handle_t *pamh;
	struct stat ns_before, ns_after, tmp;
	int account, session;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MODULE_PATH USER\n", argv[0]);
		return 2;
	}
	if (!mkdtemp(confdir))
		return 1;
	snprintf(stack, sizeof(stack), "%s/chatcell-harness", confdir);
	f = fopen(stack, "w");
	if (!f)
		return 1;
	/* pam_permit answers for users the module ignores. */
	fprintf(f, "account required %s\naccount required pam_permit.so\n", argv[1]);
	fprintf(f, "session required %s\nsession required pam_permit.so\n", argv[1]);
	fclose(f);
	if (pam_start_confdir("chatcell-harness", argv[2], &conv, confdir, &pamh) != PAM_SUCCESS)
		return 1;
	stat("/proc/self/ns/mnt", &ns_before);
	account = pam_acct_mgmt(pamh, 0);
	session = account == PAM_SUCCESS ? pam_open_session(pamh, 0) : -1;
	stat("/proc/self/ns/mnt", &ns_after);
	stat("/tmp", &tmp);
	printf("account=%s session=%s ns=%s tmp=%llu:%llu\n", status_name(account),
	       session < 0 ? "-" : status_name(session), ns_before.st_ino == ns_after.st_ino ? "same" : "new",
	       (unsigned long long)tmp.st_dev, (unsigned long long)tmp.st_ino);
	if (session == PAM_SUCCESS)
		printf("closed=%s\n", status_name(pam_close_session(pamh, 0)));
	pam_end(pamh, PAM_SUCCESS);
	unlink(stack);
	rmdir(confdir);
	return 0;
}
