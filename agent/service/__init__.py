"""The service around the pipeline: the daemon (`daemon`), its IMAP IDLE watcher (`idle`) and
what it retries and how long it waits (`retry`)."""

from agent.service.daemon import run_daemon

__all__ = ["run_daemon"]
