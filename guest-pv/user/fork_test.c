/*
 * fork_test - AIM9-style: fork, the child exits at once, the parent waits;
 * as many times as fit in the given seconds of guest time (default 1).
 * Prints TAP and the rate per second.
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <tap.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0, t0 = pvk_now_s(), t;
    unsigned int n = 0, bad = 0;
    int status;

    do {
        pid_t pid = fork();

        if (pid == 0)
            _exit(0);
        if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
            bad++;
        n++;
        t = pvk_now_s() - t0;
    } while (t < seconds);
    ok(n > 0 && !bad, "%u forks, each child reaped", n);
    printf("# fork_test: forks=%u seconds=%.3f rate=%.1f/s\n", n, t, n / t);
    return done();
}
