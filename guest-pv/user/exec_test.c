/*
 * exec_test - AIM9-style: fork, the child execs /bin/true, the parent
 * waits; as many times as fit in the given seconds of guest time (default
 * 1). Prints TAP and the rate per second.
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <tap.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0, t0 = pvk_now_s(), t;
    unsigned int n = 0, bad = 0;
    int status;

    do {
        pid_t pid = fork();

        if (pid == 0) {
            char *args[] = { "true", NULL };

            execve("/bin/true", args, environ);
            _exit(127);
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
            bad++;
        n++;
        t = pvk_now_s() - t0;
    } while (t < seconds);
    ok(n > 0 && !bad, "%u fork+exec+exit+wait, each exited 0", n);
    printf("# exec_test: execs=%u seconds=%.3f rate=%.1f/s\n", n, t, n / t);
    return done();
}
