/*
 * setup.h - the boot-time steps start_hv() calls in order, and the one way
 * boot ends on bad user input.
 */
#ifndef __HV_SETUP_H__
#define __HV_SETUP_H__

#include <hv/lib.h>

struct domain;
struct boot_module;

void multiboot_parse(uint32_t mbi_pa);
void domain_init_pseudo(void);
/* Parse the scenario module and build and unpause its domains. */
void build_domains_from_scenario(void);
/* Build a PV domain's memory, page tables, start_info and first frame. */
int construct_pv_domain(struct domain *d, const struct boot_module *kernel,
                        const struct boot_module *mod);
/*
 * config_error - a scenario, module or option problem: print one line
 * naming it, then "VERDICT result=config-error", and exit with EXIT_CONFIG.
 */
void config_error(const char *fmt, ...) __printf(1, 2) __noreturn;

#endif /* __HV_SETUP_H__ */
