/* bootlab's warm-boot agent: the program a warm snapshot is taken in (src/core/warm/).
 *
 * The snapshot boot runs the base archive with this program at the init path: the kernel has
 * unpacked the base, opened /dev/console and printed "Run /init as init process", exactly as in
 * a cold boot of the same command line. Here the agent, as PID 1, waits with a buffer whose
 * pages the host finds in guest memory by their headers. A warm boot restores that snapshot,
 * writes the user's files (one newc archive) and the host's clock into those pages, and sends
 * one byte on the console. The agent then
 *   - removes itself from the init path (the archive brings back the base's file, if any),
 *   - unpacks the archive with the same system calls, in the same order, as the kernel's
 *     init/initramfs.c (Linux 6.1) would have, so the tree is what a cold boot makes of it,
 *   - sets the clock (the snapshot's clock is as old as the snapshot),
 *   - puts the console back as the kernel left it, and executes the init path with the
 *     arguments and environment the kernel gave it: the user's init is PID 1 with the cold
 *     boot's argv, environment, console and command line.
 * It prints nothing on success. Layout of the pages (little endian), shared with
 * src/core/warm/protocol.ts:
 *   while waiting, each page:  magic[8] nonce:u32 index:u32 pages:u32 ready:u32 (page 0 only)
 *   a chunk (host-written at byte 0 of the buffer, then one console byte):
 *     magic[8] "BLWPAY01", archive_len:u32, chunk_offset:u32, seconds:u64, nanoseconds:u32,
 *     received:u32 (the agent's answer), then the chunk at byte 32.
 * An archive larger than the buffer comes in several chunks: after each the agent writes how
 * many bytes it has received, and the host waits for that before writing the next. The buffer
 * is kept small because every page of it is in the snapshot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define HEADER_BYTES 32u
#define PAYLOAD_HEADER_BYTES 32u
#define MIN_BUFFER (64u << 10)
#define MAX_BUFFER (1u << 20)

extern char **environ;

static void say(const char *a, const char *b)
{
    /* The only output, for what cannot happen when host and snapshot agree. */
    write(2, "bootlab warm boot: ", 19);
    write(2, a, strlen(a));
    if (b) write(2, b, strlen(b));
    write(2, "\n", 1);
}

static uint32_t le32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void put32(unsigned char *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

/* The page magic, made at run time so that these bytes never stand in the binary itself (the
 * host must not mistake a page of this program's file for the buffer). */
static void page_magic(unsigned char out[8])
{
    static const unsigned char masked[8] = { 0x7f ^ 0x5a, 'B' ^ 0x5a, 'L' ^ 0x5a, 'W' ^ 0x5a, 'A' ^ 0x5a, 'R' ^ 0x5a, 'M' ^ 0x5a, 0x01 ^ 0x5a };
    for (int i = 0; i < 8; i++) out[i] = masked[i] ^ 0x5a;
}

/* ---- the kernel's unpacker, replayed (init/initramfs.c, Linux 6.1) ---- */

struct link { struct link *next; uint32_t ino, major, minor, type; char *name; };
static struct link *links;
struct dir { struct dir *next; char *name; time_t mtime; };
static struct dir *dirs;

static void clean_path(const char *path, mode_t fmode)
{
    struct stat st;
    if (!lstat(path, &st) && ((st.st_mode ^ fmode) & S_IFMT)) {
        if (S_ISDIR(st.st_mode)) rmdir(path);
        else unlink(path);
    }
}

static void do_utime(const char *path, time_t mtime)
{
    struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };
    utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

/* 0: not a link (remembered as the first name), 1: linked to an earlier name, -1: link failed. */
static int maybe_link(const char *name, uint32_t nlink, uint32_t ino, uint32_t major, uint32_t minor, mode_t mode)
{
    if (nlink < 2) return 0;
    for (struct link *l = links; l; l = l->next) {
        if (l->ino == ino && l->major == major && l->minor == minor && l->type == (mode & S_IFMT)) {
            clean_path(name, 0);
            return link(l->name, name) < 0 ? -1 : 1;
        }
    }
    struct link *l = malloc(sizeof *l);
    if (!l || !(l->name = strdup(name))) return 0;
    l->ino = ino; l->major = major; l->minor = minor; l->type = mode & S_IFMT;
    l->next = links;
    links = l;
    return 0;
}

static uint32_t hex8(const unsigned char *p, int *bad)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else *bad = 1;
    }
    return v;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

/* Unpacks one newc archive (concatenations end at their trailers; zero padding between them is skipped). */
static int unpack(const unsigned char *a, size_t len)
{
    size_t at = 0;
    while (at + 110 <= len) {
        if (a[at] == 0) { at += 4; continue; }
        const unsigned char *h = a + at;
        if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6)) { say("archive: not newc", 0); return -1; }
        int bad = 0;
        uint32_t ino = hex8(h + 6, &bad), mode = hex8(h + 14, &bad), uid = hex8(h + 22, &bad), gid = hex8(h + 30, &bad);
        uint32_t nlink = hex8(h + 38, &bad), mtime = hex8(h + 46, &bad), body = hex8(h + 54, &bad);
        uint32_t major = hex8(h + 62, &bad), minor = hex8(h + 70, &bad), rmajor = hex8(h + 78, &bad), rminor = hex8(h + 86, &bad);
        uint32_t namesize = hex8(h + 94, &bad);
        if (bad || namesize == 0 || namesize > 4096) { say("archive: bad header", 0); return -1; }
        size_t name_at = at + 110, body_at = (name_at + namesize + 3) & ~(size_t)3;
        size_t next = (body_at + body + 3) & ~(size_t)3;
        if (body_at + body > len || name_at + namesize > len) { say("archive: truncated", 0); return -1; }
        char *name = malloc(namesize);
        if (!name) return -1;
        memcpy(name, a + name_at, namesize);
        name[namesize - 1] = 0;
        const unsigned char *data = a + body_at;
        at = next;
        if (!strcmp(name, "TRAILER!!!")) {
            while (links) { struct link *l = links; links = l->next; free(l->name); free(l); }
            free(name);
            continue;
        }
        clean_path(name, mode);
        if (S_ISREG(mode)) {
            int ml = maybe_link(name, nlink, ino, major, minor, mode);
            if (ml >= 0) {
                int flags = O_WRONLY | O_CREAT | O_LARGEFILE | O_CLOEXEC;
                if (ml != 1) flags |= O_TRUNC;
                int fd = open(name, flags, mode);
                if (fd >= 0) {
                    fchown(fd, uid, gid);
                    fchmod(fd, mode & 07777);
                    if (body) ftruncate(fd, body);
                    write_all(fd, data, body);
                    struct timespec t[2] = { { mtime, 0 }, { mtime, 0 } };
                    futimens(fd, t);
                    close(fd);
                }
            }
        } else if (S_ISDIR(mode)) {
            mkdir(name, mode & 07777);
            chown(name, uid, gid);
            chmod(name, mode & 07777);
            struct dir *d = malloc(sizeof *d);
            if (d) { d->name = name; d->mtime = mtime; d->next = dirs; dirs = d; name = 0; }
        } else if (S_ISBLK(mode) || S_ISCHR(mode) || S_ISFIFO(mode) || S_ISSOCK(mode)) {
            if (maybe_link(name, nlink, ino, major, minor, mode) == 0) {
                mknod(name, mode, makedev(rmajor, rminor));
                chown(name, uid, gid);
                chmod(name, mode & 07777);
                do_utime(name, mtime);
            }
        } else if (S_ISLNK(mode)) {
            if (body <= 4096) {
                char *target = malloc(body + 1);
                if (target) {
                    memcpy(target, data, body);
                    target[body] = 0;
                    clean_path(name, 0);
                    symlink(target, name);
                    lchown(name, uid, gid);
                    do_utime(name, mtime);
                    free(target);
                }
            }
        }
        free(name);
    }
    /* Directory times last, as the kernel's dir_utime(), after everything inside them was made. */
    while (dirs) { struct dir *d = dirs; dirs = d->next; do_utime(d->name, d->mtime); free(d->name); free(d); }
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    /* The buffer: as large as memory allows, up to MAX_BUFFER, every page resident. */
    size_t size = MAX_BUFFER;
    unsigned char *buf = MAP_FAILED;
    while (size >= MIN_BUFFER) {
        buf = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (buf != MAP_FAILED) break;
        size /= 2;
    }
    if (buf == MAP_FAILED) { say("no memory for the buffer", 0); return 1; }
    uint32_t pages = size / PAGE;
    unsigned char magic[8];
    page_magic(magic);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint32_t nonce = (uint32_t)now.tv_nsec ^ (uint32_t)now.tv_sec << 20 ^ (uint32_t)(uintptr_t)buf;
    for (uint32_t i = 0; i < pages; i++) {
        unsigned char *p = buf + (size_t)i * PAGE;
        memcpy(p, magic, 8);
        put32(p + 8, nonce);
        put32(p + 12, i);
        put32(p + 16, pages);
    }

    /* The console without echo, so the host's one byte leaves no trace; put back before exec. */
    struct termios saved, quiet;
    int have_tty = tcgetattr(0, &saved) == 0;
    if (have_tty) {
        quiet = saved;
        quiet.c_lflag &= ~(ECHO | ICANON | ISIG);
        quiet.c_cc[VMIN] = 1;
        quiet.c_cc[VTIME] = 0;
        tcsetattr(0, TCSANOW, &quiet);
    }
    __atomic_store_n((volatile uint32_t *)(buf + 20), 1, __ATOMIC_SEQ_CST); /* ready: snapshot now */

    /* The archive, chunk by chunk; one chunk is used where it lies. */
    unsigned char *archive = 0;
    uint32_t archive_len = 0, received = 0;
    struct timespec wall = { 0, 0 };
    for (;;) {
        unsigned char go;
        while (read(0, &go, 1) != 1) {
            if (errno != EINTR && errno != EAGAIN) { say("cannot read the console", 0); pause(); }
        }
        if (memcmp(buf, "BLWPAY01", 8) || le32(buf + 12) != received) { say("no files arrived in the buffer", 0); pause(); }
        archive_len = le32(buf + 8);
        uint32_t chunk = archive_len - received;
        if (chunk > size - PAYLOAD_HEADER_BYTES) chunk = size - PAYLOAD_HEADER_BYTES;
        if (!archive) {
            archive = chunk == archive_len ? buf + PAYLOAD_HEADER_BYTES : malloc(archive_len);
            if (!archive) { say("no memory for the files", 0); pause(); }
            wall.tv_sec = (time_t)((uint64_t)le32(buf + 16) | (uint64_t)le32(buf + 20) << 32);
            wall.tv_nsec = (long)le32(buf + 24);
        }
        if (archive != buf + PAYLOAD_HEADER_BYTES) memcpy(archive + received, buf + PAYLOAD_HEADER_BYTES, chunk);
        received += chunk;
        if (received >= archive_len) break;
        __atomic_store_n((volatile uint32_t *)(buf + 28), received, __ATOMIC_SEQ_CST);
    }
    if (have_tty) tcsetattr(0, TCSANOW, &saved);

    const char *self = argv[0];
    chdir("/");
    mode_t mask = umask(0);
    /* This program is the init path, running: the kernel's O_TRUNC of it would fail with
     * ETXTBSY. Removed first; the archive brings back what the base had there. */
    unlink(self);
    unpack(archive, archive_len);
    umask(mask);
    if (wall.tv_sec > 0) clock_settime(CLOCK_REALTIME, &wall);
    munmap(buf, size);
    execve(self, argv, environ);
    /* The host checked the init before choosing a warm boot; if it still cannot run, say so as
     * the kernel would, and end as a cold boot with no working init ends. */
    say("could not run ", self);
    return 1;
}
