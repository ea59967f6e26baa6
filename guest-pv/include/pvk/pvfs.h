/*
 * pvk/pvfs.h - the on-disk format of pvfs, the guest kernel's read-only
 * file system, shared by the kernel (guest-pv/kernel/pvfs.c) and the host
 * tool that builds images (tools/mkpvfs.c). Little-endian, 4 KiB blocks.
 *
 *   block 0                 superblock
 *   blocks 1 ..             inode table: 128 inodes of 32 bytes a block
 *   then                    file and directory data, each file in one run
 *                           of consecutive blocks from its start block
 *
 * A directory's data is an array of 64-byte entries ("." and ".." are not
 * stored). Inode 0 is the root directory. Images are deterministic: the
 * same tree gives the same bytes (entries sorted by name, times 0).
 */
#ifndef __PVK_PVFS_H__
#define __PVK_PVFS_H__

#include <stdint.h>

#define PVFS_BLOCK_SIZE   4096
#define PVFS_MAGIC        "PVFS-v1"   /* 8 bytes with the NUL */
#define PVFS_NAME_MAX     58
#define PVFS_INODES_PER_BLOCK  (PVFS_BLOCK_SIZE / sizeof(struct pvfs_inode))
#define PVFS_DIRENTS_PER_BLOCK (PVFS_BLOCK_SIZE / sizeof(struct pvfs_dirent))

struct pvfs_super {
    char magic[8];
    uint32_t nr_blocks;     /* size of the image                  */
    uint32_t nr_inodes;
    uint32_t inode_start;   /* first block of the inode table     */
    uint32_t inode_blocks;
    uint32_t root_ino;      /* 0                                  */
    uint32_t pad[1017];
};
_Static_assert(sizeof(struct pvfs_super) == PVFS_BLOCK_SIZE, "pvfs superblock");

struct pvfs_inode {
    uint32_t mode;          /* PVK_S_IFDIR or PVK_S_IFREG | 0755/0644 */
    uint32_t size;          /* bytes                              */
    uint32_t start;         /* first data block (0: no data)      */
    uint32_t nlink;
    uint32_t pad[4];
};
_Static_assert(sizeof(struct pvfs_inode) == 32, "pvfs inode");

struct pvfs_dirent {
    uint32_t ino;
    uint8_t type;           /* PVK_DT_REG or PVK_DT_DIR           */
    uint8_t name_len;
    char name[PVFS_NAME_MAX];   /* not NUL-terminated if 58 long   */
};
_Static_assert(sizeof(struct pvfs_dirent) == 64, "pvfs dirent");

#endif /* __PVK_PVFS_H__ */
