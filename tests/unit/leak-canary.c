/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * leak-canary.c: leaks on purpose, for lsan-canary.sh: a block of our own
 * and an xmlDoc parsed through libvrbd and never freed.  LeakSanitizer,
 * with tests/lsan.supp, must report both: a suppression that hid a whole
 * library (libxml2, libvirt, librados) would hide the second.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xml-util.h"

void *volatile canary_block;
void *volatile canary_doc;

int
main(void)
{
    canary_block = malloc(4242);
    canary_doc = vrbd_xml_parse("<canary/>");
    if (!canary_block || !canary_doc)
        return 2;
    /* forgotten: nothing points at them when the program ends */
    canary_block = NULL;
    canary_doc = NULL;
    printf("leaked\n");
    return 0;
}
