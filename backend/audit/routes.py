"""The audit log over HTTP: the signed tree head is public; entries and proofs are for auditors."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.audit import queries
from backend.audit.schemas import (CheckpointSchema, ConsistencyProofSchema, ConsistencyQuerySchema,
                                   EntryQuerySchema, EntrySchema, InclusionProofSchema,
                                   InclusionQuerySchema, PublicKeySchema)
from backend.pagination import SelectPage
from backend.policy import public, requires

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Tamper-evident audit log")


@blp.route("/checkpoint")
class CheckpointView(MethodView):
    @public
    @blp.response(200, CheckpointSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self) -> Any:
        """The latest signed checkpoint (tree size, root hash, signature)"""
        return queries.current_checkpoint()


@blp.route("/public-key")
class PublicKeyView(MethodView):
    @public
    @blp.response(200, PublicKeySchema)
    def get(self) -> Any:
        """The Ed25519 key that signs checkpoints"""
        return queries.public_key()


@blp.route("/entries")
class EntriesView(MethodView):
    @requires("audit.read")
    @blp.arguments(EntryQuerySchema, location="query")
    @blp.response(200, EntrySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """Audit entries, newest first"""
        return queries.list_entries(query.get("object_type"), query.get("object_id"))


@blp.route("/entries/<int:index>/proof")
class InclusionView(MethodView):
    @requires("audit.read")
    @blp.arguments(InclusionQuerySchema, location="query")
    @blp.response(200, InclusionProofSchema)
    def get(self, query: dict[str, Any], index: int) -> Any:
        """Inclusion proof of one entry in a checkpointed tree (default: the latest)"""
        return queries.inclusion(index, query.get("tree_size"))


@blp.route("/consistency")
class ConsistencyView(MethodView):
    @requires("audit.read")
    @blp.arguments(ConsistencyQuerySchema, location="query")
    @blp.response(200, ConsistencyProofSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, query: dict[str, Any]) -> Any:
        """Consistency proof between two checkpointed tree sizes"""
        return queries.consistency(query["first"], query["second"])
