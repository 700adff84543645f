/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * words.c: what virt-rbd calls the choices libvrbd's messages name by the
 * library's words: "{force}" is --force here, "{vrbd_volume_remove}"
 * 'vol rm'.  "{prog}" comes before a command that starts a command line.
 */
#include <stddef.h>
#include <string.h>

#include "words.h"

static const struct {
    const char *token;
    const char *word;
} words[] = {
    {"prog", "virt-rbd "},
    {"prog_name", "virt-rbd"},
    /* options */
    {"boot", "--boot"},
    {"bridge", "--network bridge:"},
    {"cache", "--cache"},
    {"cdrom", "--cdrom"},
    {"extra_args", "--extra-args"},
    {"io", "--io"},
    {"location", "--location"},
    {"network", "--network"},
    {"preallocate", "--preallocate"},
    {"allow_backing", "--allow-backing"},
    {"allow_shrink", "--allow-shrink"},
    {"as", "--as"},
    {"clean", "--clean"},
    {"backing", "--backing"},
    {"conf_path", "--conf"},
    {"dir", "--config-dir"},
    {"disks", "--disks"},
    {"entity", "--user"},
    {"force", "--force"},
    {"format", "--format"},
    {"full", "--full"},
    {"id", "--id"},
    {"from", "--from"},
    {"incremental", "--incremental"},
    {"instant", "--instant"},
    {"skip_local", "--skip-local"},
    {"interval_sec", "--every"},
    {"kernel", "--kernel"},
    {"keyring", "--keyring"},
    {"local_path", "--local"},
    {"mon_host", "--mon-host"},
    {"move_live", "--live"},
    {"move_offline", "--offline"},
    {"name", "--name"},
    {"offline", "--offline"},
    {"pg_num", "--pg"},
    {"pool", "--pool"},
    {"pools", "--pool"},
    {"resume", "--resume"},
    {"size", "--size"},
    {"snap_if_missing", "--snap-if-missing"},
    {"timeout_sec", "--timeout"},
    {"to", "--to"},
    {"update_caps", "--update-caps"},
    {"uri", "--connect"},
    {"user", "--id"},
    {"verify", "--verify"},
    {"wait_sec", "--wait"},
    /* actions */
    {"cluster_check", "cluster check"},
    {"snap_list", "vol snap list"},
    {"vrbd_backup_list", "backup list"},
    {"vrbd_backup_prune", "backup prune"},
    {"vrbd_backup_verify", "backup verify"},
    {"vrbd_bench_run", "bench"},
    {"vrbd_copy_image", "copy"},
    {"vrbd_doctor_run", "doctor"},
    {"vrbd_fleet_add", "fleet add"},
    {"vrbd_fleet_list", "fleet list"},
    {"vrbd_fleet_remove", "fleet rm"},
    {"vrbd_dr_disable", "dr disable"},
    {"vrbd_dr_enable", "dr enable"},
    {"vrbd_dr_pair", "dr pair"},
    {"vrbd_dr_status", "dr status"},
    {"vrbd_dr_test", "dr test"},
    {"vrbd_fleet_sync", "fleet sync"},
    {"vrbd_fleet_unfence", "fleet unfence"},
    {"vrbd_host_connect", "host connect"},
    {"vrbd_host_disconnect", "host disconnect"},
    {"vrbd_host_ensure", "host ensure"},
    {"vrbd_host_rbd_pool_list", "host list"},
    {"vrbd_host_refresh_mons", "host refresh-mons"},
    {"vrbd_import_file", "import"},
    {"vrbd_pool_create", "pool create"},
    {"vrbd_pool_list", "pool list"},
    {"vrbd_registry_add", "cluster add"},
    {"vrbd_registry_get", "cluster show"},
    {"vrbd_registry_list", "cluster list"},
    {"vrbd_registry_remove", "cluster rm"},
    {"vrbd_snap_create", "vol snap create"},
    {"vrbd_snap_remove", "vol snap rm"},
    {"vrbd_snap_rollback", "vol snap rollback"},
    {"vrbd_snap_unprotect", "vol snap unprotect"},
    {"vrbd_trash_list", "vol trash list"},
    {"vrbd_trash_purge", "vol trash purge"},
    {"vrbd_user_create", "user create"},
    {"vrbd_user_remove", "user rm"},
    {"vrbd_vm_disk_attach", "disk attach"},
    {"vrbd_vm_disk_detach", "disk detach"},
    {"vrbd_vm_disk_list", "disk list"},
    {"vrbd_vm_failback", "vm failback"},
    {"vrbd_vm_migrate", "vm migrate"},
    {"vrbd_vm_move", "vm move"},
    {"vrbd_vm_move_offline", "vm move --offline"},
    {"vrbd_vm_remove", "vm rm"},
    {"vrbd_volume_flatten", "vol flatten"},
    {"vrbd_volume_info_get", "vol info"},
    {"vrbd_volume_list", "vol list"},
    {"vrbd_volume_remove", "vol rm"},
    {"vrbd_volume_who", "vol who"},
};

const char *
cli_word(const char *token, void *opaque)
{
    (void)opaque;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(words[i].token, token) == 0)
            return words[i].word;
    return NULL;
}
