/*
 * stats.c - the global counters and their printing. Only counting; it must
 * never change behaviour.
 */
#include <hv/cmdline.h>
#include <hv/lib.h>
#include <hv/stats.h>

struct hv_stats stats;
bool stats_cycles;
boolean_param("stats_cycles", stats_cycles);

static void append(struct strbuf *sb, const char *key, uint64_t v)
{
    strbuf_printf(sb, " %s=%llu", key, (unsigned long long)v);
}

void stats_print(void)
{
    static const char *const trap_names[32] = {
        "de", "db", "nmi", "bp", "of", "br",  "ud", "nm", "df", "cso",
        "ts", "np", "ss",  "gp", "pf", "spv", "mf", "ac", "mc", "xm",
    };
    static char buf[PRINTK_MAX];
    struct strbuf sb = STRBUF_INIT(buf);
    unsigned int i;
    uint64_t total = 0;

    for (i = 0; i < ARRAY_SIZE(stats.exceptions); i++)
        total += stats.exceptions[i];
    strbuf_printf(&sb, "STATS traps=%llu", (unsigned long long)total);
    for (i = 0; i < ARRAY_SIZE(stats.exceptions); i++)
        if (stats.exceptions[i])
            append(&sb, trap_names[i] ? trap_names[i] : "other",
                   stats.exceptions[i]);
    append(&sb, "irqs", stats.irqs);
    append(&sb, "bounces", stats.bounces);
    append(&sb, "events", stats.events_delivered);
    append(&sb, "ctxsw", stats.context_switches);
    append(&sb, "cr3_loads", stats.cr3_loads);
    append(&sb, "tlb_flushes", stats.tlb_flushes);
    append(&sb, "invlpgs", stats.invlpgs);
    append(&sb, "page_copies", stats.page_copies);
    append(&sb, "page_clears", stats.page_clears);
    append(&sb, "page_scrubs", stats.page_scrubs);
    append(&sb, "page_hashes", stats.page_hashes);
    append(&sb, "page_compares", stats.page_compares);
    append(&sb, "pt_validations", stats.pt_validations);
    append(&sb, "domain_crashes", stats.domain_crashes);
    printk("%s", buf);

    total = 0;
    for (i = 0; i < NR_hypercalls; i++)
        total += stats.hypercalls[i];
    sb = (struct strbuf)STRBUF_INIT(buf);
    strbuf_printf(&sb, "STATS hypercalls=%llu errors=%llu",
                  (unsigned long long)total,
                  (unsigned long long)stats.hypercall_errors);
    for (i = 0; i < NR_hypercalls; i++)
        if (stats.hypercalls[i])
            append(&sb, hypercall_name(i) ? hypercall_name(i) : "unknown",
                   stats.hypercalls[i]);
    printk("%s", buf);

    /* STATS-CYCLES: the cycles of the same handlers (a hypercall that
     * blocks counts until it returns, other guests' time included). */
    if (!stats_cycles)
        return;
    sb = (struct strbuf)STRBUF_INIT(buf);
    strbuf_printf(&sb, "STATS-CYCLES");
    for (i = 0; i < ARRAY_SIZE(stats.exceptions); i++)
        if (stats.exception_cycles[i])
            append(&sb, trap_names[i] ? trap_names[i] : "other",
                   stats.exception_cycles[i]);
    for (i = 0; i < NR_hypercalls; i++)
        if (stats.hypercall_cycles[i])
            append(&sb, hypercall_name(i) ? hypercall_name(i) : "unknown",
                   stats.hypercall_cycles[i]);
    printk("%s", buf);
}
