/*
 * C tests of libpatch: every geometry is checked against a plain nested
 * loop written here, every bad input against its status and message.
 *
 * Built with -std=c11 -Wall -Wextra -Werror -pedantic, linked against the
 * shared and the static library, run plain, under ASan+UBSan and valgrind.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "patch.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Helpers                                                                  */
/* ---------------------------------------------------------------------- */

/* patch_view_create with the descriptors filled in from arguments. */
static patch_status create_raw(const size_t *shape, const ptrdiff_t *strides, size_t ndim,
                               size_t offset, uint32_t dtype, const patch_axis *axes,
                               size_t naxes, uint32_t convention, uint32_t mode,
                               patch_view **out) {
    patch_layout layout;
    patch_padding padding;
    layout.shape = shape;
    layout.strides = strides;
    layout.ndim = ndim;
    layout.offset = offset;
    layout.dtype = dtype;
    padding.convention = convention;
    padding.mode = mode;
    return patch_view_create(&layout, axes, naxes, &padding, out);
}

static patch_view *make_view(const size_t *shape, const ptrdiff_t *strides, size_t ndim,
                             size_t offset, uint32_t dtype, const patch_axis *axes,
                             uint32_t convention, uint32_t mode) {
    patch_view *v = NULL;
    patch_status st = create_raw(shape, strides, ndim, offset, dtype, axes, ndim, convention,
                                 mode, &v);
    if (st != PATCH_STATUS_OK || v == NULL) {
        fprintf(stderr, "patch_view_create failed: %s\n", patch_last_error_message());
        exit(2);
    }
    return v;
}

static void check_shape(int line, const patch_view *v, const size_t *want, size_t n) {
    size_t got[16];
    size_t len = 99, ndim = 99;
    g_checks++;
    if (patch_view_shape(v, NULL, 0, &len) != PATCH_STATUS_OK || len != n ||
        patch_view_ndim(v, &ndim) != PATCH_STATUS_OK || ndim != n ||
        patch_view_shape(v, got, LEN(got), &len) != PATCH_STATUS_OK ||
        memcmp(got, want, n * sizeof(size_t)) != 0) {
        g_failures++;
        fprintf(stderr, "line %d: shape differs (ndim %zu, expected %zu)\n", line, len, n);
    }
}

static void check_strides(int line, const patch_view *v, const ptrdiff_t *want_bytes,
                          const ptrdiff_t *want_elems, size_t n) {
    ptrdiff_t got[16];
    size_t len = 99;
    g_checks++;
    if (patch_view_strides(v, got, LEN(got), &len) != PATCH_STATUS_OK || len != n ||
        memcmp(got, want_bytes, n * sizeof(ptrdiff_t)) != 0) {
        g_failures++;
        fprintf(stderr, "line %d: byte strides differ\n", line);
    }
    g_checks++;
    if (patch_view_element_strides(v, got, LEN(got), &len) != PATCH_STATUS_OK || len != n ||
        memcmp(got, want_elems, n * sizeof(ptrdiff_t)) != 0) {
        g_failures++;
        fprintf(stderr, "line %d: element strides differ\n", line);
    }
}

/*
 * Reads a strided view the way a C user (or numpy) would: base + byte
 * offset + sum(i * byte_stride), every index in C order, into `out`.
 */
static void read_through_strides(const patch_view *v, const void *base, void *out) {
    size_t shape[16], idx[16] = {0}, ndim = 0, offset = 0, item = 0, total = 1, k, d;
    ptrdiff_t strides[16];
    CHECK_OK(patch_view_shape(v, shape, LEN(shape), &ndim));
    CHECK_OK(patch_view_strides(v, strides, LEN(strides), NULL));
    CHECK_OK(patch_view_byte_offset(v, &offset));
    CHECK_OK(patch_view_itemsize(v, &item));
    for (d = 0; d < ndim; d++) total *= shape[d];
    for (k = 0; k < total; k++) {
        ptrdiff_t at = (ptrdiff_t)offset;
        for (d = 0; d < ndim; d++) at += (ptrdiff_t)idx[d] * strides[d];
        memcpy((unsigned char *)out + k * item, (const unsigned char *)base + at, item);
        for (d = ndim; d-- > 0;) {
            if (++idx[d] < shape[d]) break;
            idx[d] = 0;
        }
    }
}

/* numpy's np.pad index remapping, written out plainly. */
static ptrdiff_t remap(ptrdiff_t c, ptrdiff_t d, uint32_t mode) {
    if (c >= 0 && c < d) return c;
    switch (mode) {
    case PATCH_PAD_MODE_EDGE:
        return c < 0 ? 0 : d - 1;
    case PATCH_PAD_MODE_WRAP:
        return ((c % d) + d) % d;
    case PATCH_PAD_MODE_REFLECT: {
        ptrdiff_t p, m;
        if (d == 1) return 0;
        p = 2 * (d - 1);
        m = ((c % p) + p) % p;
        return m >= d ? p - m : m;
    }
    case PATCH_PAD_MODE_SYMMETRIC: {
        ptrdiff_t p = 2 * d, m = ((c % p) + p) % p;
        return m >= d ? p - 1 - m : m;
    }
    default:
        return -1; /* constant */
    }
}

/* TensorFlow SAME: the padding before the first element. */
static size_t same_pad_lo(size_t d, size_t size, size_t step, size_t dilation) {
    size_t g = (d + step - 1) / step, extent = dilation * (size - 1) + 1;
    size_t need = (g - 1) * step + extent;
    size_t total = need > d ? need - d : 0;
    return total / 2;
}

/* ---------------------------------------------------------------------- */
/* ViT on an HWC u8 image                                                  */
/* ---------------------------------------------------------------------- */

static void test_vit_hwc(void) {
    enum { H = 8, W = 12, C = 3, P = 4 };
    unsigned char img[H * W * C], *copy, *fm, *strided;
    size_t shape[] = {H, W, C}, n = 0, len = 0, bytes = 0, off = 0, gy, gx, py, px, c;
    patch_axis axes[3];
    patch_view *v;
    ptrdiff_t origin[3];
    bool flag = false;
    size_t i;
    for (i = 0; i < sizeof img; i++) img[i] = (unsigned char)(i * 7 + 3);
    axes[0] = patch_axis_window(P, P, 1);
    axes[1] = patch_axis_window(P, P, 1);
    axes[2] = patch_axis_whole();
    v = make_view(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    {
        size_t want[] = {H / P, W / P, P, P, C};
        ptrdiff_t wb[] = {P * W * C, P * C, W * C, C, 1};
        check_shape(__LINE__, v, want, LEN(want));
        check_strides(__LINE__, v, wb, wb, LEN(wb)); /* itemsize 1: bytes == elements */
    }
    CHECK_OK(patch_view_num_patches(v, &n));
    CHECK_OK(patch_view_patch_len(v, &len));
    CHECK(n == 6 && len == P * P * C);
    CHECK_OK(patch_view_copy_bytes(v, &bytes));
    CHECK(bytes == sizeof img);
    CHECK_OK(patch_view_span_bytes(v, &bytes));
    CHECK(bytes == sizeof img);
    CHECK_OK(patch_view_is_view(v, &flag));
    CHECK(flag);
    CHECK_OK(patch_view_check_writable(v));
    CHECK_OK(patch_view_check_buffer(v, sizeof img));
    /* Patch 4 is grid cell (1, 1): its first pixel is (4, 4). */
    CHECK_OK(patch_view_patch_origin(v, 4, origin, 3, &len));
    CHECK(len == 3 && origin[0] == 4 && origin[1] == 4 && origin[2] == 0);
    CHECK_OK(patch_view_patch_byte_offset(v, 4, &off));
    CHECK(off == (4 * W + 4) * C);
    CHECK_OK(patch_view_touches_padding(v, 4, &flag));
    CHECK(!flag);

    copy = (unsigned char *)malloc(sizeof img);
    fm = (unsigned char *)malloc(sizeof img);
    strided = (unsigned char *)malloc(sizeof img);
    CHECK_OK(patch_extract_into(v, img, sizeof img, copy, sizeof img, NULL));
    CHECK_OK(patch_extract_into(v, img, sizeof img, fm, sizeof img,
                                &(patch_extract_options){PATCH_ORDER_FEATURE_MAJOR, NULL, 0}));
    read_through_strides(v, img, strided);
    {
        size_t k = 0, bad = 0;
        for (gy = 0; gy < H / P; gy++)
            for (gx = 0; gx < W / P; gx++)
                for (py = 0; py < P; py++)
                    for (px = 0; px < P; px++)
                        for (c = 0; c < C; c++, k++) {
                            unsigned char want = img[((gy * P + py) * W + gx * P + px) * C + c];
                            size_t patch = gy * (W / P) + gx, feat = (py * P + px) * C + c;
                            if (copy[k] != want || strided[k] != want ||
                                fm[feat * 6 + patch] != want)
                                bad++;
                        }
        CHECK(k == sizeof img && bad == 0);
    }
    free(copy);
    free(fm);
    free(strided);
    patch_view_free(v);
}

/* ---------------------------------------------------------------------- */
/* im2col of a CHW f32 image with SAME padding, every padding mode          */
/* ---------------------------------------------------------------------- */

static void test_im2col_same(void) {
    enum { C = 2, H = 5, W = 6, K = 3 };
    float x[C * H * W];
    size_t shape[] = {C, H, W};
    uint32_t modes[] = {PATCH_PAD_MODE_CONSTANT, PATCH_PAD_MODE_REFLECT, PATCH_PAD_MODE_SYMMETRIC,
                        PATCH_PAD_MODE_EDGE, PATCH_PAD_MODE_WRAP};
    size_t steps[] = {1, 2};
    size_t m, si, i;
    for (i = 0; i < LEN(x); i++) x[i] = (float)i * 0.5f - 7.0f;
    for (m = 0; m < LEN(modes); m++) {
        for (si = 0; si < LEN(steps); si++) {
            size_t s = steps[si];
            size_t gh = (H + s - 1) / s, gw = (W + s - 1) / s;
            size_t lo_h = same_pad_lo(H, K, s, 1), lo_w = same_pad_lo(W, K, s, 1);
            size_t np = 0, pl = 0, c, ky, kx, gy, gx, bad = 0;
            float fill = -1.5f, *out;
            patch_axis axes[3];
            patch_view *v;
            axes[0] = patch_axis_whole();
            axes[1] = patch_axis_window(K, s, 1);
            axes[2] = patch_axis_window(K, s, 1);
            v = make_view(shape, NULL, 3, 0, PATCH_DTYPE_F32, axes, PATCH_CONVENTION_SAME,
                          modes[m]);
            {
                size_t want[] = {gh, gw, C, K, K};
                check_shape(__LINE__, v, want, LEN(want));
            }
            CHECK_OK(patch_view_num_patches(v, &np));
            CHECK_OK(patch_view_patch_len(v, &pl));
            CHECK(np == gh * gw && pl == C * K * K);
            out = (float *)malloc(np * pl * sizeof(float));
            CHECK_OK(patch_extract_into(
                v, x, sizeof x, out, np * pl * sizeof(float),
                &(patch_extract_options){PATCH_ORDER_FEATURE_MAJOR, &fill, sizeof fill}));
            /* Feature-major: row (c, ky, kx), column (gy, gx). */
            for (c = 0; c < C; c++)
                for (ky = 0; ky < K; ky++)
                    for (kx = 0; kx < K; kx++)
                        for (gy = 0; gy < gh; gy++)
                            for (gx = 0; gx < gw; gx++) {
                                ptrdiff_t yy = (ptrdiff_t)(gy * s + ky) - (ptrdiff_t)lo_h;
                                ptrdiff_t xx = (ptrdiff_t)(gx * s + kx) - (ptrdiff_t)lo_w;
                                ptrdiff_t ry = remap(yy, H, modes[m]), rx = remap(xx, W, modes[m]);
                                float want = (ry < 0 || rx < 0)
                                                 ? fill
                                                 : x[(c * H + (size_t)ry) * W + (size_t)rx];
                                size_t row = (c * K + ky) * K + kx, col = gy * gw + gx;
                                if (out[row * np + col] != want) bad++;
                            }
            CHECK(bad == 0);
            if (bad) fprintf(stderr, "  mode %u step %zu: %zu values differ\n", modes[m], s, bad);
            free(out);
            if (m == 0 && s == 1) {
                ptrdiff_t origin[3], strides[5];
                size_t len = 77;
                bool flag = true;
                CHECK_OK(patch_view_is_view(v, &flag));
                CHECK(!flag);
                /* A virtual view: no strides, and the out-parameter is untouched. */
                CHECK_FAIL2(patch_view_strides(v, strides, 5, &len), PATCH_STATUS_NOT_A_VIEW,
                            "padding", "extract a copy");
                CHECK(len == 77);
                CHECK_FAIL(patch_view_element_strides(v, strides, 5, &len),
                           PATCH_STATUS_NOT_A_VIEW, "padding");
                CHECK_FAIL(patch_view_patch_byte_offset(v, 0, &len), PATCH_STATUS_NOT_A_VIEW,
                           "padding");
                CHECK_FAIL(patch_view_check_writable(v), PATCH_STATUS_NOT_A_VIEW, "padding");
                CHECK(len == 77);
                CHECK_OK(patch_view_patch_origin(v, 0, origin, 3, NULL));
                CHECK(origin[0] == 0 && origin[1] == -1 && origin[2] == -1);
                CHECK_OK(patch_view_touches_padding(v, 0, &flag));
                CHECK(flag);
                CHECK_OK(patch_view_touches_padding(v, 1 * gw + 1, &flag));
                CHECK(!flag);
            }
            patch_view_free(v);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Dilation and steps on f64, with folds                                   */
/* ---------------------------------------------------------------------- */

static void test_dilation_and_folds(void) {
    enum { H = 10, W = 9 };
    /* axis 0: size 3, step 1, dilation 2 (extent 5); axis 1: size 2, step 2, dilation 3 (extent 4)
     */
    const size_t s0 = 3, st0 = 1, d0 = 2, s1 = 2, st1 = 2, d1 = 3;
    const size_t g0 = (H - 5) / st0 + 1, g1 = (W - 4) / st1 + 1;
    double x[H * W], strided[6 * 3 * 3 * 2], *copy, *folded, sum[H * W], cover[H * W],
        over[H * W];
    size_t shape[] = {H, W}, np = 0, pl = 0, i, a, b, p, q, k, bad = 0;
    patch_axis axes[2];
    patch_view *v;
    for (i = 0; i < LEN(x); i++) x[i] = sin((double)i) * 10.0;
    axes[0] = patch_axis_window(s0, st0, d0);
    axes[1] = patch_axis_window(s1, st1, d1);
    v = make_view(shape, NULL, 2, 0, PATCH_DTYPE_F64, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    {
        size_t want[] = {g0, g1, s0, s1};
        ptrdiff_t we[] = {st0 * W, st1, d0 * W, d1};
        ptrdiff_t wb[] = {st0 * W * 8, st1 * 8, d0 * W * 8, d1 * 8};
        check_shape(__LINE__, v, want, LEN(want));
        check_strides(__LINE__, v, wb, we, LEN(wb));
    }
    CHECK_OK(patch_view_num_patches(v, &np));
    CHECK_OK(patch_view_patch_len(v, &pl));
    CHECK(np == g0 * g1 && pl == s0 * s1);
    copy = (double *)malloc(np * pl * sizeof(double));
    folded = (double *)malloc(sizeof x);
    CHECK_OK(patch_extract_into(v, x, sizeof x, copy, np * pl * sizeof(double), NULL));
    read_through_strides(v, x, strided);
    memset(sum, 0, sizeof sum);
    memset(cover, 0, sizeof cover);
    memset(over, 0, sizeof over);
    k = 0;
    for (a = 0; a < g0; a++)
        for (b = 0; b < g1; b++)
            for (p = 0; p < s0; p++)
                for (q = 0; q < s1; q++, k++) {
                    size_t e = (a * st0 + p * d0) * W + b * st1 + q * d1;
                    if (copy[k] != x[e] || strided[k] != x[e]) bad++;
                    /* Make the patches differ from x so the folds are not trivial. */
                    copy[k] = x[e] + (double)k;
                    sum[e] += copy[k];
                    cover[e] += 1.0;
                    over[e] = copy[k];
                }
    CHECK(bad == 0);
    /* Sum: torch's F.fold. */
    CHECK_OK(
        patch_fold_into(v, copy, (np * pl) * sizeof(double), folded, (H * W) * sizeof(double),
                        &(patch_fold_options){PATCH_ORDER_PATCH_MAJOR, PATCH_REDUCE_SUM, 0.0}));
    bad = 0;
    for (i = 0; i < LEN(x); i++)
        if (fabs(folded[i] - sum[i]) > 1e-9) bad++;
    CHECK(bad == 0);
    /* Mean of the modified patches: sum / cover, 0 where nothing covers. */
    CHECK_OK(
        patch_fold_into(v, copy, (np * pl) * sizeof(double), folded, (H * W) * sizeof(double),
                        &(patch_fold_options){PATCH_ORDER_PATCH_MAJOR, PATCH_REDUCE_MEAN, 0.0}));
    bad = 0;
    for (i = 0; i < LEN(x); i++) {
        double want = cover[i] > 0 ? sum[i] / cover[i] : 0.0;
        if (fabs(folded[i] - want) > 1e-9) bad++;
    }
    CHECK(bad == 0);
    /* Overwrite: the last patch that covers an element wins. */
    CHECK_OK(patch_fold_into(
        v, copy, (np * pl) * sizeof(double), folded, (H * W) * sizeof(double),
        &(patch_fold_options){PATCH_ORDER_PATCH_MAJOR, PATCH_REDUCE_OVERWRITE, 0.0}));
    bad = 0;
    for (i = 0; i < LEN(x); i++)
        if (folded[i] != over[i]) bad++;
    CHECK(bad == 0);
    /* Round trip: Mean of the unmodified patches is x exactly where covered. */
    CHECK_OK(patch_extract_into(v, x, sizeof x, copy, np * pl * sizeof(double),
                                &(patch_extract_options){PATCH_ORDER_FEATURE_MAJOR, NULL, 0}));
    CHECK_OK(
        patch_fold_into(v, copy, (np * pl) * sizeof(double), folded, (H * W) * sizeof(double),
                        &(patch_fold_options){PATCH_ORDER_FEATURE_MAJOR, PATCH_REDUCE_MEAN, 0.0}));
    bad = 0;
    for (i = 0; i < LEN(x); i++)
        if (folded[i] != (cover[i] > 0 ? x[i] : 0.0)) bad++;
    CHECK(bad == 0);
    free(copy);
    free(folded);
    patch_view_free(v);
}

/* Weighted folds (Hann and Gaussian) of distinct values against the formula. */
static void test_weighted_fold(void) {
    enum { H = 7, W = 9, K = 3, S = 2 };
    const size_t gh = (H - K) / S + 1, gw = (W - K) / S + 1;
    size_t shape[] = {H, W}, np = 0, pl = 0, r, a, b, p, q, i, k, bad;
    patch_axis axes[2];
    patch_view *v;
    uint32_t reduces[] = {PATCH_REDUCE_WEIGHTED_HANN, PATCH_REDUCE_WEIGHTED_GAUSSIAN};
    double patches[4 * 3 * K * K], out[H * W], num[H * W], den[H * W], w[K];
    axes[0] = patch_axis_window(K, S, 1);
    axes[1] = patch_axis_window(K, S, 1);
    v = make_view(shape, NULL, 2, 0, PATCH_DTYPE_F64, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    CHECK_OK(patch_view_num_patches(v, &np));
    CHECK_OK(patch_view_patch_len(v, &pl));
    CHECK(np == gh * gw && np * pl == LEN(patches));
    for (i = 0; i < LEN(patches); i++) patches[i] = cos((double)i * 0.7) * 3.0 + (double)i;
    for (r = 0; r < LEN(reduces); r++) {
        for (i = 0; i < K; i++) {
            if (reduces[r] == PATCH_REDUCE_WEIGHTED_HANN) {
                double s = sin(3.14159265358979323846 * ((double)i + 0.5) / K);
                w[i] = s * s;
            } else {
                double sigma = PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT * K,
                       z = ((double)i - 1.0) / sigma;
                w[i] = exp(-0.5 * z * z);
            }
        }
        memset(num, 0, sizeof num);
        memset(den, 0, sizeof den);
        k = 0;
        for (a = 0; a < gh; a++)
            for (b = 0; b < gw; b++)
                for (p = 0; p < K; p++)
                    for (q = 0; q < K; q++, k++) {
                        size_t e = (a * S + p) * W + b * S + q;
                        num[e] += w[p] * w[q] * patches[k];
                        den[e] += w[p] * w[q];
                    }
        CHECK_OK(patch_fold_into(v, patches, LEN(patches) * sizeof(double), out,
                                 LEN(out) * sizeof(double),
                                 &(patch_fold_options){PATCH_ORDER_PATCH_MAJOR, reduces[r],
                                                       PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT}));
        bad = 0;
        for (i = 0; i < LEN(out); i++) {
            double want = den[i] > 0 ? num[i] / den[i] : 0.0;
            if (fabs(out[i] - want) > 1e-9 * (1.0 + fabs(want))) bad++;
        }
        CHECK(bad == 0);
    }
    patch_view_free(v);
}

/* ---------------------------------------------------------------------- */
/* A batch of int16 images: numpy's sliding_window_view(x, (3, 2), axis=(1, 2)) */
/* ---------------------------------------------------------------------- */

static void test_batch_numpy(void) {
    enum { B = 2, H = 6, W = 5 };
    int16_t x[B * H * W], copy[2 * 4 * 4 * 3 * 2], strided[2 * 4 * 4 * 3 * 2];
    size_t shape[] = {B, H, W}, n, bb, a, c, p, q, k = 0, bad = 0;
    patch_axis axes[3];
    patch_view *v;
    for (n = 0; n < LEN(x); n++) x[n] = (int16_t)(n * 37 - 500);
    axes[0] = patch_axis_batch();
    axes[1] = patch_axis_window(3, 1, 1);
    axes[2] = patch_axis_window(2, 1, 1);
    v = make_view(shape, NULL, 3, 0, PATCH_DTYPE_I16, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    {
        /* numpy: shape (2, 4, 4, 3, 2), strides (60, 10, 2, 10, 2) */
        size_t want[] = {2, 4, 4, 3, 2};
        ptrdiff_t wb[] = {60, 10, 2, 10, 2}, we[] = {30, 5, 1, 5, 1};
        check_shape(__LINE__, v, want, LEN(want));
        check_strides(__LINE__, v, wb, we, LEN(wb));
    }
    CHECK_OK(patch_extract_into(v, x, sizeof x, copy, sizeof copy, NULL));
    read_through_strides(v, x, strided);
    for (bb = 0; bb < B; bb++)
        for (a = 0; a < 4; a++)
            for (c = 0; c < 4; c++)
                for (p = 0; p < 3; p++)
                    for (q = 0; q < 2; q++, k++) {
                        int16_t want = x[(bb * H + a + p) * W + c + q];
                        if (copy[k] != want || strided[k] != want) bad++;
                    }
    CHECK(bad == 0);
    /* Overlapping windows: a writable view would alias. */
    CHECK_FAIL3(patch_view_check_writable(v), PATCH_STATUS_ALIASING, "axis 1", "step 1",
                "extent 3");
    patch_view_free(v);

    /* Batch with tiles: [B, gh, gw, kh, kw] strides [H*W, step_h*W, step_w, W, 1]; writable. */
    axes[1] = patch_axis_window(3, 3, 1);
    axes[2] = patch_axis_window(2, 2, 1);
    v = make_view(shape, NULL, 3, 0, PATCH_DTYPE_I16, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    {
        size_t want[] = {2, 2, 2, 3, 2};
        ptrdiff_t we[] = {30, 15, 2, 5, 1}, wb[] = {60, 30, 4, 10, 2};
        check_shape(__LINE__, v, want, LEN(want));
        check_strides(__LINE__, v, wb, we, LEN(wb));
    }
    CHECK_OK(patch_view_check_writable(v));
    patch_view_free(v);
}

/* ---------------------------------------------------------------------- */
/* Negative input strides                                                  */
/* ---------------------------------------------------------------------- */

static void test_negative_strides(void) {
    enum { H = 4, W = 5, KH = 2, KW = 3 };
    int32_t buf[H * W], copy[3 * 3 * KH * KW], strided[3 * 3 * KH * KW];
    size_t shape[] = {H, W}, i, gy, gx, p, q, k, bad, off = 0;
    patch_axis axes[2];
    patch_view *v;
    /* Rows flipped (numpy x[::-1]): element (i, j) at 15 - 5i + j. Then columns flipped. */
    ptrdiff_t flips[2][2] = {{-W, 1}, {W, -1}};
    size_t offsets[2] = {(H - 1) * W, W - 1};
    size_t f;
    for (i = 0; i < LEN(buf); i++) buf[i] = (int32_t)(i * i) - 40;
    axes[0] = patch_axis_window(KH, 1, 1);
    axes[1] = patch_axis_window(KW, 1, 1);
    for (f = 0; f < 2; f++) {
        ptrdiff_t s0 = flips[f][0], s1 = flips[f][1];
        v = make_view(shape, flips[f], 2, offsets[f], PATCH_DTYPE_I32, axes, PATCH_CONVENTION_VALID,
                      PATCH_PAD_MODE_CONSTANT);
        {
            size_t want[] = {3, 3, KH, KW};
            ptrdiff_t we[] = {s0, s1, s0, s1}, wb[] = {4 * s0, 4 * s1, 4 * s0, 4 * s1};
            check_shape(__LINE__, v, want, LEN(want));
            check_strides(__LINE__, v, wb, we, LEN(wb));
        }
        CHECK_OK(patch_view_offset(v, &off));
        CHECK(off == offsets[f]);
        /* Patch 4 = grid (1, 1). */
        CHECK_OK(patch_view_patch_byte_offset(v, 4, &off));
        CHECK((ptrdiff_t)off == 4 * ((ptrdiff_t)offsets[f] + s0 + s1));
        CHECK_OK(patch_extract_into(v, buf, sizeof buf, copy, sizeof copy, NULL));
        read_through_strides(v, buf, strided);
        k = 0;
        bad = 0;
        for (gy = 0; gy < 3; gy++)
            for (gx = 0; gx < 3; gx++)
                for (p = 0; p < KH; p++)
                    for (q = 0; q < KW; q++, k++) {
                        ptrdiff_t at = (ptrdiff_t)offsets[f] + (ptrdiff_t)(gy + p) * s0 +
                                       (ptrdiff_t)(gx + q) * s1;
                        if (copy[k] != buf[at] || strided[k] != buf[at]) bad++;
                    }
        CHECK(bad == 0);
        patch_view_free(v);
    }
    /* Flipped rows from offset 0 reach before the buffer: caught at the copy. */
    v = make_view(shape, flips[0], 2, 0, PATCH_DTYPE_I32, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    CHECK_FAIL3(patch_extract_into(v, buf, sizeof buf, copy, sizeof copy, NULL),
                PATCH_STATUS_OUT_OF_BOUNDS, "strides [-5, 1]", "index -15", "before the start");
    CHECK_FAIL2(patch_view_check_buffer(v, sizeof buf), PATCH_STATUS_OUT_OF_BOUNDS, "index -15",
                "before the start");
    patch_view_free(v);
}

/* ---------------------------------------------------------------------- */
/* Cover (sliding-window inference) and explicit padding                   */
/* ---------------------------------------------------------------------- */

static void test_cover_and_explicit(void) {
    enum { H = 7, W = 10 };
    float x[H * W], *copy, back[H * W];
    size_t shape[] = {H, W}, np = 0, pl = 0, grid[2], len = 0, i, a, b, p, q, k, bad = 0;
    /* axis 0: 4 step 3 -> origins 0, 3 (ends at the border); axis 1: 4 step 4 -> 0, 4, 6 */
    size_t o0[] = {0, 3}, o1[] = {0, 4, 6};
    ptrdiff_t origin[2];
    patch_axis axes[2];
    patch_view *v;
    uint32_t reduces[] = {PATCH_REDUCE_MEAN, PATCH_REDUCE_WEIGHTED_HANN,
                          PATCH_REDUCE_WEIGHTED_GAUSSIAN, PATCH_REDUCE_OVERWRITE};
    size_t r;
    bool flag = true;
    for (i = 0; i < LEN(x); i++) x[i] = (float)((i * 13) % 17) - 4.25f;
    axes[0] = patch_axis_window(4, 3, 1);
    axes[1] = patch_axis_window(4, 4, 1);
    v = make_view(shape, NULL, 2, 0, PATCH_DTYPE_F32, axes, PATCH_CONVENTION_COVER,
                  PATCH_PAD_MODE_CONSTANT);
    CHECK_OK(patch_view_grid(v, grid, 2, &len));
    CHECK(len == 2 && grid[0] == 2 && grid[1] == 3);
    CHECK_OK(patch_view_num_patches(v, &np));
    CHECK_OK(patch_view_patch_len(v, &pl));
    CHECK(np == 6 && pl == 16);
    CHECK_OK(patch_view_patch_origin(v, 5, origin, 2, NULL));
    CHECK(origin[0] == 3 && origin[1] == 6);
    CHECK_OK(patch_view_is_view(v, &flag));
    CHECK(!flag);
    CHECK_FAIL(patch_view_strides(v, origin, 2, NULL), PATCH_STATUS_NOT_A_VIEW, "Cover");
    CHECK_OK(patch_view_touches_padding(v, 5, &flag));
    CHECK(!flag);
    copy = (float *)malloc(np * pl * sizeof(float));
    CHECK_OK(patch_extract_into(v, x, sizeof x, copy, np * pl * sizeof(float), NULL));
    k = 0;
    for (a = 0; a < 2; a++)
        for (b = 0; b < 3; b++)
            for (p = 0; p < 4; p++)
                for (q = 0; q < 4; q++, k++)
                    if (copy[k] != x[(o0[a] + p) * W + o1[b] + q]) bad++;
    CHECK(bad == 0);
    /* Every element is covered, so every reduction of equal contributions gives x back. */
    for (r = 0; r < LEN(reduces); r++) {
        CHECK_OK(patch_fold_into(v, copy, (np * pl) * sizeof(float), back,
                                 LEN(back) * sizeof(float),
                                 &(patch_fold_options){PATCH_ORDER_PATCH_MAJOR, reduces[r],
                                                       PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT}));
        CHECK(memcmp(back, x, sizeof x) == 0);
    }
    free(copy);
    patch_view_free(v);

    /* Explicit padding (1, 2) on axis 0 and (0, 3) on axis 1, Wrap, 3x3 windows step 2. */
    {
        size_t lo0 = 1, hi0 = 2, lo1 = 0, hi1 = 3;
        size_t gh = (H + lo0 + hi0 - 3) / 2 + 1, gw = (W + lo1 + hi1 - 3) / 2 + 1;
        float *out;
        axes[0] = patch_axis_window_padded(3, 2, 1, lo0, hi0);
        axes[1] = patch_axis_window_padded(3, 2, 1, lo1, hi1);
        v = make_view(shape, NULL, 2, 0, PATCH_DTYPE_F32, axes, PATCH_CONVENTION_EXPLICIT,
                      PATCH_PAD_MODE_WRAP);
        CHECK_OK(patch_view_num_patches(v, &np));
        CHECK(np == gh * gw);
        out = (float *)malloc(np * 9 * sizeof(float));
        CHECK_OK(patch_extract_into(v, x, sizeof x, out, np * 9 * sizeof(float), NULL));
        k = 0;
        bad = 0;
        for (a = 0; a < gh; a++)
            for (b = 0; b < gw; b++)
                for (p = 0; p < 3; p++)
                    for (q = 0; q < 3; q++, k++) {
                        ptrdiff_t yy = remap((ptrdiff_t)(a * 2 + p) - (ptrdiff_t)lo0, H,
                                             PATCH_PAD_MODE_WRAP);
                        ptrdiff_t xx = remap((ptrdiff_t)(b * 2 + q) - (ptrdiff_t)lo1, W,
                                             PATCH_PAD_MODE_WRAP);
                        if (out[k] != x[(size_t)yy * W + (size_t)xx]) bad++;
                    }
        CHECK(bad == 0);
        /* Round trip through padding: Mean gives x exactly where covered. */
        CHECK_OK(patch_fold_into(
            v, out, (np * 9) * sizeof(float), back, LEN(back) * sizeof(float),
            &(patch_fold_options){PATCH_ORDER_PATCH_MAJOR, PATCH_REDUCE_MEAN, 0.0}));
        bad = 0;
        for (i = 0; i < LEN(x); i++)
            if (back[i] != x[i]) bad++; /* these windows cover every element */
        CHECK(bad == 0);
        free(out);
        patch_view_free(v);
    }
}

/* ---------------------------------------------------------------------- */
/* 1-D frames and overlap-add                                              */
/* ---------------------------------------------------------------------- */

static void test_frames(void) {
    enum { N = 10, FL = 4, HOP = 3 };
    float sig[N], frames[4 * FL], fill = 9.0f;
    unsigned char u8[N], u8frames[3 * FL];
    size_t n = 0, pad = 0, i, f, j, bad = 0;
    for (i = 0; i < N; i++) {
        sig[i] = (float)i + 0.25f;
        u8[i] = (unsigned char)(200 + i);
    }
    /* tf.signal.frame(sig, 4, 3, pad_end=True): ceil(10/3) = 4 frames, 3 samples of padding. */
    CHECK_OK(patch_frame_count(N, FL, HOP, true, &n, &pad));
    CHECK(n == 4 && pad == 3);
    CHECK_OK(patch_frame_into(PATCH_DTYPE_F32, sig, sizeof sig, frames, sizeof frames, FL, HOP,
                              &(patch_frame_options){true, &fill, sizeof fill}));
    for (f = 0; f < 4; f++)
        for (j = 0; j < FL; j++) {
            size_t at = f * HOP + j;
            if (frames[f * FL + j] != (at < N ? sig[at] : fill)) bad++;
        }
    CHECK(bad == 0);
    /* Without pad_end: (10 - 4) / 3 + 1 = 3 whole frames; any element type. */
    CHECK_OK(patch_frame_count(N, FL, HOP, false, &n, NULL));
    CHECK(n == 3);
    CHECK_OK(patch_frame_into(PATCH_DTYPE_U8, u8, sizeof u8, u8frames, sizeof u8frames, FL, HOP,
                              &(patch_frame_options){false, NULL, 0}));
    bad = 0;
    for (f = 0; f < 3; f++)
        for (j = 0; j < FL; j++)
            if (u8frames[f * FL + j] != u8[f * HOP + j]) bad++;
    CHECK(bad == 0);
    /* A signal shorter than a frame makes no frames (and needs no buffer). */
    CHECK_OK(patch_frame_count(3, FL, HOP, false, &n, NULL));
    CHECK(n == 0);
    CHECK_OK(patch_frame_into(PATCH_DTYPE_F32, sig, 3 * sizeof(float), NULL, 0, FL, HOP,
                              &(patch_frame_options){false, NULL, 0}));
    /* The same frames as a view: shape [3, 4], byte strides [12, 4]. */
    {
        size_t shape[] = {N};
        patch_axis ax = patch_axis_window(FL, HOP, 1);
        patch_view *v = make_view(shape, NULL, 1, 0, PATCH_DTYPE_F32, &ax, PATCH_CONVENTION_VALID,
                                  PATCH_PAD_MODE_CONSTANT);
        size_t want[] = {3, FL};
        ptrdiff_t wb[] = {12, 4}, we[] = {3, 1};
        check_shape(__LINE__, v, want, 2);
        check_strides(__LINE__, v, wb, we, 2);
        patch_view_free(v);
    }
    /* overlap-add of 4 frames of 4 every 3: 13 samples. */
    {
        float out[13], want[13];
        double out64[13], frames64[16];
        memset(want, 0, sizeof want);
        for (f = 0; f < 4; f++)
            for (j = 0; j < FL; j++) want[f * HOP + j] += frames[f * FL + j];
        CHECK_OK(patch_overlap_add_into(PATCH_DTYPE_F32, frames, 16 * sizeof(float), out,
                                        13 * sizeof(float), FL, HOP));
        bad = 0;
        for (i = 0; i < 13; i++)
            if (fabsf(out[i] - want[i]) > 1e-5f) bad++;
        CHECK(bad == 0);
        for (i = 0; i < 16; i++) frames64[i] = frames[i];
        CHECK_OK(patch_overlap_add_into(PATCH_DTYPE_F64, frames64, 16 * sizeof(double), out64,
                                        13 * sizeof(double), FL, HOP));
        bad = 0;
        for (i = 0; i < 13; i++)
            if (fabs(out64[i] - (double)want[i]) > 1e-5) bad++;
        CHECK(bad == 0);
        CHECK_FAIL(patch_overlap_add_into(PATCH_DTYPE_F32, frames, 16 * sizeof(float), out,
                                          12 * sizeof(float), FL, HOP),
                   PATCH_STATUS_BUFFER_SIZE,
                   "`out_bytes` holds 48 bytes but 4 frames of 4 float32 samples every 3 need 52 "
                   "bytes");
        CHECK_FAIL2(patch_overlap_add_into(PATCH_DTYPE_F32, frames, 15 * sizeof(float), out,
                                           13 * sizeof(float), FL, HOP),
                    PATCH_STATUS_BUFFER_SIZE, "15 samples", "frames of 4");
        /* Overlap-add adds samples up: float types only, checked before the data. */
        CHECK_FAIL(patch_overlap_add_into(PATCH_DTYPE_I32, NULL, 0, NULL, 0, FL, HOP),
                   PATCH_STATUS_UNSUPPORTED_DTYPE, "must be float32 or float64, not int32");
        CHECK_FAIL(patch_overlap_add_into(PATCH_DTYPE_F32, frames, 16 * sizeof(float), out,
                                          13 * sizeof(float), 0, HOP),
                   PATCH_STATUS_ZERO_SIZE, "frame length is 0");
        CHECK_FAIL(patch_overlap_add_into(PATCH_DTYPE_F32, frames, 16 * sizeof(float), out,
                                          13 * sizeof(float), FL, 0),
                   PATCH_STATUS_ZERO_STEP, "hop is 0");
        CHECK_FAIL(patch_overlap_add_into(PATCH_DTYPE_F32, frames, 16 * sizeof(float), frames + 2,
                                          13 * sizeof(float), FL, HOP),
                   PATCH_STATUS_INVALID_ARGUMENT, "overlaps");
    }
    {
        patch_frame_options pad_end = {true, NULL, 0};
        CHECK_FAIL2(
            patch_frame_into(PATCH_DTYPE_F32, sig, sizeof sig, frames, 8, FL, HOP, &pad_end),
            PATCH_STATUS_BUFFER_SIZE, "`out_bytes` holds 8 bytes",
            "4 frames of 4 float32 samples (a signal of 10, hop 3) need 64 bytes");
        CHECK_FAIL(patch_frame_into(PATCH_DTYPE_F32, sig, 3 * sizeof(float), frames, 4, FL, HOP,
                                    NULL),
                   PATCH_STATUS_BUFFER_SIZE, "0 frames of 4 float32 samples");
        /* One status per condition: bytes that are not whole elements are BUFFER_SIZE. */
        CHECK_FAIL(patch_frame_into(PATCH_DTYPE_F32, sig, 10, frames, sizeof frames, FL, HOP,
                                    &pad_end),
                   PATCH_STATUS_BUFFER_SIZE,
                   "`signal_bytes` holds 10 bytes, not a whole number of 4-byte float32 elements");
        /* Arguments are checked before the data: an empty signal with an
         * unknown dtype (0, or 13, the first number that is no type) or
         * bad fill is refused, not OK. */
        CHECK_FAIL(patch_frame_into(0, NULL, 0, NULL, 0, FL, HOP, NULL), PATCH_STATUS_INVALID_ENUM,
                   "dtype 0 is not one of");
        CHECK_FAIL(patch_frame_into(13, NULL, 0, NULL, 0, FL, HOP, NULL),
                   PATCH_STATUS_INVALID_ENUM, "dtype 13 is not one of");
        pad_end.fill_bytes = 3;
        pad_end.fill = &fill;
        CHECK_FAIL(patch_frame_into(PATCH_DTYPE_F32, NULL, 0, NULL, 0, FL, HOP, &pad_end),
                   PATCH_STATUS_INVALID_ARGUMENT, "`fill_bytes` is 3");
        CHECK_FAIL(patch_frame_into(PATCH_DTYPE_F32, NULL, 0, NULL, 0, FL, 0, NULL),
                   PATCH_STATUS_ZERO_STEP, "hop is 0");
        CHECK_OK(patch_frame_into(PATCH_DTYPE_F32, NULL, 0, NULL, 0, FL, HOP, NULL));
    }
    CHECK_FAIL(patch_frame_count(N, FL, HOP, true, NULL, &pad), PATCH_STATUS_NULL_POINTER,
               "out_frames");
}

/* ---------------------------------------------------------------------- */
/* Every bad input: status, message, untouched out-parameters              */
/* ---------------------------------------------------------------------- */

/* ---------------------------------------------------------------------- */
/* Streams: a framer and an overlap-adder fed in chunks                    */
/* ---------------------------------------------------------------------- */

/* Streams `n` samples of `itemsize` bytes through `fr` in chunks of the
 * sizes `cuts` (cycled, 0 included), into `got` (room for `cap` bytes);
 * returns the bytes written. Each push's buffer is sized by the query. */
static size_t stream_frames(patch_framer *fr, const unsigned char *sig, size_t n, size_t itemsize,
                            size_t frame_bytes, unsigned char *got, size_t cap) {
    static const size_t cuts[] = {0, 1, 7, 160, 480, 3, 0, 1000};
    size_t at = 0, k = 0, used = 0, frames = 0, want = 0;
    while (at < n) {
        size_t len = cuts[k++ % (sizeof cuts / sizeof cuts[0])];
        if (len > n - at) len = n - at;
        CHECK_OK(patch_framer_frames_for(fr, len, &want));
        CHECK(used + want * frame_bytes <= cap);
        CHECK_OK(patch_framer_push(fr, len ? sig + at * itemsize : NULL, len * itemsize,
                                   got + used, want * frame_bytes, &frames));
        CHECK(frames == want);
        used += frames * frame_bytes;
        at += len;
    }
    CHECK_OK(patch_framer_finish_frames(fr, &want));
    CHECK(used + want * frame_bytes <= cap);
    CHECK_OK(patch_framer_finish(fr, got + used, cap - used, &frames));
    CHECK(frames == want);
    return used + frames * frame_bytes;
}

static void test_stream(void) {
    enum { N = 2000, FL = 400, HOP = 160, MAXF = N / HOP + 1 };
    static short pcm[N];
    static float sig[N], want[MAXF * FL], got[MAXF * FL];
    static double hann[FL];
    float fill = -2.5f;
    size_t i, n = 0, bytes, frames = 0;
    patch_framer *fr = NULL;
    patch_frame_options pad = {true, &fill, sizeof fill};
    for (i = 0; i < N; i++) {
        pcm[i] = (short)((int)((i * 37) % 2000) - 1000);
        sig[i] = (float)i * 0.001f - 0.7f;
    }
    /* f32 frames with end padding: the same bytes as patch_frame_into. */
    CHECK_OK(patch_frame_count(N, FL, HOP, true, &n, NULL));
    CHECK_OK(patch_frame_into(PATCH_DTYPE_F32, sig, sizeof sig, want, n * FL * sizeof(float), FL,
                              HOP, &pad));
    CHECK_OK(patch_framer_create(PATCH_DTYPE_F32, PATCH_DTYPE_F32, FL, HOP, &pad, NULL, &fr));
    bytes = stream_frames(fr, (const unsigned char *)sig, N, sizeof(float), FL * sizeof(float),
                          (unsigned char *)got, sizeof got);
    CHECK(bytes == n * FL * sizeof(float));
    CHECK(memcmp(got, want, bytes) == 0);
    /* After finish the framer starts a new stream: the same again. */
    memset(got, 0, sizeof got);
    bytes = stream_frames(fr, (const unsigned char *)sig, N, sizeof(float), FL * sizeof(float),
                          (unsigned char *)got, sizeof got);
    CHECK(bytes == n * FL * sizeof(float) && memcmp(got, want, bytes) == 0);
    /* A short buffer: PATCH_STATUS_BUFFER_SIZE naming the sizes, nothing
     * written, and the push can be retried. */
    CHECK_OK(patch_framer_push(fr, sig, 300 * sizeof(float), NULL, 0, &frames));
    CHECK(frames == 0);
    got[0] = 7.0f;
    CHECK_FAIL(patch_framer_push(fr, sig + 300, 100 * sizeof(float), got, sizeof(float), NULL),
               PATCH_STATUS_BUFFER_SIZE,
               "the output holds 1 samples but a push of 100 samples emits 1 frames of 400");
    CHECK(got[0] == 7.0f);
    CHECK_OK(patch_framer_push(fr, sig + 300, 100 * sizeof(float), got, FL * sizeof(float),
                               &frames));
    CHECK(frames == 1 && memcmp(got, want, FL * sizeof(float)) == 0);
    patch_framer_free(fr);
    fr = NULL;

    /* int16 PCM into Hann-windowed f32 frames, without end padding. */
    CHECK_OK(patch_window_hann(FL, true, hann, FL));
    {
        patch_affine win = {0, hann, FL, NULL, 0};
        patch_frame_options no_pad = {false, NULL, 0};
        CHECK_OK(patch_frame_count(N, FL, HOP, false, &n, NULL));
        CHECK_OK(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm, want,
                                          n * FL * sizeof(float), PATCH_DTYPE_F32, FL, HOP,
                                          &no_pad, &win));
        CHECK_OK(patch_framer_create(PATCH_DTYPE_I16, PATCH_DTYPE_F32, FL, HOP, &no_pad, &win,
                                     &fr));
        bytes = stream_frames(fr, (const unsigned char *)pcm, N, sizeof(short),
                              FL * sizeof(float), (unsigned char *)got, sizeof got);
        CHECK(bytes == n * FL * sizeof(float) && memcmp(got, want, bytes) == 0);
        patch_framer_free(fr);
        fr = NULL;
    }
    /* Bad arguments: statuses, *out_framer untouched. */
    CHECK_FAIL(patch_framer_create(PATCH_DTYPE_F32, PATCH_DTYPE_F32, FL, 0, NULL, NULL, &fr),
               PATCH_STATUS_ZERO_STEP, "hop is 0");
    CHECK_FAIL(patch_framer_create(PATCH_DTYPE_U8, PATCH_DTYPE_I16, FL, HOP, NULL, NULL, &fr),
               PATCH_STATUS_UNSUPPORTED_DTYPE, "cannot convert uint8 patches to int16");
    CHECK(fr == NULL);
    CHECK_FAIL(patch_framer_push(NULL, sig, sizeof sig, got, sizeof got, NULL),
               PATCH_STATUS_NULL_POINTER, "`framer` is NULL");
    CHECK_FAIL(patch_framer_frames_for(NULL, 1, &n), PATCH_STATUS_NULL_POINTER,
               "`framer` is NULL");
    patch_framer_free(NULL);

    /* Overlap-add of the padded f32 frames, pushed 0, 1, 2, 5, ... at a
     * time: the same bytes as patch_overlap_add_into. */
    {
        static const size_t batches[] = {0, 1, 2, 5, 0, 3};
        static float frames_in[MAXF * FL], ola_want[N + FL], ola_got[N + FL];
        size_t nf = 0, len = 0, f = 0, k = 0, used = 0, want_n = 0, done = 0;
        patch_overlap_adder *ola = NULL;
        CHECK_OK(patch_frame_count(N, FL, HOP, true, &nf, NULL));
        CHECK_OK(patch_frame_into(PATCH_DTYPE_F32, sig, sizeof sig, frames_in,
                                  nf * FL * sizeof(float), FL, HOP, &pad));
        len = (nf - 1) * HOP + FL;
        CHECK(len <= N + FL);
        CHECK_OK(patch_overlap_add_into(PATCH_DTYPE_F32, frames_in, nf * FL * sizeof(float),
                                        ola_want, len * sizeof(float), FL, HOP));
        CHECK_OK(patch_overlap_adder_create(PATCH_DTYPE_F32, FL, HOP, &ola));
        while (f < nf) {
            size_t b = batches[k++ % (sizeof batches / sizeof batches[0])];
            if (b > nf - f) b = nf - f;
            CHECK_OK(patch_overlap_adder_samples_for(ola, b, &want_n));
            CHECK(used + want_n <= len && want_n <= (b + 1) * FL);
            CHECK_OK(patch_overlap_adder_push(ola, b ? frames_in + f * FL : NULL,
                                              b * FL * sizeof(float), ola_got + used,
                                              want_n * sizeof(float), &done));
            CHECK(done == want_n);
            used += done;
            f += b;
        }
        CHECK_OK(patch_overlap_adder_finish_samples(ola, &want_n));
        CHECK(used + want_n == len);
        CHECK_OK(patch_overlap_adder_finish(ola, ola_got + used, (len - used) * sizeof(float),
                                            &done));
        CHECK(done == want_n);
        CHECK(memcmp(ola_got, ola_want, len * sizeof(float)) == 0);
        CHECK_FAIL(patch_overlap_adder_push(ola, frames_in, 3 * sizeof(float), ola_got,
                                            sizeof ola_got, NULL),
                   PATCH_STATUS_BUFFER_SIZE, "3 samples are not a whole number of frames of 400");
        patch_overlap_adder_free(ola);
        ola = NULL;
        CHECK_FAIL(patch_overlap_adder_create(PATCH_DTYPE_I16, FL, HOP, &ola),
                   PATCH_STATUS_UNSUPPORTED_DTYPE, "int16");
        CHECK(ola == NULL);
        CHECK_FAIL(patch_overlap_adder_finish(NULL, ola_got, sizeof ola_got, NULL),
                   PATCH_STATUS_NULL_POINTER, "`adder` is NULL");
        patch_overlap_adder_free(NULL);
    }
}

static void test_bad_inputs(void) {
    size_t shape[] = {8, 12, 3}, np = 0, sentinel = 12345, len = 0;
    unsigned char img[8 * 12 * 3], dst[8 * 12 * 3];
    patch_axis axes[3];
    patch_view *v = NULL, *marker = (patch_view *)&sentinel;
    axes[0] = patch_axis_window(4, 4, 1);
    axes[1] = patch_axis_window(4, 4, 1);
    axes[2] = patch_axis_whole();
    memset(img, 1, sizeof img);

    /* NULL pointers: a status and the argument's name, never a crash. */
    CHECK_FAIL(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, 3, 0, 0, NULL),
               PATCH_STATUS_NULL_POINTER, "`out_view` is NULL");
    v = marker;
    CHECK_FAIL(create_raw(NULL, NULL, 3, 0, PATCH_DTYPE_U8, axes, 3, 0, 0, &v),
               PATCH_STATUS_NULL_POINTER, "`layout->shape` is NULL but its length is 3");
    CHECK_FAIL(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, NULL, 3, 0, 0, &v),
               PATCH_STATUS_NULL_POINTER, "`axes` is NULL but its length is 3");
    CHECK(v == marker); /* out-parameters are written only on success */
    CHECK_FAIL(patch_view_num_patches(NULL, &np), PATCH_STATUS_NULL_POINTER, "`view` is NULL");
    CHECK_FAIL(patch_extract_into(NULL, img, 1, dst, 1, &(patch_extract_options){0, NULL, 0}),
               PATCH_STATUS_NULL_POINTER, "`view`");
    CHECK_FAIL(patch_fold_into(NULL, NULL, 0 * sizeof(float), NULL, 0 * sizeof(float),
                               &(patch_fold_options){0, 0, 0.0}),
               PATCH_STATUS_NULL_POINTER, "`view`");
    patch_view_free(NULL); /* allowed */

    /* Unknown enum values passed as integers. */
    {
        patch_axis bad_role[3];
        memcpy(bad_role, axes, sizeof axes);
        bad_role[1].role = 7;
        CHECK_FAIL3(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, bad_role, 3, 0, 0, &v),
                    PATCH_STATUS_INVALID_ENUM, "role of axis 1", "7", "PATCH_ROLE_BATCH (2)");
        CHECK_FAIL2(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, 3, 9, 0, &v),
                    PATCH_STATUS_INVALID_ENUM, "convention 9", "PATCH_CONVENTION_VALID (0)");
        CHECK_FAIL2(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, 3, 0, 5, &v),
                    PATCH_STATUS_INVALID_ENUM, "pad mode 5", "_WRAP (4)");
        CHECK(v == marker);
    }

    /* Geometry errors from the engine, each naming its numbers. */
    {
        patch_axis a[3];
        size_t s8[] = {8};
        memcpy(a, axes, sizeof a);
        CHECK_FAIL2(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, 2, 0, 0, &v),
                    PATCH_STATUS_RANK_MISMATCH, "2 axis roles", "3 axes (shape [8, 12, 3])");
        a[1].size = 0;
        CHECK_FAIL(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, a, 3, 0, 0, &v),
                   PATCH_STATUS_ZERO_SIZE, "window size of axis 1 is 0");
        a[1] = patch_axis_window(4, 0, 1);
        CHECK_FAIL(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, a, 3, 0, 0, &v),
                   PATCH_STATUS_ZERO_STEP, "step of axis 1 is 0");
        a[1] = patch_axis_window(4, 1, 0);
        CHECK_FAIL(create_raw(shape, NULL, 3, 0, PATCH_DTYPE_U8, a, 3, 0, 0, &v),
                   PATCH_STATUS_ZERO_DILATION, "dilation of axis 1 is 0");
        a[0] = patch_axis_window(5, 1, 2);
        CHECK_FAIL(create_raw(s8, NULL, 1, 0, PATCH_DTYPE_F32, a, 1, 0, 0, &v),
                   PATCH_STATUS_WINDOW_TOO_LARGE,
                   "window 5 (extent 9 with dilation 2) is larger than axis 0 of length 8");
        a[0] = patch_axis_window(20, 1, 1);
        CHECK_FAIL(create_raw(s8, NULL, 1, 0, PATCH_DTYPE_F32, a, 1, PATCH_CONVENTION_COVER, 0, &v),
                   PATCH_STATUS_WINDOW_TOO_LARGE, "window 20 is larger than axis 0 of length 8");
        /* Padding given where it does not apply. */
        a[0] = patch_axis_window_padded(3, 1, 1, 1, 1);
        CHECK_FAIL2(create_raw(s8, NULL, 1, 0, PATCH_DTYPE_F32, a, 1, PATCH_CONVENTION_SAME, 0, &v),
                    PATCH_STATUS_INVALID_ARGUMENT, "axis 0 has padding (1, 1)",
                    "PATCH_CONVENTION_EXPLICIT");
        a[0] = patch_axis_batch();
        a[0].pad_hi = 2;
        CHECK_FAIL(
            create_raw(s8, NULL, 1, 0, PATCH_DTYPE_F32, a, 1, PATCH_CONVENTION_EXPLICIT, 0, &v),
            PATCH_STATUS_INVALID_ARGUMENT, "axis 0 is a batch axis but has padding (0, 2)");
        CHECK(v == marker);
    }

    /* Overflowing shapes, strides and item sizes. */
    {
        size_t big[] = {(size_t)1 << 40, (size_t)1 << 40};
        ptrdiff_t st[] = {1, 1};
        size_t huge[] = {SIZE_MAX};
        ptrdiff_t big_stride[] = {PTRDIFF_MAX / 2};
        size_t two[] = {4};
        patch_axis b[2];
        b[0] = patch_axis_batch();
        b[1] = patch_axis_batch();
        CHECK_FAIL2(create_raw(big, NULL, 2, 0, PATCH_DTYPE_U8, b, 2, 0, 0, &v),
                    PATCH_STATUS_OVERFLOW, "shape [1099511627776, 1099511627776]", "overflow");
        CHECK_FAIL2(create_raw(big, st, 2, 0, PATCH_DTYPE_U8, b, 2, 0, 0, &v),
                    PATCH_STATUS_OVERFLOW, "element count", "[1099511627776, 1099511627776]");
        CHECK_FAIL(create_raw(huge, NULL, 1, 0, PATCH_DTYPE_U8, b, 1, 0, 0, &v),
                   PATCH_STATUS_OVERFLOW, "18446744073709551615");
        CHECK_FAIL2(create_raw(two, big_stride, 1, 0, PATCH_DTYPE_U8, b, 1, 0, 0, &v),
                    PATCH_STATUS_OVERFLOW, "strides [4611686018427387903]", "overflows isize");
        CHECK(v == marker);
    }

    /* The item size comes from a dtype with a fixed number: no caller number
     * is cast to a signed type (issue 9's shape {0, 4}, offset 1, itemsize
     * SIZE_MAX gave strides {-4, -1}). 0 (zero-initialized) and numbers
     * past PATCH_DTYPE_BF16 (12) are refused. */
    {
        size_t s04[] = {0, 4}, item = 0, off = 0;
        ptrdiff_t st[2];
        patch_axis b[2];
        uint32_t dt = 0;
        b[0] = patch_axis_batch();
        b[1] = patch_axis_batch();
        CHECK_FAIL2(create_raw(shape, NULL, 3, 0, 0, axes, 3, 0, 0, &v), PATCH_STATUS_INVALID_ENUM,
                    "dtype 0 is not one of", "PATCH_DTYPE_U8 (1)");
        CHECK_FAIL(create_raw(shape, NULL, 3, 0, 13, axes, 3, 0, 0, &v), PATCH_STATUS_INVALID_ENUM,
                   "dtype 13 is not one of");
        CHECK_FAIL(create_raw(shape, NULL, 3, 0, UINT32_MAX, axes, 3, 0, 0, &v),
                   PATCH_STATUS_INVALID_ENUM, "dtype 4294967295");
        CHECK(v == marker);
        CHECK_OK(create_raw(s04, NULL, 2, 1, PATCH_DTYPE_I32, b, 2, 0, 0, &v));
        CHECK_OK(patch_view_itemsize(v, &item));
        CHECK_OK(patch_view_dtype(v, &dt));
        CHECK_OK(patch_view_byte_offset(v, &off));
        CHECK_OK(patch_view_strides(v, st, 2, NULL));
        CHECK(item == 4 && dt == PATCH_DTYPE_I32 && off == 4 && st[0] == 16 && st[1] == 4);
        patch_view_free(v);
        v = marker;
    }

    /* Fields that do not apply must be 0: a batch axis with size 7, a whole
     * axis with step 3 and dilation 9. */
    {
        size_t s2[] = {4, 6};
        patch_axis a2[2];
        a2[0] = patch_axis_batch();
        a2[0].size = 7;
        a2[1] = patch_axis_window(2, 2, 1);
        CHECK_FAIL2(create_raw(s2, NULL, 2, 0, PATCH_DTYPE_U8, a2, 2, 0, 0, &v),
                    PATCH_STATUS_INVALID_ARGUMENT, "axis 0 is a batch axis but has size 7",
                    "must be 0 on other axes");
        a2[0] = patch_axis_window(2, 2, 1);
        a2[1] = patch_axis_whole();
        a2[1].step = 3;
        a2[1].dilation = 9;
        CHECK_FAIL(create_raw(s2, NULL, 2, 0, PATCH_DTYPE_U8, a2, 2, 0, 0, &v),
                   PATCH_STATUS_INVALID_ARGUMENT,
                   "axis 1 is a whole axis but has size 0, step 3, dilation 9");
        CHECK(v == marker);
    }

    /* The descriptors: a NULL layout is an error, a NULL padding means VALID. */
    {
        patch_layout l;
        patch_padding same = {PATCH_CONVENTION_SAME, PATCH_PAD_MODE_EDGE};
        bool flag = false;
        CHECK_FAIL(patch_view_create(NULL, axes, 3, NULL, &v), PATCH_STATUS_NULL_POINTER,
                   "`layout` is NULL");
        CHECK(v == marker);
        l.shape = shape;
        l.strides = NULL;
        l.ndim = 3;
        l.offset = 0;
        l.dtype = PATCH_DTYPE_U8;
        CHECK_OK(patch_view_create(&l, axes, 3, NULL, &v));
        CHECK_OK(patch_view_is_view(v, &flag));
        CHECK(flag);
        patch_view_free(v);
        {
            /* Windows of 3 every 2 over 8 and 12 need a row and a column of SAME padding. */
            patch_axis w3[3];
            w3[0] = patch_axis_window(3, 2, 1);
            w3[1] = patch_axis_window(3, 2, 1);
            w3[2] = patch_axis_whole();
            CHECK_OK(patch_view_create(&l, w3, 3, &same, &v));
        }
        CHECK_OK(patch_view_is_view(v, &flag));
        CHECK(!flag);
        patch_view_free(v);
        v = marker;
    }

    /* A good view for the copy checks; lengths are bytes and quoted in bytes. */
    v = make_view(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    CHECK_FAIL4(patch_extract_into(v, img, sizeof img - 1, dst, sizeof dst, NULL),
                PATCH_STATUS_OUT_OF_BOUNDS, "`src_bytes` holds 287 bytes (287 uint8 elements)",
                "reaches index 287", "past the end", "buffer of 287 elements");
    memset(dst, 0xab, sizeof dst);
    CHECK_FAIL(patch_extract_into(v, img, sizeof img, dst, 60, NULL), PATCH_STATUS_BUFFER_SIZE,
               "`dst_bytes` holds 60 bytes but 6 patches of 48 uint8 elements need 288 bytes");
    CHECK(dst[0] == 0xab && dst[59] == 0xab); /* nothing written on failure */
    {
        patch_extract_options o = {2, NULL, 0};
        CHECK_FAIL2(patch_extract_into(v, img, sizeof img, dst, sizeof dst, &o),
                    PATCH_STATUS_INVALID_ENUM, "order 2", "PATCH_ORDER_FEATURE_MAJOR (1)");
        o.order = PATCH_ORDER_PATCH_MAJOR;
        o.fill = img;
        o.fill_bytes = 2;
        CHECK_FAIL(patch_extract_into(v, img, sizeof img, dst, sizeof dst, &o),
                   PATCH_STATUS_INVALID_ARGUMENT,
                   "`fill_bytes` is 2 but the fill value is one 1-byte uint8 element (or 0 for "
                   "zeros)");
        o.fill = NULL;
        o.fill_bytes = 1;
        CHECK_FAIL(patch_extract_into(v, img, sizeof img, dst, sizeof dst, &o),
                   PATCH_STATUS_NULL_POINTER, "`fill` is NULL but its length is 1");
    }
    CHECK(dst[0] == 0xab);
    CHECK_FAIL(patch_extract_into(v, NULL, sizeof img, dst, sizeof dst, NULL),
               PATCH_STATUS_NULL_POINTER, "`src` is NULL but its length is 288");
    CHECK_FAIL(patch_extract_into(v, img, sizeof img, NULL, sizeof dst, NULL),
               PATCH_STATUS_NULL_POINTER, "`dst` is NULL but its length is 288");
    CHECK_FAIL2(patch_extract_into(v, img, sizeof img, img + 8, sizeof dst, NULL),
                PATCH_STATUS_INVALID_ARGUMENT, "`src` (288 bytes", "overlaps `dst` (288 bytes");
    CHECK_FAIL2(patch_extract_into(v, img, (size_t)PTRDIFF_MAX + 1, dst, sizeof dst, NULL),
                PATCH_STATUS_OVERFLOW, "`src` has length 9223372036854775808", "overflow isize");
    CHECK_FAIL(patch_view_check_buffer(v, sizeof img - 1), PATCH_STATUS_OUT_OF_BOUNDS,
               "`buffer_bytes` holds 287 bytes");
    /* Folds need a float view. */
    CHECK_FAIL(patch_fold_into(v, img, sizeof img, dst, sizeof dst, NULL),
               PATCH_STATUS_UNSUPPORTED_DTYPE,
               "folds add elements up: the view's dtype must be float32 or float64, not uint8");
    /* Patch numbers out of range. */
    CHECK_FAIL(patch_view_patch_origin(v, 99, NULL, 0, &len), PATCH_STATUS_OUT_OF_BOUNDS,
               "patch 99 is out of range for 6 patches");
    CHECK_FAIL(patch_view_touches_padding(v, 6, NULL), PATCH_STATUS_NULL_POINTER, "`out`");
    {
        bool flag = false;
        CHECK_FAIL(patch_view_touches_padding(v, 6, &flag), PATCH_STATUS_OUT_OF_BOUNDS,
                   "patch 6 is out of range for 6 patches");
        CHECK_FAIL(patch_view_patch_byte_offset(v, 6, &len), PATCH_STATUS_OUT_OF_BOUNDS,
                   "patch 6 is out of range for 6 patches");
    }
    /* Array getters: too short a buffer says how many entries it needs and writes nothing. */
    {
        size_t got[5] = {0, 0, 0, 0, 0}, n = 99;
        CHECK_FAIL2(patch_view_shape(v, got, 3, &n), PATCH_STATUS_BUFFER_SIZE,
                    "holds 3 entries", "needs 5");
        CHECK(n == 99 && got[0] == 0);
        CHECK_FAIL(patch_view_shape(v, NULL, 5, &n), PATCH_STATUS_NULL_POINTER,
                   "`buf` is NULL but its length is 5");
        CHECK_OK(patch_view_shape(v, NULL, 0, &n));
        CHECK(n == 5);
        CHECK_FAIL(patch_view_ndim(v, NULL), PATCH_STATUS_NULL_POINTER, "`out` is NULL");
    }
    /* Misaligned typed pointers are refused, not dereferenced. */
    {
        double storage[4];
        size_t *odd = (size_t *)(void *)((char *)storage + 1);
        CHECK_FAIL2(patch_view_num_patches(v, odd), PATCH_STATUS_INVALID_ARGUMENT, "`out`",
                    "misaligned for 8-byte alignment");
    }
    patch_view_free(v);

    /* Fold errors. */
    {
        size_t s2[] = {6, 6};
        patch_axis a2[2];
        float p[2 * 2 * 9], out[36];
        patch_fold_options sum = {PATCH_ORDER_PATCH_MAJOR, PATCH_REDUCE_SUM, 0.0}, o = sum;
        a2[0] = patch_axis_window(3, 3, 1);
        a2[1] = patch_axis_window(3, 3, 1);
        v = make_view(s2, NULL, 2, 0, PATCH_DTYPE_F32, a2, PATCH_CONVENTION_VALID,
                      PATCH_PAD_MODE_CONSTANT);
        memset(p, 0, sizeof p);
        memset(out, 0x7f, sizeof out);
        CHECK_FAIL(patch_fold_into(v, p, 35 * sizeof(float), out, sizeof out, &sum),
                   PATCH_STATUS_BUFFER_SIZE,
                   "`patches_bytes` holds 140 bytes but 4 patches of 9 float32 elements need 144 "
                   "bytes");
        CHECK_FAIL(patch_fold_into(v, p, sizeof p, out, 35 * sizeof(float), &sum),
                   PATCH_STATUS_BUFFER_SIZE,
                   "`out_bytes` holds 140 bytes but an array of shape [6, 6] of float32 needs 144 "
                   "bytes");
        CHECK_FAIL(patch_fold_into(v, p, sizeof p - 2, out, sizeof out, &sum),
                   PATCH_STATUS_BUFFER_SIZE, "`patches_bytes` holds 142 bytes but");
        o.reduce = 9;
        CHECK_FAIL2(patch_fold_into(v, p, sizeof p, out, sizeof out, &o), PATCH_STATUS_INVALID_ENUM,
                    "reduce 9", "_OVERWRITE (4)");
        o.reduce = PATCH_REDUCE_WEIGHTED_GAUSSIAN;
        o.sigma_scale = -1.0;
        CHECK_FAIL(patch_fold_into(v, p, sizeof p, out, sizeof out, &o),
                   PATCH_STATUS_INVALID_ARGUMENT, "sigma_scale -1 must be finite and > 0");
        CHECK_FAIL(patch_fold_into(v, p, sizeof p, p, sizeof out, &sum),
                   PATCH_STATUS_INVALID_ARGUMENT, "overlaps");
        {
            float *odd = (float *)(void *)((char *)out + 2);
            CHECK_FAIL(patch_fold_into(v, p, sizeof p, odd, sizeof out, &sum),
                       PATCH_STATUS_INVALID_ARGUMENT, "misaligned for 4-byte alignment");
        }
        {
            unsigned char raw[sizeof out];
            memcpy(raw, out, sizeof out);
            CHECK(memcmp(raw, out, sizeof out) == 0);
            CHECK(raw[0] == 0x7f && raw[sizeof raw - 1] == 0x7f); /* untouched by every failure */
        }
        patch_view_free(v);
    }

    /* A huge result is checked against the output length before any work. */
    {
        float fr[2] = {1.0f, 2.0f}, o[1];
        CHECK_FAIL(patch_overlap_add_into(PATCH_DTYPE_F32, fr, sizeof fr, o, sizeof o, 1,
                                          (size_t)1 << 60),
                   PATCH_STATUS_BUFFER_SIZE,
                   "`out_bytes` holds 4 bytes but 2 frames of 1 float32 samples every "
                   "1152921504606846976 need 4611686018427387908 bytes");
    }
}

/* ---------------------------------------------------------------------- */
/* Statuses, messages, versions, threads                                   */
/* ---------------------------------------------------------------------- */

static void test_status_and_errors(void) {
    char small[8], buf[512];
    size_t need = 0, n = 0;
    CHECK(strcmp(patch_status_str(PATCH_STATUS_OK), "ok") == 0);
    CHECK(strcmp(patch_status_str(PATCH_STATUS_WINDOW_TOO_LARGE), "window too large") == 0);
    CHECK(strcmp(patch_status_str(PATCH_STATUS_BUFFER_SIZE), "buffer size") == 0);
    /* The former name of status 9 is kept as an alias. */
    CHECK(PATCH_STATUS_BUFFER_SIZE == 9 &&
          PATCH_STATUS_BUFFER_TOO_SMALL == PATCH_STATUS_BUFFER_SIZE);
    CHECK(strcmp(patch_status_str(PATCH_STATUS_NULL_POINTER), "null pointer") == 0);
    CHECK(strcmp(patch_status_str(PATCH_STATUS_INVALID_ENUM), "invalid enum") == 0);
    CHECK(strcmp(patch_status_str(PATCH_STATUS_PANIC), "panic") == 0);
    CHECK(strcmp(patch_status_str(PATCH_STATUS_OTHER), "other") == 0);
    CHECK(strcmp(patch_status_str(14), "unknown status") == 0);
    CHECK(strcmp(patch_status_str(9999), "unknown status") == 0);
    /* Fixed numbers. */
    CHECK(PATCH_STATUS_OK == 0 && PATCH_STATUS_RANK_MISMATCH == 1 && PATCH_STATUS_ALLOCATION == 13);
    CHECK(PATCH_STATUS_NULL_POINTER == 100 && PATCH_STATUS_INVALID_ENUM == 101 &&
          PATCH_STATUS_PANIC == 102 && PATCH_STATUS_OTHER == 103);

    CHECK_FAIL(patch_frame_count(10, 0, 1, false, &n, NULL), PATCH_STATUS_ZERO_SIZE,
               "frame length is 0");
    /* The copying variant: length query, too short, then whole. */
    CHECK_OK(patch_last_error_copy(NULL, 0, &need));
    CHECK(need == strlen("zero size: frame length is 0; it must be at least 1") + 1);
    n = 77;
    CHECK(patch_last_error_copy(small, sizeof small, &n) == PATCH_STATUS_BUFFER_SIZE);
    CHECK(n == 77);
    /* ... which did not replace the message being copied. */
    CHECK_OK(patch_last_error_copy(buf, sizeof buf, &n));
    CHECK(n == need && strcmp(buf, "zero size: frame length is 0; it must be at least 1") == 0);
    /* Issue 9 item 1, its reproducer: a failing copy freed the message that
     * the pointer of patch_last_error_message() addressed (ASan: a
     * heap-use-after-free in strlen). It must leave the message, the
     * pointer and the caller's buffer untouched. */
    {
        const char *m;
        const char *want = "null pointer: `view` is NULL";
        char b2[2] = {'x', 'y'};
        size_t keep = 5;
        CHECK_FAIL(patch_view_ndim(NULL, NULL), PATCH_STATUS_NULL_POINTER, "`view` is NULL");
        m = patch_last_error_message();
        CHECK(patch_last_error_copy(b2, 2, &keep) == PATCH_STATUS_BUFFER_SIZE);
        CHECK(strlen(m) == strlen(want));
        CHECK(strcmp(m, want) == 0);
        CHECK(patch_last_error_message() == m);
        CHECK(b2[0] == 'x' && b2[1] == 'y' && keep == 5);
        /* Other failures of the copy keep it too: NULL with a length, and a
         * buffer that overlaps the message. */
        CHECK(patch_last_error_copy(NULL, 8, &keep) == PATCH_STATUS_NULL_POINTER);
        CHECK(patch_last_error_copy((char *)(uintptr_t)m, strlen(m) + 1, &keep) ==
              PATCH_STATUS_INVALID_ARGUMENT);
        CHECK(strcmp(m, want) == 0 && patch_last_error_message() == m && keep == 5);
        /* The next failing call of another function replaces it. */
        CHECK_FAIL(patch_frame_count(10, 0, 1, false, &n, NULL), PATCH_STATUS_ZERO_SIZE,
                   "frame length is 0");
    }
    /* Successful calls leave the message alone. */
    CHECK_OK(patch_frame_count(10, 2, 1, false, &n, NULL));
    CHECK(strncmp(patch_last_error_message(), "zero size", 9) == 0);

    /* Versions: the header's macros match the library. */
    {
        char v[32];
        snprintf(v, sizeof v, "%d.%d.%d", PATCH_VERSION_MAJOR, PATCH_VERSION_MINOR,
                 PATCH_VERSION_PATCH);
        CHECK(strcmp(patch_version(), PATCH_VERSION) == 0);
        CHECK(strcmp(patch_version(), v) == 0);
    }
    /* The thread setting. */
    patch_set_num_threads(1);
    CHECK(patch_get_num_threads() == 1);
    patch_set_num_threads(3);
    CHECK(patch_get_num_threads() == 3);
    patch_set_num_threads(0);
    CHECK(patch_get_num_threads() >= 1);
}

/* The plan as JSON: every number in one object. */
static void test_plan_json(void) {
    size_t shape[] = {224, 224, 3}, need = 0, n = 0;
    patch_axis axes[3];
    patch_view *v;
    char *json, tiny[4];
    axes[0] = patch_axis_window(16, 16, 1);
    axes[1] = patch_axis_window(16, 16, 1);
    axes[2] = patch_axis_whole();
    v = make_view(shape, NULL, 3, 0, PATCH_DTYPE_U8, axes, PATCH_CONVENTION_VALID,
                  PATCH_PAD_MODE_CONSTANT);
    CHECK_OK(patch_view_plan_json(v, NULL, 0, &need));
    CHECK(need > 100);
    json = (char *)malloc(need);
    CHECK_OK(patch_view_plan_json(v, json, need, &n));
    CHECK(n == need && strlen(json) + 1 == need);
    CHECK(strstr(json, "\"shape\":[14,14,16,16,3]") != NULL);
    CHECK(strstr(json, "\"view_byte_strides\":[10752,48,672,3,1]") != NULL);
    CHECK(strstr(json, "\"num_patches\":196") != NULL);
    CHECK(strstr(json, "\"patch_len\":768") != NULL);
    CHECK(strstr(json, "\"is_view\":true") != NULL);
    CHECK_FAIL2(patch_view_plan_json(v, tiny, sizeof tiny, &n), PATCH_STATUS_BUFFER_SIZE,
                "`buf` holds 4 bytes", "the JSON text (NUL included) needs");
    free(json);
    patch_view_free(v);
}

int main(void) {
    test_vit_hwc();
    test_im2col_same();
    test_dilation_and_folds();
    test_weighted_fold();
    test_batch_numpy();
    test_negative_strides();
    test_cover_and_explicit();
    test_frames();
    test_stream();
    test_bad_inputs();
    test_status_and_errors();
    test_plan_json();
    return check_summary("c");
}
