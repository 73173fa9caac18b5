"""The background task behind the editors' "build" button, run by `monitor worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def run_build(build_id: int) -> str:
    """Run one queued PDF build (see `services.build_run`); returns its final status. A build
    that fails is recorded on the build itself, so the task still ends normally."""
    from monitor.publishing.services import build_run

    return build_run(build_id)
