"""S6: Schemathesis over the OpenAPI schema, as the administrator and as the lowest role.

The real server runs in a subprocess (``klientela serve``, uvicorn) on the
tests' database; Schemathesis loads ``/schema/openapi.json`` from it, generates
requests for every operation and checks each answer: no server error, a
documented status code and content type, a body that matches its schema.
Requests authenticate with API tokens, as an integration would.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.auth.tables import User
from core.auth.tokens import create_token
from core.auth.users import create_user
from core.testing.fixtures import ADMIN_EMAIL, unique_email

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
async def tokens(accounts) -> dict[str, str]:
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    lowest, _ = await create_user(unique_email("readonly"), name="Read only", password="read-only-pass-1", roles=["read_only"])
    return {
        "administrator": (await create_token(admin.id, "schemathesis"))[1],
        "read_only": (await create_token(lowest.id, "schemathesis"))[1],
    }


def exercise(operation, headers: dict) -> None:
    """Hypothesis-driven calls of one operation; raises on the first failed check."""

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ["administrator", "read_only"])
def test_every_operation_conforms_to_the_schema(role, server, tokens):
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    # The schema is for signed-in users, built for the one asking (issue 14): each role's own.
    schema = schemathesis.openapi.from_url(f"{server}/schema/openapi.json", headers=headers)
    failures, operations = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            exercise(operation, headers)
        except Exception as exc:  # noqa: BLE001 - collected so one run reports every operation
            failures[operation.label] = str(exc)[:1500]
    assert operations >= 10, "the schema lists too few operations: is the entity API documented?"
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
