"""`monitor worker`: the background worker that runs the PDF builds editors request.

It is the django-tasks-db database worker under the project's name, with all its options:
it takes queued tasks from the database and runs them one at a time.
"""

from __future__ import annotations

import signal

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from monitor.commands import MonitorCommand

_SIGNALS = [s for s in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, s)]


class Command(MonitorCommand, DbWorkerCommand):
    help = (
        "Run the background worker: it takes the tasks queued in the database (the PDF builds "
        "requested at /editorial/publications/) and runs them one at a time, writing each "
        "build's progress, log and PDF back to the database. Keep one running next to the "
        "web server (`make demo` starts one). With --batch it runs what is queued, then exits."
        "\n\nExamples:\n  monitor worker\n  monitor worker --batch --no-startup-delay\n"
        "  monitor worker --interval 5 --max-tasks 100"
    )

    def handle(self, *args, **options):
        # The worker installs its own Ctrl+C/SIGTERM handlers (finish the current task, then
        # stop); put the previous ones back when it returns, e.g. after --batch in-process.
        saved = {name: signal.getsignal(getattr(signal, name)) for name in _SIGNALS}
        try:
            return super().handle(*args, **options)
        finally:
            for name, handler in saved.items():
                if handler is not None:
                    signal.signal(getattr(signal, name), handler)
