/*
 * exec.c - exec(): replace a process's program with an ELF executable from
 * the file system. Segments are not read: they become file-backed regions
 * that demand paging fills from the page cache (text shared read-only,
 * data copied on first write), .bss and the stack anonymous. The argument
 * and environment strings go on the new stack in the SysV i386 layout
 * crt0 expects: argc, argv[], NULL, envp[], NULL, then the strings.
 *
 * Every number in the file is checked before it shapes the address space;
 * a bad file gives -ENOEXEC and leaves the process as it was.
 */
#include "kernel.h"
#include <elf32.h>

#define PF_X 1
#define PF_W 2
#define MAX_ARG_BYTES (2 * PAGE_SIZE)

/* Copy n bytes to va in mm, which need not be loaded. */
static int copy_to_mm(struct mm *mm, uint32_t va, const void *src, uint32_t n)
{
    while (n) {
        uint32_t off = va & ~PAGE_MASK, chunk = min(n, PAGE_SIZE - off);
        uint32_t pfn, flags;
        int rc = vm_fault(mm, va, true);

        if (rc)
            return rc;
        if (!pt_lookup(&mm->pt, va, &pfn, &flags))
            return -EFAULT;
        memcpy((char *)pfn_to_virt(pfn) + off, src, chunk);
        src = (const char *)src + chunk;
        va += chunk;
        n -= chunk;
    }
    return 0;
}

static unsigned int count_strings(char *const v[], uint32_t *bytes)
{
    unsigned int n = 0;

    for (; v && v[n]; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

/* Lay out argv and envp at the top of the new stack; returns the esp. */
static int setup_stack(struct mm *mm, char *const argv[], char *const envp[],
                       uint32_t *esp)
{
    uint32_t bytes = 0, argc = count_strings(argv, &bytes);
    uint32_t envc = count_strings(envp, &bytes);
    uint32_t nptrs = 1 + argc + 1 + envc + 1, *ptrs, sp, strp, i;
    int rc;

    if (bytes + nptrs * 4 + 16 > MAX_ARG_BYTES)
        return -E2BIG;
    ptrs = kmalloc(nptrs * 4);
    if (!ptrs)
        return -ENOMEM;
    strp = USER_STACK_TOP;
    ptrs[0] = argc;
    for (i = 0; i < argc + envc; i++) {
        const char *s = i < argc ? argv[i] : envp[i - argc];
        uint32_t len = strlen(s) + 1;

        strp -= len;
        if ((rc = copy_to_mm(mm, strp, s, len)))
            goto out;
        ptrs[i < argc ? 1 + i : 2 + i] = strp;
    }
    ptrs[1 + argc] = 0;
    ptrs[2 + argc + envc] = 0;
    sp = (strp - nptrs * 4) & ~15U;
    rc = copy_to_mm(mm, sp, ptrs, nptrs * 4);
    *esp = sp;
out:
    kfree(ptrs);
    return rc;
}

static int load_segments(struct mm *mm, struct inode *ip, const Elf32_Ehdr *eh,
                         uint32_t *brk)
{
    Elf32_Phdr ph[ELF_MAX_PHDRS];
    struct elf_info info;
    char err[80];
    unsigned int i;
    int rc;

    if (inode_read(ip, ph, eh->e_phoff, eh->e_phnum * sizeof(ph[0]), false) !=
        (long)(eh->e_phnum * sizeof(ph[0])))
        return -ENOEXEC;
    if (elf_check_phdrs(eh, ph, ip->size, USER_STACK_TOP - USER_STACK_SIZE,
                        &info, err, sizeof(err))) {
        kprintf("exec: %s\n", err);
        return -ENOEXEC;
    }
    *brk = 0;
    for (i = 0; i < eh->e_phnum; i++) {
        const Elf32_Phdr *p = &ph[i];
        uint32_t flags = VM_READ, vstart, fend, mend;

        if (p->p_type != PT_LOAD || !p->p_memsz)
            continue;
        if ((p->p_vaddr & ~PAGE_MASK) != (p->p_offset & ~PAGE_MASK) ||
            p->p_vaddr < USER_LOW)
            return -ENOEXEC;
        if (p->p_flags & PF_W)
            flags |= VM_WRITE;
        if (p->p_flags & PF_X)
            flags |= VM_EXEC;
        vstart = p->p_vaddr & PAGE_MASK;
        fend = ROUNDUP(p->p_vaddr + p->p_filesz, PAGE_SIZE);
        mend = ROUNDUP(p->p_vaddr + p->p_memsz, PAGE_SIZE);
        if (p->p_filesz) {
            rc = vma_add(mm, vstart, fend, flags, ip, p->p_offset & PAGE_MASK,
                         p->p_offset + p->p_filesz);
            if (rc)
                return rc == -EINVAL ? -ENOEXEC : rc;
        } else
            fend = vstart;
        if (mend > fend) {
            rc = vma_add(mm, fend, mend, flags | VM_ANON, NULL, 0, 0);
            if (rc)
                return rc == -EINVAL ? -ENOEXEC : rc;
        }
        if (mend > *brk)
            *brk = mend;
    }
    return 0;
}

int exec(struct proc *p, const char *path, char *const argv[],
         char *const envp[])
{
    struct inode *ip;
    struct mm *mm, *old;
    Elf32_Ehdr eh;
    uint32_t brk, sp;
    char err[80];
    const char *base;
    int rc;

    rc = namei(path, &ip);
    if (rc)
        return rc;
    if (is_dir(ip)) {
        iput(ip);
        return -EISDIR;
    }
    if (inode_read(ip, &eh, 0, sizeof(eh), false) != sizeof(eh) ||
        elf_check_header(&eh, ip->size, err, sizeof(err))) {
        iput(ip);
        return -ENOEXEC;
    }
    mm = mm_create();
    if (!mm) {
        iput(ip);
        return -ENOMEM;
    }
    rc = load_segments(mm, ip, &eh, &brk);
    if (!rc)
        rc = vma_add(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP,
                     VM_READ | VM_WRITE | VM_ANON | VM_STACK, NULL, 0, 0);
    if (!rc)
        rc = setup_stack(mm, argv, envp, &sp);
    iput(ip); /* the regions hold their own references */
    if (rc) {
        mm_destroy(mm);
        return rc;
    }
    mm->brk_start = mm->brk = brk;

    /* Point of no return: switch p to the new program. */
    old = p->mm;
    p->mm = mm;
    if (p == current)
        pt_load(&mm->pt, (uint32_t)p->tf + sizeof(*p->tf));
    if (old)
        mm_destroy(old);
    base = strrchr(path, '/');
    strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
    memset(p->tf, 0, sizeof(*p->tf));
    p->tf->eip = eh.e_entry;
    p->tf->cs = FLAT_USER_CS;
    p->tf->eflags = 0x202; /* IF: events on in user mode */
    p->tf->esp = sp;
    p->tf->ss = FLAT_USER_SS;
    return 0;
}
