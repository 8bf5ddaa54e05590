/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers: messages, allocation, strict number and address parsing,
 * argument splitting and file I/O.
 */
#ifndef IPSEC6CTL_UTIL_H
#define IPSEC6CTL_UTIL_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROG_NAME	"ipsec6ctl"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit codes: 1 = the command failed, 2 = the command line is wrong. */
#define EXIT_USAGE	2

#define ERRBUF_LEN	512

#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* "ipsec6ctl: MESSAGE" on stderr. */
__printf(1, 2) void err_msg(const char *fmt, ...);
/* "ipsec6ctl: warning: MESSAGE" on stderr. */
__printf(1, 2) void warn_msg(const char *fmt, ...);
/* err_msg() then exit(1). */
__printf(1, 2) __attribute__((noreturn)) void die(const char *fmt, ...);

/* "FILE:LINE: MESSAGE" (or "ipsec6ctl: MESSAGE" without a file). */
__printf(3, 4) void loc_msg(const char *file, unsigned int line,
			    const char *fmt, ...);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
__printf(1, 2) char *xasprintf(const char *fmt, ...);

/* A growable array of pointers. */
struct vec {
	void **v;
	size_t n, cap;
};

void vec_push(struct vec *vec, void *p);
void vec_free(struct vec *vec);	/* the array, not the elements */

/*
 * A hash multimap from 64-bit keys to 32-bit values (linear probing,
 * backward-shift deletion).  Lookups walk the values of one key.
 */
struct hmap {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t cap, n;
};

void hmap_put(struct hmap *m, uint64_t key, uint32_t val);
/* Iterate: *pos = 0 first; returns false when done. */
bool hmap_next(const struct hmap *m, uint64_t key, size_t *pos,
	       uint32_t *val);
/* The first value of @key. */
bool hmap_get(const struct hmap *m, uint64_t key, uint32_t *val);
bool hmap_del(struct hmap *m, uint64_t key, uint32_t val);
void hmap_free(struct hmap *m);

/* A growable byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

/* Room for @more bytes; the old buffer is wiped when it moves (keys). */
void buf_reserve(struct buf *b, size_t more);
__printf(2, 3) void buf_printf(struct buf *b, const char *fmt, ...);
void buf_free(struct buf *b);

/* Case-insensitive ASCII equality. */
bool streq_ci(const char *a, const char *b);
bool streq(const char *a, const char *b);

/* Strict parsers: the whole string, no sign, no blanks. */
bool parse_u32_dec(const char *s, uint32_t *v);
bool parse_u64_dec(const char *s, uint64_t *v);
/* Decimal or 0x hexadecimal. */
bool parse_u32(const char *s, uint32_t *v);
bool parse_u64(const char *s, uint64_t *v);

/* One IPv6 address in any textual form (no zone, no prefix). */
bool parse_in6(const char *s, struct in6_addr *a);
/* @a into @out (upper case if @upper); returns @out. */
const char *fmt_in6(const struct in6_addr *a, char *out, size_t len,
		    bool upper);
int cmp_in6(const struct in6_addr *a, const struct in6_addr *b);
bool in6_is_zero(const struct in6_addr *a);
/* The range a prefix covers; len 0-128. */
void prefix_range(const struct in6_addr *a, unsigned int len,
		  struct in6_addr *start, struct in6_addr *end);
/* The prefix length if [start, end] is exactly one prefix, else -1. */
int range_prefix_len(const struct in6_addr *start,
		     const struct in6_addr *end);

/*
 * Split a command line into words: blanks separate, '...' and "..." quote,
 * a word starting with '#' starts a comment.  Modifies @line.
 * Returns the number of words or -1 (message in @err) on an open quote.
 */
int split_words(char *line, struct vec *words, char *err, size_t errlen);

/* Line iteration over a whole file in memory (from read_file()). */
struct lines {
	char *p, *end;
	unsigned int no;	/* lines read */
};

/*
 * The next line, NUL-terminated, without its LF and a CR before it; with
 * @join, a line that ends in a backslash goes on with the next one (a blank
 * for the backslash).  *@nul tells whether it holds a NUL byte.
 */
char *next_line(struct lines *ls, bool join, bool *nul);

/*
 * Whole file into memory, NUL-terminated ("-" is standard input, read
 * through its descriptor: a guest has no /dev/stdin); -1 with errno on error.
 * At most @max bytes are read.  Buffers it outgrows are wiped (files may
 * hold keys).
 */
int read_file(const char *path, size_t max, char **data, size_t *len);

/* Write @path through a temporary file in the same folder and rename(). */
struct atomic_file {
	FILE *f;
	char *tmp;
	char *path;
};

int atomic_open(struct atomic_file *af, const char *path);
int atomic_commit(struct atomic_file *af);	/* fclose, fsync, rename */
void atomic_discard(struct atomic_file *af);

/*
 * @s in double quotes, escaped as JSON strings are (control bytes and
 * non-ASCII as \u00XX): for JSON and the request listing.
 */
void fput_quoted(FILE *f, const char *s);

/* Quote a value for an error message: printable ASCII only, capped. */
const char *shown(const char *s, char *out, size_t len);

#endif /* IPSEC6CTL_UTIL_H */
