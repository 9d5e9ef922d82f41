"""The background worker: django-tasks-db's `db_worker`, with this project's defaults.

Every place that runs a worker (make demo, docker-compose, the tests that start
processes) runs `python manage.py run_worker`, so they all run it the same way.
Defaults: every queue, no auto-reload, a worker id naming the host and process (in
the logs and in each task result's worker_ids). Any of db_worker's options may be
given (--batch, --max-tasks, --interval...). SIGTERM or Ctrl-C lets the task in hand
finish, then stops; a second one stops at once.

Run as many as the load needs, on as many machines: on PostgreSQL each task is taken
by exactly one worker (SELECT ... FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import os
import socket

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run the background worker (takes tasks from the database queue)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(
            queue_name="*",
            reload=False,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[-64:],
        )
