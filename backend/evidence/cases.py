"""Where packages come from: the referral cases (移送案件). A seam, filled later.

The referral-case module (it depends on check records and review) implements `CaseProvider`
and registers it at app start with `register_provider(app, provider)`. Until then every call
is answered with a clear `evidence.no_referral_cases` error.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from backend.errors import NotFound
from backend.evidence.inputs import PackageInput

_EXTENSION = "ssgk.referral_cases"


@dataclass(frozen=True)
class CaseSummary:
    case_number: str
    party: str
    items: int  # evidence items
    state: str  # the referral case's state, e.g. "approved"


class CaseProvider(Protocol):
    def list_cases(self) -> list[CaseSummary]: ...

    def package_input(self, case_number: str, exported_by: str) -> PackageInput:
        """Everything the package needs; raises NotFound (`evidence.case_not_found`) for an unknown case."""


class NoReferralCases(NotFound):
    code = "evidence.no_referral_cases"
    message = ("There are no referral cases yet: the referral-case module that provides them "
               "is not installed in this version.")


class _NoCases:
    def list_cases(self) -> list[CaseSummary]:
        raise NoReferralCases()

    def package_input(self, case_number: str, exported_by: str) -> PackageInput:
        raise NoReferralCases(details={"case_number": case_number})


def register_provider(app: Flask, provider: CaseProvider) -> None:
    app.extensions[_EXTENSION] = provider


def provider() -> CaseProvider:
    return current_app.extensions.get(_EXTENSION) or _NoCases()


def list_cases() -> list[CaseSummary]:
    return provider().list_cases()


def package_input(case_number: str, exported_by: str) -> PackageInput:
    return provider().package_input(case_number, exported_by)
