/*
 * The C ABI part of the benchmark suite (`make bench`, scripts/bench.sh).
 *
 * Times, in one process, single-threaded (patch_set_num_threads(1)):
 *
 *   tiny   32x32x3 u8, 8x8 tiles -> [16, 192] (3072 bytes):
 *          create_copy_free  patch_view_create + patch_extract_into + patch_view_free
 *          copy              patch_extract_into alone, on a view made once
 *          getter            patch_view_num_patches (call overhead alone)
 *          memcpy            memcpy of the same 3072 bytes
 *   vit_u8 224x224x3 u8, 16x16 tiles -> [196, 768] through the C ABI:
 *          patch_c           patch_extract_into on a view made once
 *          memcpy            memcpy of the same 150528 bytes
 *   vit_preprocess 224x224 RGBA u8 -> CLIP-normalized f32 [196, 768] (C, ph, pw)
 *          patch_c           one patch_extract_convert_into (patch_layout_pixels CHW,
 *                            patch_normalize_coeffs) on a view made once
 *          copy_then_normalize  patch_extract_into of the u8 tokens, then a C loop
 *                            (float)x * scale + shift into the f32 output
 *          plain_loop        one C loop doing all of it
 *          memcpy            memcpy of the 602112 bytes of f32 output
 *
 * Each variant: calls per sample calibrated to about a sample's length,
 * then several samples, the median seconds per call; the variants of one
 * workload are measured round-robin twice and the smaller median kept
 * (same method as patch-core/benches/suite.rs). The output of the copy is
 * checked against a plain loop before timing.
 *
 * Usage: bench_c OUT.json     (BENCH_QUICK=1 in the environment: shorter samples)
 * Writes a JSON list of rows {"suite":"c","workload","variant","threads","seconds","bytes"}.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "patch.h"

/* Keeps the compiler from dropping or merging work whose result is unused. */
#define CLOBBER(p) __asm__ volatile("" : : "r"(p) : "memory")

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef void (*bench_fn)(void *ctx);

static double sample_secs = 0.08;
static int samples = 5;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median seconds per call of f(ctx) over `samples` samples. */
static double time_fn(bench_fn f, void *ctx) {
    f(ctx);
    double start = now();
    unsigned long calls = 0;
    while (now() - start < sample_secs / 4) {
        f(ctx);
        calls++;
    }
    unsigned long per_sample = calls > 0 ? calls * 4 : 1;
    double times[64];
    for (int s = 0; s < samples; s++) {
        double t = now();
        for (unsigned long i = 0; i < per_sample; i++) f(ctx);
        times[s] = (now() - t) / (double)per_sample;
    }
    qsort(times, (size_t)samples, sizeof times[0], cmp_double);
    return times[samples / 2];
}

static void die(const char *what, patch_status st) {
    fprintf(stderr, "bench_c: %s failed: %s (%s)\n", what, patch_status_str(st),
            patch_last_error_message());
    exit(1);
}

/* ---- the workloads ---- */

struct tiles {
    size_t shape[3];
    patch_axis axes[3];
    const unsigned char *src;
    size_t src_bytes;
    unsigned char *dst;
    size_t dst_bytes;
    patch_view *view; /* made once, for the "copy" variants */
    const unsigned char *copy_src;
};

static void make_view(struct tiles *t, patch_view **out) {
    const patch_layout layout = {t->shape, NULL, 3, 0, PATCH_DTYPE_U8};
    patch_status st = patch_view_create(&layout, t->axes, 3, NULL, out);
    if (st != PATCH_STATUS_OK) die("patch_view_create", st);
}

static void v_create_copy_free(void *ctx) {
    struct tiles *t = ctx;
    patch_view *v = NULL;
    make_view(t, &v);
    patch_status st = patch_extract_into(v, t->src, t->src_bytes, t->dst, t->dst_bytes, NULL);
    if (st != PATCH_STATUS_OK) die("patch_extract_into", st);
    patch_view_free(v);
    CLOBBER(t->dst);
}

static void v_copy(void *ctx) {
    struct tiles *t = ctx;
    patch_status st =
        patch_extract_into(t->view, t->src, t->src_bytes, t->dst, t->dst_bytes, NULL);
    if (st != PATCH_STATUS_OK) die("patch_extract_into", st);
    CLOBBER(t->dst);
}

static void v_getter(void *ctx) {
    struct tiles *t = ctx;
    size_t n = 0;
    patch_status st = patch_view_num_patches(t->view, &n);
    if (st != PATCH_STATUS_OK) die("patch_view_num_patches", st);
    CLOBBER(&n);
}

static void v_memcpy(void *ctx) {
    struct tiles *t = ctx;
    CLOBBER(t->copy_src);
    memcpy(t->dst, t->copy_src, t->dst_bytes);
    CLOBBER(t->dst);
}

/* ---- vit_preprocess: u8 RGBA -> normalized f32 (C, ph, pw) tokens ---- */

enum { VH = 224, VW = 224, VP = 16, VN = (VH / VP) * (VW / VP), VL = 3 * VP * VP };

struct prep {
    unsigned char *rgba;
    unsigned char *u8_tokens; /* for copy_then_normalize */
    float *out;
    const float *copy_src; /* for memcpy */
    patch_view *view;      /* RGBA read as RGB CHW, (C, ph, pw) tiles */
    double scale[3], shift[3];
    float fs[3], fb[3];
    patch_affine norm;
};

static void p_one_call(void *ctx) {
    struct prep *p = ctx;
    patch_status st = patch_extract_convert_into(p->view, p->rgba, (size_t)VH * VW * 4, p->out,
                                                 sizeof(float) * VN * VL, PATCH_DTYPE_F32, NULL,
                                                 &p->norm);
    if (st != PATCH_STATUS_OK) die("patch_extract_convert_into", st);
    CLOBBER(p->out);
}

static void p_copy_then_normalize(void *ctx) {
    struct prep *p = ctx;
    patch_status st = patch_extract_into(p->view, p->rgba, (size_t)VH * VW * 4, p->u8_tokens,
                                         (size_t)VN * VL, NULL);
    if (st != PATCH_STATUS_OK) die("patch_extract_into", st);
    for (size_t k = 0; k < VN; k++)
        for (size_t c = 0; c < 3; c++) {
            const unsigned char *in = p->u8_tokens + k * VL + c * VP * VP;
            float *o = p->out + k * VL + c * VP * VP;
            const float s = p->fs[c], b = p->fb[c];
            for (size_t i = 0; i < VP * VP; i++) o[i] = (float)in[i] * s + b;
        }
    CLOBBER(p->out);
}

static void p_plain_loop(void *ctx) {
    struct prep *p = ctx;
    float *o = p->out;
    for (size_t gy = 0; gy < VH / VP; gy++)
        for (size_t gx = 0; gx < VW / VP; gx++)
            for (size_t c = 0; c < 3; c++) {
                const float s = p->fs[c], b = p->fb[c];
                for (size_t y = 0; y < VP; y++) {
                    const unsigned char *row = p->rgba + ((gy * VP + y) * VW + gx * VP) * 4 + c;
                    for (size_t x = 0; x < VP; x++) *o++ = (float)row[x * 4] * s + b;
                }
            }
    CLOBBER(p->out);
}

static void p_memcpy(void *ctx) {
    struct prep *p = ctx;
    CLOBBER(p->copy_src);
    memcpy(p->out, p->copy_src, sizeof(float) * VN * VL);
    CLOBBER(p->out);
}

static void prep_setup(struct prep *p) {
    static const double mean[3] = {0.48145466, 0.4578275, 0.40821073};
    static const double std[3] = {0.26862954, 0.26130258, 0.27577711};
    static size_t shape[3];
    static ptrdiff_t strides[3];
    const patch_axis axes[3] = {patch_axis_whole(), patch_axis_window(VP, VP, 1),
                                patch_axis_window(VP, VP, 1)};
    patch_layout layout;
    float *want = malloc(sizeof(float) * VN * VL), *copy_src = malloc(sizeof(float) * VN * VL);
    p->rgba = malloc((size_t)VH * VW * 4);
    p->u8_tokens = malloc((size_t)VN * VL);
    p->out = malloc(sizeof(float) * VN * VL);
    if (!want || !copy_src || !p->rgba || !p->u8_tokens || !p->out) {
        fprintf(stderr, "bench_c: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < (size_t)VH * VW * 4; i++) p->rgba[i] = (unsigned char)(i * 31 % 251);
    patch_status st = patch_layout_pixels(PATCH_PIXEL_FORMAT_RGBA, VH, VW, true, PATCH_DTYPE_U8,
                                          shape, strides, 3, &layout);
    if (st != PATCH_STATUS_OK) die("patch_layout_pixels", st);
    st = patch_view_create(&layout, axes, 3, NULL, &p->view);
    if (st != PATCH_STATUS_OK) die("patch_view_create", st);
    st = patch_normalize_coeffs(1.0 / 255.0, mean, std, 3, p->scale, p->shift);
    if (st != PATCH_STATUS_OK) die("patch_normalize_coeffs", st);
    for (int c = 0; c < 3; c++) {
        p->fs[c] = (float)p->scale[c];
        p->fb[c] = (float)p->shift[c];
    }
    p->norm = (patch_affine){0, p->scale, 3, p->shift, 3};
    /* Outputs checked equal, bit for bit, before timing. */
    p_plain_loop(p);
    memcpy(want, p->out, sizeof(float) * VN * VL);
    memcpy(copy_src, p->out, sizeof(float) * VN * VL);
    memset(p->out, 0, sizeof(float) * VN * VL);
    p_one_call(p);
    if (memcmp(want, p->out, sizeof(float) * VN * VL) != 0) {
        fprintf(stderr, "bench_c: patch_extract_convert_into differs from the plain loop\n");
        exit(1);
    }
    memset(p->out, 0, sizeof(float) * VN * VL);
    p_copy_then_normalize(p);
    if (memcmp(want, p->out, sizeof(float) * VN * VL) != 0) {
        fprintf(stderr, "bench_c: copy_then_normalize differs from the plain loop\n");
        exit(1);
    }
    p->copy_src = copy_src;
    free(want);
}

/* ---- output ---- */

struct row {
    const char *workload, *variant;
    double secs;
    size_t bytes;
};
static struct row rows[32];
static int nrows = 0;

struct variant {
    const char *name;
    bench_fn f;
    void *ctx;
};

static void run(const char *workload, size_t bytes, struct variant *vs, int n) {
    double best[8];
    for (int i = 0; i < n; i++) best[i] = 1e300;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < n; i++) {
            double t = time_fn(vs[i].f, vs[i].ctx);
            if (t < best[i]) best[i] = t;
        }
    printf("\n%s (%zu bytes out, 1 thread, C ABI)\n", workload, bytes);
    double base = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(vs[i].name, "memcpy") == 0) base = best[i];
    for (int i = 0; i < n; i++) {
        printf("  %-18s %12.1f ns %8.2f GB/s", vs[i].name, best[i] * 1e9, (double)bytes / best[i] / 1e9);
        if (base > 0 && strcmp(vs[i].name, "memcpy") != 0) printf("   %.2fx memcpy", best[i] / base);
        printf("\n");
        rows[nrows++] = (struct row){workload, vs[i].name, best[i], bytes};
    }
}

/* The expected tiles by a plain loop: [H/p*W/p][p*p*C]. */
static void reference(const unsigned char *src, unsigned char *dst, size_t h, size_t w, size_t c, size_t p) {
    size_t o = 0;
    for (size_t gy = 0; gy < h / p; gy++)
        for (size_t gx = 0; gx < w / p; gx++)
            for (size_t y = 0; y < p; y++)
                for (size_t x = 0; x < p; x++)
                    for (size_t ch = 0; ch < c; ch++) dst[o++] = src[((gy * p + y) * w + gx * p + x) * c + ch];
}

static void setup(struct tiles *t, size_t h, size_t w, size_t c, size_t p) {
    size_t n = h * w * c;
    unsigned char *src = malloc(n), *copy_src = malloc(n), *dst = malloc(n), *want = malloc(n);
    if (!src || !copy_src || !dst || !want) {
        fprintf(stderr, "bench_c: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) src[i] = copy_src[i] = (unsigned char)(i * 31 % 251);
    t->shape[0] = h;
    t->shape[1] = w;
    t->shape[2] = c;
    t->axes[0] = patch_axis_window(p, p, 1);
    t->axes[1] = patch_axis_window(p, p, 1);
    t->axes[2] = patch_axis_whole();
    t->src = src;
    t->copy_src = copy_src;
    t->src_bytes = n;
    t->dst = dst;
    t->dst_bytes = n;
    make_view(t, &t->view);
    size_t copy_bytes = 0;
    patch_view_copy_bytes(t->view, &copy_bytes);
    if (copy_bytes != n) {
        fprintf(stderr, "bench_c: copy_bytes %zu, expected %zu\n", copy_bytes, n);
        exit(1);
    }
    v_copy(t);
    reference(src, want, h, w, c, p);
    if (memcmp(dst, want, n) != 0) {
        fprintf(stderr, "bench_c: patch_extract_into output differs from the plain loop\n");
        exit(1);
    }
    free(want);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.json\n", argv[0]);
        return 2;
    }
    const char *quick = getenv("BENCH_QUICK");
    if (quick && *quick && strcmp(quick, "0") != 0) {
        sample_secs = 0.03;
        samples = 3;
    }
    patch_set_num_threads(1);
    printf("libpatch %s, %d samples of %.0f ms, median per call, min over 2 interleaved rounds\n",
           patch_version(), samples, sample_secs * 1e3);

    struct tiles tiny, vit;
    setup(&tiny, 32, 32, 3, 8);
    setup(&vit, 224, 224, 3, 16);

    struct variant tv[] = {
        {"create_copy_free", v_create_copy_free, &tiny},
        {"copy", v_copy, &tiny},
        {"getter", v_getter, &tiny},
        {"memcpy", v_memcpy, &tiny},
    };
    run("tiny", tiny.dst_bytes, tv, 4);
    struct variant vv[] = {
        {"patch_c", v_copy, &vit},
        {"memcpy", v_memcpy, &vit},
    };
    run("vit_u8", vit.dst_bytes, vv, 2);
    struct prep prep;
    prep_setup(&prep);
    struct variant pv[] = {
        {"patch_c", p_one_call, &prep},
        {"copy_then_normalize", p_copy_then_normalize, &prep},
        {"plain_loop", p_plain_loop, &prep},
        {"memcpy", p_memcpy, &prep},
    };
    run("vit_preprocess", sizeof(float) * VN * VL, pv, 4);

    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "[\n");
    for (int i = 0; i < nrows; i++)
        fprintf(f,
                "  {\"suite\": \"c\", \"workload\": \"%s\", \"variant\": \"%s\", \"threads\": 1, "
                "\"seconds\": %.9e, \"bytes\": %zu}%s\n",
                rows[i].workload, rows[i].variant, rows[i].secs, rows[i].bytes, i + 1 < nrows ? "," : "");
    fprintf(f, "]\n");
    fclose(f);
    printf("\nwrote %s\n", argv[1]);
    patch_view_free(tiny.view);
    patch_view_free(vit.view);
    patch_view_free(prep.view);
    free(prep.rgba);
    free(prep.u8_tokens);
    free(prep.out);
    free((void *)prep.copy_src);
    return 0;
}
