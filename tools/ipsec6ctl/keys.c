// SPDX-License-Identifier: GPL-2.0
/*
 * Key parsing.  Every buffer that held key bytes is wiped with
 * explicit_bzero() before it is freed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ipsec6.h>
#include "keys.h"
#include "util.h"

void key_clear(struct key *k)
{
	if (k->data) {
		explicit_bzero(k->data, k->len);
		free(k->data);
	}
	k->data = NULL;
	k->len = 0;
	k->set = false;
}

void key_copy(struct key *dst, const struct key *src)
{
	dst->set = src->set;
	dst->len = src->len;
	dst->data = NULL;
	if (src->data) {
		dst->data = xmalloc(src->len);
		memcpy(dst->data, src->data, src->len);
	}
}

bool key_equal(const struct key *a, const struct key *b)
{
	if (a->set != b->set || a->len != b->len)
		return false;
	if (!a->data || !b->data)
		return !a->data && !b->data;
	return !memcmp(a->data, b->data, a->len);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int key_from_arg(struct key *k, const char *arg, const char **from_file,
		 char *err, size_t errlen)
{
	size_t len, i;

	*from_file = NULL;
	key_clear(k);
	if (arg[0] == '@') {
		bool nl;

		*from_file = arg + 1;
		return key_from_file(k, arg + 1, arg + 1, &nl, err, errlen);
	}
	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		const char *h = arg + 2;

		len = strlen(h);
		if (len % 2) {
			snprintf(err, errlen,
				 "hex key has an odd number of digits");
			return -1;
		}
		for (i = 0; i < len; i++) {
			if (hexval(h[i]) < 0) {
				snprintf(err, errlen,
					 "hex key has a character that is not a hex digit");
				return -1;
			}
		}
		len /= 2;
		if (len > IPSEC6_KEY_MAX) {
			snprintf(err, errlen, "key is longer than %u bytes",
				 IPSEC6_KEY_MAX);
			return -1;
		}
		k->data = xmalloc(len);
		for (i = 0; i < len; i++)
			k->data[i] = (uint8_t)(hexval(h[2 * i]) << 4 |
					       hexval(h[2 * i + 1]));
		k->len = len;
		k->set = true;
		return 0;
	}
	len = strlen(arg);
	if (len > IPSEC6_KEY_MAX) {
		snprintf(err, errlen, "key is longer than %u bytes",
			 IPSEC6_KEY_MAX);
		return -1;
	}
	k->data = xmalloc(len);
	memcpy(k->data, arg, len);
	k->len = len;
	k->set = true;
	return 0;
}

int key_from_file(struct key *k, const char *path, const char *shown_name,
		  bool *trailing_nl, char *err, size_t errlen)
{
	uint8_t tmp[IPSEC6_KEY_MAX + 1];
	size_t len = 0;
	struct stat st;
	int fd;

	key_clear(k);
	*trailing_nl = false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", shown_name,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "cannot read '%s': %s", shown_name,
			 strerror(EISDIR));
		return -1;
	}
	while (len < sizeof(tmp)) {
		ssize_t n = read(fd, tmp + len, sizeof(tmp) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read '%s': %s",
				 shown_name, strerror(errno));
			close(fd);
			explicit_bzero(tmp, sizeof(tmp));
			return -1;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!len) {
		snprintf(err, errlen, "'%s' is empty", shown_name);
		return -1;
	}
	if (len > IPSEC6_KEY_MAX) {
		explicit_bzero(tmp, sizeof(tmp));
		snprintf(err, errlen, "'%s' is longer than %u bytes",
			 shown_name, IPSEC6_KEY_MAX);
		return -1;
	}
	*trailing_nl = tmp[len - 1] == '\n';
	k->data = xmalloc(len);
	memcpy(k->data, tmp, len);
	explicit_bzero(tmp, sizeof(tmp));
	k->len = len;
	k->set = true;
	return 0;
}

void wipe_str(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}
