"""Interactive explorers. Each is a pure ``params -> data`` function plus a thin ipywidgets view."""

from .activation_explorer import ActivationExplorer, ActivationView, explore_activations
from .architecture_explorer import ArchitectureExplorer, compare_models, explore_architecture
from .arithmetic_animator import ConvArithmetic, ConvArithmeticAnimator, conv_arithmetic
from .autoencoder_explorer import AutoencoderExplorer, explore_autoencoder
from .augmentation_explorer import AugmentationExplorer, explore_augmentation
from .feature_map_explorer import FeatureMapExplorer, explore_feature_maps
from .gradient_flow_explorer import GradientFlowExplorer, GradientFlowView, explore_gradient_flow
from .kernel_explorer import KernelExplorer, KernelView, explore_kernel
from .live_trainer import LiveTrainer
from .normalization_explorer import NormalizationExplorer, explore_normalization
from .overfitting_explorer import OverfittingExplorer, explore_overfitting
from .pooling_explorer import PoolingExplorer, PoolingView, explore_pooling
from .saliency_explorer import SaliencyExplorer, explore_saliency
from .shape_calculator import ShapeCalculator, ShapeReport, calculate_shapes
from .training_explorer import TrainingExplorer, describe_run, train_run
from .transfer_explorer import TransferExplorer, explore_transfer
from .translation_explorer import TranslationExplorer

__all__ = [
    "KernelExplorer", "KernelView", "explore_kernel",                              # chapter 1
    "ConvArithmeticAnimator", "ConvArithmetic", "conv_arithmetic",                 # chapter 2
    "ShapeCalculator", "ShapeReport", "calculate_shapes",
    "PoolingExplorer", "PoolingView", "explore_pooling", "TranslationExplorer",    # chapter 3
    "ActivationExplorer", "ActivationView", "explore_activations",                 # chapter 4
    "GradientFlowExplorer", "GradientFlowView", "explore_gradient_flow",
    "TrainingExplorer", "train_run", "describe_run",                               # chapter 5
    "LiveTrainer",
    "AugmentationExplorer", "explore_augmentation", "NormalizationExplorer",       # chapter 6
    "explore_normalization", "OverfittingExplorer", "explore_overfitting",
    "ArchitectureExplorer", "explore_architecture", "compare_models",              # chapter 7
    "FeatureMapExplorer", "explore_feature_maps", "TransferExplorer", "explore_transfer",  # chapter 8
    "SaliencyExplorer", "explore_saliency", "AutoencoderExplorer", "explore_autoencoder",  # chapter 9
]
