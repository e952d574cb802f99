/*
 * C tests of the fused preprocessing of libpatch (issue 11): converting
 * copies with a per-channel affine (ViT/CLIP normalization of u8 RGBA
 * pixels into float32, float16 and bfloat16 tokens in one call), windowed
 * frames, the coefficient and layout helpers, and every bad argument.
 *
 * Every output is checked element by element against a plain C loop: the
 * documented formula, y = round((float)x * (float)scale[c] +
 * (float)shift[c]), with the 16-bit floats rounded to nearest even by the
 * small reference below. Built with -std=c11 (ISO C: gcc contracts no
 * multiply-add into an fma), -Wall -Wextra -Werror -pedantic, run plain,
 * under ASan+UBSan and valgrind.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "patch.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Rounding references                                                     */
/* ---------------------------------------------------------------------- */

static uint32_t f32_bits(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    return x;
}

static float f32_of_bits(uint32_t x) {
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}

/* bfloat16 of a float, rounded to nearest even (NaN stays a quiet NaN). */
static uint16_t bf16_from_f32(float f) {
    uint32_t x = f32_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) {
        return (uint16_t)((x >> 16) | 0x0040u);
    }
    x += 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

/* IEEE binary16 of a float, rounded to nearest even. */
static uint16_t f16_from_f32(float f) {
    uint32_t x = f32_bits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t exp = (x >> 23) & 0xffu;
    uint32_t man = x & 0x7fffffu;
    int e = (int)exp - 127 + 15;
    if (exp == 0xffu) { /* inf, NaN (quiet) */
        return (uint16_t)(sign | 0x7c00u | (man != 0 ? 0x0200u | (man >> 13) : 0u));
    }
    if (e >= 31) {
        return (uint16_t)(sign | 0x7c00u);
    }
    if (e >= 1) { /* normal: 10 bits kept, 13 rounded away */
        uint32_t h = ((uint32_t)e << 10) | (man >> 13);
        uint32_t rest = man & 0x1fffu;
        if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) {
            h++; /* may carry into the exponent, up to infinity */
        }
        return (uint16_t)(sign | h);
    }
    if (e < -10) { /* below half the smallest subnormal */
        return (uint16_t)sign;
    }
    { /* subnormal: units of 2^-24 */
        uint32_t m = man | 0x800000u;
        unsigned shift = (unsigned)(14 - e);
        uint32_t h = m >> shift;
        uint32_t rest = m & ((1u << shift) - 1u);
        uint32_t half = 1u << (shift - 1u);
        if (rest > half || (rest == half && (h & 1u))) {
            h++;
        }
        return (uint16_t)(sign | h);
    }
}

static void test_rounding_reference(void) {
    /* Known values, so that the reference itself is checked. */
    CHECK(f16_from_f32(1.0f) == 0x3c00);
    CHECK(f16_from_f32(-2.0f) == 0xc000);
    CHECK(f16_from_f32(0.1f) == 0x2e66);
    CHECK(f16_from_f32(65504.0f) == 0x7bff);
    CHECK(f16_from_f32(65519.0f) == 0x7bff);
    CHECK(f16_from_f32(65520.0f) == 0x7c00); /* the tie rounds to even: infinity */
    CHECK(f16_from_f32(ldexpf(1.0f, -24)) == 0x0001);
    CHECK(f16_from_f32(ldexpf(1.0f, -25)) == 0x0000);                   /* tie to even */
    CHECK(f16_from_f32(ldexpf(3.0f, -26)) == 0x0001);                   /* above the tie */
    CHECK(f16_from_f32(ldexpf(1.0f, -14)) == 0x0400);                   /* smallest normal */
    CHECK(f16_from_f32(f32_of_bits(0x3f801000u)) == 0x3c00);            /* tie, even below */
    CHECK(f16_from_f32(f32_of_bits(0x3f803000u)) == 0x3c02);            /* tie, even above */
    CHECK(bf16_from_f32(1.0f) == 0x3f80);
    CHECK(bf16_from_f32(f32_of_bits(0x3f808000u)) == 0x3f80);
    CHECK(bf16_from_f32(f32_of_bits(0x3f818000u)) == 0x3f82);
    CHECK(bf16_from_f32(f32_of_bits(0x3f808001u)) == 0x3f81);
}

/* ---------------------------------------------------------------------- */
/* ViT preprocessing in one call                                            */
/* ---------------------------------------------------------------------- */

enum { H = 224, W = 224, P = 16, NP = (H / P) * (W / P), PL = 3 * P * P };

/* CLIP's image processor. */
static const double CLIP_MEAN[3] = {0.48145466, 0.4578275, 0.40821073};
static const double CLIP_STD[3] = {0.26862954, 0.26130258, 0.27577711};

/* The pixel of token k, feature f = (c, i, j) of a (C, ph, pw) patch. */
static unsigned char token_pixel(const unsigned char *rgba, size_t k, size_t f) {
    size_t c = f / (P * P), i = f / P % P, j = f % P;
    size_t py = k / (W / P), px = k % (W / P);
    return rgba[((py * P + i) * W + px * P + j) * 4 + c];
}

/* A view of u8 RGBA pixels read as RGB CHW, tiled into (C, ph, pw). */
static patch_view *rgba_chw_view(size_t shape[3], ptrdiff_t strides[3]) {
    patch_layout layout;
    patch_view *view = NULL;
    const patch_axis axes[3] = {patch_axis_whole(), patch_axis_window(P, P, 1),
                                patch_axis_window(P, P, 1)};
    memset(&layout, 0, sizeof layout);
    CHECK_OK(patch_layout_pixels(PATCH_PIXEL_FORMAT_RGBA, H, W, true, PATCH_DTYPE_U8, shape,
                                 strides, 3, &layout));
    CHECK(shape[0] == 3 && shape[1] == H && shape[2] == W);
    CHECK(strides[0] == 1 && strides[1] == 4 * W && strides[2] == 4);
    CHECK(layout.shape == shape && layout.strides == strides && layout.ndim == 3);
    CHECK(layout.offset == 0 && layout.dtype == PATCH_DTYPE_U8);
    CHECK_OK(patch_view_create(&layout, axes, 3, NULL, &view));
    return view;
}

static void test_vit_preprocess(void) {
    size_t shape[3], copy_bytes = 0, i;
    ptrdiff_t strides[3];
    unsigned char *rgba = malloc((size_t)H * W * 4);
    float *want = malloc(sizeof(float) * NP * PL);
    float *tokens = malloc(sizeof(float) * NP * PL);
    uint16_t *halves = malloc(sizeof(uint16_t) * NP * PL);
    double *wide = malloc(sizeof(double) * NP * PL);
    double scale[3], shift[3];
    float fs[3], fb[3];
    patch_affine norm;
    patch_view *view;
    size_t bad = 0;
    if (!rgba || !want || !tokens || !halves || !wide) {
        CHECK(!"out of memory");
        goto done;
    }
    for (i = 0; i < (size_t)H * W * 4; i++) {
        rgba[i] = (unsigned char)((i * 7 + i / 977) & 0xff);
    }
    view = rgba_chw_view(shape, strides);
    CHECK_OK(patch_view_copy_bytes(view, &copy_bytes));
    CHECK(copy_bytes == (size_t)NP * PL); /* in bytes of the u8 source */

    /* HF normalization (x / 255 - mean) / std as scale and shift. */
    CHECK_OK(patch_normalize_coeffs(1.0 / 255.0, CLIP_MEAN, CLIP_STD, 3, scale, shift));
    for (i = 0; i < 3; i++) {
        CHECK(scale[i] == (1.0 / 255.0) / CLIP_STD[i]);
        CHECK(shift[i] == -CLIP_MEAN[i] / CLIP_STD[i]);
        fs[i] = (float)scale[i];
        fb[i] = (float)shift[i];
    }
    norm.axis = 0; /* the channel axis of the (C, ph, pw) patch */
    norm.scale = scale;
    norm.scale_len = 3;
    norm.shift = shift;
    norm.shift_len = 3;

    /* The plain C loop: (float)x * scale + shift, element by element. */
    for (i = 0; i < (size_t)NP * PL; i++) {
        size_t k = i / PL, f = i % PL, c = f / (P * P);
        want[i] = (float)token_pixel(rgba, k, f) * fs[c] + fb[c];
    }

    /* One call: u8 RGBA -> normalized float32 [196, 768]. */
    CHECK_OK(patch_extract_convert_into(view, rgba, (size_t)H * W * 4, tokens,
                                        sizeof(float) * NP * PL, PATCH_DTYPE_F32, NULL, &norm));
    for (i = 0; i < (size_t)NP * PL; i++) {
        bad += f32_bits(tokens[i]) != f32_bits(want[i]);
    }
    CHECK(bad == 0);
    /* A known value: token 0, red of pixel (0, 0) is rgba[0] = 0. */
    CHECK(tokens[0] == fb[0]);

    /* float16 and bfloat16: the f32 values rounded to nearest even. */
    CHECK_OK(patch_extract_convert_into(view, rgba, (size_t)H * W * 4, halves,
                                        sizeof(uint16_t) * NP * PL, PATCH_DTYPE_F16, NULL, &norm));
    for (bad = 0, i = 0; i < (size_t)NP * PL; i++) {
        bad += halves[i] != f16_from_f32(want[i]);
    }
    CHECK(bad == 0);
    CHECK_OK(patch_extract_convert_into(view, rgba, (size_t)H * W * 4, halves,
                                        sizeof(uint16_t) * NP * PL, PATCH_DTYPE_BF16, NULL,
                                        &norm));
    for (bad = 0, i = 0; i < (size_t)NP * PL; i++) {
        bad += halves[i] != bf16_from_f32(want[i]);
    }
    CHECK(bad == 0);

    /* float64: the same formula in double (a threaded copy: 1.2 MB). */
    CHECK_OK(patch_extract_convert_into(view, rgba, (size_t)H * W * 4, wide,
                                        sizeof(double) * NP * PL, PATCH_DTYPE_F64, NULL, &norm));
    for (bad = 0, i = 0; i < (size_t)NP * PL; i++) {
        size_t k = i / PL, f = i % PL, c = f / (P * P);
        double w = (double)token_pixel(rgba, k, f) * scale[c] + shift[c];
        bad += memcmp(&w, &wide[i], sizeof w) != 0;
    }
    CHECK(bad == 0);

    /* A conversion without an affine, and a scalar affine (x / 255). */
    CHECK_OK(patch_extract_convert_into(view, rgba, (size_t)H * W * 4, tokens,
                                        sizeof(float) * NP * PL, PATCH_DTYPE_F32, NULL, NULL));
    for (bad = 0, i = 0; i < (size_t)NP * PL; i++) {
        bad += tokens[i] != (float)token_pixel(rgba, i / PL, i % PL);
    }
    CHECK(bad == 0);
    {
        const double s = 1.0 / 255.0;
        const patch_affine scalar = {PATCH_AFFINE_SCALAR, &s, 1, NULL, 0};
        const float fsc = (float)s;
        CHECK_OK(patch_extract_convert_into(view, rgba, (size_t)H * W * 4, tokens,
                                            sizeof(float) * NP * PL, PATCH_DTYPE_F32, NULL,
                                            &scalar));
        for (bad = 0, i = 0; i < (size_t)NP * PL; i++) {
            float w = (float)token_pixel(rgba, i / PL, i % PL) * fsc + 0.0f;
            bad += f32_bits(tokens[i]) != f32_bits(w);
        }
        CHECK(bad == 0);
    }
    patch_view_free(view);
done:
    free(rgba);
    free(want);
    free(tokens);
    free(halves);
    free(wide);
}

/* BGR and BGRA read as RGB by strides; HWC patches normalized along axis 2,
 * with SAME constant padding written as given (destination units). */
static void test_bgr_hwc_padded(void) {
    enum { BH = 5, BW = 6, T = 4 };
    unsigned char bgra[BH * BW * 4];
    size_t shape[3], n = 0, len = 0, i;
    ptrdiff_t strides[3];
    patch_layout layout;
    patch_view *view = NULL;
    const patch_axis axes[3] = {patch_axis_window(T, T, 1), patch_axis_window(T, T, 1),
                                patch_axis_whole()};
    const patch_padding same = {PATCH_CONVENTION_SAME, PATCH_PAD_MODE_CONSTANT};
    const double scale[3] = {1.0, 10.0, 100.0}, shift[3] = {0.5, 0.25, 0.125};
    const patch_affine aff = {2, scale, 3, shift, 3};
    const float fill = -7.5f;
    const patch_extract_options opts = {PATCH_ORDER_PATCH_MAJOR, &fill, sizeof fill};
    float out[4 * T * T * 3];
    size_t bad = 0;
    for (i = 0; i < sizeof bgra; i++) {
        bgra[i] = (unsigned char)(i * 13 % 251);
    }
    CHECK_OK(patch_layout_pixels(PATCH_PIXEL_FORMAT_BGRA, BH, BW, false, PATCH_DTYPE_U8, shape,
                                 strides, 3, &layout));
    CHECK(shape[0] == BH && shape[1] == BW && shape[2] == 3);
    CHECK(strides[0] == 4 * BW && strides[1] == 4 && strides[2] == -1 && layout.offset == 2);
    CHECK_OK(patch_view_create(&layout, axes, 3, &same, &view));
    CHECK_OK(patch_view_num_patches(view, &n));
    CHECK_OK(patch_view_patch_len(view, &len));
    CHECK(n == 4 && len == T * T * 3);
    CHECK_OK(patch_extract_convert_into(view, bgra, sizeof bgra, out, sizeof out, PATCH_DTYPE_F32,
                                        &opts, &aff));
    for (i = 0; i < LEN(out); i++) {
        size_t k = i / len, f = i % len;
        size_t a = f / (T * 3), b = f / 3 % T, c = f % 3;
        /* SAME, 4 and step 4: 2 windows on 5 and on 6, pad_lo 1 on both. */
        ptrdiff_t y = (ptrdiff_t)((k / 2) * T + a) - 1, x = (ptrdiff_t)((k % 2) * T + b) - 1;
        float w;
        if (y < 0 || y >= BH || x < 0 || x >= BW) {
            w = fill;
        } else {
            unsigned char v = bgra[((size_t)y * BW + (size_t)x) * 4 + (2 - c)];
            w = (float)v * (float)scale[c] + (float)shift[c];
        }
        bad += f32_bits(out[i]) != f32_bits(w);
    }
    CHECK(bad == 0);
    patch_view_free(view);
}

/* ---------------------------------------------------------------------- */
/* Windowed frames                                                          */
/* ---------------------------------------------------------------------- */

static void test_windowed_frames(void) {
    enum { N = 4000, FL = 400, HOP = 160 };
    float *signal = malloc(sizeof(float) * N);
    double hann[FL], ham[FL];
    size_t frames = 0, pad = 0, i, bad = 0;
    float *plain = NULL, *windowed = NULL;
    uint16_t *halves = NULL;
    const patch_frame_options pad_end = {true, NULL, 0};
    const double pi = 3.14159265358979323846;
    if (!signal) {
        CHECK(!"out of memory");
        return;
    }
    for (i = 0; i < N; i++) {
        signal[i] = (float)sin((double)i * 0.01) * 0.5f + (float)(i % 7) * 0.125f;
    }
    CHECK_OK(patch_window_hann(FL, true, hann, FL));
    CHECK_OK(patch_window_hamming(FL, false, ham, FL));
    for (i = 0; i < FL; i++) {
        double h = 0.5 - 0.5 * cos(2.0 * pi * (double)i / FL);
        double m = 0.54 - 0.46 * cos(2.0 * pi * (double)i / (FL - 1));
        bad += fabs(hann[i] - h) > 1e-12 || fabs(ham[i] - m) > 1e-12;
    }
    CHECK(bad == 0);
    CHECK(hann[0] == 0.0 && hann[FL / 2] == 1.0);
    {
        /* torch.hann_window(8) and torch.hamming_window(5, periodic=False). */
        double w8[8], w5[5];
        const double t8[8] = {0.0, 0.146446609407, 0.5, 0.853553390593,
                              1.0, 0.853553390593, 0.5, 0.146446609407};
        const double t5[5] = {0.08, 0.54, 1.0, 0.54, 0.08};
        CHECK_OK(patch_window_hann(8, true, w8, 8));
        CHECK_OK(patch_window_hamming(5, false, w5, 5));
        for (bad = 0, i = 0; i < 8; i++) {
            bad += fabs(w8[i] - t8[i]) > 1e-12;
        }
        for (i = 0; i < 5; i++) {
            bad += fabs(w5[i] - t5[i]) > 1e-12;
        }
        CHECK(bad == 0);
    }

    CHECK_OK(patch_frame_count(N, FL, HOP, true, &frames, &pad));
    plain = malloc(sizeof(float) * frames * FL);
    windowed = malloc(sizeof(float) * frames * FL);
    halves = malloc(sizeof(uint16_t) * frames * FL);
    if (plain && windowed && halves) {
        const patch_affine window = {0, hann, FL, NULL, 0};
        CHECK_OK(patch_frame_into(PATCH_DTYPE_F32, signal, sizeof(float) * N, plain,
                                  sizeof(float) * frames * FL, FL, HOP, &pad_end));
        CHECK_OK(patch_frame_convert_into(PATCH_DTYPE_F32, signal, sizeof(float) * N, windowed,
                                          sizeof(float) * frames * FL, PATCH_DTYPE_F32, FL, HOP,
                                          &pad_end, &window));
        /* Frame, then multiply: x * w + 0 (the shift of a window is 0). */
        for (bad = 0, i = 0; i < frames * FL; i++) {
            float w = plain[i] * (float)hann[i % FL] + 0.0f;
            bad += f32_bits(windowed[i]) != f32_bits(w);
        }
        CHECK(bad == 0);
        CHECK_OK(patch_frame_convert_into(PATCH_DTYPE_F32, signal, sizeof(float) * N, halves,
                                          sizeof(uint16_t) * frames * FL, PATCH_DTYPE_BF16, FL,
                                          HOP, &pad_end, &window));
        for (bad = 0, i = 0; i < frames * FL; i++) {
            bad += halves[i] != bf16_from_f32(plain[i] * (float)hann[i % FL] + 0.0f);
        }
        CHECK(bad == 0);
        /* int16 PCM into float16 frames (no window): exact conversions. */
        {
            int16_t pcm[10] = {0, 1, -1, 2048, -2049, 32767, -32768, 100, 7, 3};
            uint16_t out[16];
            CHECK_OK(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm, out, sizeof out,
                                              PATCH_DTYPE_F16, 4, 2, NULL, NULL));
            for (bad = 0, i = 0; i < 16; i++) {
                bad += out[i] != f16_from_f32((float)pcm[(i / 4) * 2 + i % 4]);
            }
            CHECK(bad == 0);
        }
    } else {
        CHECK(!"out of memory");
    }
    free(signal);
    free(plain);
    free(windowed);
    free(halves);
}

/* ---------------------------------------------------------------------- */
/* Bad arguments                                                            */
/* ---------------------------------------------------------------------- */

/* Whether all `n` bytes of `p` are still `v`. */
static int untouched(const void *p, size_t n, unsigned char v) {
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != v) {
            return 0;
        }
    }
    return 1;
}

static void test_bad_arguments(void) {
    size_t shape[3];
    ptrdiff_t strides[3];
    const size_t SRC = (size_t)H * W * 4, DST = sizeof(float) * NP * PL;
    unsigned char *rgba = calloc(SRC, 1);
    /* Room for a misaligned destination one byte in. */
    unsigned char *dst = malloc(DST + 8);
    const double scale[4] = {1.0, 2.0, 3.0, 4.0}, shift[3] = {0.0, 0.0, 0.0};
    const double nan_scale[3] = {1.0, NAN, 1.0};
    const patch_affine ok = {0, scale, 3, shift, 3};
    patch_affine a;
    patch_view *view;
    if (!rgba || !dst) {
        CHECK(!"out of memory");
        free(rgba);
        free(dst);
        return;
    }
    view = rgba_chw_view(shape, strides);
    memset(dst, 0xAB, DST + 8);

#define DST_UNTOUCHED() CHECK(untouched(dst, DST + 8, 0xAB))
    /* The destination dtype: 0 and 13 are no types. */
    CHECK_FAIL2(patch_extract_convert_into(view, rgba, SRC, dst, DST, 0, NULL, &ok),
                PATCH_STATUS_INVALID_ENUM, "dtype 0 is not one of", "_BF16 (12)");
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, 13, NULL, &ok),
               PATCH_STATUS_INVALID_ENUM, "dtype 13 is not one of");
    DST_UNTOUCHED();
    /* Integer destinations: another integer type, or an affine into one. */
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_I32, NULL, NULL),
               PATCH_STATUS_UNSUPPORTED_DTYPE, "cannot convert uint8 patches to int32");
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, (size_t)NP * PL, PATCH_DTYPE_U8,
                                          NULL, &ok),
               PATCH_STATUS_UNSUPPORTED_DTYPE,
               "an affine (normalize, window) writes float32, float64, float16 or bfloat16, not "
               "uint8");
    DST_UNTOUCHED();
    /* Wrong lengths: scales and shifts differ; not the channel count. */
    a = ok;
    a.shift_len = 2;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT, "the affine has 3 scales but 2 shifts");
    a = ok;
    a.scale_len = 4;
    a.shift_len = 0;
    a.shift = NULL;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT,
               "the affine has 4 values but axis 0 of the patch (shape [3, 16, 16]) has length 3");
    a = ok;
    a.scale_len = 0;
    a.shift_len = 0;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT, "the affine has no values");
    /* Wrong axis: the patch has 3 axes; axis 1 has 16 entries, not 3. */
    a = ok;
    a.axis = 3;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT,
               "the affine runs along axis 3 of the patch, but the patch has 3 axes");
    a.axis = 1;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT, "axis 1 of the patch (shape [3, 16, 16]) has length 16");
    /* A scalar map has one scale and one shift. */
    a = ok;
    a.axis = PATCH_AFFINE_SCALAR;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT, "has scale_len 3 and shift_len 3");
    {
        const double inf = INFINITY;
        const patch_affine bad_scalar = {PATCH_AFFINE_SCALAR, scale, 1, &inf, 1};
        CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL,
                                              &bad_scalar),
                   PATCH_STATUS_INVALID_ARGUMENT, "shift[0] of the affine is inf");
    }
    /* A value that is not finite; NULL arrays with lengths. */
    a = ok;
    a.scale = nan_scale;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_INVALID_ARGUMENT, "scale[1] of the affine is NaN");
    a = ok;
    a.scale = NULL;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_NULL_POINTER, "`affine->scale` is NULL but its length is 3");
    a = ok;
    a.shift = NULL;
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, NULL, &a),
               PATCH_STATUS_NULL_POINTER, "`affine->shift` is NULL but its length is 3");
    DST_UNTOUCHED();
    /* Short and long destinations, in bytes of the destination type. */
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST - 4, PATCH_DTYPE_F32, NULL,
                                          &ok),
               PATCH_STATUS_BUFFER_SIZE,
               "`dst_bytes` holds 602108 bytes but 196 patches of 768 float32 elements need "
               "602112 bytes");
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F16, NULL, &ok),
               PATCH_STATUS_BUFFER_SIZE,
               "`dst_bytes` holds 602112 bytes but 196 patches of 768 float16 elements need "
               "301056 bytes");
    /* The alpha of the last pixel is never read: the blue before it is. */
    CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC - 2, dst, DST, PATCH_DTYPE_F32, NULL,
                                          &ok),
               PATCH_STATUS_OUT_OF_BOUNDS, "`src_bytes` holds 200702 bytes");
    /* A misaligned destination (one byte into an aligned buffer). */
    CHECK_FAIL3(patch_extract_convert_into(view, rgba, SRC, dst + 1, DST, PATCH_DTYPE_F32, NULL,
                                           &ok),
                PATCH_STATUS_INVALID_ARGUMENT, "`dst` (address 0x", "is misaligned for 4-byte",
                "(float32 elements)");
    /* A fill of the source's size, not the destination's. */
    {
        const unsigned char fill = 0;
        const patch_extract_options o = {PATCH_ORDER_PATCH_MAJOR, &fill, 1};
        CHECK_FAIL(patch_extract_convert_into(view, rgba, SRC, dst, DST, PATCH_DTYPE_F32, &o,
                                              &ok),
                   PATCH_STATUS_INVALID_ARGUMENT,
                   "`fill_bytes` is 1 but the fill value is one 4-byte float32 element");
    }
    DST_UNTOUCHED();
    patch_view_free(view);

    /* A misaligned source: uint16 pixels one byte in, into float32. */
    {
        uint16_t src16[2 * 2 * 3 + 1];
        size_t s16[3];
        ptrdiff_t st16[3];
        patch_layout l16;
        patch_view *v16 = NULL;
        const patch_axis ax[3] = {patch_axis_window(2, 2, 1), patch_axis_window(2, 2, 1),
                                  patch_axis_whole()};
        float out[12];
        memset(src16, 0, sizeof src16);
        memset(out, 0xAB, sizeof out);
        CHECK_OK(patch_layout_pixels(PATCH_PIXEL_FORMAT_RGB, 2, 2, false, PATCH_DTYPE_U16, s16,
                                     st16, 3, &l16));
        CHECK_OK(patch_view_create(&l16, ax, 3, NULL, &v16));
        CHECK_FAIL2(patch_extract_convert_into(v16, (unsigned char *)src16 + 1, 24, out,
                                               sizeof out, PATCH_DTYPE_F32, NULL, NULL),
                    PATCH_STATUS_INVALID_ARGUMENT, "`src` (address 0x",
                    "misaligned for 2-byte alignment (uint16 elements)");
        CHECK(untouched(out, sizeof out, 0xAB));
        /* The same-type plain copy needs no alignment. */
        CHECK_OK(patch_extract_convert_into(v16, (unsigned char *)src16 + 1, 24,
                                            (unsigned char *)out + 1, 24, PATCH_DTYPE_U16, NULL,
                                            NULL));
        patch_view_free(v16);
    }

    /* Frames: short output, integer output with a window, bad out dtype. */
    {
        int16_t pcm[8] = {0};
        float out[8];
        double w[2] = {0.5, 1.0};
        const patch_affine win = {0, w, 2, NULL, 0};
        const patch_affine win3 = {0, w, 3, NULL, 0};
        memset(out, 0xAB, sizeof out);
        CHECK_FAIL(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm, out, 20,
                                            PATCH_DTYPE_F32, 2, 3, NULL, &win),
                   PATCH_STATUS_BUFFER_SIZE,
                   "`out_bytes` holds 20 bytes but 3 frames of 2 float32 samples (a signal of 8, "
                   "hop 3) need 24 bytes");
        CHECK_FAIL(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm, out, 12,
                                            PATCH_DTYPE_I16, 2, 3, NULL, &win),
                   PATCH_STATUS_UNSUPPORTED_DTYPE, "not int16");
        CHECK_FAIL(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm, out, 24,
                                            PATCH_DTYPE_F32, 2, 3, NULL, &win3),
                   PATCH_STATUS_INVALID_ARGUMENT,
                   "the affine has 3 values but axis 0 of the patch (shape [2]) has length 2");
        CHECK_FAIL(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm, out, 24, 99, 2, 3,
                                            NULL, &win),
                   PATCH_STATUS_INVALID_ENUM, "dtype 99 is not one of");
        CHECK_FAIL(patch_frame_convert_into(PATCH_DTYPE_I16, pcm, sizeof pcm,
                                            (unsigned char *)out + 2, 24, PATCH_DTYPE_F32, 2, 3,
                                            NULL, &win),
                   PATCH_STATUS_INVALID_ARGUMENT, "`out` (address 0x");
        CHECK(untouched(out, sizeof out, 0xAB));
    }

    /* The helpers. */
    {
        double w[4];
        double s[2], b[2];
        const double mean[2] = {0.5, 0.5}, std0[2] = {0.5, 0.0};
        patch_layout l;
        size_t sh[3] = {9, 9, 9};
        ptrdiff_t st3[3] = {9, 9, 9};
        memset(w, 0xAB, sizeof w);
        memset(s, 0xAB, sizeof s);
        memset(b, 0xAB, sizeof b);
        memset(&l, 0xAB, sizeof l);
        CHECK_FAIL(patch_window_hann(5, true, w, 4), PATCH_STATUS_BUFFER_SIZE,
                   "`out_len` is 4 but a window of 5 samples needs 5 entries");
        CHECK_FAIL(patch_window_hamming(4, false, NULL, 4), PATCH_STATUS_NULL_POINTER,
                   "`out` is NULL but its length is 4");
        CHECK(untouched(w, sizeof w, 0xAB));
        CHECK_FAIL(patch_normalize_coeffs(1.0, mean, std0, 2, s, b), PATCH_STATUS_INVALID_ARGUMENT,
                   "std[1] is 0");
        CHECK_FAIL(patch_normalize_coeffs(1.0, mean, NULL, 2, s, b), PATCH_STATUS_NULL_POINTER,
                   "`std` is NULL but its length is 2");
        CHECK_FAIL(patch_normalize_coeffs(1.0, mean, mean, 2, s, s), PATCH_STATUS_INVALID_ARGUMENT,
                   "overlaps");
        CHECK(untouched(s, sizeof s, 0xAB) && untouched(b, sizeof b, 0xAB));
        CHECK_FAIL(patch_layout_pixels(0, 2, 2, false, PATCH_DTYPE_U8, sh, st3, 3, &l),
                   PATCH_STATUS_INVALID_ENUM,
                   "pixel format 0 is not one of PATCH_PIXEL_FORMAT_RGB (1)");
        CHECK_FAIL(patch_layout_pixels(PATCH_PIXEL_FORMAT_RGB, 2, 2, false, 0, sh, st3, 3, &l),
                   PATCH_STATUS_INVALID_ENUM, "dtype 0 is not one of");
        CHECK_FAIL(patch_layout_pixels(PATCH_PIXEL_FORMAT_RGB, 2, 2, false, PATCH_DTYPE_U8, sh,
                                       st3, 2, &l),
                   PATCH_STATUS_BUFFER_SIZE, "`out_len` is 2 but a pixel layout has 3 axes");
        CHECK_FAIL(patch_layout_pixels(PATCH_PIXEL_FORMAT_RGB, 2, SIZE_MAX / 2, false,
                                       PATCH_DTYPE_U8, sh, st3, 3, &l),
                   PATCH_STATUS_OVERFLOW, "overflows isize");
        CHECK_FAIL(patch_layout_pixels(PATCH_PIXEL_FORMAT_RGB, 2, 2, false, PATCH_DTYPE_U8, sh,
                                       st3, 3, NULL),
                   PATCH_STATUS_NULL_POINTER, "`out_layout` is NULL");
        CHECK(sh[0] == 9 && sh[1] == 9 && sh[2] == 9 && st3[0] == 9 && st3[2] == 9);
        CHECK(untouched(&l, sizeof l, 0xAB));
    }
#undef DST_UNTOUCHED
    free(rgba);
    free(dst);
}

int main(void) {
    test_rounding_reference();
    test_vit_preprocess();
    test_bgr_hwc_padded();
    test_windowed_frames();
    test_bad_arguments();
    return check_summary("test_preprocess");
}
