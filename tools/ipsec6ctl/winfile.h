/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Windows ipsec6 database files: NAME.spd (policies) and NAME.sad
 * (security associations), described in the FILES section of
 * ipsec6ctl(8).
 */
#ifndef IPSEC6CTL_WINFILE_H
#define IPSEC6CTL_WINFILE_H

#include <stdio.h>
#include "model.h"

/*
 * Read a .spd file into @pols (struct policy *, file order).  Every error
 * is printed as "FILE:LINE: Field: message 'value'" with @shown as FILE;
 * warnings likewise.  Returns the number of errors (-1 if the file cannot
 * be read at all, also printed).
 */
int winfile_read_spd(const char *path, const char *shown, struct vec *pols);

/*
 * Read a .sad file into @sas, the same way.  Key files are read relative
 * to the folder of @path.
 */
int winfile_read_sad(const char *path, const char *shown, struct vec *sas);

/* Write the policies (in search order) in the .spd layout. */
void winfile_write_spd(FILE *f, const struct vec *pols);

/*
 * Write the SAs in the .sad layout, highest index first.  SAs whose key
 * was not loaded from a key file are given the key file name
 * "@keybase-sa<INDEX>.key" (and a warning), or "(inline)" if @keybase is
 * NULL (display).  @sad_dir (may be NULL) is where key files are checked
 * for.  Returns -1 if an SA cannot be expressed in the format (printed).
 */
int winfile_write_sad(FILE *f, const struct vec *sas, const char *keybase,
		      const char *sad_dir);

#endif /* IPSEC6CTL_WINFILE_H */
