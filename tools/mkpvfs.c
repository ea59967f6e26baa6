/*
 * mkpvfs.c - build a pvfs image (guest-pv/include/pvk/pvfs.h) from a host
 * directory: mkpvfs IMAGE DIR. Regular files and directories only (other
 * types are refused by name). Entries are sorted and times are zero, so
 * the same tree always gives the same image. Host program, built by make.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pvk/pvfs.h>
#include <pvk/syscall.h>

struct node {
    char *path;             /* host path */
    char name[PVFS_NAME_MAX + 1];
    int is_dir;
    uint32_t size;          /* files: bytes; directories: entries * 64 */
    uint32_t ino, start, nblocks;
    struct node **kids;
    unsigned int nkids;
};

static struct node **all;
static unsigned int nr_all;

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "mkpvfs: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct node *const *)a)->name, (*(struct node *const *)b)->name);
}

static struct node *scan(const char *path, const char *name)
{
    struct node *n = calloc(1, sizeof(*n));
    struct stat st;

    if (!n || stat(path, &st))
        die("cannot stat %s", path);
    if (strlen(name) > PVFS_NAME_MAX)
        die("name too long: %s", path);
    n->path = strdup(path);
    strcpy(n->name, name);
    all = realloc(all, (nr_all + 1) * sizeof(*all));
    n->ino = nr_all;
    all[nr_all++] = n;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;

        if (!d)
            die("cannot open directory %s", path);
        n->is_dir = 1;
        while ((e = readdir(d))) {
            char sub[4096];

            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            n->kids = realloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
            n->kids[n->nkids++] = (struct node *)strdup(sub); /* names first */
        }
        closedir(d);
        /* Sort by path, then scan: inode numbers follow name order. */
        qsort(n->kids, n->nkids, sizeof(*n->kids), by_path);
        for (unsigned int i = 0; i < n->nkids; i++) {
            char *sub = (char *)n->kids[i];
            const char *base = strrchr(sub, '/') + 1;

            n->kids[i] = scan(sub, base);
            free(sub);
        }
        qsort(n->kids, n->nkids, sizeof(*n->kids), by_name);
        n->size = n->nkids * sizeof(struct pvfs_dirent);
    } else if (S_ISREG(st.st_mode)) {
        if (st.st_size > 0x7fffffff)
            die("file too large: %s", path);
        n->size = (uint32_t)st.st_size;
    } else {
        die("not a regular file or directory: %s", path);
    }
    return n;
}

int main(int argc, char **argv)
{
    struct pvfs_super sb;
    uint32_t next, i, inode_blocks;
    FILE *out;
    static char block[PVFS_BLOCK_SIZE];

    if (argc != 3) {
        fprintf(stderr, "usage: mkpvfs IMAGE DIR\n");
        return 2;
    }
    scan(argv[2], "");
    inode_blocks = (nr_all + PVFS_INODES_PER_BLOCK - 1) / PVFS_INODES_PER_BLOCK;
    next = 1 + inode_blocks;
    for (i = 0; i < nr_all; i++) {
        all[i]->nblocks = (all[i]->size + PVFS_BLOCK_SIZE - 1) / PVFS_BLOCK_SIZE;
        all[i]->start = all[i]->nblocks ? next : 0;
        next += all[i]->nblocks;
    }

    out = fopen(argv[1], "wb");
    if (!out)
        die("cannot create %s", argv[1]);
    memset(&sb, 0, sizeof(sb));
    memcpy(sb.magic, PVFS_MAGIC, sizeof(PVFS_MAGIC));
    sb.nr_blocks = next;
    sb.nr_inodes = nr_all;
    sb.inode_start = 1;
    sb.inode_blocks = inode_blocks;
    sb.root_ino = 0;
    fwrite(&sb, sizeof(sb), 1, out);

    for (uint32_t b = 0; b < inode_blocks; b++) {
        struct pvfs_inode *ino = (struct pvfs_inode *)block;

        memset(block, 0, sizeof(block));
        for (i = 0; i < PVFS_INODES_PER_BLOCK; i++) {
            uint32_t n = b * PVFS_INODES_PER_BLOCK + i;

            if (n >= nr_all)
                break;
            ino[i].mode = all[n]->is_dir ? (PVK_S_IFDIR | 0755) : (PVK_S_IFREG | 0644);
            if (!all[n]->is_dir && strstr(all[n]->path, "/bin/"))
                ino[i].mode = PVK_S_IFREG | 0755;
            ino[i].size = all[n]->size;
            ino[i].start = all[n]->start;
            ino[i].nlink = 1;
        }
        fwrite(block, sizeof(block), 1, out);
    }

    for (i = 0; i < nr_all; i++) {
        struct node *n = all[i];
        uint32_t left = n->size;

        if (n->is_dir) {
            struct pvfs_dirent *de = (struct pvfs_dirent *)block;
            unsigned int k = 0;

            while (k < n->nkids) {
                memset(block, 0, sizeof(block));
                for (unsigned int j = 0; j < PVFS_DIRENTS_PER_BLOCK && k < n->nkids; j++, k++) {
                    de[j].ino = n->kids[k]->ino;
                    de[j].type = n->kids[k]->is_dir ? PVK_DT_DIR : PVK_DT_REG;
                    de[j].name_len = (uint8_t)strlen(n->kids[k]->name);
                    memcpy(de[j].name, n->kids[k]->name, de[j].name_len);
                }
                fwrite(block, sizeof(block), 1, out);
            }
            continue;
        }
        if (left) {
            FILE *in = fopen(n->path, "rb");

            if (!in)
                die("cannot read %s", n->path);
            while (left) {
                size_t want = left < PVFS_BLOCK_SIZE ? left : PVFS_BLOCK_SIZE;

                memset(block, 0, sizeof(block));
                if (fread(block, 1, want, in) != want)
                    die("short read of %s", n->path);
                fwrite(block, sizeof(block), 1, out);
                left -= (uint32_t)want;
            }
            fclose(in);
        }
    }
    if (fclose(out))
        die("cannot write %s", argv[1]);
    printf("mkpvfs: %s: %u inodes, %u blocks (%u KiB)\n", argv[1], nr_all, next,
           next * 4);
    return 0;
}
