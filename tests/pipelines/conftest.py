import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the session (~12 s), as deps-notes advises."""
    with prefect_test_harness(server_startup_timeout=90):
        yield
