/* The static C init of tutorials 001 and 004: proof that the kernel runs a program as PID 1.
 * Built against bootlab's musl (`bootlab build`), shipped as prebuilt/<target>/hello.
 * An init must never exit (the kernel panics when PID 1 does), so it waits forever; pause()
 * rather than the tutorial's busy loop, so an emulator in a browser tab does not spin a core. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("Hello, World!\n");
    printf("This is your friendly init system.\n");
    printf("Just hanging here...\n");
    fflush(stdout);
    for (;;)
        pause();
    return 0;
}
