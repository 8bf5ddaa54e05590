// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers shared by every part of the tool.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

/* "FILE:LINE: PREFIXMESSAGE", or "ipsec6ctl: PREFIXMESSAGE". */
static void vmsg(const char *file, unsigned int line, const char *prefix,
		 const char *fmt, va_list ap)
{
	fflush(stdout);
	if (file)
		fprintf(stderr, "%s:%u: %s", file, line, prefix);
	else
		fprintf(stderr, "%s: %s", PROG_NAME, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define VMSG(file, line, prefix) do {		\
	va_list ap;				\
						\
	va_start(ap, fmt);			\
	vmsg(file, line, prefix, fmt, ap);	\
	va_end(ap);				\
} while (0)

void err_msg(const char *fmt, ...)
{
	VMSG(NULL, 0, "");
}

void warn_msg(const char *fmt, ...)
{
	VMSG(NULL, 0, "warning: ");
}

void die(const char *fmt, ...)
{
	VMSG(NULL, 0, "");
	exit(1);
}

void loc_msg(const char *file, unsigned int line, const char *fmt, ...)
{
	VMSG(file, line, "");
}

static void oom(void)
{
	fputs(PROG_NAME ": out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	return xrealloc(NULL, n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

void vec_push(struct vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		vec->cap = vec->cap ? 2 * vec->cap : 16;
		vec->v = xrealloc(vec->v, vec->cap * sizeof(*vec->v));
	}
	vec->v[vec->n++] = p;
}

void vec_free(struct vec *vec)
{
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

void buf_reserve(struct buf *b, size_t more)
{
	struct buf big = { .len = b->len, .cap = 4096 };

	if (b->len + more <= b->cap)
		return;
	while (big.cap < b->len + more)
		big.cap *= 2;
	big.p = xmalloc(big.cap);
	if (b->p) {
		memcpy(big.p, b->p, b->len);
		explicit_bzero(b->p, b->cap);
	}
	free(b->p);
	*b = big;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

bool streq_ci(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool parse_u64_base(const char *s, uint64_t *v, uint64_t max,
			   bool hex_ok)
{
	int base = hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ?
		   16 : 10;
	unsigned long long n;
	char *end;

	s += base == 16 ? 2 : 0;
	/* Digits only: strtoull() would take blanks, a sign, another 0x. */
	if (!*s || s[strspn(s, base == 16 ? "0123456789abcdefABCDEF" :
					    "0123456789")])
		return false;
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || *end || n > max)
		return false;
	*v = n;
	return true;
}

static bool parse_u32_base(const char *s, uint32_t *v, bool hex_ok)
{
	uint64_t n;

	if (!parse_u64_base(s, &n, UINT32_MAX, hex_ok))
		return false;
	*v = (uint32_t)n;
	return true;
}

bool parse_u32_dec(const char *s, uint32_t *v)
{
	return parse_u32_base(s, v, false);
}

bool parse_u64_dec(const char *s, uint64_t *v)
{
	return parse_u64_base(s, v, UINT64_MAX, false);
}

bool parse_u32(const char *s, uint32_t *v)
{
	return parse_u32_base(s, v, true);
}

bool parse_u64(const char *s, uint64_t *v)
{
	return parse_u64_base(s, v, UINT64_MAX, true);
}

bool parse_in6(const char *s, struct in6_addr *a)
{
	/* inet_pton() is strict: no zone index, no prefix, no blanks. */
	return strlen(s) < INET6_ADDRSTRLEN && inet_pton(AF_INET6, s, a) == 1;
}

const char *fmt_in6(const struct in6_addr *a, char *out, size_t len,
		    bool upper)
{
	char *p;

	if (!inet_ntop(AF_INET6, a, out, (socklen_t)len)) {
		snprintf(out, len, "?");
		return out;
	}
	if (upper)
		for (p = out; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	return out;
}

int cmp_in6(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a));
}

bool in6_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return !cmp_in6(a, &zero);
}

void prefix_range(const struct in6_addr *a, unsigned int len,
		  struct in6_addr *start, struct in6_addr *end)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int bits = len > 8 * i ? len - 8 * i : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		start->s6_addr[i] = a->s6_addr[i] & mask;
		end->s6_addr[i] = (uint8_t)(a->s6_addr[i] | (uint8_t)~mask);
	}
}

int range_prefix_len(const struct in6_addr *start, const struct in6_addr *end)
{
	unsigned int len;

	for (len = 0; len <= 128; len++) {
		struct in6_addr s, e;

		prefix_range(start, len, &s, &e);
		if (!cmp_in6(&s, start) && !cmp_in6(&e, end))
			return (int)len;
	}
	return -1;
}

int split_words(char *line, struct vec *words, char *err, size_t errlen)
{
	char *r = line, *w = line;

	words->n = 0;
	for (;;) {
		char *start;
		char quote = 0;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			break;
		start = w;
		for (; *r; r++) {
			if (quote) {
				if (*r == quote)
					quote = 0;
				else
					*w++ = *r;
				continue;
			}
			if (*r == '\'' || *r == '"') {
				quote = *r;
				continue;
			}
			if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
				break;
			*w++ = *r;
		}
		if (quote) {
			snprintf(err, errlen, "unterminated %c quote", quote);
			return -1;
		}
		if (*r)
			r++;
		*w++ = '\0';
		vec_push(words, start);
		/*
		 * w never overtakes r: each word shrinks by its quotes and
		 * the separator is at least as long as the terminator.
		 */
	}
	return (int)words->n;
}

char *next_line(struct lines *ls, bool join, bool *nul)
{
	char *start = ls->p, *w = ls->p;

	if (ls->p >= ls->end)
		return NULL;
	*nul = false;
	for (;;) {
		ls->no++;
		while (ls->p < ls->end && *ls->p != '\n') {
			*nul |= !*ls->p;
			*w++ = *ls->p++;
		}
		if (w > start && w[-1] == '\r')
			w--;
		if (ls->p == ls->end)
			break;
		ls->p++;	/* the LF */
		if (!join || w == start || w[-1] != '\\')
			break;
		w[-1] = ' ';
	}
	*w = '\0';	/* w < p, or the terminator read_file() adds */
	return start;
}

int read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct buf b = { 0 };
	int fd, saved;

	fd = streq(path, "-") ? dup(STDIN_FILENO) :
				open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n;

		/* Files hold keys: a buffer left behind is wiped. */
		buf_reserve(&b, 65536);
		n = read(fd, b.p + b.len, b.cap - b.len - 1 < max - b.len ?
					  b.cap - b.len - 1 : max - b.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			explicit_bzero(b.p, b.cap);
			free(b.p);
			errno = saved;
			return -1;
		}
		b.len += (size_t)n;
		if (!n || b.len == max)
			break;
	}
	close(fd);
	b.p[b.len] = '\0';
	*data = b.p;
	*len = b.len;
	return 0;
}

int atomic_open(struct atomic_file *af, const char *path)
{
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	af->path = xstrdup(path);
	af->tmp = xasprintf("%s.tmpXXXXXX", path);
	fd = mkstemp(af->tmp);
	if (fd >= 0 && fchmod(fd, 0666 & ~mask) == 0) {
		af->f = fdopen(fd, "w");
		if (af->f)
			return 0;
	}
	if (fd >= 0) {
		close(fd);
		unlink(af->tmp);
	}
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	return -1;
}

int atomic_commit(struct atomic_file *af)
{
	int ret = 0, saved;

	if (fflush(af->f) || ferror(af->f) || fsync(fileno(af->f)))
		ret = -1;
	saved = errno;
	if (fclose(af->f) && !ret) {
		ret = -1;
		saved = errno;
	}
	af->f = NULL;
	if (!ret && rename(af->tmp, af->path) < 0) {
		ret = -1;
		saved = errno;
	}
	if (!ret) {
		free(af->tmp);	/* renamed: nothing to remove */
		af->tmp = NULL;
	}
	atomic_discard(af);
	errno = saved;
	return ret;
}

void atomic_discard(struct atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	af->f = NULL;
	af->tmp = af->path = NULL;
}

void fput_quoted(FILE *f, const char *s)
{
	static const char special[] = "\"\\\n\t\r", escaped[] = "\"\\ntr";
	const char *e;

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		e = c ? strchr(special, c) : NULL;
		if (e)
			fprintf(f, "\\%c", escaped[e - special]);
		else if (c < 0x20 || c >= 0x7f)
			/* Control bytes and non-ASCII: never invalid JSON. */
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

const char *shown(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; *s && i + 4 < len; s++)
		out[i++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	if (*s && len >= 4) {
		i = i < len - 4 ? i : len - 4;
		out[i++] = '.';
		out[i++] = '.';
		out[i++] = '.';
	}
	out[i] = '\0';
	return out;
}
/* Hash map. */

static size_t hmap_slot(const struct hmap *m, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (m->cap - 1);
}

static void hmap_grow(struct hmap *m)
{
	struct hmap big = { 0 };
	size_t i;

	big.cap = m->cap ? 2 * m->cap : 64;
	big.keys = xcalloc(big.cap, sizeof(*big.keys));
	big.vals = xcalloc(big.cap, sizeof(*big.vals));
	big.used = xcalloc(big.cap, 1);
	for (i = 0; i < m->cap; i++)
		if (m->used[i])
			hmap_put(&big, m->keys[i], m->vals[i]);
	hmap_free(m);
	*m = big;
}

void hmap_put(struct hmap *m, uint64_t key, uint32_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		hmap_grow(m);
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1))
		;
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

bool hmap_next(const struct hmap *m, uint64_t key, size_t *pos,
	       uint32_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	/* *pos counts probes from the home slot. */
	for (i = (hmap_slot(m, key) + *pos) & (m->cap - 1); m->used[i];
	     i = (i + 1) & (m->cap - 1)) {
		(*pos)++;
		if (m->keys[i] == key) {
			*val = m->vals[i];
			return true;
		}
	}
	return false;
}

bool hmap_get(const struct hmap *m, uint64_t key, uint32_t *val)
{
	size_t it = 0;

	return hmap_next(m, key, &it, val);
}

bool hmap_del(struct hmap *m, uint64_t key, uint32_t val)
{
	size_t i, j;

	if (!m->cap)
		return false;
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key && m->vals[i] == val)
			break;
	if (!m->used[i])
		return false;
	/* Backward-shift the rest of the cluster. */
	m->used[i] = 0;
	m->n--;
	for (j = (i + 1) & (m->cap - 1); m->used[j]; j = (j + 1) & (m->cap - 1)) {
		size_t home = hmap_slot(m, m->keys[j]);

		/* Move j to i if home is not in the cyclic range (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->used[i] = 1;
			m->used[j] = 0;
			i = j;
		}
	}
	return true;
}

void hmap_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}
