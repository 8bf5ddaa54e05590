/* SPDX-License-Identifier: GPL-2.0 */
/* Shim: see ../kshim.h (tests/fuzz/). */
#include "kshim.h"
