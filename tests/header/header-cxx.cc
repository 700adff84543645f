// SPDX-License-Identifier: LGPL-2.1-or-later
// header-cxx.cc: vrbd.h in a C++ program (its extern "C" and its types),
// the same checks as header-c.c.
#include "header-c.c"
