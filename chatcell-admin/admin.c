/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "admin.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "fs/chat_lock.h"
#include "fs/home.h"
#include "host_key_guard.h"
#include "recovery.h"
#include "disk_reserve.h"
#include "base/parse_number.h"
#include "base/path_syntax.h"
#include "db/settings.h"
#include "base/trusted_dir.h"
#include "view/view_format.h"
#include "view/nscd_flush.h"
#include "view/view_write.h"

int admin_exit_code(enum cc_err_kind kind)
{
	switch (kind) {
	case CC_ERR_USAGE:
		return EXIT_USAGE;
	case CC_ERR_INVALID:
		return EXIT_INVALID;
	case CC_ERR_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case CC_ERR_CONFLICT:
		return EXIT_CONFLICT;
	case CC_ERR_CONFIG:
		return EXIT_CONFIG;
	case CC_ERR_PERMISSION:
		return EXIT_PERMISSION;
	case CC_OK: /* a failure without a kind is still a failure */
	case CC_ERR_SYSTEM:
		break;
	}
	return EXIT_SYSTEM;
}

/* Who is acting, for the audit trail: the login UID the kernel tracks
 * (it survives sudo and su), or root. */
static void describe_actor(char *out, size_t out_len)
{
	char buf[32] = "";
	uint64_t login_uid = UINT32_MAX;
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			if (cc_parse_u64(buf, 0, UINT32_MAX, &login_uid) < 0)
				login_uid = UINT32_MAX;
		}
		close(fd);
	}
	if (login_uid >= UINT32_MAX) { /* (uid_t)-1: no login session */
		snprintf(out, out_len, "chatcell-admin (uid %u)", (unsigned)getuid());
	} else {
		char pwbuf[1024];
		struct passwd pw, *found = NULL;

		getpwuid_r((uid_t)login_uid, &pw, pwbuf, sizeof(pwbuf), &found);
		snprintf(out, out_len, "chatcell-admin (login %s)", found ? found->pw_name : buf);
	}
}

int admin_backend(struct admin *a, enum cc_cgroup_backend *backend)
{
	if (a->backend == CC_CGROUP_AUTO && cc_cgroup_backend_resolve(&a->config, &a->backend, &a->err) < 0) {
		a->backend = CC_CGROUP_AUTO;
		return -1;
	}
	*backend = a->backend;
	return 0;
}

int admin_view_sync(struct admin *a)
{
	struct cc_err cache = {0};

	if (cc_view_sync(a->view_fd, &a->err) < 0)
		return -1;
	if (cc_nscd_forget_users(&cache) < 0)
		fprintf(stderr, "chatcell-admin: warning: %s\n", cache.msg);
	return 0;
}

void admin_end_rebuild(struct admin *a)
{
	if (cc_registry_commit(&a->reg, &(struct cc_err){0}) < 0)
		cc_registry_rollback(&a->reg);
}

/* The NSS view directory. A missing one (deleted by hand) is made anew,
 * with its parameters, so that every command still works; its chats are
 * republished by repair (which says so itself) or one by one by ensure. */
static int open_view(struct admin *a, enum admin_mode mode)
{
	a->view_fd = cc_view_open_dir(a->state_fd, CHATCELL_STATE_DIR, mode == ADMIN_INIT, &a->err);
	if (a->view_fd >= 0 || a->err.kind != CC_ERR_NOT_FOUND)
		return a->view_fd;
	a->view_fd = cc_view_open_dir(a->state_fd, CHATCELL_STATE_DIR, true, &a->err);
	if (a->view_fd < 0 || cc_view_publish_params(a->view_fd, &a->config, &a->err) < 0 || admin_view_sync(a) < 0)
		return -1;
	a->view_made = true;
	if (mode == ADMIN_USE || mode == ADMIN_STOP)
		fprintf(stderr,
			"chatcell-admin: warning: the NSS view %s was missing; it was made anew with no chat in it. Run "
			"'chatcell-admin repair' to republish every chat\n",
			CC_VIEW_DIR);
	return a->view_fd;
}

int admin_open(struct admin *a, enum admin_mode mode)
{
	bool make = mode == ADMIN_INIT || mode == ADMIN_RESTORE;

	a->state_fd = a->view_fd = a->home_base_fd = a->lock_fd = -1;
	a->backend = CC_CGROUP_AUTO;
	a->now = (int64_t)time(NULL);
	describe_actor(a->actor, sizeof(a->actor));
	if (geteuid() != 0)
		return cc_fail(&a->err, CC_ERR_PERMISSION,
			       "chatcell-admin must run as root (it manages users and %s); try sudo",
			       CHATCELL_STATE_DIR);
	if (cc_config_load(&a->config, a->opt.config_path, &a->err) < 0)
		return -1;
	a->state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, make ? 0755 : 0, &a->err);
	if (a->state_fd < 0) {
		if (mode == ADMIN_HOST && a->err.kind == CC_ERR_NOT_FOUND) {
			a->err.kind = CC_OK; /* nothing recorded there, nothing to restore */
			a->err.msg[0] = '\0';
			return 0;
		}
		if (!make && a->err.kind == CC_ERR_NOT_FOUND)
			return cc_fail(&a->err, CC_ERR_CONFIG, "%s does not exist; run 'chatcell-admin init' first",
				       CHATCELL_STATE_DIR);
		return -1;
	}
	/* Stopping a chat must work on a full disk (disk_reserve.h). */
	if (mode == ADMIN_STOP)
		disk_reserve_release_if_full(a->state_fd);
	/* restore puts the registry and the host key in place first. */
	return mode == ADMIN_RESTORE || mode == ADMIN_HOST ? 0 : admin_open_host(a, mode);
}

int admin_open_host(struct admin *a, enum admin_mode mode)
{
	bool init = mode == ADMIN_INIT;

	if (cc_registry_open(&a->reg, a->state_fd, CHATCELL_STATE_DIR, init, &a->err) < 0)
		return -1;
	if (!init && cc_settings_check_identity(&a->reg, &a->config, &a->err) < 0)
		return -1;
	if (host_key_guard(a, init) < 0)
		return -1;
	a->lock_fd = cc_chat_lock_open(a->state_fd, &a->err);
	if (a->lock_fd < 0)
		return -1;
	if (open_view(a, mode) < 0)
		return -1;
	a->home_base_fd = cc_home_base_open(&a->config, init || mode == ADMIN_RESTORE, &a->err);
	if (a->home_base_fd < 0)
		return -1;
	/* Whatever command runs, it first goes on with steps other runs left. */
	return recovery_run(a);
}

void admin_close(struct admin *a)
{
	const int open_fds[] = {a->state_fd, a->view_fd, a->home_base_fd, a->lock_fd};

	for (size_t i = 0; i < sizeof(open_fds) / sizeof(open_fds[0]); i++)
		if (open_fds[i] >= 0)
			close(open_fds[i]);
	/* Safe to call twice (run closes early, before starting the chat). */
	a->state_fd = a->view_fd = a->home_base_fd = a->lock_fd = -1;
	cc_registry_close(&a->reg);
	explicit_bzero(a->host_key, sizeof(a->host_key));
}

/* Read the chat ID from standard input: everything up to EOF, minus one
 * trailing newline. */
static int read_stdin_chat_id(struct admin *a, struct chat_target *t)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(STDIN_FILENO, t->chat_id + len, sizeof(t->chat_id) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot read the chat ID from stdin");
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(t->chat_id) - 1) {
			char extra;

			if (read(STDIN_FILENO, &extra, 1) > 0)
				return cc_fail(&a->err, CC_ERR_INVALID,
					       "the chat ID on stdin is longer than %d bytes; chat IDs are 1 to %d bytes "
					       "of UTF-8 without control characters",
					       CC_CHAT_ID_MAX, CC_CHAT_ID_MAX);
			break;
		}
	}
	if (len > 0 && t->chat_id[len - 1] == '\n')
		len--;
	t->chat_id_len = len;
	t->chat_id[len] = '\0';
	return 0;
}

int admin_check_chat_id(struct admin *a, const struct chat_target *t)
{
	size_t offset;
	enum cc_chat_id_verdict verdict = cc_chat_id_check(t->chat_id, t->chat_id_len, &offset);

	if (verdict == CC_CHAT_ID_NOT_UTF8 || verdict == CC_CHAT_ID_CONTROL)
		return cc_fail(&a->err, CC_ERR_INVALID,
			       "%s (at byte %zu); chat IDs are 1 to %d bytes of UTF-8 without control characters",
			       cc_chat_id_verdict_text(verdict), offset, CC_CHAT_ID_MAX);
	if (verdict != CC_CHAT_ID_OK)
		return cc_fail(&a->err, CC_ERR_INVALID,
			       "%s; chat IDs are 1 to %d bytes of UTF-8 without control characters",
			       cc_chat_id_verdict_text(verdict), CC_CHAT_ID_MAX);
	return 0;
}

int admin_read_target_text(struct admin *a, struct chat_target *t, const char *text)
{
	size_t len = strlen(text);

	if (len > CC_CHAT_ID_MAX)
		len = CC_CHAT_ID_MAX + 1; /* reported as too long */
	memcpy(t->chat_id, text, len);
	t->chat_id[len] = '\0';
	t->chat_id_len = len;
	return admin_check_chat_id(a, t);
}

int admin_read_target(struct admin *a, struct chat_target *t, bool allow_user)
{
	int sources = (a->opt.argc > 0) + a->opt.from_stdin + (a->opt.user != NULL);

	memset(t, 0, sizeof(*t));
	if (a->opt.user && !allow_user)
		return cc_fail(&a->err, CC_ERR_USAGE, "this command takes a chat ID, not --user");
	if (sources != 1 || a->opt.argc > 1)
		return cc_fail(&a->err, CC_ERR_USAGE,
			       allow_user ? "give exactly one of: a CHAT_ID argument, --stdin, or --user NAME"
					  : "give exactly one of: a CHAT_ID argument or --stdin");
	if (a->opt.user) {
		t->user = a->opt.user;
		return 0;
	}
	if (a->opt.from_stdin)
		return read_stdin_chat_id(a, t) < 0 ? -1 : admin_check_chat_id(a, t);
	return admin_read_target_text(a, t, a->opt.argv[0]);
}

int admin_read_dir(struct admin *a, const char **dir)
{
	if (a->opt.argc != 1)
		return cc_fail(&a->err, CC_ERR_USAGE, "give one directory");
	*dir = a->opt.argv[0];
	if (!cc_path_is_simple_absolute(*dir, CC_PATH_MAX) || strcmp(*dir, "/") == 0)
		return cc_fail(&a->err, CC_ERR_USAGE,
			       "the directory must be an absolute path of plain characters ([A-Za-z0-9._+@-] between "
			       "slashes, at most %d bytes), not '%s'",
			       CC_PATH_MAX, *dir);
	return 0;
}

int admin_find_target(struct admin *a, const struct chat_target *t, struct cc_chat *chat)
{
	int found;

	if (t->user)
		found = cc_chats_find_live_by_name(&a->reg, t->user, chat, &a->err);
	else
		found = cc_chats_find_live_by_chat_id(&a->reg, t->chat_id, t->chat_id_len, chat, &a->err);
	if (found == 0)
		cc_fail(&a->err, CC_ERR_NOT_FOUND,
			"no such chat%s%s; 'chatcell-admin list' shows the chats that exist", t->user ? ": " : "",
			t->user ? t->user : "");
	return found;
}

int admin_begin_chat_change(struct admin *a, const struct chat_target *t, struct cc_chat *chat, bool replaces_step)
{
	uint32_t uid;
	int rc;

	if (admin_find_target(a, t, chat) <= 0)
		return -1;
	uid = chat->uid;
	rc = cc_chat_lock(a->lock_fd, uid, true);
	if (rc < 0)
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, -rc, "cannot take the work lock of %s", chat->name);
	/* A step another run left is finished first: the change builds on it
	 * (a delete replaces it, undoing whatever it did). */
	if (replaces_step)
		recovery_replaced(a, chat->id);
	else if (admin_find_target(a, t, chat) <= 0 || recovery_finish_locked(a, chat) < 0) {
		cc_chat_unlock(a->lock_fd, uid);
		return -1;
	}
	if (cc_registry_begin_write(&a->reg, &a->err) < 0) {
		cc_chat_unlock(a->lock_fd, uid);
		return -1;
	}
	/* Read again inside the transaction: another process may have changed
	 * the chat (or deleted it) before the lock was ours. */
	if (admin_find_target(a, t, chat) <= 0 || chat->uid != uid) {
		if (chat->uid != uid)
			cc_fail(&a->err, CC_ERR_CONFLICT, "the chat changed while waiting for its lock; run the command again");
		cc_registry_rollback(&a->reg);
		cc_chat_unlock(a->lock_fd, uid);
		return -1;
	}
	return 0;
}
