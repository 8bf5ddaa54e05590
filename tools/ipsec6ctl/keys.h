/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key material: parsing from arguments and key files.  Keys live in heap
 * buffers that are wiped with explicit_bzero() when released, and are never
 * printed: printers show their length only.
 */
#ifndef IPSEC6CTL_KEYS_H
#define IPSEC6CTL_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct key {
	bool set;
	size_t len;
	uint8_t *data;		/* NULL when only the length is known */
};

void key_clear(struct key *k);
void key_copy(struct key *dst, const struct key *src);
bool key_equal(const struct key *a, const struct key *b);

/*
 * A key argument as "ip xfrm" takes it: "0x" followed by hex digits, or the
 * raw bytes of the string; "@FILE" reads FILE.  *@from_file is set to the
 * file name (pointing into @arg) for "@FILE".
 */
int key_from_arg(struct key *k, const char *arg, const char **from_file,
		 char *err, size_t errlen);

/*
 * The raw bytes of a key file, with no newline stripping.  Missing, empty
 * and too long (> IPSEC6_KEY_MAX) files are errors; the message names
 * @shown_name.  *@trailing_nl tells whether the last byte is a newline.
 */
int key_from_file(struct key *k, const char *path, const char *shown_name,
		  bool *trailing_nl, char *err, size_t errlen);

/* Overwrite a string in place (e.g. a key given on the command line). */
void wipe_str(char *s);

#endif /* IPSEC6CTL_KEYS_H */
