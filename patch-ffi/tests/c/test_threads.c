/*
 * The library's threads, from C.
 *
 * A 4 MiB copy and a fold of 16.5 MB of patches on 2 threads (both over the
 * 1 MiB threshold at which work is split) are checked against plain loops;
 * the pool's worker is counted in /proc/self/task (Linux); a shutdown
 * joins it and the next copy starts a new one. Then the process forks
 * with its pool running (the library joins it before the fork), and the
 * child makes the same copy and fold on a pool of its own while the parent
 * waits for it with a deadline: a child that hangs is killed and fails the
 * test instead of blocking the run.
 *
 * The program ends without calling patch_threads_shutdown(): run under
 * valgrind --leak-check=full (patch-ffi/tests/run.sh does, parent and
 * child), it checks that the library joins its threads at exit by itself.
 *
 * Built with -std=c11 -Wall -Wextra -Werror -pedantic, linked against the
 * shared and the static library, run plain, under ASan+UBSan and valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "patch.h"

#define SIDE 1024
#define TILE 16
#define WIN 16
#define STEP 8

/* Seconds the parent waits for the child (valgrind runs it too). */
#define CHILD_DEADLINE_S 300

/* The threads of this process, or -1 where /proc/self/task is missing. */
static int tasks(void) {
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;
    if (d == NULL) return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') n++;
    }
    closedir(d);
    return n;
}

static patch_view *square_view(size_t size, size_t step) {
    const size_t shape[2] = {SIDE, SIDE};
    const patch_layout layout = {shape, NULL, 2, 0, PATCH_DTYPE_F32};
    patch_axis axes[2];
    patch_view *v = NULL;
    axes[0] = patch_axis_window(size, step, 1);
    axes[1] = patch_axis_window(size, step, 1);
    CHECK_OK(patch_view_create(&layout, axes, 2, NULL, &v));
    return v;
}

/*
 * The threaded copy (16x16 tiles, 4 MiB out) and fold (16x16 windows, step
 * 8: 16.5 MB of overlapping patches folded back with MEAN, which gives x
 * back exactly), each checked element by element; returns the failures.
 */
static int copy_and_fold(const float *x, const char *who) {
    const size_t n = (size_t)SIDE * SIDE;
    const size_t grid = (SIDE - WIN) / STEP + 1;
    const size_t windows = grid * grid * WIN * WIN;
    int before = g_failures;
    size_t bytes = 0, gy, gx, ky, kx, i, bad = 0;
    float *tiles = malloc(n * sizeof(float));
    float *patches = malloc(windows * sizeof(float));
    float *back = malloc(n * sizeof(float));
    patch_view *tv = square_view(TILE, TILE);
    patch_view *wv = square_view(WIN, STEP);
    CHECK(tiles != NULL && patches != NULL && back != NULL && tv != NULL && wv != NULL);
    if (tiles == NULL || patches == NULL || back == NULL || tv == NULL || wv == NULL) goto done;

    CHECK_OK(patch_view_copy_bytes(tv, &bytes));
    CHECK(bytes == n * sizeof(float) && bytes >= ((size_t)4 << 20));
    /* A short destination is refused before any thread writes to it. */
    tiles[0] = -1.0f;
    CHECK_FAIL(patch_extract_into(tv, x, n * sizeof(float), tiles, bytes - sizeof(float), NULL),
               PATCH_STATUS_BUFFER_TOO_SMALL, NULL);
    CHECK(tiles[0] == -1.0f);
    CHECK_OK(patch_extract_into(tv, x, n * sizeof(float), tiles, bytes, NULL));
    for (gy = 0; gy < SIDE / TILE; gy++)
        for (gx = 0; gx < SIDE / TILE; gx++)
            for (ky = 0; ky < TILE; ky++)
                for (kx = 0; kx < TILE; kx++) {
                    size_t at = ((gy * (SIDE / TILE) + gx) * TILE + ky) * TILE + kx;
                    bad += tiles[at] != x[(gy * TILE + ky) * SIDE + gx * TILE + kx];
                }
    CHECK(bad == 0);

    CHECK_OK(patch_view_copy_bytes(wv, &bytes));
    CHECK(bytes == windows * sizeof(float));
    CHECK_OK(patch_extract_into(wv, x, n * sizeof(float), patches, bytes, NULL));
    memset(back, 0, n * sizeof(float));
    CHECK_OK(patch_fold_into(wv, patches, windows * sizeof(float), back, n * sizeof(float),
                             NULL)); /* NULL options: patch-major, MEAN */
    for (bad = 0, i = 0; i < n; i++) bad += back[i] != x[i];
    CHECK(bad == 0);

done:
    patch_view_free(tv);
    patch_view_free(wv);
    free(tiles);
    free(patches);
    free(back);
    if (g_failures != before) fprintf(stderr, "%s: the threaded copy or fold is wrong\n", who);
    return g_failures - before;
}

/* Waits for `child` until the deadline; kills it if it is still running. */
static int wait_with_deadline(pid_t child, int *status) {
    const struct timespec tick = {0, 20 * 1000 * 1000};
    long waited_ms = 0;
    for (;;) {
        pid_t r = waitpid(child, status, WNOHANG);
        if (r == child) return 0;
        if (r < 0) return -1;
        if (waited_ms >= (long)CHILD_DEADLINE_S * 1000) {
            kill(child, SIGKILL);
            waitpid(child, status, 0);
            return 1;
        }
        nanosleep(&tick, NULL);
        waited_ms += 20;
    }
}

int main(void) {
    const size_t n = (size_t)SIDE * SIDE;
    float *x = malloc(n * sizeof(float));
    int idle, status = 0, waited;
    size_t i;
    pid_t child;
    if (x == NULL) return 2;
    for (i = 0; i < n; i++) x[i] = (float)(i % 1009);

    patch_set_num_threads(2);
    CHECK(patch_get_num_threads() == 2);
    idle = tasks();

    /* The first split copy starts the pool: with the calling thread, one
     * worker makes 2 threads. */
    copy_and_fold(x, "parent");
    if (idle > 0) CHECK(tasks() == idle + 1);

    /* A shutdown joins them (twice is harmless); the next copy starts new ones. */
    patch_threads_shutdown();
    if (idle > 0) CHECK(tasks() == idle);
    patch_threads_shutdown();
    copy_and_fold(x, "parent after a shutdown");
    if (idle > 0) CHECK(tasks() == idle + 1);

    /* Fork with the pool running: the library joins it first, so the child
     * starts with none of the parent's threads (patch-core would also see
     * the new process id and leave an inherited pool alone). */
    fflush(stdout);
    fflush(stderr);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int failures;
        if (idle > 0) CHECK(tasks() == 1);
        failures = copy_and_fold(x, "child");
        /* The child starts a pool of its own, and again after a shutdown. */
        if (idle > 0) CHECK(tasks() == 2);
        patch_threads_shutdown();
        if (idle > 0) CHECK(tasks() == 1);
        failures += copy_and_fold(x, "child after a shutdown");
        free(x);
        /* exit(), not _exit(): the library's exit-time teardown runs in the
         * child too and must leave the parent's threads alone. */
        exit(check_summary("test_threads (child)") != 0 || failures != 0);
    }
    if (child > 0) {
        waited = wait_with_deadline(child, &status);
        CHECK(waited == 0);
        if (waited == 1)
            fprintf(stderr, "the child did not finish within %d s: killed\n", CHILD_DEADLINE_S);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    /* The parent's pool was joined before the fork; the next copy starts
     * a new one. */
    if (idle > 0) CHECK(tasks() == idle);
    copy_and_fold(x, "parent after the fork");
    if (idle > 0) CHECK(tasks() == idle + 1);

    /* Back to one thread: no pool needed, results equal. */
    patch_set_num_threads(1);
    copy_and_fold(x, "parent on one thread");
    patch_set_num_threads(0);
    free(x);
    /* No patch_threads_shutdown(): the library joins its workers at exit. */
    return check_summary("test_threads");
}
