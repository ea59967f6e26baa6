/*
 * crt0.S - the entry of a pvk user program (linked first, at the start of
 * text: see user.ld).
 *
 * The kernel enters _start with esp at the SysV i386 initial stack:
 *     argc, argv[0..argc-1], NULL, envp[0..], NULL, then the strings;
 * the other registers hold nothing. _start sets environ, runs the
 * constructors (.preinit_array/.init_array through newlib's
 * __libc_init_array, which also calls _init), registers the destructors,
 * calls main(argc, argv, envp) and exit() with its result, so that stdio is
 * flushed and atexit handlers run.
 */
    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xorl    %ebp, %ebp              /* the outermost frame, for backtraces */
    movl    (%esp), %esi            /* argc */
    leal    4(%esp), %edi           /* argv */
    leal    8(%esp,%esi,4), %ebx    /* envp = &argv[argc + 1] */
    movl    %ebx, environ
    andl    $-16, %esp              /* the i386 psABI: 16-byte aligned at calls */
    subl    $12, %esp
    pushl   $__libc_fini_array
    call    atexit
    call    __libc_init_array
    addl    $16, %esp
    subl    $4, %esp
    pushl   %ebx                    /* esi, edi, ebx survived: callee-saved */
    pushl   %edi
    pushl   %esi
    call    main
    movl    %eax, (%esp)
    call    exit
1:  ud2                             /* exit does not return */
    jmp     1b
    .size _start, . - _start

/*
 * _init and _fini: newlib's __libc_init_array and __libc_fini_array call
 * them (HAVE_INIT_FINI). gcc puts constructors in .init_array, and no
 * crti.o/crtn.o is linked, so they have nothing to do.
 */
    .text
    .globl _init
    .type _init, @function
_init:
    ret
    .size _init, . - _init

    .globl _fini
    .type _fini, @function
_fini:
    ret
    .size _fini, . - _fini

    .section .note.GNU-stack, "", @progbits
