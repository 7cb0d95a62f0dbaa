"""Chapter 9's explanation methods on the pretrained EfficientNet-Lite0, 224 x 224: each method's
time as a multiple of one forward pass timed alternately in the same run (paired medians), and
occlusion batched against one image at a time."""

import torch

from cnncourse.demos.what_cnns_see import side_by_side
from cnncourse.models import efficientnet_lite0
from cnncourse.models.imagenet import lite0_input
from cnncourse.visualize import grad_cam, occlusion, saliency, smooth_saliency

from .timing import paired_median_ratio, report, sized

CAT = 285
SIZE = sized(224, 64)  # the photos' side before lite0_input resizes them to 224 x 224
PATCH, STRIDE = sized((64, 32), (112, 112))  # 36 patches; 4 in quick mode
SAMPLES = sized(6, 2)
BATCH = 4  # occluded copies per forward pass: occlusion's default (36 spill the CPU's caches)


def run():
    model = efficientnet_lite0(pretrained=True)
    x = lite0_input(side_by_side("chelsea", "coffee", size=SIZE))

    def forward():
        with torch.no_grad():
            model(x)

    cases = [
        ("saliency (one backward pass)", lambda: saliency(model, x, CAT), 5.0),
        ("Grad-CAM at the head", lambda: grad_cam(model, x, CAT, model.head), 5.0),
        (f"SmoothGrad, {SAMPLES} samples", lambda: smooth_saliency(model, x, CAT, samples=SAMPLES), 30.0),
        (f"occlusion, {((x.shape[-1] - PATCH) // STRIDE + 1) ** 2} patches, batches of {BATCH}",
         lambda: occlusion(model, x, CAT, patch=PATCH, stride=STRIDE, batch_size=BATCH), 40.0),
    ]
    for name, function, limit in cases:
        seconds, _, ratio = paired_median_ratio(function, forward, repeat=5, warmup=1)
        report(f"visualize: {name}", seconds, f"< {limit:g}x a forward pass", ratio < limit,
               f"{ratio:.1f}x a forward pass")
    batched, single, ratio = paired_median_ratio(
        lambda: occlusion(model, x, CAT, patch=PATCH, stride=STRIDE, batch_size=BATCH),
        lambda: occlusion(model, x, CAT, patch=PATCH, stride=STRIDE, batch_size=1), repeat=3, warmup=1)
    report(f"visualize: occlusion in batches of {BATCH} / one at a time", batched, "batching is not slower",
           ratio <= 1.0, f"{ratio:.2f}x one at a time")


if __name__ == "__main__":
    run()
