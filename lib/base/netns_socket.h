/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A socket of another network namespace (a cell's): a socket belongs to
 * the namespace it was made in, so the calling thread enters that one for
 * the socket() call alone and comes straight back (setns moves the
 * calling thread only; this needs CAP_SYS_ADMIN). */
#ifndef CHATCELL_NETNS_SOCKET_H
#define CHATCELL_NETNS_SOCKET_H

/* socket(domain, type | SOCK_CLOEXEC, protocol) in the namespace of
 * `netns_fd`, or in the caller's own if netns_fd < 0: the descriptor, or a
 * negative errno. If the thread cannot go back to its own namespace, the
 * process aborts: it must never go on inside a cell's. */
int cc_netns_socket(int netns_fd, int domain, int type, int protocol);

#endif
