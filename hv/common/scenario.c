/*
 * scenario.c - parse the scenario file (format in hv/scenario.h). Pure: it
 * only reads the text it is given and fills the struct, so the host unit
 * tests build it unchanged. It must reject anything it does not fully
 * understand with a message naming the line; it never guesses.
 */
#include <hv/scenario.h>
#include <public/sched.h>

#define PAGE_KB 4U

struct parser {
    const char *p, *end; /* remaining text of the current line */
    unsigned int line;
    char *err;
    size_t errlen;
};

static int fail(struct parser *ps, const char *fmt, const char *arg)
{
    int n = snprintf(ps->err, ps->errlen, "line %u: ", ps->line);

    if (n >= 0 && (size_t)n < ps->errlen)
        snprintf(ps->err + n, ps->errlen - n, fmt, arg);
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Next key=value word. The value may be double-quoted, with \" and \\ as
 * escapes. Returns 1 with key/value filled, 0 at the end of the line,
 * -1 on a syntax error.
 */
static int next_pair(struct parser *ps, char *key, size_t klen, char *val,
                     size_t vlen)
{
    size_t k = 0, v = 0;

    while (ps->p < ps->end && is_space(*ps->p))
        ps->p++;
    if (ps->p == ps->end || *ps->p == '#')
        return 0;
    while (ps->p < ps->end && *ps->p != '=' && !is_space(*ps->p)) {
        if (k + 1 >= klen)
            return fail(ps, "key too long%s", "");
        key[k++] = *ps->p++;
    }
    key[k] = '\0';
    if (ps->p == ps->end || *ps->p != '=')
        return fail(ps, "expected key=value, found '%s'", key);
    ps->p++;
    if (ps->p < ps->end && *ps->p == '"') {
        ps->p++;
        for (;;) {
            char c;

            if (ps->p == ps->end)
                return fail(ps, "unterminated quote in value of '%s'", key);
            c = *ps->p++;
            if (c == '"')
                break;
            if (c == '\\' && ps->p < ps->end &&
                (*ps->p == '"' || *ps->p == '\\'))
                c = *ps->p++;
            if (v + 1 >= vlen)
                return fail(ps, "value of '%s' too long", key);
            val[v++] = c;
        }
        if (ps->p < ps->end && !is_space(*ps->p) && *ps->p != '#')
            return fail(ps, "text right after the closing quote of '%s'", key);
    } else {
        while (ps->p < ps->end && !is_space(*ps->p)) {
            if (v + 1 >= vlen)
                return fail(ps, "value of '%s' too long", key);
            val[v++] = *ps->p++;
        }
    }
    val[v] = '\0';
    return 1;
}

/* A size for key: a number with an optional K/M/G suffix (and an
 * optional "iB"/"B"), bare = MiB; a multiple of 4K. In KiB. */
static int parse_size(struct parser *ps, const char *kv, const char *val,
                      uint64_t *kb)
{
    const char *end;
    uint32_t n;

    if (*val < '0' || *val > '9' || !parse_u32(val, &end, 10, &n))
        return fail(ps, "%s is not a size (e.g. 32M)", kv);
    switch (*end) {
    case 'K':
    case 'k':
        *kb = n;
        end++;
        break;
    case 'M':
    case 'm':
    case '\0':
        *kb = (uint64_t)n << 10;
        end += *end ? 1 : 0;
        break;
    case 'G':
    case 'g':
        *kb = (uint64_t)n << 20;
        end++;
        break;
    default:
        return fail(ps, "%s is not a size (e.g. 32M)", kv);
    }
    if (*end == 'i' || *end == 'B') /* allow 32MiB / 32MB */
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end)
        return fail(ps, "%s is not a size (e.g. 32M)", kv);
    if (*kb % PAGE_KB)
        return fail(ps, "%s is not a multiple of 4K", kv);
    return 0;
}

/* Memory size for key (mem, start), in pages. */
static int parse_mem(struct parser *ps, const char *key, const char *val,
                     uint32_t *pages)
{
    uint64_t kb;
    char kv[48];

    snprintf(kv, sizeof(kv), "%s=%s", key, val);
    if (*val >= '0' && *val <= '9') {
        const char *end;
        uint32_t n;

        if (!parse_u32(val, &end, 10, &n))
            return fail(ps, "%s out of range (1M to 896M)", kv);
    }
    if (parse_size(ps, kv, val, &kb))
        return -1;
    if (kb / PAGE_KB < MIN_DOMAIN_PAGES || kb / PAGE_KB > MAX_DOMAIN_PAGES)
        return fail(ps, "%s out of range (1M to 896M)", kv);
    *pages = (uint32_t)(kb / PAGE_KB);
    return 0;
}

/* One more disk of the line: disk=IMAGE (read-only), cowdisk=IMAGE (the
 * image under a copy-on-write overlay of the domain's own) or
 * wdisk=SIZE (a blank writable disk). */
static int parse_disk(struct parser *ps, struct scenario_domain *sd,
                      const char *key, const char *val)
{
    struct scn_disk *dk = &sd->disks[sd->nr_disks];
    uint64_t kb;
    char kv[48];

    if (sd->nr_disks == SCN_MAX_DISKS)
        return fail(ps, "too many disks (at most 4)%s", "");
    memset(dk, 0, sizeof(*dk));
    if (!strcmp(key, "wdisk")) {
        snprintf(kv, sizeof(kv), "%s=%s", key, val);
        if (parse_size(ps, kv, val, &kb))
            return -1;
        if (kb < 1024 || kb > (64ULL << 20))
            return fail(ps, "%s out of range (1M to 64G)", kv);
        dk->kind = SCN_DISK_SCRATCH;
        dk->size_kb = kb;
    } else {
        if (!*val)
            return fail(ps, "empty value for '%s'", key);
        if (strlen(val) > SCN_DISK_NAME_MAX) {
            snprintf(kv, sizeof(kv), "%s=%.30s", key, val);
            return fail(ps,
                        "%s: an image name has at most 20 characters "
                        "(the disk's serial number)",
                        kv);
        }
        strlcpy(dk->name, val, sizeof(dk->name));
        dk->kind = strcmp(key, "cowdisk") ? SCN_DISK_RO : SCN_DISK_COW;
    }
    sd->nr_disks++;
    return 0;
}

static int set_string(struct parser *ps, char *dst, size_t size,
                      const char *key, const char *val)
{
    if (!*val)
        return fail(ps, "empty value for '%s'", key);
    if (strlen(val) >= size)
        return fail(ps, "value of '%s' too long", key);
    strlcpy(dst, val, size);
    return 0;
}

/* Names of domains and share groups: [A-Za-z0-9_-]. */
static bool valid_name(const char *c)
{
    for (; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return false;
    return true;
}

/* A share group's name (share= on a domain line, name= on a group line). */
static int set_group_name(struct parser *ps, char dst[SCN_NAME_MAX],
                          const char *key, const char *val)
{
    if (set_string(ps, dst, SCN_NAME_MAX, key, val))
        return -1;
    if (!valid_name(val))
        return fail(ps,
                    "share group '%s' may hold only letters, digits, _ and -",
                    val);
    return 0;
}

/* Keys that may appear once per line (the disk keys may repeat). */
static const char *const single_keys[] = {
    "name", "kernel", "module", "mem", "mode", "cmdline", "expect", "share",
    "start",
};

static int parse_domain(struct parser *ps, struct scenario_domain *sd)
{
    char key[32], val[SCN_CMDLINE_MAX];
    unsigned int seen = 0, i;
    int r;

    memset(sd, 0, sizeof(*sd));
    sd->line = ps->line;
    sd->nr_pages = 32U << 8; /* 32 MiB */
    sd->mode = PT_MODE_PV;
    sd->expect = SHUTDOWN_poweroff;

    while ((r = next_pair(ps, key, sizeof(key), val, sizeof(val))) > 0) {
        for (i = 0; i < ARRAY_SIZE(single_keys); i++)
            if (!strcmp(key, single_keys[i])) {
                if (seen & (1U << i))
                    return fail(ps, "%s given twice", key);
                seen |= 1U << i;
            }
        if (!strcmp(key, "name")) {
            if (set_string(ps, sd->name, sizeof(sd->name), key, val))
                return -1;
            if (!valid_name(val))
                return fail(
                    ps, "name '%s' may hold only letters, digits, _ and -",
                    val);
        } else if (!strcmp(key, "kernel")) {
            if (set_string(ps, sd->kernel, sizeof(sd->kernel), key, val))
                return -1;
        } else if (!strcmp(key, "module")) {
            if (set_string(ps, sd->module, sizeof(sd->module), key, val))
                return -1;
        } else if (!strcmp(key, "disk") || !strcmp(key, "cowdisk") ||
                   !strcmp(key, "wdisk")) {
            if (parse_disk(ps, sd, key, val))
                return -1;
        } else if (!strcmp(key, "mem")) {
            if (parse_mem(ps, key, val, &sd->nr_pages))
                return -1;
        } else if (!strcmp(key, "start")) {
            if (parse_mem(ps, key, val, &sd->start_pages))
                return -1;
        } else if (!strcmp(key, "mode")) {
            if (!strcmp(val, "pv"))
                sd->mode = PT_MODE_PV;
            else if (!strcmp(val, "shadow"))
                sd->mode = PT_MODE_SHADOW;
            else
                return fail(ps, "mode=%s: expected pv or shadow", val);
        } else if (!strcmp(key, "cmdline")) {
            if (strlen(val) >= sizeof(sd->cmdline))
                return fail(ps, "cmdline too long%s", "");
            strlcpy(sd->cmdline, val, sizeof(sd->cmdline));
        } else if (!strcmp(key, "share")) {
            if (set_group_name(ps, sd->share_group, key, val))
                return -1;
        } else if (!strcmp(key, "expect")) {
            if (!strcmp(val, "poweroff"))
                sd->expect = SHUTDOWN_poweroff;
            else if (!strcmp(val, "crash"))
                sd->expect = SHUTDOWN_crash;
            else
                return fail(ps, "expect=%s: expected poweroff or crash", val);
        } else {
            return fail(ps,
                        "unknown key '%s' (known: name kernel mem start "
                        "mode module disk cowdisk wdisk cmdline expect share)",
                        key);
        }
    }
    if (r < 0)
        return -1;
    if (!sd->name[0])
        return fail(ps, "domain has no name=%s", "");
    if (!sd->kernel[0])
        return fail(ps, "domain '%s' has no kernel=", sd->name);
    if (!sd->start_pages)
        sd->start_pages = sd->nr_pages;
    if (sd->start_pages > sd->nr_pages)
        return fail(ps, "start= is more than mem= (the maximum)%s", "");
    return 0;
}

/* "group name=G behaviour=same|normal". */
static int parse_group(struct parser *ps, struct scenario *s)
{
    char key[32], val[SCN_NAME_MAX + 8];
    struct scenario_group g;
    bool have_behaviour = false;
    unsigned int i;
    int r;

    memset(&g, 0, sizeof(g));
    g.line = ps->line;
    while ((r = next_pair(ps, key, sizeof(key), val, sizeof(val))) > 0) {
        if (!strcmp(key, "name")) {
            if (g.name[0])
                return fail(ps, "%s given twice", key);
            if (set_group_name(ps, g.name, key, val))
                return -1;
        } else if (!strcmp(key, "behaviour")) {
            if (have_behaviour)
                return fail(ps, "%s given twice", key);
            have_behaviour = true;
            if (!strcmp(val, "same"))
                g.same = true;
            else if (strcmp(val, "normal"))
                return fail(ps, "behaviour=%s: expected normal or same", val);
        } else {
            return fail(ps, "unknown key '%s' on a group line (known: name "
                            "behaviour)",
                        key);
        }
    }
    if (r < 0)
        return -1;
    if (!g.name[0])
        return fail(ps, "group has no name=%s", "");
    for (i = 0; i < s->nr_groups; i++)
        if (!strcmp(s->group[i].name, g.name))
            return fail(ps, "a second line for group '%s'", g.name);
    if (s->nr_groups == MAX_DOMAINS)
        return fail(ps, "too many group lines (at most %s)",
                    STRINGIFY(MAX_DOMAINS));
    s->group[s->nr_groups++] = g;
    return 0;
}

/* Every group line names a group some domain is in; a same-behaviour
 * group's domains are all translated (the hypervisor alone decides). */
static int check_groups(struct parser *ps, struct scenario *s)
{
    unsigned int i, j, users;
    char msg[96];

    for (i = 0; i < s->nr_groups; i++) {
        const struct scenario_group *g = &s->group[i];

        ps->line = g->line;
        for (j = 0, users = 0; j < s->nr_domains; j++) {
            struct scenario_domain *sd = &s->dom[j];

            if (strcmp(sd->share_group, g->name))
                continue;
            users++;
            if (g->same && sd->mode != PT_MODE_SHADOW) {
                snprintf(msg, sizeof(msg),
                         "group '%s' has behaviour=same, but domain '%s' is "
                         "not mode=shadow",
                         g->name, sd->name);
                return fail(ps, "%s", msg);
            }
            sd->share_same = g->same;
        }
        if (!users)
            return fail(ps, "group '%s': no domain has share= it", g->name);
    }
    return 0;
}

int scenario_parse(const char *text, size_t len, struct scenario *s, char *err,
                   size_t errlen)
{
    struct parser ps = { .err = err, .errlen = errlen };
    const char *p = text, *end = text + len;

    memset(s, 0, sizeof(*s));
    if (errlen)
        err[0] = '\0';
    while (p < end) {
        const char *eol = p;
        const char *w;
        size_t wlen;
        unsigned int i;

        while (eol < end && *eol != '\n')
            eol++;
        ps.line++;
        ps.p = p;
        ps.end = eol;
        p = eol < end ? eol + 1 : eol;

        for (w = ps.p; w < ps.end; w++)
            if (*w == '\0')
                return fail(&ps, "binary data in scenario file%s", "");
        while (ps.p < ps.end && is_space(*ps.p))
            ps.p++;
        if (ps.p == ps.end || *ps.p == '#')
            continue;
        w = ps.p;
        while (ps.p < ps.end && !is_space(*ps.p))
            ps.p++;
        wlen = (size_t)(ps.p - w);
        if (wlen == 5 && !strncmp(w, "group", 5)) {
            if (parse_group(&ps, s))
                return -1;
            continue;
        }
        if (wlen != 6 || strncmp(w, "domain", 6)) {
            char word[32];
            size_t n = min(wlen, sizeof(word) - 1);

            /* The text need not be terminated: copy only what is there. */
            memcpy(word, w, n);
            word[n] = '\0';
            return fail(&ps, "expected 'domain' or 'group', found '%s'", word);
        }
        if (s->nr_domains == MAX_DOMAINS)
            return fail(&ps, "too many domains (at most %s)",
                        STRINGIFY(MAX_DOMAINS));
        if (parse_domain(&ps, &s->dom[s->nr_domains]))
            return -1;
        for (i = 0; i < s->nr_domains; i++)
            if (!strcmp(s->dom[i].name, s->dom[s->nr_domains].name))
                return fail(&ps, "duplicate domain name '%s'", s->dom[i].name);
        s->nr_domains++;
    }
    if (!s->nr_domains) {
        snprintf(err, errlen, "no domain lines in scenario");
        return -1;
    }
    return check_groups(&ps, s);
}
