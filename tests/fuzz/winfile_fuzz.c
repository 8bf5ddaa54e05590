// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the .spd/.sad reader and writer of tools/ipsec6ctl
 * (winfile.c, with util.c, model.c and values.c).
 *
 * Input: a .spd file, optionally followed by a line "%%" and a .sad file.
 * Both are written to a private folder that also holds key files of the
 * usual sizes (Test.key, aes16.key, gcm20.key, chacha36.key, big.key), then
 * read as "ipsec6ctl -l" does.  A .spd that reads without error must be
 * written back (-s) and read again into the same policies.  Files other
 * than the folder's are not opened (a key file name is fuzz input).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "winfile.h"

static char dir[64];
static size_t dirlen;

/* Only the fuzz folder's files: no /dev/stdin, /dev/zero, fifos. */
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (dirlen && (strncmp(path, dir, dirlen) || strstr(path, "/.."))) {
		errno = ENOENT;
		return -1;
	}
	return __real_open(path, flags, mode);
}

static void put(const char *name, const void *data, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct { const char *name; size_t len; } keys[] = {
		{ "Test.key", 16 }, { "aes16.key", 16 }, { "gcm20.key", 20 },
		{ "chacha36.key", 36 }, { "sha32.key", 32 }, { "big.key", 129 },
		{ "empty.key", 0 },
	};
	unsigned char k[200];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/ipsec6-winfile-fuzz.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir))
		abort();
	for (i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)(0x11 * i);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		put(keys[i].name, k, keys[i].len);
	put("nl.key", "0123456789abcdef\n", 17);
	mkdir(strcat(strcpy((char *)k, dir), "/adir.key"), 0700);
	dirlen = strlen(dir);
	return 0;
}

/* Same configuration (read-only fields and origin ignored). */
static bool policy_equal(const struct policy *a, const struct policy *b)
{
	return a->index == b->index && policy_same_selector(a, b) &&
	       a->action == b->action && a->from_packet == b->from_packet &&
	       a->ipsec_proto == b->ipsec_proto && a->mode == b->mode &&
	       a->has_tunnel_remote == b->has_tunnel_remote &&
	       (!a->has_tunnel_remote ||
		!cmp_in6(&a->tunnel_remote, &b->tunnel_remote)) &&
	       a->has_tunnel_local == b->has_tunnel_local &&
	       (!a->has_tunnel_local ||
		!cmp_in6(&a->tunnel_local, &b->tunnel_local)) &&
	       a->bundle_next == b->bundle_next && a->reqid == b->reqid &&
	       a->flags == b->flags;
}

static void free_pols(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		policy_free(v->v[i]);
	vec_free(v);
}

static void free_sas(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		sa_free(v->v[i]);
	vec_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = NULL, *sad = NULL;
	struct vec pols = { 0 }, sas = { 0 }, again = { 0 };
	char spd_path[128], sad_path[128], *out = NULL;
	size_t spd_len = size, outlen = 0, i;
	int errs;
	FILE *f;

	for (i = 0; i + 4 <= size; i++) {
		if (!memcmp(data + i, "\n%%\n", 4)) {
			sep = data + i;
			break;
		}
	}
	if (sep) {
		spd_len = (size_t)(sep - data) + 1;
		sad = sep + 4;
	}
	snprintf(spd_path, sizeof(spd_path), "%s/f.spd", dir);
	snprintf(sad_path, sizeof(sad_path), "%s/f.sad", dir);
	put("f.spd", data, spd_len);

	errs = winfile_read_spd(spd_path, "f.spd", &pols);
	if (errs == 0) {
		/* Round trip: what -s writes, -l reads back unchanged. */
		f = open_memstream(&out, &outlen);
		winfile_write_spd(f, &pols);
		fclose(f);
		put("g.spd", out, outlen);
		snprintf(spd_path, sizeof(spd_path), "%s/g.spd", dir);
		if (winfile_read_spd(spd_path, "g.spd", &again) != 0 ||
		    again.n != pols.n) {
			fprintf(stderr, "written .spd does not read back:\n%s",
				out);
			abort();
		}
		free(out);
		out = NULL;
		/* Written in search order; compare as sets by index. */
		for (i = 0; i < pols.n; i++) {
			const struct policy *p = pols.v[i];
			size_t j;

			for (j = 0; j < again.n; j++)
				if (((struct policy *)again.v[j])->index ==
				    p->index)
					break;
			if (j == again.n || !policy_equal(p, again.v[j])) {
				fprintf(stderr,
					"policy %u changed in a round trip\n",
					p->index);
				abort();
			}
		}
		free_pols(&again);
	}
	if (sad) {
		put("f.sad", sad, size - (size_t)(sad - data));
		errs = winfile_read_sad(sad_path, "f.sad", &sas);
		if (errs == 0) {
			f = open_memstream(&out, &outlen);
			winfile_write_sad(f, &sas, NULL, dir);
			winfile_write_sad(f, &sas, "fz", NULL);
			fclose(f);
			free(out);
		}
		free_sas(&sas);
	}
	free_pols(&pols);
	return 0;
}
