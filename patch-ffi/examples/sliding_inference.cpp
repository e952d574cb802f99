// Sliding-window inference: a 100x120 single-channel float image is cut
// into 32x32 tiles every 24 pixels, the last tile of each axis shifted back
// to end at the border (PATCH_CONVENTION_COVER) so every pixel is seen; a
// "model" runs on each tile, and the outputs are blended back with Gaussian
// weights (PATCH_REDUCE_WEIGHTED_GAUSSIAN), as MONAI does.
//
//   c++ -std=c++17 sliding_inference.cpp $(pkg-config --cflags --libs patch)
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "patch.h"

namespace {

// Turns a failing status into an exception carrying the library's message.
void check(patch_status status, const char *what) {
    if (status != PATCH_STATUS_OK) {
        throw std::runtime_error(std::string(what) + ": " + patch_last_error_message());
    }
}

struct ViewDeleter {
    void operator()(patch_view *v) const { patch_view_free(v); }
};
using View = std::unique_ptr<patch_view, ViewDeleter>;

// The model: any per-pixel function of the tile (a real one would be a network).
void model(float *tile, size_t n) {
    for (size_t i = 0; i < n; i++) tile[i] = 2.0f * tile[i] + 1.0f;
}

}  // namespace

int main() {
    try {
        const size_t H = 100, W = 120, T = 32, STEP = 24;
        std::vector<float> image(H * W);
        for (size_t i = 0; i < image.size(); i++)
            image[i] = std::sin(0.01f * static_cast<float>(i));

        const size_t shape[] = {H, W};
        const patch_layout layout = {shape, nullptr, 2, 0, PATCH_DTYPE_F32};
        const patch_axis axes[] = {patch_axis_window(T, STEP, 1), patch_axis_window(T, STEP, 1)};
        const patch_padding cover = {PATCH_CONVENTION_COVER, PATCH_PAD_MODE_CONSTANT};
        patch_view *raw = nullptr;
        check(patch_view_create(&layout, axes, 2, &cover, &raw), "patch_view_create");
        View view(raw);

        size_t grid[2], n = 0, len = 0;
        check(patch_view_grid(view.get(), grid, 2, nullptr), "grid");
        check(patch_view_num_patches(view.get(), &n), "num_patches");
        check(patch_view_patch_len(view.get(), &len), "patch_len");
        std::printf("%zux%zu image, %zux%zu tiles every %zu: grid %zu x %zu = %zu tiles\n", H, W,
                    T, T, STEP, grid[0], grid[1], n);

        std::vector<float> tiles(n * len);
        check(patch_extract_into(view.get(), image.data(), image.size() * sizeof(float),
                                 tiles.data(), tiles.size() * sizeof(float), nullptr),
              "patch_extract_into");
        for (size_t k = 0; k < n; k++) model(&tiles[k * len], len);

        std::vector<float> blended(H * W);
        patch_fold_options gaussian = patch_fold_options_default();
        gaussian.reduce = PATCH_REDUCE_WEIGHTED_GAUSSIAN;  // sigma_scale: MONAI's default
        check(patch_fold_into(view.get(), tiles.data(), tiles.size() * sizeof(float),
                              blended.data(), blended.size() * sizeof(float), &gaussian),
              "patch_fold_into");

        // Every pixel was covered and the model is per-pixel, so the blend is model(image).
        double worst = 0.0;
        for (size_t i = 0; i < image.size(); i++) {
            worst = std::fmax(worst, std::fabs(blended[i] - (2.0f * image[i] + 1.0f)));
        }
        std::printf("blended %zu pixels with Gaussian weights; max |blend - model(image)| = %g\n",
                    blended.size(), worst);
        return worst < 1e-5 ? 0 : 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
