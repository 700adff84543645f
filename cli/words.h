/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * words.h: the CLI's words for libvrbd's tokens (vrbd_words_set()): an
 * option's flag, an action's command.  Installed by main.c; every token
 * of lib/words.h must have words here (tests/unit/test-words.c).
 */
#ifndef VRBD_CLI_WORDS_H
#define VRBD_CLI_WORDS_H

/* The CLI's words for @token, or NULL when it has none. */
const char *cli_word(const char *token, void *opaque);

#endif
