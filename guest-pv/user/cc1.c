/*
 * cc1 - a compiler-like job for the build workload: reads a C file,
 * tokenises it, keeps a symbol table on the heap, runs a few passes over
 * the tokens and writes an "object" (a header and one code word a token)
 * that depends on every byte of the source. Deterministic: the same
 * source always gives the same object. Usage: cc1 SRC OBJ.
 */
#include <ctype.h>
#include <fcntl.h>
#include <fnv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PASSES 3

struct sym {
    struct sym *next;
    uint32_t hash, uses;
    char name[];
};

static struct sym *symtab[1024];

static uint32_t intern(const char *s, size_t n)
{
    uint32_t h = fnv1a(FNV_INIT, s, n);
    struct sym *e;

    for (e = symtab[h % 1024]; e; e = e->next)
        if (e->hash == h && strlen(e->name) == n && !memcmp(e->name, s, n)) {
            e->uses++;
            return h;
        }
    e = malloc(sizeof(*e) + n + 1);
    if (!e)
        exit(3);
    e->hash = h;
    e->uses = 1;
    memcpy(e->name, s, n);
    e->name[n] = '\0';
    e->next = symtab[h % 1024];
    symtab[h % 1024] = e;
    return h;
}

int main(int argc, char **argv)
{
    struct stat st;
    char *src;
    uint32_t *code, ntok = 0, i, p, nsyms = 0;
    int fd, out;
    size_t pos = 0, len;

    if (argc != 3 || stat(argv[1], &st) || (fd = open(argv[1], O_RDONLY)) < 0)
        return 2;
    len = (size_t)st.st_size;
    src = malloc(len + 1);
    code = malloc((len + 2) * sizeof(*code));
    if (!src || !code || read(fd, src, len) != (ssize_t)len)
        return 2;
    close(fd);
    src[len] = '\0';

    while (pos < len) {
        size_t start = pos;
        uint32_t kind;

        if (isspace((unsigned char)src[pos])) {
            pos++;
            continue;
        }
        if (src[pos] == '/' && src[pos + 1] == '*') {
            char *end = strstr(src + pos + 2, "*/");

            pos = end ? (size_t)(end - src) + 2 : len;
            continue;
        }
        if (src[pos] == '/' && src[pos + 1] == '/') {
            while (pos < len && src[pos] != '\n')
                pos++;
            continue;
        }
        if (isalpha((unsigned char)src[pos]) || src[pos] == '_') {
            while (pos < len && (isalnum((unsigned char)src[pos]) || src[pos] == '_'))
                pos++;
            kind = intern(src + start, pos - start);
        } else if (isdigit((unsigned char)src[pos])) {
            while (pos < len && isalnum((unsigned char)src[pos]))
                pos++;
            kind = 0x10000000U | (uint32_t)strtoul(src + start, NULL, 0);
        } else if (src[pos] == '"' || src[pos] == '\'') {
            char q = src[pos++];

            while (pos < len && src[pos] != q)
                pos += src[pos] == '\\' ? 2 : 1;
            pos++;
            kind = 0x20000000U | fnv1a(FNV_INIT, src + start, pos - start);
        } else {
            pos++;
            kind = 0x30000000U | (unsigned char)src[start];
        }
        code[ntok++] = kind;
    }
    /* "Optimisation" passes: each code word folds in its neighbours. */
    for (p = 0; p < PASSES; p++)
        for (i = 1; i < ntok; i++)
            code[i] = (code[i] ^ (code[i - 1] >> 3)) * 2654435761U + p;
    for (i = 0; i < 1024; i++)
        for (struct sym *e = symtab[i]; e; e = e->next)
            nsyms++;

    out = open(argv[2], O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (out < 0)
        return 2;
    {
        uint32_t header[4] = { 0x4f424a31U /* "OBJ1" */, ntok, nsyms,
                               fnv1a(FNV_INIT, src, len) };

        if (write(out, header, sizeof(header)) != sizeof(header) ||
            write(out, code, ntok * sizeof(*code)) != (ssize_t)(ntok * sizeof(*code)))
            return 2;
    }
    close(out);
    return 0;
}
