/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkiso OUT.iso NAME=FILE...: an ISO9660 image (Rock Ridge) holding each
 * FILE as NAME, written with libarchive: cli-vm-install.t's install ISO,
 * made without genisoimage or xorriso, which the lab does not install.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

static int
add(struct archive *a, const char *name, const char *file)
{
    FILE *f = fopen(file, "rb");
    struct archive_entry *e;
    char *buf;
    long n;

    if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) < 0) {
        perror(file);
        return -1;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        perror(file);
        return -1;
    }
    fclose(f);
    e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, n);
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        archive_write_data(a, buf, (size_t)n) != n) {
        fprintf(stderr, "mkiso: %s: %s\n", name, archive_error_string(a));
        return -1;
    }
    archive_entry_free(e);
    free(buf);
    return 0;
}

int
main(int argc, char **argv)
{
    struct archive *a = archive_write_new();

    if (argc < 3) {
        fprintf(stderr, "usage: mkiso OUT.iso NAME=FILE...\n");
        return 2;
    }
    if (archive_write_set_format_iso9660(a) != ARCHIVE_OK ||
        archive_write_open_filename(a, argv[1]) != ARCHIVE_OK) {
        fprintf(stderr, "mkiso: %s: %s\n", argv[1], archive_error_string(a));
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');

        if (!eq)
            return 2;
        *eq = '\0';
        if (add(a, argv[i], eq + 1) < 0)
            return 1;
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "mkiso: %s\n", archive_error_string(a));
        return 1;
    }
    archive_write_free(a);
    return 0;
}
