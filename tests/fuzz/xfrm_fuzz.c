// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the "ip xfrm" grammar of tools/ipsec6ctl
 * (xfrmgrammar.c, split_words() of util.c, values.c): one command line as
 * "ipsec6ctl sa ..." / "ipsec6ctl policy ..." or a -batch file line gets
 * it.  The first byte picks sa or policy.  Checks, besides ASan/UBSan:
 * an error message never holds an inline key (a word the parser wiped
 * from the argument vector as a key).  A key-like word where no key
 * belongs is an unknown argument and is quoted as such.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "xfrmgrammar.h"

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	/* Key files are fuzz input: open none (no /dev/stdin, fifos). */
	errno = ENOENT;
	return -1;
}

/* Does a word other than the @i-th contain @s (then it may be quoted)? */
static bool elsewhere(char **w, int n, int i, const char *s)
{
	int j;

	for (j = 0; j < n; j++)
		if (j != i && strstr(w[j], s))
			return true;
	return false;
}

/* Parse @w as an SA (@fam 1) or policy line; the parser wipes keys in @w. */
static void parse_words(int fam, int n, char **w, char *err, size_t len)
{
	err[0] = '\0';
	if (fam) {
		struct xg_sa r;

		memset(&r, 0, sizeof(r));
		xg_sa_parse(n, w, &r, err, len);
		xg_sa_free(&r);
	} else {
		struct xg_policy r;

		memset(&r, 0, sizeof(r));
		xg_policy_parse(n, w, &r, err, len);
	}
}

/* Parse a copy of @w into @err, leaving @w as it is. */
static void parse(int fam, int n, char **w, char *err, size_t len)
{
	char **c = calloc((size_t)n, sizeof(*c));
	int i;

	for (i = 0; i < n; i++)
		c[i] = strdup(w[i]);
	parse_words(fam, n, c, err, len);
	for (i = 0; i < n; i++)
		free(c[i]);
	free(c);
}

/*
 * Is key word @i of @orig in the message only because the parser's own
 * text holds it (a key "transport", and "mode: ... one of transport,
 * tunnel")?  Then the message is the same with another key there.
 */
static bool own_text(int fam, int n, char **orig, int i)
{
	char err[ERRBUF_LEN], *save = orig[i], *other = strdup(save);
	bool own;

	memset(other, 'Q', strlen(other));
	orig[i] = other;
	parse(fam, n, orig, err, sizeof(err));
	orig[i] = save;
	own = strstr(err, save);
	free(other);
	return own;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[ERRBUF_LEN], *line, **w, **orig = NULL;
	struct vec words = { 0 };
	int n, i, fam;

	if (size < 1)
		return 0;
	fam = data[0] & 1;
	line = malloc(size);
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	n = split_words(line, &words, err, sizeof(err));
	if (n <= 0)
		goto out;
	w = (char **)words.v;
	orig = calloc((size_t)n, sizeof(*orig));
	for (i = 0; i < n; i++)
		orig[i] = strdup(w[i]);
	parse_words(fam, n, w, err, sizeof(err));
	if (strnlen(err, sizeof(err)) == sizeof(err))
		abort();	/* not terminated */
	/*
	 * The words the parser took as inline keys are the ones it wiped.
	 * None of them (8+ characters) may be in the message, unless another
	 * word holds it too (that one may be quoted).
	 */
	for (i = 0; i < n; i++) {
		if (!strcmp(w[i], orig[i]) || strlen(orig[i]) < 8)
			continue;
		if (strstr(err, orig[i]) && !elsewhere(orig, n, i, orig[i]) &&
		    !own_text(fam, n, orig, i)) {
			fprintf(stderr, "key in the error message: %s\n", err);
			abort();
		}
	}
	for (i = 0; i < n; i++)
		free(orig[i]);
	free(orig);
out:
	vec_free(&words);
	free(line);
	return 0;
}
