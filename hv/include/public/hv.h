/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Exovisor guest ABI, the one header guests and the toolstack include.
 * Self-contained: it depends on nothing but C99's <stdint.h>. Every change
 * to anything under public/ bumps HV_ABI_VERSION.
 */
#ifndef HV_PUBLIC_HV_H
#define HV_PUBLIC_HV_H

#define HV_ABI_VERSION 3u

#include "console.h"
#include "domctl.h"
#include "errno.h"
#include "event.h"
#include "grant.h"
#include "hypercall.h"
#include "physdev.h"
#include "shared_info.h"
#include "start_info.h"

#endif
