"""Instructor tools, run offline.

- :mod:`cnncourse.instructor.student`  ``make student``: learner versions of the chapter notebooks
  (:func:`~cnncourse.instructor.student.generate_student_notebooks`, with nbgrader), never
  overwriting a learner's work.
- :mod:`cnncourse.instructor.grade`    ``make grade``: grade every submission in one command
  (:func:`~cnncourse.instructor.grade.grade_submissions`): CSV of grades and HTML feedback. Its
  parts: :mod:`~cnncourse.instructor.submissions` (where the notebooks are),
  :mod:`~cnncourse.instructor.chapter` (the instructor's exercises),
  :mod:`~cnncourse.instructor.program` (what a sandbox runs), :mod:`~cnncourse.instructor.gradebook`
  (grades.csv and feedback pages).
- :mod:`cnncourse.instructor.sandbox`  the bubblewrap sandbox each (learner, notebook) runs in;
  :mod:`cnncourse.instructor.runner` is what runs inside it, :mod:`cnncourse.instructor.exchange`
  the plain data that crosses its wall.
- :mod:`cnncourse.instructor.nbgrader_course`  the nbgrader course folder ``make student`` uses.
- :mod:`cnncourse.instructor.widget_state`  ``make lab``'s save hook: a learner's notebook keeps the
  state of the widgets it shows, so they work again after a reload.

The submodules are not imported here: ``python -m cnncourse.instructor.student`` runs them as scripts.
"""
