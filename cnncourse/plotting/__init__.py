"""Pictures for the notebooks: matplotlib figures (:mod:`.figures`), labelled boxes on images
(:mod:`.boxes`) and SVG line charts that the browser draws in a millisecond (:mod:`.svg_chart`,
:mod:`.history_chart`)."""

from .figures import show_images, show_matrix
