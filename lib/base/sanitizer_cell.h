/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sanitizer builds only: a process that opens a chat session has joined
 * the chat's cell, whose PID namespace its children are born in. The leak
 * checker's exit-time tracer is such a child and cannot stop the parent's
 * threads from there: the process spins in sched_yield() forever. Leak
 * checking is therefore off in the programs that open sessions
 * (chatcell-session, the PAM test harness); ASan and UBSan stay on.
 * Included by exactly one file of each such program: it defines the
 * runtime's hook. */
#ifndef CHATCELL_SANITIZER_CELL_H
#define CHATCELL_SANITIZER_CELL_H

#ifdef __SANITIZE_ADDRESS__
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

#endif
