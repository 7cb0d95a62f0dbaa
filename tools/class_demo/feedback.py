"""``python -m tools.class_demo.feedback COURSE GRADING ASSIGNMENT`` (as the instructor): put each
feedback page of ``make grade`` where nbgrader's release_feedback takes it from.

``GRADING/feedback/<student>/<notebook>.html`` goes to ``COURSE/feedback/<student>/<assignment>/``
with the collected submission's ``timestamp.txt`` and ``submission_secret.txt`` (from
``COURSE/submitted/<student>/<assignment>/``), which name the page in the exchange. Then
``nbgrader release_feedback ASSIGNMENT`` (or the formgrader's release_feedback) sends them out.
"""

import shutil
import sys
from pathlib import Path

SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


def place_feedback(course, grading, assignment):
    """Copy the pages of learners whose submission of ``assignment`` was collected; the students."""
    course, placed = Path(course), []
    for pages in sorted(Path(grading, "feedback").iterdir()):
        submitted = course / "submitted" / pages.name / assignment
        notebooks = [page for page in sorted(pages.glob("*.html")) if (submitted / f"{page.stem}.ipynb").exists()]
        if not notebooks:
            continue
        target = course / "feedback" / pages.name / assignment
        target.mkdir(parents=True, exist_ok=True)
        for page in notebooks:
            shutil.copyfile(page, target / page.name)
        for name in SUBMISSION_FILES:
            shutil.copyfile(submitted / name, target / name)
        placed.append(pages.name)
    return placed


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        sys.exit(__doc__.split("\n\n")[0])
    placed = place_feedback(*args)
    print(f"feedback placed for {len(placed)} learners: {', '.join(placed)}")
    return 0 if placed else 1


if __name__ == "__main__":
    sys.exit(main())
