/*
 * C tests of the DLPack export (patch_view_to_dlpack, _legacy): the
 * structs of patch.h have DLPack's layout, field for field (checked
 * against the definitions of dlpack.h v1.1 written out below, as a C++
 * runtime would include them), and a tensor reads the same elements as the
 * view's copy: every element, found through the tensor's shape, strides,
 * data and byte_offset, equals the one patch_extract_into writes. Also the
 * read-only flag of overlapping views, the tensor outliving its view, the
 * dtype codes, and every refusal (nothing written). Run plain, under
 * ASan+UBSan (which would see a leak or a double free of the deleter) and
 * valgrind.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "patch.h"

/* ---- DLPack v1.1 (dlpack.h), the definitions a consumer compiles ---- */
typedef struct {
    int32_t device_type; /* DLDeviceType, an int-sized enum */
    int32_t device_id;
} DLDevice;
typedef struct {
    uint8_t code;
    uint8_t bits;
    uint16_t lanes;
} DLDataType;
typedef struct {
    void *data;
    DLDevice device;
    int32_t ndim;
    DLDataType dtype;
    int64_t *shape;
    int64_t *strides;
    uint64_t byte_offset;
} DLTensor;
typedef struct DLManagedTensor {
    DLTensor dl_tensor;
    void *manager_ctx;
    void (*deleter)(struct DLManagedTensor *self);
} DLManagedTensor;
typedef struct {
    uint32_t major;
    uint32_t minor;
} DLPackVersion;
typedef struct DLManagedTensorVersioned {
    DLPackVersion version;
    void *manager_ctx;
    void (*deleter)(struct DLManagedTensorVersioned *self);
    uint64_t flags;
    DLTensor dl_tensor;
} DLManagedTensorVersioned;
#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL)
enum { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLCPU = 1 };

#define SAME_FIELD(A, B, f) (offsetof(A, f) == offsetof(B, f) && sizeof(((A *)0)->f) == sizeof(((B *)0)->f))
_Static_assert(sizeof(DLTensor) == sizeof(patch_dl_tensor), "DLTensor size");
_Static_assert(SAME_FIELD(DLTensor, patch_dl_tensor, data) && SAME_FIELD(DLTensor, patch_dl_tensor, device) &&
                   SAME_FIELD(DLTensor, patch_dl_tensor, ndim) && SAME_FIELD(DLTensor, patch_dl_tensor, dtype) &&
                   SAME_FIELD(DLTensor, patch_dl_tensor, shape) && SAME_FIELD(DLTensor, patch_dl_tensor, strides) &&
                   SAME_FIELD(DLTensor, patch_dl_tensor, byte_offset),
               "DLTensor fields");
_Static_assert(sizeof(DLDataType) == sizeof(patch_dl_data_type) && sizeof(DLDevice) == sizeof(patch_dl_device),
               "DLDataType, DLDevice");
_Static_assert(sizeof(DLManagedTensor) == sizeof(patch_dl_managed_tensor) &&
                   SAME_FIELD(DLManagedTensor, patch_dl_managed_tensor, dl_tensor) &&
                   SAME_FIELD(DLManagedTensor, patch_dl_managed_tensor, manager_ctx) &&
                   SAME_FIELD(DLManagedTensor, patch_dl_managed_tensor, deleter),
               "DLManagedTensor");
_Static_assert(sizeof(DLManagedTensorVersioned) == sizeof(patch_dl_managed_tensor_versioned) &&
                   SAME_FIELD(DLManagedTensorVersioned, patch_dl_managed_tensor_versioned, version) &&
                   SAME_FIELD(DLManagedTensorVersioned, patch_dl_managed_tensor_versioned, manager_ctx) &&
                   SAME_FIELD(DLManagedTensorVersioned, patch_dl_managed_tensor_versioned, deleter) &&
                   SAME_FIELD(DLManagedTensorVersioned, patch_dl_managed_tensor_versioned, flags) &&
                   SAME_FIELD(DLManagedTensorVersioned, patch_dl_managed_tensor_versioned, dl_tensor),
               "DLManagedTensorVersioned");

/*
 * Checks that the tensor `t` reads, element by element in row-major order
 * of its shape, the `n` elements of `want` (the view's patch-major copy),
 * each `itemsize` bytes.
 */
static void check_elements(const DLTensor *t, const unsigned char *want, size_t n, size_t itemsize) {
    size_t count = 1, k, i;
    int64_t idx[16];
    int d;
    CHECK(t->ndim <= 16);
    for (d = 0; d < t->ndim; d++) {
        count *= (size_t)t->shape[d];
        idx[d] = 0;
    }
    CHECK(count == n);
    for (k = 0; k < n; k++) {
        int64_t off = 0;
        const unsigned char *p;
        for (d = 0; d < t->ndim; d++) {
            off += idx[d] * t->strides[d];
        }
        p = (const unsigned char *)t->data + t->byte_offset + off * (int64_t)itemsize;
        for (i = 0; i < itemsize; i++) {
            if (p[i] != want[k * itemsize + i]) {
                CHECK(!"an element of the tensor differs from the copy");
                return;
            }
        }
        for (d = t->ndim - 1; d >= 0; d--) {
            if (++idx[d] < t->shape[d]) {
                break;
            }
            idx[d] = 0;
        }
    }
    g_checks++;
}

/* ViT tiles of an HWC u8 image: writable, the copy's elements, the view freed first. */
static void test_tiles(void) {
    enum { H = 8, W = 12, C = 3, P = 4 };
    unsigned char img[H * W * C], out[H * W * C];
    const size_t shape[3] = {H, W, C};
    const patch_layout layout = {shape, NULL, 3, 0, PATCH_DTYPE_U8};
    const patch_axis axes[3] = {patch_axis_window(P, P, 1), patch_axis_window(P, P, 1), patch_axis_whole()};
    patch_view *view = NULL;
    patch_dl_managed_tensor_versioned *t = NULL;
    DLManagedTensorVersioned *dl;
    size_t i, byte_offset = 99;
    for (i = 0; i < sizeof img; i++) {
        img[i] = (unsigned char)(i * 7 + 1);
    }
    CHECK_OK(patch_view_create(&layout, axes, 3, NULL, &view));
    CHECK_OK(patch_extract_into(view, img, sizeof img, out, sizeof out, NULL));
    CHECK_OK(patch_view_byte_offset(view, &byte_offset));
    CHECK_OK(patch_view_to_dlpack(view, img, sizeof img, &t));
    patch_view_free(view); /* the tensor owns its shape and strides */
    dl = (DLManagedTensorVersioned *)t;
    CHECK(dl->version.major == 1 && dl->version.minor == 1);
    CHECK(dl->flags == 0);
    CHECK(dl->dl_tensor.data == img && dl->dl_tensor.byte_offset == byte_offset);
    CHECK(dl->dl_tensor.device.device_type == kDLCPU && dl->dl_tensor.device.device_id == 0);
    CHECK(dl->dl_tensor.dtype.code == kDLUInt && dl->dl_tensor.dtype.bits == 8 && dl->dl_tensor.dtype.lanes == 1);
    CHECK(dl->dl_tensor.ndim == 5);
    CHECK(dl->dl_tensor.shape[0] == H / P && dl->dl_tensor.shape[1] == W / P && dl->dl_tensor.shape[2] == P &&
          dl->dl_tensor.shape[3] == P && dl->dl_tensor.shape[4] == C);
    CHECK(dl->dl_tensor.strides[0] == P * W * C && dl->dl_tensor.strides[1] == P * C &&
          dl->dl_tensor.strides[2] == W * C && dl->dl_tensor.strides[3] == C && dl->dl_tensor.strides[4] == 1);
    check_elements(&dl->dl_tensor, out, sizeof out, 1);
    dl->deleter(dl);
}

/* Overlapping frames of f32 audio: read-only; the legacy export too. */
static void test_frames(void) {
    enum { N = 1000, F = 400, HOP = 160 };
    float *sig = malloc(N * sizeof(float)), *out;
    const size_t shape[1] = {N};
    const patch_layout layout = {shape, NULL, 1, 0, PATCH_DTYPE_F32};
    const patch_axis axes[1] = {patch_axis_window(F, HOP, 1)};
    patch_view *view = NULL;
    patch_dl_managed_tensor_versioned *t = NULL;
    patch_dl_managed_tensor *legacy = NULL;
    size_t n = 0, len = 0, i;
    CHECK(sig != NULL);
    for (i = 0; i < N; i++) {
        sig[i] = (float)i * 0.5f - 3.0f;
    }
    CHECK_OK(patch_view_create(&layout, axes, 1, NULL, &view));
    CHECK_OK(patch_view_num_patches(view, &n));
    CHECK_OK(patch_view_patch_len(view, &len));
    out = malloc(n * len * sizeof(float));
    CHECK(out != NULL);
    CHECK_OK(patch_extract_into(view, sig, N * sizeof(float), out, n * len * sizeof(float), NULL));
    CHECK_OK(patch_view_to_dlpack(view, sig, N * sizeof(float), &t));
    CHECK_OK(patch_view_to_dlpack_legacy(view, sig, N * sizeof(float), &legacy));
    CHECK(t->flags == DLPACK_FLAG_BITMASK_READ_ONLY);
    CHECK(t->dl_tensor.dtype.code == kDLFloat && t->dl_tensor.dtype.bits == 32);
    CHECK(t->dl_tensor.ndim == 2 && t->dl_tensor.shape[0] == (int64_t)n && t->dl_tensor.shape[1] == F);
    CHECK(t->dl_tensor.strides[0] == HOP && t->dl_tensor.strides[1] == 1);
    check_elements((const DLTensor *)&t->dl_tensor, (const unsigned char *)out, n * len, sizeof(float));
    check_elements((const DLTensor *)&legacy->dl_tensor, (const unsigned char *)out, n * len, sizeof(float));
    CHECK(legacy->dl_tensor.shape != t->dl_tensor.shape); /* each tensor owns its arrays */
    t->deleter(t);
    legacy->deleter(legacy);
    patch_view_free(view);
    free(out);
    free(sig);
}

/* A negative stride and an offset: byte_offset points at element [0, ...]. */
static void test_reversed(void) {
    enum { H = 5, W = 6 };
    int16_t img[H * W + 3], out[(H - 1) * 2 * 2 * 3]; /* 4x2 windows of 2x3 */
    const size_t shape[2] = {H, W};
    const ptrdiff_t strides[2] = {W, -1};
    const patch_layout layout = {shape, strides, 2, 3 + W - 1, PATCH_DTYPE_I16};
    const patch_axis axes[2] = {patch_axis_window(2, 1, 1), patch_axis_window(3, 3, 1)};
    patch_view *view = NULL;
    patch_dl_managed_tensor_versioned *t = NULL;
    size_t i, n = 0, len = 0;
    for (i = 0; i < H * W + 3; i++) {
        img[i] = (int16_t)(1000 - 37 * (int)i);
    }
    CHECK_OK(patch_view_create(&layout, axes, 2, NULL, &view));
    CHECK_OK(patch_view_num_patches(view, &n));
    CHECK_OK(patch_view_patch_len(view, &len));
    CHECK(n * len * sizeof(int16_t) == sizeof out);
    CHECK_OK(patch_extract_into(view, img, sizeof img, out, sizeof out, NULL));
    CHECK_OK(patch_view_to_dlpack(view, img, sizeof img, &t));
    CHECK(t->dl_tensor.byte_offset == (3 + W - 1) * sizeof(int16_t));
    CHECK(t->dl_tensor.dtype.code == kDLInt && t->dl_tensor.dtype.bits == 16);
    CHECK(t->dl_tensor.strides[1] == -3 && t->dl_tensor.strides[3] == -1);
    CHECK(t->flags == DLPACK_FLAG_BITMASK_READ_ONLY); /* rows overlap: step 1, size 2 */
    check_elements((const DLTensor *)&t->dl_tensor, (const unsigned char *)out, n * len, sizeof(int16_t));
    t->deleter(t);
    patch_view_free(view);
}

/* The 16-bit float codes. */
static void test_float16_codes(void) {
    uint16_t buf[8] = {0};
    const size_t shape[1] = {8};
    const patch_axis axes[1] = {patch_axis_window(4, 4, 1)};
    const uint32_t dtypes[2] = {PATCH_DTYPE_F16, PATCH_DTYPE_BF16};
    const uint8_t codes[2] = {kDLFloat, kDLBfloat};
    int k;
    for (k = 0; k < 2; k++) {
        const patch_layout layout = {shape, NULL, 1, 0, dtypes[k]};
        patch_view *view = NULL;
        patch_dl_managed_tensor_versioned *t = NULL;
        CHECK_OK(patch_view_create(&layout, axes, 1, NULL, &view));
        CHECK_OK(patch_view_to_dlpack(view, buf, sizeof buf, &t));
        CHECK(t->dl_tensor.dtype.code == codes[k] && t->dl_tensor.dtype.bits == 16);
        t->deleter(t);
        patch_view_free(view);
    }
}

/* Refusals: each names the problem and leaves *out alone. */
static void test_refusals(void) {
    float buf[16] = {0};
    const size_t shape[1] = {16};
    const patch_layout layout = {shape, NULL, 1, 0, PATCH_DTYPE_F32};
    const patch_axis axes[1] = {patch_axis_window(4, 4, 1)};
    const patch_padding same = {PATCH_CONVENTION_SAME, PATCH_PAD_MODE_CONSTANT};
    const patch_axis odd[1] = {patch_axis_window(5, 4, 1)};
    patch_view *view = NULL, *padded = NULL;
    patch_dl_managed_tensor_versioned *t = (patch_dl_managed_tensor_versioned *)&buf[0];
    patch_dl_managed_tensor *legacy = (patch_dl_managed_tensor *)&buf[0];
    CHECK_OK(patch_view_create(&layout, axes, 1, NULL, &view));
    CHECK_OK(patch_view_create(&layout, odd, 1, &same, &padded));
    CHECK_FAIL(patch_view_to_dlpack(padded, buf, sizeof buf, &t), PATCH_STATUS_NOT_A_VIEW, "");
    CHECK_FAIL(patch_view_to_dlpack_legacy(padded, buf, sizeof buf, &legacy), PATCH_STATUS_NOT_A_VIEW, "");
    CHECK_FAIL2(patch_view_to_dlpack(view, buf, 15 * sizeof(float), &t), PATCH_STATUS_OUT_OF_BOUNDS, "data_bytes",
                "60 bytes");
    CHECK_FAIL(patch_view_to_dlpack(view, buf, 63, &t), PATCH_STATUS_BUFFER_SIZE, "data_bytes");
    CHECK_FAIL(patch_view_to_dlpack(view, NULL, sizeof buf, &t), PATCH_STATUS_NULL_POINTER, "`data`");
    CHECK_FAIL(patch_view_to_dlpack(view, buf, sizeof buf, NULL), PATCH_STATUS_NULL_POINTER, "`out`");
    CHECK_FAIL(patch_view_to_dlpack(NULL, buf, sizeof buf, &t), PATCH_STATUS_NULL_POINTER, "`view`");
    CHECK(t == (patch_dl_managed_tensor_versioned *)&buf[0]);
    CHECK(legacy == (patch_dl_managed_tensor *)&buf[0]);
    patch_view_free(view);
    patch_view_free(padded);
}

int main(void) {
    test_tiles();
    test_frames();
    test_reversed();
    test_float16_codes();
    test_refusals();
    return check_summary("test_dlpack");
}
