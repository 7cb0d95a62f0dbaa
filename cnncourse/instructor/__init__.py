"""Instructor tools built on nbgrader, run offline and in temporary course folders.

- :mod:`cnncourse.instructor.student`  ``make student``: learner versions of the chapter notebooks
  (:func:`~cnncourse.instructor.student.generate_student_notebooks`), never overwriting a learner's work.
- :mod:`cnncourse.instructor.grade`    ``make grade``: grade every submission in one command
  (:func:`~cnncourse.instructor.grade.grade_submissions`): CSV of grades and HTML feedback.
- :mod:`cnncourse.instructor.nbgrader_course`  the nbgrader course folder both use.

The submodules are not imported here: ``python -m cnncourse.instructor.student`` runs them as scripts.
"""
