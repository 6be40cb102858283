"""Property-based fuzzing of every operation in the OpenAPI document (schemathesis).

Every operation gets a bounded number of generated requests, valid and invalid, sent by a
signed-in system administrator. The app must never answer 5xx, and every answer (status,
content type, body) must be one the document describes.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from backend.accounts.roles import Role
from tests.support.apps import OTHER_DEPARTMENT

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Bounded and derandomized: the same requests every run, so a failure is always reproducible.
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


def run_examples(mode: GenerationMode, test: Callable[[], None]) -> None:
    settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
             suppress_health_check=list(HealthCheck))(test)()


def modes_for(operation: Any) -> list[GenerationMode]:
    """Valid requests always; invalid ones where there is an input (or a token) to spoil."""
    inputs = (operation.path_parameters, operation.query, operation.headers, operation.body)
    return list(GenerationMode) if any(len(i) for i in inputs) else [GenerationMode.POSITIVE]


@pytest.mark.slow
def test_no_operation_answers_a_server_error_or_breaks_its_schema(
        app: Flask, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]],
        subtests: pytest.Subtests) -> None:
    make_user("fuzz-inspector", Role.INSPECTOR)
    make_user("fuzz-ecology", Role.DEPARTMENT_ADMIN, department=OTHER_DEPARTMENT)
    admin_id = make_user("fuzz-admin", Role.SYSTEM_ADMIN)
    headers = auth_headers("fuzz-admin")
    # tus chunks (uploads) are raw bytes under their own media type.
    schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    def send(case: Any) -> None:
        if case.path_parameters and case.path_parameters.get("user_id") == admin_id:
            case.path_parameters["user_id"] = admin_id + 1  # never lock the fuzzer out of its own account
        case.call_and_validate(headers=headers, checks=CHECKS)

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes_for(operation):
            with subtests.test(operation=operation.label, mode=mode.value):
                try:
                    run_examples(mode, given(operation.as_strategy(generation_mode=mode))(send))
                except Unsatisfiable:
                    # Every input this operation takes is valid (e.g. a free-text path segment).
                    if mode is GenerationMode.POSITIVE:
                        raise
