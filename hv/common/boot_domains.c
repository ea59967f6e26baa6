/*
 * boot_domains.c - turn the scenario module into running domains: find
 * and parse the scenario, check every module it names exists, create and
 * build each domain, unpause them all.
 *
 * Bad user input (no scenario, a syntax error, a missing module, a domain
 * that does not fit) ends the run at once with one line naming the
 * problem and the config exit code: no domain runs half-configured.
 */
#include <hv/arch.h>
#include <hv/blkback.h>
#include <hv/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/scenario.h>
#include <hv/setup.h>
#include <hv/stats.h>

#define SCENARIO_MAX_BYTES 16384

static char opt_scenario[BOOT_MODNAME_MAX];
string_param("scenario", opt_scenario);

static struct scenario scenario;
static char scenario_text[SCENARIO_MAX_BYTES];

void config_error(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(XENLOG_ERR "ERROR: %s", buf);
    printk(XENLOG_ERR "VERDICT result=config-error");
    arch_machine_exit(EXIT_CONFIG);
}

static const struct boot_module *find_scenario(void)
{
    const struct boot_module *found = NULL;
    unsigned int i;

    if (opt_scenario[0]) {
        found = bootinfo_find_module(opt_scenario);
        if (!found)
            config_error("scenario=%s: no module of that name", opt_scenario);
        return found;
    }
    for (i = 0; i < bootinfo.nr_mods; i++) {
        const char *n = bootinfo.mods[i].name;
        size_t len = strlen(n);

        if (len > 4 && !strcmp(n + len - 4, ".scn")) {
            if (found)
                config_error("two scenario modules (%s, %s); choose one with "
                             "scenario=NAME",
                             found->name, n);
            found = &bootinfo.mods[i];
        }
    }
    if (!found)
        config_error(
            "no scenario: pass a module named *.scn (or scenario=NAME)");
    return found;
}

static const struct boot_module *need_module(const struct scenario_domain *sd,
                                             const char *key, const char *name)
{
    const struct boot_module *m = bootinfo_find_module(name);

    if (!m)
        config_error("scenario line %u: %s=%s: no module of that name was "
                     "loaded",
                     sd->line, key, name);
    return m;
}

void build_domains_from_scenario(void)
{
    const struct boot_module *sm = find_scenario();
    uint32_t len = sm->end - sm->start;
    char err[160];
    unsigned int i, j;
    uint64_t start;

    if (len >= sizeof(scenario_text))
        config_error("scenario %s is %u bytes; at most %u", sm->name, len,
                     (unsigned int)sizeof(scenario_text) - 1);
    copy_from_machine(scenario_text, sm->start, len);
    scenario_text[len] = '\0';
    if (scenario_parse(scenario_text, len, &scenario, err, sizeof(err)))
        config_error("scenario %s: %s", sm->name, err);
    printk("scenario %s: %u domain%s", sm->name, scenario.nr_domains,
           scenario.nr_domains == 1 ? "" : "s");

    /* Check every name, and that the machine can hold what the domains
     * start with, before building anything. */
    for (i = 0, start = 0; i < scenario.nr_domains; i++) {
        const struct scenario_domain *sd = &scenario.dom[i];

        need_module(sd, "kernel", sd->kernel);
        if (sd->module[0])
            need_module(sd, "module", sd->module);
        start += sd->start_pages;
    }
    if (start > nr_free_domheap_pages())
        config_error("scenario %s: its %u domains start with %llu MiB of "
                     "guest memory in all, and the machine has %u MiB free "
                     "for guests (of %u MiB of RAM): give it more memory "
                     "(run-qemu.sh --mem, or '# machine-mem:'), or the "
                     "domains less (mem=, start=)",
                     sm->name, scenario.nr_domains,
                     (unsigned long long)start >> 8,
                     nr_free_domheap_pages() >> 8, max_page >> 8);

    for (i = 0; i < scenario.nr_domains; i++) {
        const struct scenario_domain *sd = &scenario.dom[i];
        struct domain *d = domain_create((domid_t)(i + 1), sd);

        if (!d)
            config_error("scenario line %u: cannot create domain '%s'",
                         sd->line, sd->name);
        for (j = 0; j < sd->nr_disks; j++)
            blkback_attach(d, j, &sd->disks[j], sd->line);
        if (construct_pv_domain(
                d, need_module(sd, "kernel", sd->kernel),
                sd->module[0] ? need_module(sd, "module", sd->module) : NULL))
            config_error("scenario line %u: cannot build domain '%s'", sd->line,
                         sd->name);
    }
    for (i = 0; i < nr_domains; i++)
        domain_unpause(domain_list[i]);
}
