/*
 * Runs one workload of the benchmark suite through the C ABI a given number
 * of times, for profiling under valgrind (patch-ffi/bench/profile.sh runs
 * it under callgrind and turns the counts into counts per call).
 *
 *   profile_c WORKLOAD VARIANT CALLS
 *
 * WORKLOAD: tiny vit_u8 vit_u8_b64 vit_f32_1k im2col_nhwc unfold_nchw
 *           stem_k7s2 audio_frame_400_160 audio_frame_1024_256 fold_ola
 *           fold_mean_2x2 fold_gauss_512 (the geometries of
 *           patch-core/benches/suite.rs)
 * VARIANT:  kernel (patch_extract_into, patch_overlap_add_into or
 *           patch_fold_into), memcpy (of the output's bytes; of the
 *           patches' bytes for folds, as the suite does), fill (memset of
 *           the output)
 * Single-threaded (patch_set_num_threads(1)). `profile_c list` prints the
 * workloads.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"

#define CLOBBER(p) __asm__ volatile("" : : "r"(p) : "memory")

enum kind { EXTRACT, OLA, FOLD_MEAN, FOLD_GAUSS };

struct workload {
    const char *name;
    enum kind kind;
    size_t ndim;
    size_t shape[4];
    uint32_t dtype;
    patch_axis axes[4];
    uint32_t convention;
    uint32_t order;
};

static void die(const char *what, patch_status st) {
    fprintf(stderr, "profile_c: %s failed: %s (%s)\n", what, patch_status_str(st),
            patch_last_error_message());
    exit(1);
}

static void *alloc(size_t n) {
    void *p = calloc(n ? n : 1, 1);
    if (!p) {
        fprintf(stderr, "profile_c: cannot allocate %zu bytes\n", n);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv) {
    const patch_axis whole = patch_axis_whole(), batch = patch_axis_batch();
    const patch_axis t16 = patch_axis_window(16, 16, 1), t8 = patch_axis_window(8, 8, 1);
    const patch_axis k3 = patch_axis_window(3, 1, 1), t2 = patch_axis_window(2, 2, 1);
    const patch_axis k7 = patch_axis_window_padded(7, 2, 1, 3, 3);
    const patch_axis w64 = patch_axis_window(64, 32, 1);
    const struct workload all[] = {
        {"tiny", EXTRACT, 3, {32, 32, 3}, PATCH_DTYPE_U8, {t8, t8, whole}, PATCH_CONVENTION_VALID, PATCH_ORDER_PATCH_MAJOR},
        {"vit_u8", EXTRACT, 3, {224, 224, 3}, PATCH_DTYPE_U8, {t16, t16, whole}, PATCH_CONVENTION_VALID, PATCH_ORDER_PATCH_MAJOR},
        {"vit_u8_b64", EXTRACT, 4, {64, 224, 224, 3}, PATCH_DTYPE_U8, {batch, t16, t16, whole}, PATCH_CONVENTION_VALID,
         PATCH_ORDER_PATCH_MAJOR},
        {"vit_f32_1k", EXTRACT, 3, {1024, 1024, 3}, PATCH_DTYPE_F32, {t16, t16, whole}, PATCH_CONVENTION_VALID,
         PATCH_ORDER_PATCH_MAJOR},
        {"im2col_nhwc", EXTRACT, 3, {56, 56, 64}, PATCH_DTYPE_F32, {k3, k3, whole}, PATCH_CONVENTION_SAME,
         PATCH_ORDER_PATCH_MAJOR},
        {"unfold_nchw", EXTRACT, 3, {64, 56, 56}, PATCH_DTYPE_F32, {whole, k3, k3}, PATCH_CONVENTION_SAME,
         PATCH_ORDER_FEATURE_MAJOR},
        {"stem_k7s2", EXTRACT, 3, {3, 224, 224}, PATCH_DTYPE_F32, {whole, k7, k7}, PATCH_CONVENTION_EXPLICIT,
         PATCH_ORDER_FEATURE_MAJOR},
        {"audio_frame_400_160", EXTRACT, 1, {960000}, PATCH_DTYPE_F32, {patch_axis_window(400, 160, 1)},
         PATCH_CONVENTION_VALID, PATCH_ORDER_PATCH_MAJOR},
        {"audio_frame_1024_256", EXTRACT, 1, {960000}, PATCH_DTYPE_F32, {patch_axis_window(1024, 256, 1)},
         PATCH_CONVENTION_VALID, PATCH_ORDER_PATCH_MAJOR},
        {"fold_ola", OLA, 1, {960000}, PATCH_DTYPE_F32, {patch_axis_window(400, 160, 1)}, PATCH_CONVENTION_VALID,
         PATCH_ORDER_PATCH_MAJOR},
        {"fold_mean_2x2", FOLD_MEAN, 3, {16, 368, 368}, PATCH_DTYPE_F32, {batch, t2, t2}, PATCH_CONVENTION_VALID,
         PATCH_ORDER_PATCH_MAJOR},
        {"fold_gauss_512", FOLD_GAUSS, 2, {512, 512}, PATCH_DTYPE_F32, {w64, w64}, PATCH_CONVENTION_VALID,
         PATCH_ORDER_PATCH_MAJOR},
    };
    const size_t n_all = sizeof all / sizeof all[0];
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < n_all; i++) printf("%s\n", all[i].name);
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: %s WORKLOAD kernel|memcpy|fill CALLS   (or: %s list)\n", argv[0], argv[0]);
        return 2;
    }
    const struct workload *w = NULL;
    for (size_t i = 0; i < n_all; i++)
        if (strcmp(all[i].name, argv[1]) == 0) w = &all[i];
    if (!w) {
        fprintf(stderr, "profile_c: unknown workload %s\n", argv[1]);
        return 2;
    }
    const char *variant = argv[2];
    long calls = strtol(argv[3], NULL, 10);
    patch_set_num_threads(1);

    patch_view *view = NULL;
    const patch_layout layout = {w->shape, NULL, w->ndim, 0, w->dtype};
    const patch_padding padding = {w->convention, PATCH_PAD_MODE_CONSTANT};
    patch_status st = patch_view_create(&layout, w->axes, w->ndim, &padding, &view);
    if (st) die("patch_view_create", st);
    size_t in_len = 0, in_bytes = 0, copy_bytes = 0;
    patch_view_input_len(view, &in_len);
    patch_view_fold_bytes(view, &in_bytes); /* the input is C-contiguous */
    patch_view_copy_bytes(view, &copy_bytes);
    const patch_extract_options extract = {w->order, NULL, 0};
    patch_fold_options fold = patch_fold_options_default();
    fold.order = w->order;
    fold.reduce = w->kind == FOLD_MEAN ? PATCH_REDUCE_MEAN : PATCH_REDUCE_WEIGHTED_GAUSSIAN;
    unsigned char *src = alloc(in_bytes);
    for (size_t i = 0; i < in_len; i++) {
        if (w->dtype == PATCH_DTYPE_U8)
            src[i] = (unsigned char)(i * 31 % 251);
        else
            ((float *)src)[i] = (float)(i % 1000) * 0.5f;
    }
    /* The patches: the output of a copy, the input of a fold. */
    unsigned char *patches = alloc(copy_bytes);
    st = patch_extract_into(view, src, in_bytes, patches, copy_bytes, &extract);
    if (st) die("patch_extract_into", st);

    size_t out_bytes; /* what the kernel writes */
    size_t frames = 0;
    if (w->kind == EXTRACT) {
        out_bytes = copy_bytes;
    } else if (w->kind == OLA) {
        frames = copy_bytes / 4 / 400;
        out_bytes = ((frames - 1) * 160 + 400) * 4;
    } else {
        out_bytes = in_bytes;
    }
    /* The memcpy baseline copies the kernel's output bytes, or the patches' for folds. */
    size_t copied = w->kind == EXTRACT ? out_bytes : copy_bytes;
    unsigned char *dst = alloc(out_bytes > copied ? out_bytes : copied);
    unsigned char *copy_src = alloc(copied);
    memcpy(copy_src, patches, copied);

    for (long c = 0; c < calls; c++) {
        if (strcmp(variant, "memcpy") == 0) {
            CLOBBER(copy_src);
            memcpy(dst, copy_src, copied);
        } else if (strcmp(variant, "fill") == 0) {
            memset(dst, 0, out_bytes);
        } else if (strcmp(variant, "kernel") == 0) {
            switch (w->kind) {
            case EXTRACT:
                st = patch_extract_into(view, src, in_bytes, dst, out_bytes, &extract);
                break;
            case OLA:
                st = patch_overlap_add_into(PATCH_DTYPE_F32, patches, copy_bytes, dst, out_bytes, 400,
                                            160);
                break;
            case FOLD_MEAN:
            case FOLD_GAUSS:
                st = patch_fold_into(view, patches, copy_bytes, dst, out_bytes, &fold);
                break;
            }
            if (st) die("kernel", st);
        } else {
            fprintf(stderr, "profile_c: unknown variant %s\n", variant);
            return 2;
        }
        CLOBBER(dst);
    }
    printf("%s %s: %ld calls, %zu bytes written per call, %zu bytes copied by memcpy\n", w->name, variant, calls,
           strcmp(variant, "memcpy") == 0 ? copied : out_bytes, copied);
    free(src);
    free(patches);
    free(dst);
    free(copy_src);
    patch_view_free(view);
    return 0;
}
