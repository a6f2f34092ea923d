/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libsystemd's sd-bus, loaded with dlopen() when the systemd backend is
 * first used instead of being linked. pam_chatcell is loaded into every
 * login process of the host, chats or not, and libsystemd brings liblzma,
 * libzstd, liblz4, libgcrypt and libcap with it: about 0.7 ms more for
 * every process that loads it, measured here. Only the functions the
 * backend calls are resolved. */
#ifndef CHATCELL_SDBUS_DL_H
#define CHATCELL_SDBUS_DL_H

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "base/error.h"

struct cc_sdbus {
	int (*open_system)(sd_bus **bus);
	sd_bus *(*flush_close_unref)(sd_bus *bus);
	int (*call)(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *e, sd_bus_message **reply);
	int (*call_method)(sd_bus *bus, const char *destination, const char *path, const char *interface,
			   const char *member, sd_bus_error *e, sd_bus_message **reply, const char *types, ...);
	int (*match_signal)(sd_bus *bus, sd_bus_slot **slot, const char *sender, const char *path,
			    const char *interface, const char *member, sd_bus_message_handler_t callback,
			    void *userdata);
	int (*process)(sd_bus *bus, sd_bus_message **r);
	int (*wait)(sd_bus *bus, uint64_t timeout_usec);
	sd_bus_slot *(*slot_unref)(sd_bus_slot *slot);
	int (*message_new_method_call)(sd_bus *bus, sd_bus_message **m, const char *destination, const char *path,
				       const char *interface, const char *member);
	int (*message_append)(sd_bus_message *m, const char *types, ...);
	int (*message_open_container)(sd_bus_message *m, char type, const char *contents);
	int (*message_close_container)(sd_bus_message *m);
	int (*message_read)(sd_bus_message *m, const char *types, ...);
	sd_bus_message *(*message_unref)(sd_bus_message *m);
	void (*error_free)(sd_bus_error *e);
	int (*error_is_set)(const sd_bus_error *e);
	int (*error_has_name)(const sd_bus_error *e, const char *name);
};

/* The functions, loaded on the first call (once per process; safe from
 * threads), or NULL with the reason in `err`. */
const struct cc_sdbus *cc_sdbus_load(struct cc_err *err);

/* The same table once cc_sdbus_load() has succeeded. */
const struct cc_sdbus *cc_sdbus_loaded(void);

#endif
