/*
 * cmdline.c - look up key=value words on the guest command line.
 */
#include <guest/guest.h>

const char *cmdline_get(const char *key, char *buf, size_t size)
{
    const char *s = start_info->cmd_line;
    size_t klen = strlen(key);

    while (*s) {
        const char *w = s, *end;

        while (*s && *s != ' ')
            s++;
        end = s;
        while (*s == ' ')
            s++;
        if ((size_t)(end - w) > klen && !strncmp(w, key, klen) &&
            w[klen] == '=') {
            size_t n = (size_t)(end - (w + klen + 1));

            if (n >= size)
                n = size - 1;
            memcpy(buf, w + klen + 1, n);
            buf[n] = '\0';
            return buf;
        }
        if ((size_t)(end - w) == klen && !strncmp(w, key, klen)) {
            buf[0] = '\0';
            return buf;
        }
    }
    return NULL;
}

unsigned long cmdline_get_ulong(const char *key, unsigned long dflt)
{
    char buf[32];
    const char *end;
    uint32_t v;

    if (!cmdline_get(key, buf, sizeof(buf)) || !parse_u32(buf, &end, 0, &v) ||
        *end)
        return dflt;
    return v;
}
