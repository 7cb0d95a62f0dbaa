"""Two nbgrader exchange steps with the holes of the default exchange closed (nbgrader #978, #1225).

- :class:`PrivateSubmit`: a submission is left readable by its author and the instructors' group
  only. nbgrader's own submit makes it world-readable (files 644, folder 777) and relies on nobody
  guessing its name; the inbound folder is set-group-id to the instructors' group, so this
  submission already belongs to that group when its mode is narrowed.
- :class:`OwnerCheckedCollect`: a submission whose folder is not owned by the learner it names
  (made with ``nbgrader submit --student SOMEONE_ELSE``) is never collected. nbgrader's own collect
  only logs "cheating attempt?" and collects it anyway, newest first, over the real one.

Configure them with ``ExchangeFactory.submit`` and ``ExchangeFactory.collect`` (nbgrader_config).
"""

import glob
import os
import pwd
import secrets
import shutil

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit

SUBMISSION_FILE_MODE = 0o640
SUBMISSION_DIR_MODE = 0o770  # the instructors' group may tidy up; nobody else may look


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission closed to everyone but its author and the instructors."""

    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        group = os.stat(self.inbound_path).st_gid
        for folder, _, names in os.walk(submission):
            for name in names:
                self._take_group(os.path.join(folder, name), group)
        self.set_perms(submission, fileperms=SUBMISSION_FILE_MODE, dirperms=SUBMISSION_DIR_MODE)

    def _take_group(self, path, group):
        """Give ``path`` the instructors' group, which a learner cannot chgrp to: nbgrader writes its
        timestamp and secret after copystat took the set-group-id bit off the submission folder, so
        they are rewritten through a file made in the (set-group-id) inbound folder."""
        if os.lstat(path).st_gid == group:
            return
        temporary = os.path.join(self.inbound_path, "." + secrets.token_hex(16))
        shutil.copyfile(path, temporary)
        os.replace(temporary, path)


def _owner(path):
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except (KeyError, OSError):
        return None


class OwnerCheckedCollect(ExchangeCollect):
    """nbgrader's collect, which takes each learner's newest submission owned by that learner."""

    def init_src(self):
        super().init_src()
        self.src_records = [record for record in map(self._genuine, self.src_records) if record]

    def _genuine(self, record):
        """``record`` when its owner is the learner it names, else that learner's newest own one."""
        if self._owned(record):
            return record
        self.log.warning("Not collected: %s names %s but belongs to %s", record["filename"],
                         record["username"], _owner(os.path.join(self.inbound_path, record["filename"])))
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(
            glob.escape(record["username"]), glob.escape(self.coursedir.assignment_id)))
        own = [r for r in map(self._path_to_record, glob.glob(pattern)) if self._owned(r)]
        return self._sort_by_timestamp(own)[0] if own else None

    def _owned(self, record):
        path = os.path.join(self.inbound_path, record["filename"])
        return not os.path.islink(path) and _owner(path) == record["username"]
