"""Interactive explorers. Each is a pure ``params -> data`` function plus a thin ipywidgets view."""

from .kernel_explorer import KernelExplorer, KernelView, explore_kernel

__all__ = ["KernelExplorer", "KernelView", "explore_kernel"]
