/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS gate's slot hash (chatcelld/gate_hash.c): the same question
 * always lands in the same slot, every part of it counts, and where it
 * lands depends on the gate's key. The gate's own tests (dns_gate.sh,
 * adversarial/dns.sh) use it through the cache and the leaders. */
#include <stdio.h>
#include <string.h>

#include "cmocka_all.h"

/* The daemon's file itself, built into this test (no object of chatcelld's
 * is shared with the tests' directory). */
#include "gate_hash.c"

static const uint8_t tail[2] = {0, 1};

static void open_gate(struct gate *out)
{
	struct cc_err err = {0};

	memset(out, 0, sizeof(*out));
	assert_int_equal(gate_hash_open(out, &err), 0);
}

static void name_of(unsigned i, char *out, size_t size)
{
	snprintf(out, size, "host-%u.example.org", i);
}

/* A gate is large (its pending questions, its answer buffers): static. */
static struct gate g, other;

static void same_question_same_slot(void **state)
{
	uint32_t first = 0;

	(void)state;
	open_gate(&g);
	/* Other questions in between: the hash carries nothing from one to
	 * the next. */
	for (unsigned i = 0; i < 1000; i++) {
		char name[64];
		uint32_t h = gate_hash(&g, 1000, "example.org", tail, sizeof(tail));

		if (i == 0)
			first = h;
		assert_int_equal(h, first);
		name_of(i, name, sizeof(name));
		(void)gate_hash(&g, 1000 + i, name, tail, sizeof(tail));
	}
	gate_hash_close(&g);
	assert_null(g.hash);
	gate_hash_close(&g); /* twice is harmless */
}

static void every_part_counts(void **state)
{
	const uint8_t other_tail[2] = {0, 28};
	uint32_t h;

	(void)state;
	open_gate(&g);
	h = gate_hash(&g, 1000, "example.org", tail, sizeof(tail));
	/* Each pair below differs with probability 1 - 2^-32 under a random key. */
	assert_int_not_equal(gate_hash(&g, 1001, "example.org", tail, sizeof(tail)), h);
	assert_int_not_equal(gate_hash(&g, 1000, "examplf.org", tail, sizeof(tail)), h);
	assert_int_not_equal(gate_hash(&g, 1000, "example.or", tail, sizeof(tail)), h);
	assert_int_not_equal(gate_hash(&g, 1000, "example.org", other_tail, sizeof(other_tail)), h);
	gate_hash_close(&g);
}

static void slots_depend_on_the_key(void **state)
{
	struct gate *a = &g, *b = &other;
	unsigned same = 0;

	(void)state;
	open_gate(a);
	open_gate(b);
	for (unsigned i = 0; i < 64; i++) {
		char name[64];

		name_of(i, name, sizeof(name));
		same += gate_hash(a, 1000, name, tail, sizeof(tail)) == gate_hash(b, 1000, name, tail, sizeof(tail));
	}
	assert_true(same <= 1); /* expected 64 / 2^32 */
	gate_hash_close(a);
	gate_hash_close(b);
}

static void names_spread_over_slots(void **state)
{
	unsigned count[256] = {0}, most = 0;

	(void)state;
	open_gate(&g);
	for (unsigned i = 0; i < 4096; i++) {
		char name[64];

		name_of(i, name, sizeof(name));
		count[gate_hash(&g, 1000, name, tail, sizeof(tail)) % 256]++;
	}
	for (unsigned i = 0; i < 256; i++)
		most = count[i] > most ? count[i] : most;
	/* 16 per slot on average; more than 48 in one has odds below 1e-9. */
	assert_true(most <= 48);
	gate_hash_close(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_question_same_slot),
		cmocka_unit_test(every_part_counts),
		cmocka_unit_test(slots_depend_on_the_key),
		cmocka_unit_test(names_spread_over_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
