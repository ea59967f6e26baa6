/*
 * cmdline.h - hypervisor command-line options, declared next to the
 * variable they set (Xen's integer_param/string_param): the macros place a
 * descriptor in the .data.param section, and cmdline_parse() walks it.
 */
#ifndef __HV_CMDLINE_H__
#define __HV_CMDLINE_H__

#include <hv/lib.h>

enum param_type { PARAM_UINT, PARAM_BOOL, PARAM_STRING };

struct kernel_param {
    const char *name;
    enum param_type type;
    void *var;
    unsigned int len;           /* of the string buffer                 */
    uint32_t min, max;          /* PARAM_UINT: the values it accepts    */
    const char *const *choices; /* PARAM_STRING: NULL-ended list, or
                                   NULL for any string that fits        */
};

#define __param(_name, _type, _var, _len, _min, _max, _choices)                \
    static const struct kernel_param __param_##_var __used __section(          \
        ".data.param") __aligned(4) = { _name, _type, &_var, _len, _min,       \
                                        _max, _choices }
/* An unsigned int; accepts decimal or 0x hex. */
#define integer_param(name, var)                                               \
    __param(name, PARAM_UINT, var, 0, 0, UINT32_MAX, NULL)
/* The same, from lo to hi only. */
#define integer_param_range(name, var, lo, hi)                                 \
    __param(name, PARAM_UINT, var, 0, lo, hi, NULL)
/* A bool: "name", "name=1|yes|on|true", "name=0|no|off|false", "no-name". */
#define boolean_param(name, var)                                               \
    __param(name, PARAM_BOOL, var, 0, 0, 0, NULL)
/* A char array; a value that does not fit is refused. */
#define string_param(name, var)                                                \
    __param(name, PARAM_STRING, var, sizeof(var), 0, 0, NULL)
/* The same, one of the NULL-ended list choices only. */
#define string_param_choice(name, var, choices)                                \
    __param(name, PARAM_STRING, var, sizeof(var), 0, 0, choices)

/*
 * cmdline_parse - set the options in [start, end) from a command line of
 * space-separated name[=value] words. Calls report(word, why) for each
 * word it cannot use (unknown name, a value of the wrong kind, out of its
 * range or not among its choices: the option is then left as it was) and
 * goes on. Returns the number of such words. (why may be a static buffer
 * that the next report overwrites.) The first word is not skipped; the caller strips
 * the image path if there is one.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *start,
                  const struct kernel_param *end,
                  void (*report)(const char *word, const char *why));

extern const struct kernel_param __start_param[], __stop_param[];

#endif /* __HV_CMDLINE_H__ */
