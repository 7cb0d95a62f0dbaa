"""Run every benchmark: `python -m benchmarks` (what `make bench` does)."""

from . import (bench_arithmetic_widget, bench_batch_norm, bench_browser_widgets, bench_conv2d, bench_kernel_explorer,
               bench_models, bench_notebooks, bench_pooling_activation_widgets, bench_training,
               bench_transfer, bench_visualize)

if __name__ == "__main__":
    for bench in (bench_conv2d, bench_kernel_explorer, bench_arithmetic_widget,
                  bench_pooling_activation_widgets, bench_browser_widgets, bench_training, bench_batch_norm, bench_models,
                  bench_transfer, bench_visualize, bench_notebooks):
        print(f"\n== {bench.__name__.split('.')[-1]} ==", flush=True)
        bench.run()
