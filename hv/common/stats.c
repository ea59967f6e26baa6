/*
 * stats.c - the global counters and their printing. Only counting; it must
 * never change behaviour.
 */
#include <hv/lib.h>
#include <hv/stats.h>

struct hv_stats stats;

static void append(char *buf, size_t size, size_t *len, const char *key,
                   uint64_t v)
{
    if (*len < size)
        *len += snprintf(buf + *len, size - *len, " %s=%llu", key,
                         (unsigned long long)v);
}

void stats_print(void)
{
    static const char *const trap_names[32] = {
        "de", "db", "nmi", "bp", "of", "br",  "ud", "nm", "df", "cso",
        "ts", "np", "ss",  "gp", "pf", "spv", "mf", "ac", "mc", "xm",
    };
    char buf[768];
    size_t len = 0;
    unsigned int i;
    uint64_t total = 0;

    for (i = 0; i < ARRAY_SIZE(stats.exceptions); i++)
        total += stats.exceptions[i];
    len = snprintf(buf, sizeof(buf), "STATS traps=%llu",
                   (unsigned long long)total);
    for (i = 0; i < ARRAY_SIZE(stats.exceptions); i++)
        if (stats.exceptions[i])
            append(buf, sizeof(buf), &len,
                   trap_names[i] ? trap_names[i] : "other",
                   stats.exceptions[i]);
    append(buf, sizeof(buf), &len, "irqs", stats.irqs);
    append(buf, sizeof(buf), &len, "bounces", stats.bounces);
    append(buf, sizeof(buf), &len, "events", stats.events_delivered);
    append(buf, sizeof(buf), &len, "ctxsw", stats.context_switches);
    append(buf, sizeof(buf), &len, "cr3_loads", stats.cr3_loads);
    append(buf, sizeof(buf), &len, "tlb_flushes", stats.tlb_flushes);
    append(buf, sizeof(buf), &len, "invlpgs", stats.invlpgs);
    append(buf, sizeof(buf), &len, "page_copies", stats.page_copies);
    append(buf, sizeof(buf), &len, "page_clears", stats.page_clears);
    append(buf, sizeof(buf), &len, "page_hashes", stats.page_hashes);
    append(buf, sizeof(buf), &len, "page_compares", stats.page_compares);
    append(buf, sizeof(buf), &len, "pt_validations", stats.pt_validations);
    append(buf, sizeof(buf), &len, "domain_crashes", stats.domain_crashes);
    printk("%s", buf);

    total = 0;
    for (i = 0; i < NR_hypercalls; i++)
        total += stats.hypercalls[i];
    len = snprintf(buf, sizeof(buf), "STATS hypercalls=%llu errors=%llu",
                   (unsigned long long)total,
                   (unsigned long long)stats.hypercall_errors);
    for (i = 0; i < NR_hypercalls; i++)
        if (stats.hypercalls[i])
            append(buf, sizeof(buf), &len,
                   hypercall_name(i) ? hypercall_name(i) : "unknown",
                   stats.hypercalls[i]);
    printk("%s", buf);
}
