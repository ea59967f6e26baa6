/*
 * cmdline.c - parse the hypervisor command line into the options declared
 * with integer_param/boolean_param/string_param. Pure: no hypervisor state
 * beyond the variables it is handed, so the host unit tests build it.
 */
#include <hv/cmdline.h>

static bool parse_bool(const char *v, size_t n, bool *out)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false" };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strlen(yes[i]) == n && !strncmp(v, yes[i], n)) {
            *out = true;
            return true;
        }
        if (strlen(no[i]) == n && !strncmp(v, no[i], n)) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* "expects one of a, b, c" for p's choices. */
static const char *choices_why(const struct kernel_param *p)
{
    static char why[128];
    struct strbuf sb = STRBUF_INIT(why);
    const char *const *c;

    strbuf_printf(&sb, "expects one of");
    for (c = p->choices; *c; c++)
        strbuf_printf(&sb, "%s %s", c == p->choices ? "" : ",", *c);
    return why;
}

static const char *apply(const struct kernel_param *p, const char *val,
                         size_t vlen, bool negated)
{
    static char why[64];
    const char *const *c;
    const char *end;
    uint32_t v;
    bool b;

    switch (p->type) {
    case PARAM_BOOL:
        if (!val) {
            *(bool *)p->var = !negated;
            return NULL;
        }
        if (negated || !parse_bool(val, vlen, &b))
            return "expects a boolean (1/0, yes/no, on/off, true/false)";
        *(bool *)p->var = b;
        return NULL;
    case PARAM_UINT:
        if (!val || !vlen || negated)
            return "expects a number";
        if (!parse_u32(val, &end, 0, &v) || end != val + vlen)
            return "expects a number that fits in 32 bits";
        if (v < p->min || v > p->max) {
            snprintf(why, sizeof(why), "expects a number from %u to %u",
                     p->min, p->max);
            return why;
        }
        *(unsigned int *)p->var = v;
        return NULL;
    case PARAM_STRING:
        if (!val || negated)
            return "expects a value";
        if (vlen >= p->len)
            return "value too long";
        for (c = p->choices; c && *c; c++)
            if (strlen(*c) == vlen && !strncmp(*c, val, vlen))
                break;
        if (c && !*c)
            return choices_why(p);
        memcpy(p->var, val, vlen);
        ((char *)p->var)[vlen] = '\0';
        return NULL;
    }
    return "bad parameter type";
}

int cmdline_parse(const char *cmdline, const struct kernel_param *start,
                  const struct kernel_param *end,
                  void (*report)(const char *word, const char *why))
{
    int errors = 0;
    const char *s = cmdline;

    while (*s) {
        char word[128];
        const char *w, *eq, *val = NULL;
        size_t wlen, nlen, vlen = 0;
        const struct kernel_param *p;
        const char *why = "unknown option";
        bool negated = false;

        while (*s == ' ')
            s++;
        if (!*s)
            break;
        w = s;
        while (*s && *s != ' ')
            s++;
        wlen = (size_t)(s - w);
        strlcpy(word, w, min(wlen + 1, sizeof(word)));

        eq = NULL;
        for (size_t i = 0; i < wlen; i++)
            if (w[i] == '=') {
                eq = w + i;
                break;
            }
        nlen = eq ? (size_t)(eq - w) : wlen;
        if (eq) {
            val = eq + 1;
            vlen = wlen - nlen - 1;
        }
        for (p = start; p < end; p++) {
            if (strlen(p->name) == nlen && !strncmp(p->name, w, nlen))
                break;
            if (p->type == PARAM_BOOL && nlen == strlen(p->name) + 3 &&
                !strncmp(w, "no-", 3) && !strncmp(w + 3, p->name, nlen - 3)) {
                negated = true;
                break;
            }
        }
        if (p < end)
            why = apply(p, val, vlen, negated);
        if (why) {
            errors++;
            if (report)
                report(word, why);
        }
    }
    return errors;
}
