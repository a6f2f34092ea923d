/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Removing a directory tree that a chat owned, without ever following a
 * symbolic link and with a constant number of open descriptors whatever the
 * depth. The owner's processes must be gone first (nothing may rename
 * directories underneath); going back up is verified by device and inode. */
#ifndef CHATCELL_REMOVE_TREE_H
#define CHATCELL_REMOVE_TREE_H

/* Remove `name` inside `parent_fd`. A missing `name` is success.
 * Returns 0 or a negative errno. */
int cc_remove_tree_at(int parent_fd, const char *name);

#endif
