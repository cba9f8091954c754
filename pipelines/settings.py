"""Prefect settings for a server-less, offline, quiet run; applied before Prefect is imported.

Each default yields to a value already in the environment, so an analyst who points
PREFECT_API_URL at a running server (`prefect server start`) gets ~3 s runs instead of the
~10 s a temporary server costs.
"""

import os
from pathlib import Path

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # else a telemetry error and a locked db
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "DASK_LOGGING__DISTRIBUTED": "warning",  # `--dask`: no line per worker start and stop
}


def apply() -> None:
    os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
