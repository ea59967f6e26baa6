/*
 * build - the paper's second workload: compile every .c file under
 * /tmp/src as make would, forking and exec'ing /bin/cc1 for each (two at a
 * time, like make -j2), then "link" the objects into /tmp/a.out. Records
 * every object's checksum in /tmp/build.manifest for verify. "build N"
 * compiles the first N files only (the scale curves' smaller build).
 * Prints TAP and its figures, with TSC stamps (under qemu -icount,
 * instructions) for the benchmarks (tools/bench-sharing.sh).
 */
#include <fcntl.h>
#include <pvk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <unistd.h>

#define JOBS 2
#define MAX_UNITS 4096

extern char **environ;

static char *units[MAX_UNITS];
static unsigned int nunits, max_units = MAX_UNITS, failed;

static void find_sources(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[PVK_PATH_MAX];
        size_t n = strlen(e->d_name);

        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            find_sources(path);
        else if (n > 2 && !strcmp(e->d_name + n - 2, ".c") && nunits < max_units)
            units[nunits++] = strdup(path);
    }
    closedir(d);
}

static void obj_path(const char *src, char *out, size_t size)
{
    char *p;

    snprintf(out, size, "/tmp/obj/%s", src + strlen("/tmp/src/"));
    for (p = out + strlen("/tmp/obj/"); *p; p++)
        if (*p == '/')
            *p = '_';
    out[strlen(out) - 1] = 'o';
}

static void reap_one(void)
{
    int status;

    if (wait(&status) > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        failed++;
}

int main(int argc, char **argv)
{
    double t0 = pvk_now_s();
    uint64_t c0 = pvk_rdtsc(), c1;
    unsigned int i, running = 0;
    unsigned long total = 0, size;
    FILE *manifest;
    int out;

    if (argc > 1 && atoi(argv[1]) > 0 && atoi(argv[1]) < MAX_UNITS)
        max_units = (unsigned int)atoi(argv[1]);
    find_sources("/tmp/src");
    ok(nunits > 0, "found %u C files to compile", nunits);
    mkdir("/tmp/obj", 0755);
    for (i = 0; i < nunits; i++) {
        char obj[PVK_PATH_MAX];
        pid_t pid;

        if (running == JOBS) {
            reap_one();
            running--;
        }
        obj_path(units[i], obj, sizeof(obj));
        pid = fork();
        if (pid == 0) {
            char *args[] = { "cc1", units[i], obj, NULL };

            execve("/bin/cc1", args, environ);
            _exit(127);
        }
        if (pid < 0)
            failed++;
        else
            running++;
        if (i % 64 == 63)
            printf("# build: %u of %u compiled tsc=%llu\n", i + 1, nunits,
                   (unsigned long long)pvk_rdtsc());
    }
    while (running--)
        reap_one();
    is(failed, 0, "every compilation succeeded");

    /* Link: the objects, in order, into one file. */
    manifest = fopen("/tmp/build.manifest", "w");
    out = open("/tmp/a.out", O_CREAT | O_TRUNC | O_WRONLY, 0755);
    for (i = 0; i < nunits; i++) {
        char obj[PVK_PATH_MAX], buf[4096];
        int fd;
        ssize_t n;

        obj_path(units[i], obj, sizeof(obj));
        fprintf(manifest, "%08x %s\n", (unsigned int)pvk_file_sum(obj, &size), obj);
        total += size;
        fd = open(obj, O_RDONLY);
        while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
            write(out, buf, (size_t)n);
        close(fd);
    }
    close(out);
    fprintf(manifest, "%08x /tmp/a.out\n",
            (unsigned int)pvk_file_sum("/tmp/a.out", &size));
    fclose(manifest);
    is(size, total, "linked %u objects into /tmp/a.out (%lu bytes)", nunits, size);
    c1 = pvk_rdtsc();
    printf("# build: units=%u object_bytes=%lu seconds=%.3f cycles=%llu "
           "tsc_start=%llu tsc_end=%llu\n", nunits, total, pvk_now_s() - t0,
           (unsigned long long)(c1 - c0), (unsigned long long)c0,
           (unsigned long long)c1);
    return done();
}
