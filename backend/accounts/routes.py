"""Sign-in and user-management endpoints: parse, call a service, return."""
from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts import services, users
from backend.accounts.schemas import (LoginSchema, RefreshSchema, TokenPairSchema, UserCreateSchema,
                                      UserQuerySchema, UserSchema, UserUpdateSchema)
from backend.pagination import SelectPage
from backend.policy import current_principal, public, requires

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in tokens")
users_blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User accounts")


@auth_blp.route("/token")
class TokenView(MethodView):
    @public
    @auth_blp.arguments(LoginSchema)
    @auth_blp.response(200, TokenPairSchema)
    @auth_blp.alt_response(401, "UNAUTHORIZED")
    @auth_blp.alt_response(429, "TOO_MANY_REQUESTS")
    def post(self, body: dict[str, Any]) -> services.TokenPair:
        """Sign in with username and password"""
        return services.login(body["username"], body["password"], request.remote_addr or "unknown")


@auth_blp.route("/refresh")
class RefreshView(MethodView):
    @public
    @auth_blp.arguments(RefreshSchema)
    @auth_blp.response(200, TokenPairSchema)
    @auth_blp.alt_response(401, "UNAUTHORIZED")
    def post(self, body: dict[str, Any]) -> services.TokenPair:
        """Exchange a refresh token for a new pair (the old one stops working)"""
        return services.refresh(body["refresh_token"])


@auth_blp.route("/logout")
class LogoutView(MethodView):
    @public
    @auth_blp.arguments(RefreshSchema)
    @auth_blp.response(204)
    def post(self, body: dict[str, Any]) -> None:
        """Sign out: revoke the refresh token's whole family"""
        services.logout(body["refresh_token"])


@auth_blp.route("/me")
class MeView(MethodView):
    @requires("account.self")
    @auth_blp.response(200, UserSchema)
    def get(self) -> Any:
        """The signed-in user"""
        return users.get_user(current_principal().user_id)


@users_blp.route("")
class UsersView(MethodView):
    @requires("users.read")
    @users_blp.arguments(UserQuerySchema, location="query")
    @users_blp.response(200, UserSchema(many=True))
    @users_blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Any:
        """List users (department administrators see their own department)"""
        return users.list_users(current_principal(), department=query.get("department"))

    @requires("users.manage")
    @users_blp.arguments(UserCreateSchema)
    @users_blp.response(201, UserSchema)
    @users_blp.alt_response(409, "CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Create a user account"""
        return users.create_user(current_principal(), body)


@users_blp.route("/<int:user_id>")
class UserView(MethodView):
    @requires("users.read", department_of=users.department_of_user)
    @users_blp.etag
    @users_blp.response(200, UserSchema)
    def get(self, user_id: int) -> Any:
        """One user"""
        return users.get_user(user_id)

    @requires("users.manage", department_of=users.department_of_user)
    @users_blp.etag
    @users_blp.arguments(UserUpdateSchema)
    @users_blp.response(200, UserSchema)
    def patch(self, body: dict[str, Any], user_id: int) -> Any:
        """Change a user's name, password, roles or active flag (needs If-Match)"""
        user = users.get_user(user_id)
        users_blp.check_etag(user, UserSchema)
        return users.update_user(current_principal(), user, body)
