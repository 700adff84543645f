/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-size.c: what vrbd_size_parse accepts and refuses, and formatting. */
#include "harness.h"
#include "size.h"

static uint64_t
parse_ok(const char *text)
{
    uint64_t v = 0xdeadbeef;
    const char *why = NULL;

    if (vrbd_size_parse(text, &v, &why) < 0) {
        printf("# '%s' refused: %s\n", text, why);
        harness_cur_failed = true;
    }
    return v;
}

static void
refused(const char *text, const char *why_part)
{
    uint64_t v = 42;
    const char *why = NULL;

    if (vrbd_size_parse(text, &v, &why) == 0) {
        printf("# '%s' accepted as %llu\n", text, (unsigned long long)v);
        harness_cur_failed = true;
        return;
    }
    if (v != 42 || !why || !strstr(why, why_part)) {
        printf("# '%s': why '%s', want '%s'; value %llu\n", text,
               why ? why : "(null)", why_part, (unsigned long long)v);
        harness_cur_failed = true;
    }
}

TEST(bare_numbers_are_bytes)
{
    CHECK_U64(parse_ok("2147483648"), 2147483648ULL);
    CHECK_U64(parse_ok("0"), 0);
    CHECK_U64(parse_ok("512B"), 512);
}

TEST(single_letters_and_iec_are_powers_of_1024)
{
    CHECK_U64(parse_ok("2G"), 2ULL << 30);
    CHECK_U64(parse_ok("2g"), 2ULL << 30);
    CHECK_U64(parse_ok("2GiB"), 2ULL << 30);
    CHECK_U64(parse_ok("2 GiB"), 2ULL << 30);
    CHECK_U64(parse_ok("4K"), 4096);
    CHECK_U64(parse_ok("1T"), 1ULL << 40);
    CHECK_U64(parse_ok("1E"), 1ULL << 60);
}

TEST(si_units_are_powers_of_1000)
{
    CHECK_U64(parse_ok("7GB"), 7000000000ULL);
    CHECK_U64(parse_ok("1kb"), 1000);
    CHECK_U64(parse_ok("3MB"), 3000000);
}

TEST(fractions_that_make_whole_bytes_are_accepted)
{
    CHECK_U64(parse_ok("1.5G"), 1610612736ULL);
    CHECK_U64(parse_ok("0.5K"), 512);
    CHECK_U64(parse_ok("2.5GB"), 2500000000ULL);
}

TEST(fractions_of_a_byte_are_refused)
{
    refused("0.1K", "whole number");
    refused("1.5", "whole number");
}

TEST(garbage_is_refused_with_a_reason)
{
    refused("", "empty");
    refused("G", "start with a number");
    refused("-1G", "start with a number");
    refused("12X", "unknown size unit");
    refused("12GiBs", "unknown size unit");
    refused("1 2G", "unknown size unit");
    refused(" 2G", "start with a number");
}

TEST(overflow_is_refused)
{
    refused("16E", "too large");
    refused("18446744073709551616", "too large");
    refused("99999999999999999999999", "too large");
    CHECK_U64(parse_ok("18446744073709551615"), UINT64_MAX);
}

TEST(format_uses_iec_units_and_trims_zeros)
{
    char buf[32];

    CHECK_STR(vrbd_size_format(0, buf, sizeof(buf)), "0 B");
    CHECK_STR(vrbd_size_format(512, buf, sizeof(buf)), "512 B");
    CHECK_STR(vrbd_size_format(2ULL << 30, buf, sizeof(buf)), "2 GiB");
    CHECK_STR(vrbd_size_format(1610612736ULL, buf, sizeof(buf)), "1.5 GiB");
    CHECK_STR(vrbd_size_format(1536 * 1024 + 10, buf, sizeof(buf)), "1.5 MiB");
    CHECK_STR(vrbd_size_format(UINT64_MAX, buf, sizeof(buf)), "16 EiB");
}

int
main(void)
{
    RUN(bare_numbers_are_bytes);
    RUN(single_letters_and_iec_are_powers_of_1024);
    RUN(si_units_are_powers_of_1000);
    RUN(fractions_that_make_whole_bytes_are_accepted);
    RUN(fractions_of_a_byte_are_refused);
    RUN(garbage_is_refused_with_a_reason);
    RUN(overflow_is_refused);
    RUN(format_uses_iec_units_and_trims_zeros);
    return harness_done();
}
