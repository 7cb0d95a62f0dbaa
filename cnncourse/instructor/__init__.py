"""Instructor tools, run offline.

- :mod:`cnncourse.instructor.student`  ``make student``: learner versions of the chapter notebooks
  (:func:`~cnncourse.instructor.student.generate_student_notebooks`, with nbgrader), never
  overwriting a learner's work.
- :mod:`cnncourse.instructor.grade`    ``make grade``: grade every submission in one command
  (:func:`~cnncourse.instructor.grade.grade_submissions`): CSV of grades and HTML feedback.
- :mod:`cnncourse.instructor.sandbox`  the bubblewrap sandbox each (learner, notebook) runs in;
  :mod:`cnncourse.instructor.runner` is what runs inside it, :mod:`cnncourse.instructor.exchange`
  the plain data that crosses its wall.
- :mod:`cnncourse.instructor.nbgrader_course`  the nbgrader course folder ``make student`` uses.

The submodules are not imported here: ``python -m cnncourse.instructor.student`` runs them as scripts.
"""
