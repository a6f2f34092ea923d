/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup/sdbus_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define LIBSYSTEMD "libsystemd.so.0"

static struct cc_sdbus table;
static char load_error[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const struct {
		const char *symbol;
		size_t offset;
	} wanted[] = {
#define ENTRY(field, symbol) {symbol, offsetof(struct cc_sdbus, field)}
		ENTRY(open_system, "sd_bus_open_system"),
		ENTRY(flush_close_unref, "sd_bus_flush_close_unref"),
		ENTRY(call, "sd_bus_call"),
		ENTRY(call_method, "sd_bus_call_method"),
		ENTRY(match_signal, "sd_bus_match_signal"),
		ENTRY(process, "sd_bus_process"),
		ENTRY(wait, "sd_bus_wait"),
		ENTRY(slot_unref, "sd_bus_slot_unref"),
		ENTRY(message_new_method_call, "sd_bus_message_new_method_call"),
		ENTRY(message_append, "sd_bus_message_append"),
		ENTRY(message_open_container, "sd_bus_message_open_container"),
		ENTRY(message_close_container, "sd_bus_message_close_container"),
		ENTRY(message_read, "sd_bus_message_read"),
		ENTRY(message_unref, "sd_bus_message_unref"),
		ENTRY(error_free, "sd_bus_error_free"),
		ENTRY(error_is_set, "sd_bus_error_is_set"),
		ENTRY(error_has_name, "sd_bus_error_has_name"),
#undef ENTRY
	};
	struct cc_sdbus loaded;
	/* Never unloaded: the functions stay valid for the process's life. */
	void *lib = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (!lib) {
		snprintf(load_error, sizeof(load_error),
			 "the systemd backend needs %s (Debian package libsystemd0): %s", LIBSYSTEMD, dlerror());
		return;
	}
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		void *fn = dlsym(lib, wanted[i].symbol);

		if (!fn) {
			snprintf(load_error, sizeof(load_error), "%s has no %s (systemd 247 or later is needed)",
				 LIBSYSTEMD, wanted[i].symbol);
			return;
		}
		/* POSIX guarantees a function pointer survives a round trip
		 * through void * for dlsym(). */
		memcpy((char *)&loaded + wanted[i].offset, &fn, sizeof(fn));
	}
	table = loaded;
}

const struct cc_sdbus *cc_sdbus_load(struct cc_err *err)
{
	pthread_once(&load_once, load);
	if (load_error[0]) {
		cc_fail(err, CC_ERR_SYSTEM, "%s", load_error);
		return NULL;
	}
	return &table;
}

const struct cc_sdbus *cc_sdbus_loaded(void)
{
	return &table;
}
