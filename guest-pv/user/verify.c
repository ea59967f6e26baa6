/*
 * verify - checks of everything the workloads wrote: every file unpack
 * copied must match both its recorded checksum and the original on disk,
 * and every object and a.out build wrote must match its recorded
 * checksum. One changed byte anywhere fails the run. Prints TAP.
 */
#include <fcntl.h>
#include <stdio.h>
#include <pvk.h>
#include <string.h>
#include <tap.h>
#include <unistd.h>

int main(void)
{
    FILE *m = fopen("/tmp/manifest", "r");
    char line[512], rel[400], path[512];
    unsigned int files = 0, bad = 0, objs = 0, badobj = 0;
    unsigned long want_size, size;
    unsigned int want;

    ok(m != NULL, "unpack's manifest is there");
    while (m && fgets(line, sizeof(line), m)) {
        if (sscanf(line, "%lu %x %399s", &want_size, &want, rel) != 3)
            continue;
        files++;
        snprintf(path, sizeof(path), "/tmp/src/%s", rel);
        if (pvk_file_sum(path, &size) != want || size != want_size) {
            printf("# verify: /tmp/src/%s changed\n", rel);
            bad++;
        }
        snprintf(path, sizeof(path), "/src/%s", rel);
        if (pvk_file_sum(path, &size) != want || size != want_size) {
            printf("# verify: /src/%s differs from its copy\n", rel);
            bad++;
        }
    }
    if (m)
        fclose(m);
    ok(files > 0 && !bad, "%u copied files match their checksums and the disk",
       files);

    m = fopen("/tmp/build.manifest", "r");
    if (m) {
        while (fgets(line, sizeof(line), m)) {
            if (sscanf(line, "%x %399s", &want, rel) != 2)
                continue;
            objs++;
            if (pvk_file_sum(rel, &size) != want) {
                printf("# verify: %s changed\n", rel);
                badobj++;
            }
        }
        fclose(m);
        ok(objs > 1 && !badobj, "%u build outputs match their checksums", objs);
    }
    printf("# verify: files=%u objects=%u corrupted=%u\n", files, objs,
           bad + badobj);
    return done();
}
