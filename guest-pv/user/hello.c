/*
 * hello.c - the first pvk user program: newlib's printf (an integer, a
 * string, a double), malloc and free, and the arguments crt0 passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv, char **envp)
{
    size_t n = 100000;
    unsigned int *p;
    unsigned long long sum = 0;
    char *s;
    size_t i;
    int nenv = 0;

    printf("hello from pvk user space: argc=%d argv[0]=%s\n", argc,
           argc > 0 ? argv[0] : "(none)");
    while (envp && envp[nenv])
        nenv++;
    printf("an integer: %d, a string: %s, a double: %f\n", -42, "newlib",
           3.14159265358979);

    p = malloc(n * sizeof(*p));
    if (!p) {
        printf("malloc(%zu) failed\n", n * sizeof(*p));
        return 1;
    }
    for (i = 0; i < n; i++)
        p[i] = (unsigned int)i;
    for (i = 0; i < n; i++)
        sum += p[i];
    free(p);
    s = strdup("a heap string");
    if (!s)
        return 1;
    printf("malloc'd and freed %zu bytes (sum %llu), %s, %d env vars\n",
           n * sizeof(*p), sum, s, nenv);
    free(s);
    return sum == (unsigned long long)n * (n - 1) / 2 ? 0 : 1;
}
