/*
 * init - the first process. Runs the programs named in its arguments, one
 * after another, each as /bin/NAME; a '+' in an argument separates the
 * program's own arguments ("alloc_write+2048" runs /bin/alloc_write 2048).
 * Reports how each ended and how long it took; exits 0 only if every one
 * exited 0, which powers the domain off cleanly (anything else crashes
 * it, so the hypervisor's verdict says so).
 */
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 16

static int run(char *spec)
{
    char *argv[MAX_ARGS + 1], path[64];
    int argc = 0, status;
    double t0 = pvk_now_s();
    pid_t pid;

    for (char *s = strtok(spec, "+"); s && argc < MAX_ARGS; s = strtok(NULL, "+"))
        argv[argc++] = s;
    argv[argc] = NULL;
    snprintf(path, sizeof(path), "/bin/%s", argv[0]);
    printf("init: running %s\n", path);
    pid = fork();
    if (pid < 0) {
        printf("init: fork failed\n");
        return 1;
    }
    if (pid == 0) {
        execve(path, argv, environ);
        printf("init: cannot exec %s\n", path);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid) {
        printf("init: waitpid failed\n");
        return 1;
    }
    if (WIFEXITED(status))
        printf("init: %s exited with status %d after %.3f s\n", argv[0],
               WEXITSTATUS(status), pvk_now_s() - t0);
    else
        printf("init: %s was killed by signal %d after %.3f s\n", argv[0],
               status & 0x7f, pvk_now_s() - t0);
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
    int failed = 0;

    printf("init: pid %d, %d program%s to run\n", getpid(), argc - 1,
           argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++)
        failed += run(argv[i]);
    printf("init: %d of %d program%s failed\n", failed, argc - 1,
           argc == 2 ? "" : "s");
    return failed ? 1 : 0;
}
