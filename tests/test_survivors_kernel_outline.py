"""Chapter 1's kernel explorer in the built book outlines the input patch of output pixel (row, col):
rows row..row+k-1 and columns col..col+k-1 of a photo that is wider than tall, at a pixel off the
diagonal, so an outline with row and column swapped is found elsewhere (issue 17's survivor)."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import console_errors, open_page
from cnncourse.widgets.live import unpack
from cnncourse.widgets import KernelExplorer

# the (top, bottom, left, right) canvas pixels the red outline (rgb 230, 40, 40) covers; null without one
OUTLINE = """
const canvas = document.querySelector(arguments[0]);
const {data, width, height} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
let box = null;
for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
  const i = 4 * (y * width + x);
  if (data[i] > 150 && data[i + 1] < 110 && data[i + 2] < 110) {
    box = box ? [Math.min(box[0], y), Math.max(box[1], y), Math.min(box[2], x), Math.max(box[3], x)] : [y, y, x, x];
  }
}
return {box, width: canvas.width, height: canvas.height};
"""
PHOTO, ROW, COL, SIZE = "chelsea", 20, 60, 5


def test_the_outline_frames_the_patch_at_row_and_column(browser, book_site):
    base, _ = book_site
    open_page(browser, base + "chapters/01_convolution.html")
    widget = browser.find_element(By.CSS_SELECTOR, ".cnn-live")
    Select(widget.find_element(By.CSS_SELECTOR, '[data-trait="photo"]')).select_by_value(PHOTO)
    Select(widget.find_element(By.CSS_SELECTOR, '[data-trait="size"]')).select_by_value(str(SIZE))
    for trait, value in (("row", ROW), ("col", COL)):
        slider = widget.find_element(By.CSS_SELECTOR, f'[data-trait="{trait}"]')
        browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                               slider, value)
    h, w = unpack(KernelExplorer().photos[PHOTO]).shape
    assert h != w and ROW != COL and ROW + SIZE <= h and COL + SIZE <= w
    drawn = browser.execute_script(OUTLINE, ".cnn-live canvas.cnn-input")
    scale = drawn["width"] // w
    assert (drawn["width"], drawn["height"]) == (w * scale, h * scale), "the input canvas is not the photo"
    top, bottom, left, right = drawn["box"]
    # each outline pixel, to within one canvas pixel (the stroke's width and anti-aliasing)
    assert abs(top - ROW * scale) <= 1 and abs(bottom - ((ROW + SIZE) * scale - 1)) <= 1
    assert abs(left - COL * scale) <= 1 and abs(right - ((COL + SIZE) * scale - 1)) <= 1
    out = browser.execute_script(OUTLINE, ".cnn-live canvas.cnn-output")
    assert (out["width"], out["height"]) == ((w - SIZE + 1) * scale, (h - SIZE + 1) * scale)
    top, bottom, left, right = out["box"]  # the output pixel itself
    assert abs(top - ROW * scale) <= 1 and abs(bottom - ((ROW + 1) * scale - 1)) <= 1
    assert abs(left - COL * scale) <= 1 and abs(right - ((COL + 1) * scale - 1)) <= 1
    assert not console_errors(browser)
