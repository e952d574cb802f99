// C++17 tests of libpatch through patch.h: an RAII handle, numpy-equal
// geometry against plain loops, fold round trips, errors, and threads
// (one view shared by several threads; per-thread error messages).
//
// Built with -std=c++17 -Wall -Wextra -Werror.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "patch.h"

namespace {

struct ViewDeleter {
    void operator()(patch_view *v) const { patch_view_free(v); }
};
using View = std::unique_ptr<patch_view, ViewDeleter>;

View make(const std::vector<size_t> &shape, const std::vector<patch_axis> &axes,
          uint32_t dtype, uint32_t convention = PATCH_CONVENTION_VALID,
          uint32_t mode = PATCH_PAD_MODE_CONSTANT, const std::vector<ptrdiff_t> *strides = nullptr,
          size_t offset = 0) {
    patch_view *raw = nullptr;
    const patch_layout layout = {shape.data(), strides ? strides->data() : nullptr, shape.size(),
                                 offset, dtype};
    const patch_padding padding = {convention, mode};
    patch_status st = patch_view_create(&layout, axes.data(), axes.size(), &padding, &raw);
    if (st != PATCH_STATUS_OK) {
        std::fprintf(stderr, "patch_view_create: %s\n", patch_last_error_message());
        std::exit(2);
    }
    return View(raw);
}

template <class T, class F>
std::vector<T> array_getter(const patch_view *v, F f) {
    size_t n = 0;
    CHECK_OK(f(v, nullptr, 0, &n));
    std::vector<T> out(n);
    CHECK_OK(f(v, out.data(), out.size(), &n));
    return out;
}

std::vector<size_t> shape_of(const patch_view *v) {
    return array_getter<size_t>(v, patch_view_shape);
}
std::vector<ptrdiff_t> strides_of(const patch_view *v) {
    return array_getter<ptrdiff_t>(v, patch_view_strides);
}

// numpy: np.lib.stride_tricks.sliding_window_view(x, (3, 3)) of a (5, 6)
// float64 array: shape (3, 4, 3, 3), strides (48, 8, 48, 8).
void test_numpy_2d() {
    const size_t H = 5, W = 6;
    std::vector<double> x(H * W);
    for (size_t i = 0; i < x.size(); i++) x[i] = std::sqrt(static_cast<double>(i)) - 1.0;
    View v =
        make({H, W}, {patch_axis_window(3, 1, 1), patch_axis_window(3, 1, 1)}, PATCH_DTYPE_F64);
    CHECK((shape_of(v.get()) == std::vector<size_t>{3, 4, 3, 3}));
    CHECK((strides_of(v.get()) == std::vector<ptrdiff_t>{48, 8, 48, 8}));
    size_t bytes = 0;
    CHECK_OK(patch_view_copy_bytes(v.get(), &bytes));
    std::vector<double> copy(bytes / sizeof(double));
    CHECK_OK(patch_extract_into(v.get(), x.data(), x.size() * sizeof(double), copy.data(), bytes,
                                nullptr));
    size_t k = 0, bad = 0;
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 4; b++)
            for (size_t p = 0; p < 3; p++)
                for (size_t q = 0; q < 3; q++, k++)
                    if (copy[k] != x[(a + p) * W + b + q]) bad++;
    CHECK(bad == 0 && k == copy.size());

    // Round trip: Mean fold of the patches is x exactly (the defaults, from
    // NULL options and from the header's helper).
    std::vector<double> back(x.size());
    CHECK_OK(patch_view_fold_bytes(v.get(), &bytes));
    CHECK(bytes == x.size() * sizeof(double));
    CHECK_OK(patch_fold_into(v.get(), copy.data(), copy.size() * sizeof(double), back.data(),
                             bytes, nullptr));
    CHECK(back == x);
    const patch_fold_options mean = patch_fold_options_default();
    std::vector<double> back2(x.size());
    CHECK_OK(patch_fold_into(v.get(), copy.data(), copy.size() * sizeof(double), back2.data(),
                             bytes, &mean));
    CHECK(back2 == x);
}

// A batch of NHWC u8 images, ViT tokens per image (Batch, Window, Window, Whole).
void test_batched_vit() {
    const size_t B = 2, H = 8, W = 8, C = 3, P = 4;
    std::vector<uint8_t> x(B * H * W * C);
    for (size_t i = 0; i < x.size(); i++) x[i] = static_cast<uint8_t>(i * 5 + 1);
    View v = make({B, H, W, C},
                  {patch_axis_batch(), patch_axis_window(P, P, 1), patch_axis_window(P, P, 1),
                   patch_axis_whole()},
                  PATCH_DTYPE_U8);
    CHECK((shape_of(v.get()) == std::vector<size_t>{B, 2, 2, P, P, C}));
    CHECK((strides_of(v.get()) ==
           std::vector<ptrdiff_t>{192, 96, 12, 24, 3, 1}));
    std::vector<uint8_t> tokens(x.size());
    CHECK_OK(patch_extract_into(v.get(), x.data(), x.size(), tokens.data(), tokens.size(),
                                nullptr));
    size_t k = 0, bad = 0;
    for (size_t b = 0; b < B; b++)
        for (size_t gy = 0; gy < 2; gy++)
            for (size_t gx = 0; gx < 2; gx++)
                for (size_t py = 0; py < P; py++)
                    for (size_t px = 0; px < P; px++)
                        for (size_t c = 0; c < C; c++, k++)
                            if (tokens[k] != x[((b * H + gy * P + py) * W + gx * P + px) * C + c])
                                bad++;
    CHECK(bad == 0);
}

// One view, several threads copying at once; each thread's errors are its own.
void test_threads() {
    const size_t N = 64;
    std::vector<float> x(N * N);
    for (size_t i = 0; i < x.size(); i++) x[i] = static_cast<float>(i % 251);
    View v = make({N, N}, {patch_axis_window(8, 4, 1), patch_axis_window(8, 4, 1)},
                  PATCH_DTYPE_F32, PATCH_CONVENTION_SAME, PATCH_PAD_MODE_REFLECT);
    size_t bytes = 0;
    CHECK_OK(patch_view_copy_bytes(v.get(), &bytes));
    std::vector<float> reference(bytes / 4);
    CHECK_OK(patch_extract_into(v.get(), x.data(), x.size() * 4, reference.data(), bytes,
                                nullptr));
    const int T = 4;
    std::vector<int> same(T, 0), own_message(T, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < T; t++) {
        threads.emplace_back([&, t] {
            std::vector<float> out(bytes / 4);
            bool ok = true;
            for (int rep = 0; rep < 5; rep++) {
                ok = ok && patch_extract_into(v.get(), x.data(), x.size() * 4, out.data(), bytes,
                                              nullptr) == PATCH_STATUS_OK;
                ok = ok && out == reference;
            }
            same[t] = ok ? 1 : 0;
            // A failure naming this thread's own number.
            size_t n = 0;
            size_t patch = 100000 + static_cast<size_t>(t);
            patch_status st = patch_view_patch_origin(v.get(), patch, nullptr, 0, &n);
            std::this_thread::yield();
            std::string want = "patch " + std::to_string(patch) + " is out of range";
            own_message[t] = st == PATCH_STATUS_OUT_OF_BOUNDS &&
                             std::string(patch_last_error_message()).find(want) !=
                                 std::string::npos;
        });
    }
    for (auto &th : threads) th.join();
    for (int t = 0; t < T; t++) {
        CHECK(same[t] == 1);
        CHECK(own_message[t] == 1);
    }
}

// A converting copy from C++: BGR u8 pixels read as RGB HWC by
// patch_layout_pixels, a scalar affine (brace-initialized with
// PATCH_AFFINE_SCALAR, no narrowing), into float32 and bfloat16 tokens.
void test_converting_copy() {
    const size_t H = 4, W = 6, P = 2;
    std::vector<uint8_t> bgr(H * W * 3);
    for (size_t i = 0; i < bgr.size(); i++) bgr[i] = static_cast<uint8_t>(i * 11 % 256);
    size_t shape[3];
    ptrdiff_t strides[3];
    patch_layout layout{};
    CHECK_OK(patch_layout_pixels(PATCH_PIXEL_FORMAT_BGR, H, W, false, PATCH_DTYPE_U8, shape,
                                 strides, 3, &layout));
    const std::vector<patch_axis> axes = {patch_axis_window(P, P, 1),
                                          patch_axis_window(P, P, 1), patch_axis_whole()};
    patch_view *raw = nullptr;
    CHECK_OK(patch_view_create(&layout, axes.data(), axes.size(), nullptr, &raw));
    View view(raw);
    const double scale = 0.5, shift = -1.0;
    const patch_affine affine = {PATCH_AFFINE_SCALAR, &scale, 1, &shift, 1};
    const size_t n = (H / P) * (W / P) * P * P * 3;
    std::vector<float> out(n);
    std::vector<uint16_t> halves(n);
    CHECK_OK(patch_extract_convert_into(view.get(), bgr.data(), bgr.size(), out.data(),
                                        n * sizeof(float), PATCH_DTYPE_F32, nullptr, &affine));
    CHECK_OK(patch_extract_convert_into(view.get(), bgr.data(), bgr.size(), halves.data(),
                                        n * sizeof(uint16_t), PATCH_DTYPE_BF16, nullptr,
                                        &affine));
    size_t bad = 0;
    for (size_t e = 0; e < n; e++) {
        const size_t k = e / (P * P * 3), f = e % (P * P * 3);
        const size_t i = f / (P * 3), j = f / 3 % P, c = f % 3;
        const size_t y = k / (W / P) * P + i, x = k % (W / P) * P + j;
        const float want = static_cast<float>(bgr[(y * W + x) * 3 + (2 - c)]) * 0.5f - 1.0f;
        bad += out[e] != want;
        // Every value here (k/2 - 1 for a byte k) is exact in bfloat16.
        uint32_t bits;
        std::memcpy(&bits, &want, sizeof bits);
        bad += halves[e] != static_cast<uint16_t>(bits >> 16);
    }
    CHECK(bad == 0);
}

void test_errors() {
    patch_view *out = nullptr;
    size_t shape[] = {4, 4};
    patch_axis axes[] = {patch_axis_window(2, 2, 1), patch_axis_window(9, 1, 1)};
    const patch_layout layout = {shape, nullptr, 2, 0, PATCH_DTYPE_F32};
    CHECK_FAIL2(patch_view_create(&layout, axes, 2, nullptr, &out),
                PATCH_STATUS_WINDOW_TOO_LARGE, "window 9", "axis 1 of length 4");
    CHECK(out == nullptr);
    const patch_padding bad = {42, 0};
    CHECK_FAIL(patch_view_create(&layout, axes, 2, &bad, &out), PATCH_STATUS_INVALID_ENUM,
               "convention 42");
    // A value-initialized layout has dtype 0, which is no type.
    const patch_layout zero{};
    CHECK_FAIL(patch_view_create(&zero, nullptr, 0, nullptr, &out), PATCH_STATUS_INVALID_ENUM,
               "dtype 0");
    CHECK(out == nullptr);
    CHECK_FAIL(patch_view_ndim(nullptr, nullptr), PATCH_STATUS_NULL_POINTER, "`view` is NULL");
    CHECK(std::string(patch_status_str(PATCH_STATUS_NOT_A_VIEW)) == "not a view");
    CHECK(std::string(patch_version()) == PATCH_VERSION);
}

}  // namespace

int main() {
    test_numpy_2d();
    test_batched_vit();
    test_threads();
    test_converting_copy();
    test_errors();
    return check_summary("c++");
}
