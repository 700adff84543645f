/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * words.h: libvrbd's tokens for the caller's choices, and their plain
 * words (see vrbd_words_set() in vrbd.h).  A message names an option by
 * the field (or argument) that holds it, an action by the function that
 * does it.  Included by error.c and tests/unit/test-words.c, which checks
 * that the CLI has words for every one and that lib/ uses no other.
 * VRBD_WORD(token, plain words)
 */

/* the program a user runs, before an action: nothing in plain words */
VRBD_WORD("prog", "")
VRBD_WORD("prog_name", "the program")

/* options: fields of the options structs */
VRBD_WORD("allow_backing", "the allow_backing option")
VRBD_WORD("backing", "the backing option")
VRBD_WORD("conf_path", "the conf_path option")
VRBD_WORD("entity", "the entity option")
VRBD_WORD("force", "the force option")
VRBD_WORD("format", "the format option")
VRBD_WORD("from", "the from option")
VRBD_WORD("incremental", "the incremental option")
VRBD_WORD("kernel", "the kernel option")
VRBD_WORD("keyring", "the keyring option")
VRBD_WORD("local_path", "the local_path option")
VRBD_WORD("mon_host", "the mon_host option")
VRBD_WORD("name", "the name option")
VRBD_WORD("pg_num", "the pg_num option")
VRBD_WORD("pool", "the pool option")
VRBD_WORD("pools", "the pools option")
VRBD_WORD("resume", "the resume option")
VRBD_WORD("size", "the size option")
VRBD_WORD("snap_if_missing", "the snap_if_missing option")
VRBD_WORD("timeout_sec", "the timeout_sec option")
VRBD_WORD("update_caps", "the update_caps option")
VRBD_WORD("uri", "the uri option")
VRBD_WORD("user", "the user option")
VRBD_WORD("verify", "the verify option")
VRBD_WORD("wait_sec", "the wait_sec option")

/* options: arguments of a function */
VRBD_WORD("allow_shrink", "the allow_shrink argument")
VRBD_WORD("dir", "the registry's dir argument")
VRBD_WORD("disks", "the disks argument")

/* actions: the functions that do them */
VRBD_WORD("cluster_check", "vrbd_cluster_status_get() and vrbd_user_get()")
VRBD_WORD("move_live", "with vrbd_vm_move_live()")
VRBD_WORD("move_offline", "with vrbd_vm_move_offline()")
VRBD_WORD("snap_list", "vrbd_volume_info_get()")
VRBD_WORD("vrbd_bench_run", "vrbd_bench_run()")
VRBD_WORD("vrbd_copy_image", "vrbd_copy_image()")
VRBD_WORD("vrbd_doctor_run", "vrbd_doctor_run()")
VRBD_WORD("vrbd_host_connect", "vrbd_host_connect()")
VRBD_WORD("vrbd_host_disconnect", "vrbd_host_disconnect()")
VRBD_WORD("vrbd_host_ensure", "vrbd_host_ensure()")
VRBD_WORD("vrbd_host_rbd_pool_list", "vrbd_host_rbd_pool_list()")
VRBD_WORD("vrbd_host_refresh_mons", "vrbd_host_refresh_mons()")
VRBD_WORD("vrbd_import_file", "vrbd_import_file()")
VRBD_WORD("vrbd_pool_create", "vrbd_pool_create()")
VRBD_WORD("vrbd_pool_list", "vrbd_pool_list()")
VRBD_WORD("vrbd_registry_add", "vrbd_registry_add()")
VRBD_WORD("vrbd_registry_get", "vrbd_registry_get()")
VRBD_WORD("vrbd_registry_list", "vrbd_registry_list()")
VRBD_WORD("vrbd_registry_remove", "vrbd_registry_remove()")
VRBD_WORD("vrbd_snap_create", "vrbd_snap_create()")
VRBD_WORD("vrbd_snap_remove", "vrbd_snap_remove()")
VRBD_WORD("vrbd_snap_rollback", "vrbd_snap_rollback()")
VRBD_WORD("vrbd_snap_unprotect", "vrbd_snap_unprotect()")
VRBD_WORD("vrbd_user_create", "vrbd_user_create()")
VRBD_WORD("vrbd_user_remove", "vrbd_user_remove()")
VRBD_WORD("vrbd_vm_disk_attach", "vrbd_vm_disk_attach()")
VRBD_WORD("vrbd_vm_disk_detach", "vrbd_vm_disk_detach()")
VRBD_WORD("vrbd_vm_disk_list", "vrbd_vm_disk_list()")
VRBD_WORD("vrbd_vm_move_offline", "vrbd_vm_move_offline()")
VRBD_WORD("vrbd_vm_remove", "vrbd_vm_remove()")
VRBD_WORD("vrbd_volume_flatten", "vrbd_volume_flatten()")
VRBD_WORD("vrbd_volume_info_get", "vrbd_volume_info_get()")
VRBD_WORD("vrbd_volume_list", "vrbd_volume_list()")
VRBD_WORD("vrbd_volume_remove", "vrbd_volume_remove()")
VRBD_WORD("vrbd_volume_who", "vrbd_volume_who()")
