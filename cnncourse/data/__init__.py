"""Data, all offline: scikit-image's bundled photos (:mod:`.photos`) and scikit-learn's real
handwritten digits as arrays and torch datasets (:mod:`.handwritten_digits`); generated scenes of
shapes with masks and boxes (:mod:`.scenes`)."""

from .augment import TRANSFORMS, AugmentedDataset, Compose, make_transform
from .handwritten_digits import NUM_CLASSES, digit_arrays, digits
from .photos import PHOTOS, check_photo_name, load_image
