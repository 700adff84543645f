/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-words.c: libvrbd's tokens for the caller's choices ("{force}",
 * "{vrbd_volume_remove}") in plain words by default, in a program's own
 * words when it installs them, and the CLI's table (cli/words.c) in step
 * with lib/words.h: a token the CLI has no words for is a bug.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "internal.h"
#include "../../cli/words.h"

static const char *const lib_tokens[] = {
#define VRBD_WORD(token, plain) token,
#include "words.h"
#undef VRBD_WORD
};
#define N_TOKENS (sizeof(lib_tokens) / sizeof(lib_tokens[0]))

TEST(every_lib_token_has_cli_words)
{
    for (size_t i = 0; i < N_TOKENS; i++) {
        if (!cli_word(lib_tokens[i], NULL))
            printf("# no CLI words for {%s}\n", lib_tokens[i]);
        CHECK(cli_word(lib_tokens[i], NULL) != NULL);
    }
}

TEST(tokens_are_unique_and_well_formed)
{
    for (size_t i = 0; i < N_TOKENS; i++) {
        CHECK(strspn(lib_tokens[i], "abcdefghijklmnopqrstuvwxyz0123456789_") ==
              strlen(lib_tokens[i]));
        for (size_t j = i + 1; j < N_TOKENS; j++)
            CHECK(strcmp(lib_tokens[i], lib_tokens[j]) != 0);
    }
}

TEST(by_default_options_and_actions_are_plain_words)
{
    vrbd_words_set(NULL, NULL);
    vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                   "give {force} to replace it, or {prog}{vrbd_volume_remove} "
                   "first",
                   "'%s' exists; {timeout_sec}", "p/i");
    CHECK_STR(vrbd_error_last()->message,
              "'p/i' exists; the timeout_sec option");
    CHECK_STR(vrbd_error_last()->hint, "give the force option to replace "
                                       "it, or vrbd_volume_remove() first");
    vrbd_error_clear();
}

TEST(the_cli_words_are_its_flags_and_commands)
{
    vrbd_words_set(cli_word, NULL);
    vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                   "give {force} to replace it, or '{prog}{vrbd_volume_remove} "
                   "%s' and {vrbd_volume_who}",
                   "no {entity} with {allow_backing}");
    CHECK_STR(vrbd_error_last()->message, "no --user with --allow-backing");
    CHECK_STR(vrbd_error_last()->hint, "give --force to replace it, or "
                                       "'virt-rbd vol rm %s' and vol who");
    vrbd_error_clear();
    vrbd_words_set(NULL, NULL);
}

static const char *
only_force(const char *token, void *opaque)
{
    CHECK_STR((const char *)opaque, "me");
    return strcmp(token, "force") == 0 ? "-f" : NULL;
}

TEST(a_token_without_the_callers_words_keeps_the_plain_ones)
{
    vrbd_words_set(only_force, "me");
    vrbd_error_set(VRBD_ERR_INVALID, 0, "{force} or {resume}", "x");
    CHECK_STR(vrbd_error_last()->hint, "-f or the resume option");
    vrbd_error_clear();
    vrbd_words_set(NULL, NULL);
}

TEST(other_text_in_braces_stays_as_it_is)
{
    vrbd_words_set(cli_word, NULL);
    vrbd_error_set(VRBD_ERR_INVALID, 0, "{force",
                   "'%s' {not_a_token} {} {{force}} %%d", "/tmp/{a}");
    CHECK_STR(vrbd_error_last()->message,
              "'/tmp/{a}' {not_a_token} {} {--force} %d");
    CHECK_STR(vrbd_error_last()->hint, "{force");
    vrbd_error_clear();
    vrbd_words_set(NULL, NULL);
}

static char logged[256];

static void
keep_log(vrbd_log_level level, const char *msg, void *opaque)
{
    snprintf(logged, sizeof(logged), "%s", msg);
}

TEST(log_lines_and_restored_hints_use_the_words_too)
{
    vrbd_error_saved saved;

    vrbd_words_set(cli_word, NULL);
    vrbd_log_set_handler(keep_log, VRBD_LOG_WARN, NULL);
    vrbd_warn("remove it with %s{vrbd_volume_remove}", "{prog}");
    CHECK_STR(logged, "remove it with virt-rbd vol rm");
    vrbd_log_set_handler(NULL, VRBD_LOG_ERROR, NULL);
    vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "failed");
    vrbd_error_save(&saved);
    vrbd_error_restore(&saved, "again with {resume}");
    CHECK_STR(vrbd_error_last()->hint, "again with --resume");
    vrbd_error_clear();
    vrbd_words_set(NULL, NULL);
}

int
main(void)
{
    RUN(every_lib_token_has_cli_words);
    RUN(tokens_are_unique_and_well_formed);
    RUN(by_default_options_and_actions_are_plain_words);
    RUN(the_cli_words_are_its_flags_and_commands);
    RUN(a_token_without_the_callers_words_keeps_the_plain_ones);
    RUN(other_text_in_braces_stays_as_it_is);
    RUN(log_lines_and_restored_hints_use_the_words_too);
    return harness_done();
}
