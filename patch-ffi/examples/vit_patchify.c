/*
 * ViT patchify: a 224x224 RGB image (HWC, uint8) as 196 patches of 16x16x3,
 * first as a zero-copy strided view (numpy's shape and byte strides), then
 * copied out as the [196, 768] token matrix a transformer eats.
 *
 *   cc vit_patchify.c $(pkg-config --cflags --libs patch) -o vit_patchify
 */
#include <stdio.h>
#include <stdlib.h>

#include "patch.h"

#define TRY(call)                                                                    \
    do {                                                                             \
        patch_status st_ = (call);                                                   \
        if (st_ != PATCH_STATUS_OK) {                                                \
            fprintf(stderr, "%s failed: %s\n", #call, patch_last_error_message());   \
            return 1;                                                                \
        }                                                                            \
    } while (0)

int main(void) {
    enum { H = 224, W = 224, C = 3, P = 16 };
    const size_t shape[3] = {H, W, C};
    size_t vshape[8], ndim = 0, n = 0, len = 0, i;
    ptrdiff_t strides[8];
    /* The input: an HWC array of bytes, C-contiguous (NULL strides), from offset 0. */
    const patch_layout layout = {shape, NULL, 3, 0, PATCH_DTYPE_U8};
    patch_axis axes[3];
    patch_view *view = NULL;
    unsigned char *image = malloc(H * W * C), *tokens;
    if (image == NULL) return 1;
    for (i = 0; i < H * W * C; i++) image[i] = (unsigned char)(i % 251);

    /* H and W are cut into 16x16 tiles; all channels go inside every patch. */
    axes[0] = patch_axis_window(P, P, 1);
    axes[1] = patch_axis_window(P, P, 1);
    axes[2] = patch_axis_whole();
    TRY(patch_view_create(&layout, axes, 3, NULL /* no padding */, &view));

    TRY(patch_view_shape(view, vshape, 8, &ndim));
    TRY(patch_view_strides(view, strides, 8, NULL));
    printf("libpatch %s\nview shape   (", patch_version());
    for (i = 0; i < ndim; i++) printf(i ? ", %zu" : "%zu", vshape[i]);
    printf(")\nbyte strides (");
    for (i = 0; i < ndim; i++) printf(i ? ", %td" : "%td", strides[i]);
    printf(")\n");

    TRY(patch_view_num_patches(view, &n));
    TRY(patch_view_patch_len(view, &len));
    tokens = malloc(n * len);
    if (tokens == NULL) return 1;
    /* NULL options: patch-major ([196][768], one token after another). */
    TRY(patch_extract_into(view, image, H * W * C, tokens, n * len, NULL));
    /* Patch 15 is grid cell (1, 1): it starts at pixel (16, 16). */
    printf("tokens       [%zu, %zu]; token 15 starts with %u %u %u (pixel (16, 16) is %u %u %u)\n",
           n, len, tokens[15 * len], tokens[15 * len + 1], tokens[15 * len + 2],
           image[(16 * W + 16) * C], image[(16 * W + 16) * C + 1], image[(16 * W + 16) * C + 2]);

    free(tokens);
    free(image);
    patch_view_free(view);
    return 0;
}
