#!/usr/bin/env python3
"""localaws: the test world's AWS (IAM, STS and EKS), built on moto.

moto runs in-process; this file closes the gaps that matter to eks-login:

1. IAM enforcement can be switched on and off at run time
   (POST /eks-login-world/enforce-iam with body "on"/"off").
2. SigV4 is verified from the raw request (moto hashed the header dict as the
   payload of bodiless EKS GETs, and re-encoded form bodies).
3. EKS actions are authorized against the cluster ARN.
4. AssumeRole follows AWS: a trust policy naming the account root delegates
   to the caller's identity policy; conditions (MFA, ExternalId, ...) count.
5. Presigned GetCallerIdentity (aws-iam-authenticator tokens) is verified here.
6. POST /eks-login-world/cluster sets a cluster's endpoint, CA and
   authentication mode.
7. EKS access entries and access policies exist.
8. GET /eks-login-world/calls counts API calls per "service:Action".
9. IAM Identity Center: the SSO portal's GetRoleCredentials and SSO OIDC's
   CreateToken (refresh_token grant) for sessions a test registers with
   POST /eks-login-world/sso-session; role credentials are real sessions
   of the role in moto's STS.
10. A world enforcing a cluster's access follows its access entries, access
    policies and authentication mode (GET /eks-login-world/access/REGION/NAME,
    a long poll); calls that change them return once the world enforces them.
11. Many clusters: the Account Management API's ListRegions with opt-in
    statuses (POST /eks-login-world/region-opt-status changes one); the SSO
    portal's ListAccounts and ListAccountRoles for sessions assigned to many
    accounts; permission sets provisioned into an account as IAM Identity
    Center does it (POST /eks-login-world/permission-set), whose
    AWSReservedSSO_ roles GetRoleCredentials hands out.
12. The seed's nodes are EC2 instances (moto's EC2, which aws-iam-authenticator
    asks for {{EC2PrivateDNSName}}) with the node role's instance profile
    (POST /eks-login-world/node); GET /eks-login-world/imds/REGION/INSTANCE
    answers as the instance metadata service does, with the role's
    credentials in a session named after the instance ID.
13. GetAccountAuthorizationDetails answers as IAM does: trust policies
    URL-encoded like every other document, and managed policies with their
    PolicyName.
14. AWS Sign-In's CreateOAuth2Token (REGION.signin.aws.amazon.com, POST
    /v1/token), the refresh of `aws login` sessions a test registers with
    POST /eks-login-world/login-session: DPoP proofs are checked (RFC 9449)
    against the key the refresh token is bound to, and the credentials are
    real sessions of the console's role in moto's STS.

Run: python3 localaws.py --host 127.0.0.1 --port 0 [--tls-cert C --tls-key K]
     [--ready-file F] [--verbose]
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import hmac
import io
import ipaddress
import json
import logging
import os
import re
import signal
import sys
import threading
import uuid
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.sax.saxutils import escape

import flask
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server

from moto import settings
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.responses import ActionResult, BaseResponse, EmptyResult
from moto.core.serialize import url_encode
from moto.core.utils import utcnow
from moto.account import urls as account_urls
from moto.account.responses import AccountResponse
from moto.ec2.models import ec2_backends
from moto.eks import urls as eks_urls
from moto.eks.exceptions import (
    InvalidParameterException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.models import Cluster, eks_backends
from moto.eks.responses import EKSResponse
from moto.iam import access_control
from moto.iam.models import ManagedPolicy, get_account_id_from, iam_backends
from moto.iam.responses import IamResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.sts.models import sts_backends
from moto.sts.responses import TokenResponse
from moto.utilities.utils import get_partition

SERVICES = ("iam", "sts", "eks", "account", "ec2")
# Services that speak REST-JSON and name the common errors as EKS does.
REST_JSON_SERVICES = ("eks", "account")
CONTROL = "/eks-login-world"
# aws-iam-authenticator and STS treat a presigned URL as valid for 15 minutes
# after X-Amz-Date; X-Amz-Expires is ignored by STS for this.
PRESIGN_VALIDITY = datetime.timedelta(minutes=15)
AMZ_DATE = "%Y%m%dT%H%M%SZ"


def default_account() -> str:
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


# ---------------------------------------------------------------- call counts


class CallCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


CALLS = CallCounter()

# ------------------------------------------------------------------- errors


class AWSFailure(Exception):
    """An authentication or authorization failure, rendered per service."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def access_denied(caller_arn: str, action: str, resource: str) -> AWSFailure:
    msg = f"User: {caller_arn} is not authorized to perform: {action}"
    if resource != "*":
        msg += f" on resource: {resource}"
    return AWSFailure(403, "AccessDenied", msg)


INVALID_TOKEN = AWSFailure(
    403, "InvalidClientTokenId", "The security token included in the request is invalid."
)
BAD_SIGNATURE_MSG = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
# EKS speaks REST-JSON and names the common errors differently.
EKS_ERROR_CODES = {
    "AccessDenied": "AccessDeniedException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "ExpiredToken": "ExpiredTokenException",
    "MissingAuthenticationToken": "MissingAuthenticationTokenException",
    "IncompleteSignature": "IncompleteSignatureException",
}
XMLNS = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}


def render_error(service: str, f: AWSFailure, want_json: bool) -> tuple[int, dict[str, str], str]:
    rid = str(uuid.uuid4())
    if service in REST_JSON_SERVICES:
        code = EKS_ERROR_CODES.get(f.code, f.code)
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": rid}
        return f.status, headers, json.dumps({"message": f.message})
    if want_json:  # what STS answers to Accept: application/json
        body = json.dumps({"Error": {"Code": f.code, "Message": f.message, "Type": "Sender"}, "RequestId": rid})
        return f.status, {"Content-Type": "application/json", "x-amzn-RequestId": rid}, body
    body = (
        f'<ErrorResponse xmlns="{XMLNS.get(service, XMLNS["sts"])}">'
        f"<Error><Type>Sender</Type><Code>{escape(f.code)}</Code><Message>{escape(f.message)}</Message></Error>"
        f"<RequestId>{rid}</RequestId></ErrorResponse>"
    )
    return f.status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body


class _Abort(HTTPException):
    """Carries a rendered error out of moto's authorization hook."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(description=body)
        self.code = status


# -------------------------------------------------------------------- SigV4


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _header(environ: dict, name: str) -> str | None:
    if name == "content-type":
        return environ.get("CONTENT_TYPE")
    if name == "content-length":
        return environ.get("CONTENT_LENGTH")
    return environ.get("HTTP_" + name.upper().replace("-", "_"))


def raw_target(environ: dict) -> tuple[str, str]:
    """The path and query exactly as the client sent them (still escaped)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        raw = quote(environ.get("PATH_INFO", "")) + "?" + environ.get("QUERY_STRING", "")
    if "://" in raw.split("?", 1)[0]:  # absolute-form request target
        parts = urlsplit(raw)
        raw = parts.path + "?" + parts.query
    path, _, query = raw.partition("?")
    return path or "/", query


def canonical_query(query: str, drop: tuple[str, ...] = ()) -> str:
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        k, v = unquote(k), unquote(v)
        if k not in drop:
            pairs.append((quote(k, safe="-_.~"), quote(v, safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def sigv4_signature(environ: dict, secret: str, scope: str, amz_date: str,
                    signed_headers: list[str], payload_hash: str,
                    drop_query: tuple[str, ...] = ()) -> tuple[str, str]:
    """Returns (signature, canonical request) for the request in environ."""
    path, query = raw_target(environ)
    # Every SDK (except for S3) URI-encodes the already-escaped path once more.
    canonical_uri = quote(path, safe="/~")
    headers = "".join(f"{h}:{' '.join((_header(environ, h) or '').split())}\n" for h in signed_headers)
    creq = "\n".join([
        environ["REQUEST_METHOD"], canonical_uri, canonical_query(query, drop_query),
        headers, ";".join(signed_headers), payload_hash,
    ])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    date, region, service, _ = scope.split("/")
    key = _hmac(("AWS4" + secret).encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), creq


def check_signature(environ: dict, secret: str, credential: str, amz_date: str,
                    signed_headers: list[str], signature: str, payload_hash: str,
                    drop_query: tuple[str, ...] = ()) -> None:
    scope = credential.split("/", 1)[1]
    if "host" not in signed_headers or not amz_date.startswith(scope.split("/")[0]):
        raise AWSFailure(403, "SignatureDoesNotMatch", BAD_SIGNATURE_MSG)
    expected, creq = sigv4_signature(environ, secret, scope, amz_date, signed_headers, payload_hash, drop_query)
    if not hmac.compare_digest(expected, signature):
        log(f"signature mismatch; our canonical request was:\n{redact(creq)}")
        raise AWSFailure(403, "SignatureDoesNotMatch", BAD_SIGNATURE_MSG)


def redact(text: str) -> str:
    """Session tokens are credentials: keep them out of logs."""
    text = re.sub(r"(X-Amz-Security-Token=)[^&\n]*", r"\1REDACTED", text)
    return re.sub(r"(?m)^(x-amz-security-token:).*$", r"\1REDACTED", text)


def parse_authorization(value: str) -> dict[str, str]:
    algorithm, _, rest = value.partition(" ")
    if algorithm != "AWS4-HMAC-SHA256":
        raise AWSFailure(400, "IncompleteSignature", f"Unsupported AWS 'algorithm': '{algorithm}'")
    fields = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    if not {"Credential", "SignedHeaders", "Signature"} <= fields.keys() or fields["Credential"].count("/") != 4:
        raise AWSFailure(400, "IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.")
    return fields


# ------------------------------------------------------------------ callers


class Caller:
    """The principal behind an access key, as moto's IAM and STS know it."""

    def __init__(self, access_key_id: str, token: str | None, region: str) -> None:
        self.account = get_account_id_from(access_key_id)
        self.partition = get_partition(region)
        headers = {"X-Amz-Security-Token": token} if token else {}
        try:
            key = access_control.create_access_key(self.account, self.partition, access_key_id, headers)
        except access_control.CreateAccessKeyFailure:
            raise INVALID_TOKEN
        self.key = key
        creds = key.create_credentials()
        self.secret = creds.secret_key
        iam = iam_backends[self.account][self.partition]
        if isinstance(key, access_control.AssumedRoleAccessKey):
            session = next(r for r in sts_backends[self.account][self.partition].assumed_roles
                           if r.access_key_id == access_key_id)
            if session.expiration < utcnow():
                raise AWSFailure(403, "ExpiredToken", "The security token included in the request is expired")
            self.arn, self.user_id, self.role_arn = session.arn, session.user_id, session.role_arn
            self.mfa = getattr(session, "eks_login_world_mfa", False)
            self.user = None
            self.trusted_as = {self.arn, self.role_arn}
        else:
            if getattr(iam.access_keys.get(access_key_id), "status", "Active") != "Active":
                raise INVALID_TOKEN
            self.user = iam.get_user(key._owner_user_name)
            self.arn, self.user_id, self.role_arn = self.user.arn, self.user.id, None
            self.mfa = False
            self.trusted_as = {self.arn}

    def policies(self) -> list[dict]:
        return [access_control.IAMPolicy(p)._policy_json for p in self.key.collect_policies()]

    def context(self) -> dict[str, str]:
        """Global condition keys (lower-cased: keys are case-insensitive)."""
        ctx = {
            "aws:principalarn": self.role_arn or self.arn,
            "aws:principalaccount": self.account,
            "aws:userid": self.user_id,
        }
        if self.user:
            ctx["aws:username"] = self.user.name
        if self.mfa:
            ctx["aws:multifactorauthpresent"] = "true"
            ctx["aws:multifactorauthage"] = "0"
        return ctx


def caller_from_header(environ: dict) -> tuple[Caller, dict[str, str]]:
    """Authenticates a request signed in its Authorization header."""
    auth = environ.get("HTTP_AUTHORIZATION")
    if not auth:
        raise AWSFailure(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    fields = parse_authorization(auth)
    akid, _, region, _, _ = fields["Credential"].split("/")
    caller = Caller(akid, environ.get("HTTP_X_AMZ_SECURITY_TOKEN"), region)
    body = environ.get("localaws.body", b"")
    payload = environ.get("HTTP_X_AMZ_CONTENT_SHA256") or hashlib.sha256(body).hexdigest()
    check_signature(environ, caller.secret, fields["Credential"], environ.get("HTTP_X_AMZ_DATE", ""),
                    fields["SignedHeaders"].split(";"), fields["Signature"], payload)
    return caller, fields


# ---------------------------------------------------------- policy evaluation


def _list(x: Any) -> list:
    return x if isinstance(x, list) else [x]


def _wild(pattern: str, value: str, ignore_case: bool = False) -> bool:
    rx = re.escape(str(pattern)).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(rx, value, re.IGNORECASE if ignore_case else 0) is not None


def _num(f):
    def op(expected: Any, actual: str) -> bool:
        try:
            return f(float(actual), float(expected))
        except ValueError:
            return False
    return op


CONDITION_OPS = {
    "StringEquals": lambda e, a: a == str(e),
    "StringEqualsIgnoreCase": lambda e, a: a.lower() == str(e).lower(),
    "StringLike": lambda e, a: _wild(e, a),
    "ArnEquals": lambda e, a: a == str(e),
    "ArnLike": lambda e, a: _wild(e, a),
    "Bool": lambda e, a: a.lower() == str(e).lower(),
    "NumericEquals": _num(lambda a, e: a == e),
    "NumericLessThan": _num(lambda a, e: a < e),
    "NumericLessThanEquals": _num(lambda a, e: a <= e),
    "NumericGreaterThan": _num(lambda a, e: a > e),
    "NumericGreaterThanEquals": _num(lambda a, e: a >= e),
}
NEGATED_OPS = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
               "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
               "NumericNotEquals": "NumericEquals"}


def conditions_hold(conditions: dict | None, ctx: dict[str, str]) -> bool:
    for operator, block in (conditions or {}).items():
        if_exists = operator.endswith("IfExists")
        op = operator.removesuffix("IfExists")
        for key, expected in block.items():
            actual = ctx.get(key.lower())
            if op == "Null":
                if (actual is None) != (str(expected).lower() == "true"):
                    return False
                continue
            negated = op in NEGATED_OPS
            test = CONDITION_OPS.get(NEGATED_OPS.get(op, op))
            if test is None:  # an operator we cannot evaluate never grants
                return False
            if actual is None:
                if if_exists or negated:
                    continue
                return False
            if any(test(e, actual) for e in _list(expected)) == negated:
                return False
    return True


def statement_applies(st: dict, action: str, resource: str, ctx: dict[str, str]) -> bool:
    if "Action" in st:
        if not any(_wild(a, action, ignore_case=True) for a in _list(st["Action"])):
            return False
    elif not ("NotAction" in st and not any(_wild(a, action, True) for a in _list(st["NotAction"]))):
        return False
    if "Resource" in st and not any(_wild(r, resource) for r in _list(st["Resource"])):
        return False
    if "NotResource" in st and any(_wild(r, resource) for r in _list(st["NotResource"])):
        return False
    return conditions_hold(st.get("Condition"), ctx)


def evaluate(docs: list[dict], action: str, resource: str, ctx: dict[str, str]) -> str | None:
    """Identity-policy decision: "Deny", "Allow" or None (implicit deny)."""
    decision = None
    for doc in docs:
        for st in _list(doc.get("Statement", [])):
            if statement_applies(st, action, resource, ctx):
                if st.get("Effect") == "Deny":
                    return "Deny"
                decision = "Allow"
    return decision


def trust_decision(doc: dict, caller: Caller, ctx: dict[str, str]) -> str | None:
    """How a role's trust policy admits the caller for sts:AssumeRole.

    "principal": the caller (or its role) is named, or "*": enough on its own
    within the account. "account": only the caller's account is named, which
    in AWS delegates the decision to the caller's identity policy.
    "Deny"/None: refused.
    """
    root = {caller.account, f"arn:{caller.partition}:iam::{caller.account}:root"}
    decision = None
    for st in _list(doc.get("Statement", [])):
        principals = st.get("Principal")
        aws = _list(principals.get("AWS", [])) if isinstance(principals, dict) else _list(principals or [])
        if "*" in aws or caller.trusted_as & set(aws):
            kind = "principal"
        elif root & set(aws):
            kind = "account"
        else:
            continue
        if not statement_applies(st, "sts:AssumeRole", "*", ctx):
            continue
        if st.get("Effect") == "Deny":
            return "Deny"
        if decision != "principal":
            decision = kind
    return decision


def mfa_ok(caller: Caller, serial: str | None, code: str | None) -> bool:
    """Any 6-digit code passes for an MFA device registered in the account."""
    if not serial or not re.fullmatch(r"\d{6}", code or ""):
        return False
    iam = iam_backends[caller.account][caller.partition]
    return serial in iam.virtual_mfa_devices or any(serial in u.mfa_devices for u in iam.users.values())


def assume_role_context(resp: TokenResponse, caller: Caller, ctx: dict[str, str]) -> None:
    """Adds what an AssumeRole request tells the policies: MFA, ExternalId, ..."""
    serial, code = resp._get_param("SerialNumber"), resp._get_param("TokenCode")
    if serial or code:
        if not mfa_ok(caller, serial, code):
            raise AWSFailure(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
        ctx.update({"aws:multifactorauthpresent": "true", "aws:multifactorauthage": "0"})
    for param in ("ExternalId", "RoleSessionName", "SourceIdentity"):
        if resp._get_param(param):
            ctx[f"sts:{param.lower()}"] = resp._get_param(param)


def authorize_assume_role(caller: Caller, role_arn: str, identity: str | None, ctx: dict[str, str]) -> None:
    denied = access_denied(caller.arn, "sts:AssumeRole", role_arn)
    m = re.fullmatch(r"arn:[^:]+:iam::(\d{12}):role/.+", role_arn or "")
    if not m:
        raise denied
    try:
        role = iam_backends[m.group(1)][caller.partition].get_role_by_arn(role_arn)
    except Exception:
        raise denied
    trust = trust_decision(json.loads(role.assume_role_policy_document), caller, ctx)
    same_account = m.group(1) == caller.account
    if trust == "principal" and same_account:
        return
    if trust in ("principal", "account") and identity == "Allow":
        return
    raise denied


UNSIGNED_ACTIONS = {"sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"}


def iam_enforced() -> bool:
    # moto's own switch, so that /moto-api/reset-auth keeps working too.
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def enforcing() -> bool:
    """iam_enforced(), counting down moto's allowance of unchecked requests."""
    if iam_enforced():
        return True
    ActionAuthenticatorMixin.request_count += 1
    return False


def authorize(resp: BaseResponse, resource: str = "*") -> None:
    """Replaces moto's authentication and authorization of every action."""
    if not enforcing():
        return
    if f"{resp.service_name}:{resp._get_action()}" in UNSIGNED_ACTIONS:
        return  # AWS takes these unsigned; moto does not check their tokens
    environ = flask.request.environ
    try:
        caller, fields = caller_from_header(environ)
        service = fields["Credential"].split("/")[3]
        action = f"{service}:{resp._get_action()}"
        if action == "sts:GetCallerIdentity":  # AWS never denies it
            return
        ctx = caller.context()
        ctx["aws:requestedregion"] = fields["Credential"].split("/")[2]
        refuse_in_disabled_region(service, caller.account, ctx["aws:requestedregion"])
        ctx["aws:securetransport"] = str(environ.get("wsgi.url_scheme") == "https").lower()
        if action == "sts:AssumeRole":
            assume_role_context(resp, caller, ctx)
        identity = evaluate(caller.policies(), action, resource, ctx)
        if identity == "Deny":
            raise access_denied(caller.arn, action, resource)
        if action == "sts:AssumeRole":
            authorize_assume_role(caller, resource, identity, ctx)
        elif identity != "Allow":
            raise access_denied(caller.arn, action, resource)
    except AWSFailure as f:
        want_json = "application/json" in environ.get("HTTP_ACCEPT", "")
        status, headers, body = render_error(resp.service_name, f, want_json)
        resp.response_headers.update(headers)
        raise _Abort(status, body)


ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authorize

_moto_region_from_url = BaseResponse.get_region_from_url


def region_from_host(self: BaseResponse, request: Any, full_url: str) -> str:
    """moto looks for ".REGION.amazonaws.com" anywhere in the URL, so a path
    holding an IAM Identity Center role's ARN (.../sso.amazonaws.com/...)
    named region "sso" when the client used the server's own address; the
    region is in the host name or the signature, never the path."""
    return _moto_region_from_url(self, request, "https://" + urlsplit(full_url).netloc + "/")


BaseResponse.get_region_from_url = region_from_host

_moto_call_action = BaseResponse.call_action


def counted_call_action(self: BaseResponse) -> Any:
    if self.service_name in SERVICES:
        CALLS.add(f"{self.service_name}:{self._get_action()}")
    return _moto_call_action(self)


BaseResponse.call_action = counted_call_action

# ---------------------------------------------------------------------- IAM

# IAM's API reference: every policy document of GetAccountAuthorizationDetails
# is URL-encoded (RFC 3986); moto encodes the inline and managed ones but
# not the roles' trust policies. Its list of managed policies also lacks
# their PolicyName, which the serializer reads from an attribute of that
# name (and, once one such attribute is there, PolicyId from its own).
IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER[
    "GetAccountAuthorizationDetailsResponse.RoleDetailList.RoleDetail.AssumeRolePolicyDocument"] = url_encode
ManagedPolicy.policy_name = property(lambda self: self.name)
ManagedPolicy.policy_id = property(lambda self: self.id)

# ---------------------------------------------------------------------- STS

_moto_assume_role = TokenResponse.assume_role


def assume_role(self: TokenResponse) -> ActionResult:
    result = _moto_assume_role(self)
    # A session opened with MFA carries aws:MultiFactorAuthPresent; the code
    # was checked in authorize() when enforcement is on.
    if self._get_param("SerialNumber") and self._get_param("TokenCode"):
        result.result["Credentials"].eks_login_world_mfa = True
    return result


TokenResponse.assume_role = assume_role


def caller_identity_body(caller: Caller, want_json: bool) -> tuple[str, str]:
    rid = str(uuid.uuid4())
    if want_json:
        return "application/json", json.dumps({"GetCallerIdentityResponse": {
            "GetCallerIdentityResult": {"Account": caller.account, "Arn": caller.arn, "UserId": caller.user_id},
            "ResponseMetadata": {"RequestId": rid}}})
    return "text/xml", (
        f'<GetCallerIdentityResponse xmlns="{XMLNS["sts"]}"><GetCallerIdentityResult>'
        f"<Arn>{escape(caller.arn)}</Arn><UserId>{escape(caller.user_id)}</UserId><Account>{caller.account}</Account>"
        f"</GetCallerIdentityResult><ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata>"
        f"</GetCallerIdentityResponse>")


def presigned_get_caller_identity(environ: dict) -> tuple[str, str]:
    """Verifies a query-signed STS request (an aws-iam-authenticator token)."""
    q = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    want_json = "application/json" in environ.get("HTTP_ACCEPT", "")
    action = q.get("Action", "")
    if not world_internal_key(q.get("X-Amz-Credential", "").split("/")[0]):
        CALLS.add(f"sts:{action}")
    if action != "GetCallerIdentity":
        raise AWSFailure(400, "InvalidAction", f"Could not find operation {action} for version {q.get('Version')}")
    if q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or q.get("X-Amz-Credential", "").count("/") != 4:
        raise AWSFailure(400, "IncompleteSignature", "The request signature does not conform to AWS standards.")
    signed = q.get("X-Amz-SignedHeaders", "").lower().split(";")
    if environ.get("HTTP_X_K8S_AWS_ID") is not None and "x-k8s-aws-id" not in signed:
        raise AWSFailure(403, "SignatureDoesNotMatch", "The x-k8s-aws-id header is present but not signed.")
    amz_date = q.get("X-Amz-Date", "")
    try:
        signed_at = datetime.datetime.strptime(amz_date, AMZ_DATE)
    except ValueError:
        raise AWSFailure(400, "IncompleteSignature", f"Invalid X-Amz-Date: {amz_date!r}")
    now = utcnow().replace(microsecond=0)
    if signed_at < now - PRESIGN_VALIDITY:
        raise AWSFailure(403, "SignatureDoesNotMatch", f"Signature expired: {amz_date} is now earlier than "
                         f"{(now - PRESIGN_VALIDITY).strftime(AMZ_DATE)} ({now.strftime(AMZ_DATE)} - 15 min.)")
    if signed_at > now + PRESIGN_VALIDITY:
        raise AWSFailure(403, "SignatureDoesNotMatch", f"Signature not yet current: {amz_date} is still later than "
                         f"{(now + PRESIGN_VALIDITY).strftime(AMZ_DATE)} ({now.strftime(AMZ_DATE)} + 15 min.)")
    akid, _, region, _, _ = q["X-Amz-Credential"].split("/")
    caller = Caller(akid, q.get("X-Amz-Security-Token"), region)
    body = environ.get("localaws.body", b"")
    check_signature(environ, caller.secret, q["X-Amz-Credential"], amz_date, signed,
                    q.get("X-Amz-Signature", ""), hashlib.sha256(body).hexdigest(), drop_query=("X-Amz-Signature",))
    return caller_identity_body(caller, want_json)


WORLD_INTERNAL_USER = "eks-login-world-"


def world_internal_key(access_key_id: str) -> bool:
    """Keys of the world's own IAM users (its authenticator probes), whose
    calls the counts leave out."""
    iam = iam_backends[default_account()]["aws"]
    key = iam.access_keys.get(access_key_id)
    return (getattr(key, "user_name", None) or "").startswith(WORLD_INTERNAL_USER)


def is_presigned_sts(environ: dict) -> bool:
    if environ.get("HTTP_AUTHORIZATION") or "X-Amz-Credential" not in environ.get("QUERY_STRING", ""):
        return False
    credential = dict(parse_qsl(environ["QUERY_STRING"])).get("X-Amz-Credential", "")
    return credential.split("/")[3:4] == ["sts"] or environ.get("HTTP_HOST", "").startswith("sts.")


# ---------------------------------------------------------------------- SSO

# IAM Identity Center in two services: the SSO portal (portal.sso.REGION...)
# turns an access token into role credentials, SSO OIDC (oidc.REGION...)
# refreshes the access token. No one signs in here: a test registers what
# `aws sso login` would have produced (POST /eks-login-world/sso-session) and
# writes the token cache file itself.

SSO_DEFAULT_TTL = 3600  # seconds of a refreshed access token
SSO_ROLE_TTL = 3600  # seconds of role credentials


def _rfc3339(value: str | None, default: datetime.datetime) -> datetime.datetime:
    if not value:
        return default
    t = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if t.tzinfo is not None:
        t = t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return t  # naive UTC, as moto's utcnow()


class Registry:
    """Sessions a test registered, by name, behind a lock; _public is what
    the control endpoint shows of one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, dict] = {}

    def _store(self, session: dict) -> dict:
        with self._lock:
            self._sessions[session["name"]] = session
            return self._public(session)

    def get(self, name: str) -> dict | None:
        with self._lock:
            session = self._sessions.get(name)
            return self._public(session) if session else None

    @staticmethod
    def _public(session: dict) -> dict:
        raise NotImplementedError


class SSOSessions(Registry):
    """Registered sign-ins: tokens, client registrations and who gets what."""

    def put(self, spec: dict) -> dict:
        name = spec["name"]
        if not name or not spec.get("accessToken"):
            raise ValueError("an SSO session needs a name and an accessToken")
        now = utcnow()
        session = {
            "name": name,
            "accessToken": spec["accessToken"],
            "accessTokenExpiresAt": _rfc3339(spec.get("accessTokenExpiresAt"), now + datetime.timedelta(hours=1)),
            "refreshToken": spec.get("refreshToken") or "",
            "clientId": spec.get("clientId") or "",
            "clientSecret": spec.get("clientSecret") or "",
            "registrationExpiresAt": _rfc3339(spec.get("registrationExpiresAt"), now + datetime.timedelta(days=90)),
            "userName": spec.get("userName") or name,
            "account": spec.get("account") or default_account(),
            "roles": list(spec.get("roles") or []),
            "accounts": [_assignment(a) for a in spec.get("accounts") or []],
            "tokenTTL": int(spec.get("tokenTTL") or SSO_DEFAULT_TTL),
        }
        return self._store(session)

    @staticmethod
    def _public(session: dict) -> dict:
        out = dict(session)
        for k in ("accessTokenExpiresAt", "registrationExpiresAt"):
            out[k] = session[k].strftime("%Y-%m-%dT%H:%M:%SZ")
        return out

    def by_access_token(self, token: str) -> dict | None:
        now = utcnow()
        with self._lock:
            for session in self._sessions.values():
                if token and hmac.compare_digest(session["accessToken"], token) and now < session["accessTokenExpiresAt"]:
                    return dict(session)
        return None

    def refresh(self, client_id: str, client_secret: str, refresh_token: str) -> dict:
        """Rotates a session's access and refresh tokens, as CreateToken does."""
        now = utcnow()
        with self._lock:
            clients = [s for s in self._sessions.values() if s["clientId"] and s["clientId"] == client_id]
            if not clients or not any(hmac.compare_digest(s["clientSecret"], client_secret) for s in clients):
                raise SSOFailure(401, "InvalidClientException", "invalid_client", "Invalid client provided")
            for session in clients:
                if not hmac.compare_digest(session["clientSecret"], client_secret):
                    continue
                if now >= session["registrationExpiresAt"]:
                    raise SSOFailure(401, "InvalidClientException", "invalid_client", "Client registration has expired")
                if session["refreshToken"] and hmac.compare_digest(session["refreshToken"], refresh_token):
                    session["accessToken"] = "aoa" + uuid.uuid4().hex
                    session["refreshToken"] = "aor" + uuid.uuid4().hex
                    session["accessTokenExpiresAt"] = now + datetime.timedelta(seconds=session["tokenTTL"])
                    return {"accessToken": session["accessToken"], "tokenType": "Bearer",
                            "expiresIn": session["tokenTTL"], "refreshToken": session["refreshToken"]}
            raise SSOFailure(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token provided")


SSO = SSOSessions()


class SSOFailure(Exception):
    """An SSO portal or OIDC error: REST-JSON, the code in x-amzn-ErrorType."""

    def __init__(self, status: int, code: str, oauth_error: str | None, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code
        # The portal answers {"message": ...}; OIDC answers OAuth's
        # {"error": ..., "error_description": ...}.
        self.body = ({"error": oauth_error, "error_description": message} if oauth_error
                     else {"message": message})


def sso_service(environ: dict) -> str | None:
    """ "sso" or "sso-oidc" when the request is for IAM Identity Center."""
    host = environ.get("HTTP_HOST", "").split(":")[0]
    if host.startswith("portal.sso."):
        return "sso"
    if host.startswith("oidc."):
        return "sso-oidc"
    # At the server's own URL (endpoint overrides): by path; both are unsigned.
    if environ.get("HTTP_AUTHORIZATION"):
        return None
    path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
    if path in SSO_PORTAL_OPERATIONS and method == "GET":
        return "sso"
    if path == "/token" and method == "POST":
        return "sso-oidc"
    return None


def _raw_header(environ: dict, name: str) -> str | None:
    """A header werkzeug left out of environ: it drops names with '_'."""
    for k, v in environ.get("localaws.raw_headers", []):
        if k.lower() == name:
            return v
    return None


def _host_region(environ: dict, prefix: str) -> str:
    host = environ.get("HTTP_HOST", "").split(":")[0]
    if host.startswith(prefix):
        return host[len(prefix):].split(".")[0]
    return "us-east-1"


def get_role_credentials(environ: dict) -> dict:
    CALLS.add("sso:GetRoleCredentials")
    q = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    token = _raw_header(environ, "x-amz-sso_bearer_token")
    if not token:
        raise SSOFailure(401, "UnauthorizedException", None, "Session token not found or invalid")
    role_name, account = q.get("role_name", ""), q.get("account_id", "")
    if not role_name or not account:
        raise SSOFailure(400, "InvalidRequestException", None, "role_name and account_id are required")
    session = SSO.by_access_token(token)
    if session is None:
        raise SSOFailure(401, "UnauthorizedException", None, "Session token not found or invalid")
    region = _host_region(environ, "portal.sso.")
    partition = get_partition(region)
    # A permission set's name stands for its AWSReservedSSO_ role; other
    # names are roles of that name (sessions registered without accounts).
    role_arn = PERMISSION_SETS.role_arn(account, role_name) or f"arn:{partition}:iam::{account}:role/{role_name}"
    no_access = SSOFailure(403, "ForbiddenException", None, "No access")
    if not _assigned(session, account, role_name):
        raise no_access
    try:
        iam_backends[account][partition].get_role_by_arn(role_arn)
    except Exception:
        raise no_access
    role = sts_backends[account][partition].assume_role(
        region_name=region, role_session_name=session["userName"], role_arn=role_arn,
        policy=None, duration=SSO_ROLE_TTL, external_id=None)
    expiration = role.expiration.replace(tzinfo=datetime.timezone.utc)
    return {"roleCredentials": {
        "accessKeyId": role.access_key_id,
        "secretAccessKey": role.secret_access_key,
        "sessionToken": role.session_token,
        "expiration": int(expiration.timestamp() * 1000),
    }}


def create_token(body: bytes) -> dict:
    CALLS.add("sso-oidc:CreateToken")
    try:
        req = json.loads(body or b"{}")
    except ValueError:
        raise SSOFailure(400, "InvalidRequestException", "invalid_request", "The request body is not JSON")
    for field in ("clientId", "clientSecret", "grantType"):
        if not isinstance(req.get(field), str) or not req[field]:
            raise SSOFailure(400, "InvalidRequestException", "invalid_request", f"{field} is required")
    if req["grantType"] != "refresh_token":
        raise SSOFailure(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                         f"Unsupported grant type: {req['grantType']}")
    return SSO.refresh(req["clientId"], req["clientSecret"], req.get("refreshToken") or "")


def serve_sso(service: str, environ: dict, body: bytes, start: Any) -> list[bytes]:
    try:
        if service == "sso":
            operation = SSO_PORTAL_OPERATIONS.get(environ.get("PATH_INFO", ""))
            if operation is None:
                raise SSOFailure(404, "ResourceNotFoundException", None, "No such operation")
            result = operation(environ)
        else:
            result = create_token(body)
        return respond_rest_json(start, 200, result)
    except SSOFailure as f:
        return respond_rest_json(start, f.status, f.body, f.code)


def respond_rest_json(start: Any, status: int, payload: Any, error_code: str | None = None) -> list[bytes]:
    """A rest-json answer: an error's code in x-amzn-ErrorType."""
    data = json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
               ("x-amzn-RequestId", str(uuid.uuid4()))]
    if error_code:
        headers.append(("x-amzn-ErrorType", error_code))
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}.get(status, "Error")
    start(f"{status} {reason}", headers)
    return [data]


# ------------------------------------------- SSO: many accounts and roles

# IAM Identity Center assigns a user permission sets in accounts. The portal
# shows each assignment as an account (ListAccounts) and the permission
# sets' names as its roles (ListAccountRoles); GetRoleCredentials with such
# a name gives credentials of the IAM role that Identity Center provisioned
# for the permission set in that account, named
# AWSReservedSSO_<PermissionSet>_<unique suffix> under the path
# /aws-reserved/sso.amazonaws.com/ (followed by the Identity Center region
# and "/" outside us-east-1), as "Referencing permission sets in resource
# policies, Amazon EKS, and AWS KMS" in the IAM Identity Center User Guide
# describes. Portal API: ListAccounts, ListAccountRoles (sso-2019-06-10).

SSO_PAGE_DEFAULT = 20  # AWS documents no default page size; 1 to 100 may be asked for


def _assignment(spec: dict) -> dict:
    account = str(spec.get("accountId") or "")
    if not re.fullmatch(r"\d{12}", account):
        raise ValueError(f"accountId must be 12 digits, not {account!r}")
    return {
        "accountId": account,
        "accountName": spec.get("accountName") or f"account-{account}",
        "emailAddress": spec.get("emailAddress") or f"aws+{account}@example.com",
        "roles": list(spec.get("roles") or []),
    }


def _assignments(session: dict) -> list[dict]:
    """The accounts the session's user is assigned, each with its role names."""
    if session["accounts"]:
        return session["accounts"]
    # A session registered with one account: its roles, or every role there.
    account = session["account"]
    roles = session["roles"] or sorted(r.name for r in iam_backends[account]["aws"].roles.values())
    return [_assignment({"accountId": account, "roles": roles})]


def _assigned(session: dict, account: str, role_name: str) -> bool:
    if not session["accounts"]:  # the single-account form, as before
        return account == session["account"] and (not session["roles"] or role_name in session["roles"])
    return any(a["accountId"] == account and role_name in a["roles"] for a in session["accounts"])


def _portal_session(environ: dict) -> tuple[dict, dict]:
    """The session behind the bearer token, and the query."""
    token = _raw_header(environ, "x-amz-sso_bearer_token")
    session = SSO.by_access_token(token) if token else None
    if session is None:
        raise SSOFailure(401, "UnauthorizedException", None, "Session token not found or invalid")
    return session, dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))


def _page(items: list[dict], q: dict) -> tuple[list[dict], str | None]:
    """One page of items after q's next_token, of q's max_result items."""
    try:
        size = int(q.get("max_result") or SSO_PAGE_DEFAULT)
        start = int(base64.urlsafe_b64decode(q["next_token"]).decode()) if q.get("next_token") else 0
    except ValueError:
        raise SSOFailure(400, "InvalidRequestException", None, "Invalid max_result or next_token")
    if not 1 <= size <= 100 or not 0 <= start <= len(items):
        raise SSOFailure(400, "InvalidRequestException", None, "Invalid max_result or next_token")
    end = start + size
    token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], token


def list_accounts(environ: dict) -> dict:
    CALLS.add("sso:ListAccounts")
    session, q = _portal_session(environ)
    accounts = [{k: a[k] for k in ("accountId", "accountName", "emailAddress")} for a in _assignments(session)]
    page, token = _page(accounts, q)
    return {"accountList": page, **({"nextToken": token} if token else {})}


def list_account_roles(environ: dict) -> dict:
    CALLS.add("sso:ListAccountRoles")
    session, q = _portal_session(environ)
    account = q.get("account_id", "")
    if not account:
        raise SSOFailure(400, "InvalidRequestException", None, "account_id is required")
    # An account the user is not assigned has no roles for them. (AWS does
    # not document its answer here; an empty list tells nothing.)
    roles = [{"accountId": account, "roleName": r}
             for a in _assignments(session) if a["accountId"] == account for r in a["roles"]]
    page, token = _page(roles, q)
    return {"roleList": page, **({"nextToken": token} if token else {})}


class PermissionSets:
    """Permission sets provisioned into accounts: (account, name) -> role ARN."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roles: dict[tuple[str, str], str] = {}

    def role_arn(self, account: str, name: str) -> str | None:
        with self._lock:
            return self._roles.get((account, name))

    def provision(self, spec: dict) -> dict:
        """Creates (or updates) the permission set's role in the account."""
        account, name = spec.get("account") or default_account(), spec["name"]
        if not re.fullmatch(r"[\w+=,.@-]{1,32}", name or ""):
            raise ValueError(f"a permission set name is 1 to 32 of letters, digits and +=,.@_-, not {name!r}")
        region = spec.get("region") or "us-east-1"  # the Identity Center instance's
        partition = get_partition(region)
        iam = iam_backends[account][partition]
        with self._lock:
            arn = self._roles.get((account, name))
            role = iam.get_role_by_arn(arn) if arn else self._create_role(iam, account, partition, region, name)
            self._roles[(account, name)] = role.arn
        if spec.get("inlinePolicy"):
            iam.put_role_policy(role.name, "AwsSSOInlinePolicy", spec["inlinePolicy"])
        return {"roleName": role.name, "roleArn": role.arn, "path": role.path}

    @staticmethod
    def _create_role(iam: Any, account: str, partition: str, region: str, name: str) -> Any:
        suffix = uuid.uuid4().hex[:16]
        path = "/aws-reserved/sso.amazonaws.com/" + ("" if region == "us-east-1" else region + "/")
        provider = f"arn:{partition}:iam::{account}:saml-provider/AWSSSO_{suffix}_DO_NOT_DELETE"
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": provider},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}
        return iam.create_role(role_name=f"AWSReservedSSO_{name}_{suffix}", assume_role_policy_document=json.dumps(trust),
                               path=path, permissions_boundary=None, tags=[], max_session_duration="3600",
                               description=f"Permission set {name}, provisioned by the world's IAM Identity Center")


PERMISSION_SETS = PermissionSets()
SSO_PORTAL_OPERATIONS = {
    "/federation/credentials": get_role_credentials,
    "/assignment/accounts": list_accounts,
    "/assignment/roles": list_account_roles,
}


# ------------------------------------------------------------- AWS Sign-In

# `aws login` signs a console session in to the CLI: AWS Sign-In
# (REGION.signin.aws.amazon.com, the "Signin" service, rest-json) hands out
# credentials of the console's principal that last 15 minutes, and a refresh
# token bound to a P-256 key the CLI made (its thumbprint, RFC 7638, is the
# token's cnf.jkt). CreateOAuth2Token (POST /v1/token, unsigned) with
# grantType refresh_token renews them for up to 12 hours; every call carries
# a DPoP proof (RFC 9449): an ES256 JWT over the method and URL, signed with
# that key, whose public half is in its header. No one signs in here: a test
# registers what `aws login` would have produced (POST
# /eks-login-world/login-session) and writes the cache file itself.

LOGIN_CREDENTIALS_TTL = 900  # seconds: "expire in 15 minutes", expiresIn max 900
LOGIN_SESSION_TTL = 12 * 3600  # "refresh them as needed up to 12 hours"
LOGIN_CLIENT_ID = "arn:aws:signin:::devtools/same-device"
DPOP_MAX_AGE = 300  # seconds a proof's iat may lie in the past
DPOP_MAX_AHEAD = 60  # and ahead, for clock skew
ROLE_ARN = re.compile(r"arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):role/")


class SignInFailure(Exception):
    """A Sign-In error: rest-json, the code in x-amzn-ErrorType, the OAuth2
    error code and a message in the body. AccessDeniedException is 401 for
    TOKEN_EXPIRED and 403 for USER_CREDENTIALS_CHANGED."""

    def __init__(self, status: int, code: str, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.body = status, code, {"error": error, "message": message}


def invalid_request(message: str) -> SignInFailure:
    return SignInFailure(400, "ValidationException", "INVALID_REQUEST", message)


def token_expired() -> SignInFailure:
    return SignInFailure(401, "AccessDeniedException", "TOKEN_EXPIRED",
                         "The refresh token has expired or is not valid. Sign in again with aws login.")


def _b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _coordinate(jwk: dict, name: str) -> int:
    # The Go SDK drops leading zero bytes of x and y (big.Int.Bytes), so a
    # short coordinate is read as its number rather than refused.
    raw = _b64url(jwk[name]) if isinstance(jwk.get(name), str) else b""
    if not 0 < len(raw) <= 32:
        raise invalid_request(f"Invalid DPoP proof: jwk.{name} is not a P-256 coordinate")
    return int.from_bytes(raw, "big")


def jwk_thumbprint(x: int, y: int) -> str:
    """RFC 7638's SHA-256 thumbprint of a P-256 public key."""
    def enc(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()
    canonical = json.dumps({"crv": "P-256", "kty": "EC", "x": enc(x), "y": enc(y)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _normal_url(url: str) -> str:
    """RFC 9449's htu comparison: no query or fragment, scheme and host in
    lower case, no default port."""
    u = urlsplit(url)
    host = (u.hostname or "").lower()
    if u.port and u.port != {"https": 443, "http": 80}.get(u.scheme.lower()):
        host += f":{u.port}"
    return f"{u.scheme.lower()}://{host}{u.path or '/'}"


class DPoPProofs:
    """Checks DPoP proofs and remembers their jti until they are too old."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}

    def check(self, proof: str | None, method: str, url: str) -> str:
        """The thumbprint of the proof's key, once the proof holds."""
        if not proof:
            raise invalid_request("Missing DPoP proof")
        try:
            head, body, sig = proof.split(".")
            header, claims, signature = json.loads(_b64url(head)), json.loads(_b64url(body)), _b64url(sig)
        except (ValueError, TypeError):
            raise invalid_request("Invalid DPoP proof: not a JWT")
        jwk = header.get("jwk") if isinstance(header, dict) else None
        if header.get("typ") != "dpop+jwt" or header.get("alg") != "ES256" or not isinstance(jwk, dict) \
                or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256" or "d" in jwk:
            raise invalid_request("Invalid DPoP proof: the header must be typ dpop+jwt, alg ES256 and a public P-256 jwk")
        x, y = _coordinate(jwk, "x"), _coordinate(jwk, "y")
        try:
            key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
            if len(signature) != 64:
                raise InvalidSignature()
            der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        except (ValueError, InvalidSignature):
            raise invalid_request("Invalid DPoP proof: the signature does not verify")
        self._check_claims(claims, method, url)
        return jwk_thumbprint(x, y)

    def _check_claims(self, claims: Any, method: str, url: str) -> None:
        if not isinstance(claims, dict):
            raise invalid_request("Invalid DPoP proof: the claims are not an object")
        if claims.get("htm") != method or not isinstance(claims.get("htu"), str) \
                or _normal_url(claims["htu"]) != _normal_url(url):
            raise invalid_request("Invalid DPoP proof: htm and htu must name this request")
        iat, jti, now = claims.get("iat"), claims.get("jti"), utcnow().replace(tzinfo=datetime.timezone.utc).timestamp()
        if not isinstance(iat, (int, float)) or not now - DPOP_MAX_AGE <= iat <= now + DPOP_MAX_AHEAD:
            raise invalid_request("Invalid DPoP proof: iat is not recent")
        if not isinstance(jti, str) or not jti:
            raise invalid_request("Invalid DPoP proof: jti is missing")
        with self._lock:
            self._seen = {k: t for k, t in self._seen.items() if t > now}
            if jti in self._seen:
                raise invalid_request("Invalid DPoP proof: the proof was used before")
            self._seen[jti] = now + DPOP_MAX_AGE + DPOP_MAX_AHEAD


class LoginSessions(Registry):
    """Registered `aws login` sessions, found by their refresh token."""

    def put(self, spec: dict) -> dict:
        name, token, role = spec["name"], spec["refreshToken"], spec["roleArn"]
        if not name or not token or not ROLE_ARN.match(role or ""):
            raise ValueError("a login session needs a name, a refreshToken and a roleArn")
        jwk = spec["jwk"]
        session = {
            "name": name, "refreshToken": token, "clientId": spec.get("clientId") or LOGIN_CLIENT_ID,
            "jkt": jwk_thumbprint(_coordinate(jwk, "x"), _coordinate(jwk, "y")), "roleArn": role,
            "roleSessionName": spec.get("roleSessionName") or name.rsplit("/", 1)[-1],
            "expiresAt": _rfc3339(spec.get("expiresAt"), utcnow() + datetime.timedelta(seconds=LOGIN_SESSION_TTL)),
            "previous": None,  # (refresh token, answer, until): a retried refresh gets the same answer
        }
        return self._store(session)

    @staticmethod
    def _public(session: dict) -> dict:
        out = {k: v for k, v in session.items() if k != "previous"}
        out["expiresAt"] = session["expiresAt"].strftime("%Y-%m-%dT%H:%M:%SZ")
        return out

    def refresh(self, client_id: str, refresh_token: str, jkt: str, region: str) -> dict:
        """Trades a refresh token for credentials and the next refresh token.
        The token refresh is idempotent within its validity window: the
        token just rotated out gets the same answer until its credentials
        expire."""
        now = utcnow()
        with self._lock:
            for session in self._sessions.values():
                previous = session["previous"]
                current = hmac.compare_digest(session["refreshToken"], refresh_token)
                retried = previous and hmac.compare_digest(previous[0], refresh_token) and now < previous[2]
                if not current and not retried:
                    continue
                if session["clientId"] != client_id or now >= session["expiresAt"]:
                    raise token_expired()
                if not hmac.compare_digest(session["jkt"], jkt):
                    raise invalid_request("Invalid DPoP proof: the key is not the one the refresh token is bound to")
                if retried:
                    return previous[1]
                answer = login_credentials(session, region)
                until = now + datetime.timedelta(seconds=answer["expiresIn"])
                session["previous"] = (refresh_token, answer, until)
                session["refreshToken"] = answer["refreshToken"]
                return answer
        raise token_expired()


def login_credentials(session: dict, region: str) -> dict:
    """A real STS session of the console's role, as the refresh hands out."""
    m = ROLE_ARN.match(session["roleArn"])
    account, partition = m["account"], m["partition"]
    try:
        iam_backends[account][partition].get_role_by_arn(session["roleArn"])
    except Exception:
        raise SignInFailure(403, "AccessDeniedException", "USER_CREDENTIALS_CHANGED",
                            "The identity of this login session no longer exists. Sign in again with aws login.")
    role = sts_backends[account][partition].assume_role(
        region_name=region, role_session_name=session["roleSessionName"], role_arn=session["roleArn"],
        policy=None, duration=LOGIN_CREDENTIALS_TTL, external_id=None)
    return {"accessToken": {"accessKeyId": role.access_key_id, "secretAccessKey": role.secret_access_key,
                            "sessionToken": role.session_token},
            "tokenType": "aws_sigv4", "expiresIn": LOGIN_CREDENTIALS_TTL,
            "refreshToken": "lrt" + uuid.uuid4().hex + uuid.uuid4().hex}


LOGINS = LoginSessions()
DPOP = DPoPProofs()


def signin_request(environ: dict) -> bool:
    """Whether the request is for AWS Sign-In: by host, or at the server's
    own URL (endpoint overrides) an unsigned POST /v1/token."""
    if environ.get("HTTP_HOST", "").split(":")[0].endswith(".signin.aws.amazon.com"):
        return True
    return (environ.get("PATH_INFO") == "/v1/token" and environ["REQUEST_METHOD"] == "POST"
            and not environ.get("HTTP_AUTHORIZATION"))


def create_oauth2_token(environ: dict, body: bytes) -> dict:
    CALLS.add("signin:CreateOAuth2Token")
    if environ.get("PATH_INFO") != "/v1/token" or environ.get("QUERY_STRING") or environ["REQUEST_METHOD"] != "POST":
        raise SignInFailure(404, "UnknownOperationException", "INVALID_REQUEST", "This world serves CreateOAuth2Token alone")
    url = f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST', '')}{environ['PATH_INFO']}"
    jkt = DPOP.check(environ.get("HTTP_DPOP"), "POST", url)
    try:
        req = json.loads(body or b"{}")
    except ValueError:
        raise invalid_request("The request body is not JSON")
    if not isinstance(req, dict):
        raise invalid_request("The request body is not a JSON object")
    for field in ("clientId", "grantType"):
        if not isinstance(req.get(field), str) or not req[field]:
            raise invalid_request(f"{field} is required")
    if req["grantType"] != "refresh_token":  # authorization_code needs a browser sign-in
        raise invalid_request(f"Unsupported grant type: {req['grantType']}")
    if not isinstance(req.get("refreshToken"), str) or not req["refreshToken"]:
        raise invalid_request("refreshToken is required")
    host = environ.get("HTTP_HOST", "").split(":")[0]
    region = host.split(".")[0] if host.endswith(".signin.aws.amazon.com") else "us-east-1"
    return LOGINS.refresh(req["clientId"], req["refreshToken"], jkt, region)


def serve_signin(environ: dict, body: bytes, start: Any) -> list[bytes]:
    try:
        return respond_rest_json(start, 200, create_oauth2_token(environ, body))
    except SignInFailure as f:
        return respond_rest_json(start, f.status, f.body, f.code)


# ---------------------------------------------------------------------- EKS

AUTH_MODES = ("CONFIG_MAP", "API_AND_CONFIG_MAP", "API")  # the order EKS allows moving in
ACCESS_POLICIES = ["AmazonEKSViewPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminPolicy", "AmazonEKSClusterAdminPolicy"]
ACCESS_POLICY_ARN = "arn:{partition}:eks::aws:cluster-access-policy/{name}"
PRINCIPAL_ARN = re.compile(r"arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):(?P<kind>role|user)/(?:.*/)?(?P<name>[^/]+)")
CLUSTER_IN_PATH = re.compile(r"^/clusters/([^/]+)")
ENTRY_PATH = re.compile(r"^/clusters/(?P<cluster>[^/]+)/access-entries(?:/(?P<principal>[^/]+)"
                        r"(?:/access-policies(?:/(?P<policy>[^/]+))?)?)?/?$")
UPDATE_PATH = re.compile(r"^/clusters/(?P<cluster>[^/]+)/updates(?:/(?P<update>[^/]+))?/?$")
NOT_API_MODE = ("The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] "
                "to perform this operation.")
NOT_STANDARD = 'This operation can only be performed on Access Entries with a type of "STANDARD".'
# What EKS fills in for the node types (aws eks create-access-entry --type
# EC2_LINUX answers kubernetesGroups ["system:nodes"]); none takes groups,
# a username or an access policy of the caller's.
NODE_ENTRY_TYPES = {
    "EC2_LINUX": ("system:node:{{EC2PrivateDNSName}}", ["system:nodes"]),
    "EC2_WINDOWS": ("system:node:{{EC2PrivateDNSName}}", ["system:nodes", "eks:kube-proxy-windows"]),
    "FARGATE_LINUX": ("system:node:{{SessionName}}", ["system:node-proxier", "system:nodes"]),
}
# Types EKS has that this world does not model (Auto Mode, hybrid and
# HyperPod nodes): refused rather than half-emulated.
UNMODELLED_ENTRY_TYPES = ("EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")
RESERVED_USERNAME_PREFIXES = ("system:", "eks:", "aws:", "amazon:", "iam:")
SERVICE_LINKED_ROLE = re.compile(r"arn:[^:]+:iam::\d{12}:role/aws-service-role/")

_moto_cluster_init = Cluster.__init__


def cluster_init(self: Cluster, *args: Any, **kwargs: Any) -> None:
    _moto_cluster_init(self, *args, **kwargs)
    # The default for clusters created through the API (not the console).
    self.access_config = {"authenticationMode": "CONFIG_MAP", "bootstrapClusterCreatorAdminPermissions": True}
    self.access_entries: dict[str, dict] = {}
    self.access_version = 0
    self.updates: dict[str, dict] = {}


Cluster.__init__ = cluster_init


class AccessSync:
    """Who lets whom into a cluster, handed to a world that enforces it.

    Every change of a cluster's access entries, policies or authentication
    mode gets a new version. A world watching the cluster (GET
    /eks-login-world/access/REGION/NAME?after=V) receives each version,
    configures its authenticator and authorizer, and reports it applied;
    the API call that made the change returns only then (for at most
    APPLY_TIMEOUT), so a client that saw its call succeed finds the cluster
    already enforcing it. EKS itself is eventually consistent here; the
    world is not, so that tests need not wait for it.
    """

    APPLY_TIMEOUT = 20.0

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.RLock())
        self.version = 0
        self.applied: dict[str, int] = {}  # cluster ARN -> version its world enforces
        self.closing = False

    def changed(self, cluster: Cluster) -> int:
        """Gives the cluster a new version; call it holding cond."""
        self.version += 1
        cluster.access_version = self.version
        self.cond.notify_all()
        return self.version

    def await_applied(self, cluster: Cluster, version: int) -> None:
        with self.cond:
            if cluster.arn not in self.applied:
                return  # no world enforces this cluster
            if not self.cond.wait_for(lambda: self.closing or self.applied[cluster.arn] >= version, self.APPLY_TIMEOUT):
                log(f"no world applied version {version} of {cluster.name}'s access within {self.APPLY_TIMEOUT}s")

    def watch(self, cluster: Cluster, after: int, wait: float) -> dict:
        """The cluster's access once its version passes after (or wait ends)."""
        with self.cond:
            self.applied.setdefault(cluster.arn, after)
            self.cond.wait_for(lambda: self.closing or cluster.access_version > after, wait)
            return access_state(cluster)

    def report_applied(self, cluster: Cluster, version: int) -> None:
        with self.cond:
            self.applied[cluster.arn] = max(self.applied.get(cluster.arn, 0), version)
            for update in cluster.updates.values():
                if update["status"] == "InProgress" and update["version"] <= version:
                    update["status"] = "Successful"
            if not any(u["status"] == "InProgress" for u in cluster.updates.values()):
                cluster.status = "ACTIVE"
            self.cond.notify_all()

    def close(self) -> None:
        with self.cond:
            self.closing = True
            self.cond.notify_all()


ACCESS = AccessSync()


def access_state(cluster: Cluster) -> dict:
    """What a world needs to enforce a cluster's access: its mode, and each
    entry with the principal's unique ID (which EKS matches, not the ARN)."""
    entries = []
    for e in cluster.access_entries.values():
        entries.append({
            "principalArn": e["principalArn"], "principalId": e["principalId"],
            "kind": PRINCIPAL_ARN.fullmatch(e["principalArn"]).group("kind"), "type": e["type"],
            "username": e["username"], "kubernetesGroups": list(e["kubernetesGroups"]),
            "accessPolicies": [{"name": p["policyArn"].rsplit("/", 1)[1], "accessScope": dict(p["accessScope"])}
                               for p in e["policies"].values()],
        })
    return {"version": cluster.access_version, "authenticationMode": cluster.access_config["authenticationMode"],
            "entries": entries}


def changes_access(handler: Any) -> Any:
    """Runs an EKS action that changes who gets in under the sync lock, then
    waits until the cluster's world enforces the change."""
    def run(self: EKSResponse, *args: Any) -> ActionResult:
        with ACCESS.cond:
            result, cluster = handler(self, *args)
            version = ACCESS.changed(cluster) if cluster is not None else 0
        if cluster is not None:
            ACCESS.await_applied(cluster, version)
        return result
    run.__name__ = handler.__name__
    return run


def eks_resource(self: EKSResponse) -> str:
    """The cluster ARN an EKS action is authorized against."""
    m = CLUSTER_IN_PATH.match(self.raw_path)
    if m:
        name = unquote(m.group(1))
    elif self.raw_path.rstrip("/") != "/clusters":
        return "*"  # ListAccessPolicies
    elif self.method == "POST":  # CreateCluster
        try:
            name = json.loads(self.body or "{}").get("name", "*")
        except ValueError:
            name = "*"
    else:  # ListClusters
        name = "*"
    return f"arn:{self.partition}:eks:{self.region}:{self.current_account}:cluster/{name}"


EKSResponse._determine_resource = eks_resource

_moto_create_cluster = EKSResponse.create_cluster
_moto_update_cluster_config = EKSResponse.update_cluster_config


def create_cluster(self: EKSResponse) -> ActionResult:
    requested = self._get_param("accessConfig") or {}
    mode = requested.get("authenticationMode") or "CONFIG_MAP"
    if mode not in AUTH_MODES:
        raise InvalidParameterException(message=f"Unsupported authentication mode {mode}")
    if mode == "CONFIG_MAP" and requested.get("bootstrapClusterCreatorAdminPermissions") is False:
        raise InvalidParameterException(
            message="bootstrapClusterCreatorAdminPermissions must be true if cluster authentication mode is set to CONFIG_MAP")
    result = _moto_create_cluster(self)
    cluster = result.result["cluster"]
    cluster.access_config.update({k: v for k, v in requested.items() if v is not None})
    return result


def _new_update(cluster: Cluster, update_type: str, params: list[dict], in_progress: bool) -> dict:
    update = {"id": str(uuid.uuid4()), "status": "InProgress" if in_progress else "Successful", "type": update_type,
              "params": params, "createdAt": utcnow(), "errors": [], "version": cluster.access_version}
    cluster.updates[update["id"]] = update
    return update


def _public_update(update: dict) -> dict:
    return {k: v for k, v in update.items() if k != "version"}


def update_cluster_config(self: EKSResponse) -> ActionResult:
    mode = (self._get_param("accessConfig") or {}).get("authenticationMode")
    if mode:
        return switch_authentication_mode(self, mode)
    _moto_update_cluster_config(self)
    cluster = self.eks_backend.describe_cluster(self._get_param("name"))
    return ActionResult({"update": _public_update(_new_update(cluster, "ConfigUpdate", [], in_progress=False))})


@changes_access
def switch_authentication_mode(self: EKSResponse, mode: str) -> tuple[ActionResult, Cluster]:
    """The one-way switch EKS allows: CONFIG_MAP -> API_AND_CONFIG_MAP -> API
    (CONFIG_MAP -> API too). The update is InProgress and the cluster
    UPDATING until the world enforces the new mode."""
    cluster = self.eks_backend.describe_cluster(self._get_param("name"))
    old = cluster.access_config["authenticationMode"]
    if mode not in AUTH_MODES or AUTH_MODES.index(mode) <= AUTH_MODES.index(old):
        raise InvalidParameterException(clusterName=cluster.name,
                                        message=f"Unsupported authentication mode update from {old} to {mode}.")
    cluster.access_config["authenticationMode"] = mode
    watched = cluster.arn in ACCESS.applied
    update = _new_update(cluster, "AccessConfigUpdate", [{"type": "AuthenticationMode", "value": mode}], watched)
    update["version"] = ACCESS.version + 1  # the version changes_access is about to give the cluster
    if watched:
        cluster.status = "UPDATING"
    return ActionResult({"update": _public_update(update)}), cluster


def _update_target(self: EKSResponse) -> tuple[Cluster, str | None]:
    m = UPDATE_PATH.match(self.raw_path)
    cluster = self.eks_backend.describe_cluster(unquote(m.group("cluster")))
    return cluster, unquote(m.group("update")) if m.group("update") else None


def describe_update(self: EKSResponse) -> ActionResult:
    cluster, update_id = _update_target(self)
    update = cluster.updates.get(update_id or "")
    if update is None:
        raise ResourceNotFoundException(clusterName=cluster.name, message=f"No update found for ID: {update_id}")
    return ActionResult({"update": _public_update(update)})


def list_updates(self: EKSResponse) -> ActionResult:
    cluster, _ = _update_target(self)
    return ActionResult({"updateIds": list(cluster.updates)})


def _entry_target(self: EKSResponse) -> tuple[Cluster, str | None, str | None]:
    m = ENTRY_PATH.match(self.raw_path)
    cluster = self.eks_backend.describe_cluster(unquote(m.group("cluster")))
    if cluster.access_config["authenticationMode"] == "CONFIG_MAP":
        raise InvalidParameterException(clusterName=cluster.name, message=NOT_API_MODE)
    principal = unquote(m.group("principal")) if m.group("principal") else None
    policy = unquote(m.group("policy")) if m.group("policy") else None
    return cluster, principal, policy


def _entry(cluster: Cluster, principal: str) -> dict:
    if principal not in cluster.access_entries:
        raise ResourceNotFoundException(
            clusterName=cluster.name, message=f"The specified principalArn could not be found. You can view your "
            f"available access entries with 'list-access-entries'.")
    return cluster.access_entries[principal]


def _public(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in ("policies", "principalId")}


def _principal_id(cluster: Cluster, m: re.Match, principal: str) -> str:
    """The role's or user's unique ID (AROA..., AIDA...), which EKS stores with
    the entry: a principal deleted and made again under the same ARN gets a
    new ID, and the old entry no longer lets it in."""
    iam = iam_backends[m.group("account")][m.group("partition")]
    for p in (iam.roles.values() if m.group("kind") == "role" else iam.users.values()):
        if p.arn == principal:
            return p.id
    # EKS names the full ARN, path included: aws-auth's path-less form of a
    # role with a path (an IAM Identity Center role under
    # /aws-reserved/sso.amazonaws.com/, say) names no principal.
    raise InvalidParameterException(clusterName=cluster.name,
                                    message=f"The specified principalArn is invalid: {principal} does not exist")


def _check_username(cluster: Cluster, username: str) -> None:
    for prefix in RESERVED_USERNAME_PREFIXES:
        if username.startswith(prefix):
            raise InvalidParameterException(clusterName=cluster.name, message=f"The username must not begin with {prefix}")
    if "{{SessionName}}" in username and ":" not in username.split("{{SessionName}}", 1)[0]:
        raise InvalidParameterException(clusterName=cluster.name, message=(
            f"The username {username} is invalid: a username with {{{{SessionName}}}} needs a colon before it."))


def _check_groups(cluster: Cluster, groups: list[str]) -> None:
    for group in groups:
        if group.startswith("system:"):
            raise InvalidParameterException(clusterName=cluster.name,
                                            message=f"The kubernetes group name {group} is invalid, it cannot start with system:")


def _check_entry_type(self: EKSResponse, cluster: Cluster, m: re.Match, entry_type: str) -> None:
    if entry_type in UNMODELLED_ENTRY_TYPES:
        raise InvalidParameterException(clusterName=cluster.name, message=(
            f"Access entries of type {entry_type} are not supported by the eks-login test world."))
    if entry_type != "STANDARD" and entry_type not in NODE_ENTRY_TYPES:
        raise InvalidParameterException(clusterName=cluster.name, message=(
            f"The type {entry_type} is invalid. Valid types: STANDARD, {', '.join(NODE_ENTRY_TYPES)}."))
    if entry_type == "STANDARD":
        return
    if m.group("kind") != "role":
        raise InvalidParameterException(clusterName=cluster.name, message=(
            f"Access entries of type {entry_type} need an IAM role as principalArn."))
    if m.group("account") != self.current_account:
        raise InvalidParameterException(clusterName=cluster.name, message=(
            f"Access entries of type {entry_type} need a principal in the cluster's account {self.current_account}."))
    for field in ("kubernetesGroups", "username"):
        if self._get_param(field):
            raise InvalidParameterException(clusterName=cluster.name, message=(
                f"{field} cannot be specified for access entries of type {entry_type}."))


@changes_access
def create_access_entry(self: EKSResponse) -> tuple[ActionResult, Cluster]:
    cluster, _, _ = _entry_target(self)
    principal = self._get_param("principalArn") or ""
    m = PRINCIPAL_ARN.fullmatch(principal)
    if not m or SERVICE_LINKED_ROLE.match(principal):
        raise InvalidParameterException(clusterName=cluster.name, message=f"The specified principalArn is invalid: {principal}")
    entry_type = self._get_param("type") or "STANDARD"
    _check_entry_type(self, cluster, m, entry_type)
    if entry_type == "STANDARD":
        username = self._get_param("username") or (
            f"arn:{m.group('partition')}:sts::{m.group('account')}:assumed-role/{m.group('name')}/{{{{SessionName}}}}"
            if m.group("kind") == "role" else principal)
        groups = self._get_param("kubernetesGroups") or []
        if self._get_param("username"):
            _check_username(cluster, username)
        _check_groups(cluster, groups)
    else:
        username, groups = NODE_ENTRY_TYPES[entry_type]
    principal_id = _principal_id(cluster, m, principal)
    if principal in cluster.access_entries:
        raise ResourceInUseException(clusterName=cluster.name,
                                     message="The specified access entry resource is already in use on this cluster.")
    now = utcnow()
    cluster.access_entries[principal] = {
        "clusterName": cluster.name,
        "principalArn": principal,
        "kubernetesGroups": list(groups),
        "accessEntryArn": (f"arn:{self.partition}:eks:{self.region}:{self.current_account}:access-entry/{cluster.name}/"
                           f"{m.group('kind')}/{m.group('account')}/{m.group('name')}/{uuid.uuid4()}"),
        "createdAt": now,
        "modifiedAt": now,
        "tags": self._get_param("tags") or {},
        "username": username,
        "type": entry_type,
        "principalId": principal_id,
        "policies": {},
    }
    return ActionResult({"accessEntry": _public(cluster.access_entries[principal])}), cluster


def describe_access_entry(self: EKSResponse) -> ActionResult:
    cluster, principal, _ = _entry_target(self)
    return ActionResult({"accessEntry": _public(_entry(cluster, principal))})


@changes_access
def update_access_entry(self: EKSResponse) -> tuple[ActionResult, Cluster]:
    cluster, principal, _ = _entry_target(self)
    entry = _entry(cluster, principal)
    groups, username = self._get_param("kubernetesGroups"), self._get_param("username")
    if entry["type"] != "STANDARD" and (groups is not None or username is not None):
        raise InvalidParameterException(clusterName=cluster.name, message=NOT_STANDARD)
    if username is not None:
        _check_username(cluster, username)
        entry["username"] = username
    if groups is not None:
        _check_groups(cluster, groups)
        entry["kubernetesGroups"] = list(groups)
    entry["modifiedAt"] = utcnow()
    return ActionResult({"accessEntry": _public(entry)}), cluster


@changes_access
def delete_access_entry(self: EKSResponse) -> tuple[ActionResult, Cluster]:
    cluster, principal, _ = _entry_target(self)
    _entry(cluster, principal)
    del cluster.access_entries[principal]
    return EmptyResult(), cluster


def list_access_entries(self: EKSResponse) -> ActionResult:
    cluster, _, _ = _entry_target(self)
    policy = self._get_param("associatedPolicyArn")
    names = [p for p, e in cluster.access_entries.items() if not policy or policy in e["policies"]]
    return ActionResult({"accessEntries": names})


@changes_access
def associate_access_policy(self: EKSResponse) -> tuple[ActionResult, Cluster]:
    cluster, principal, _ = _entry_target(self)
    entry = _entry(cluster, principal)
    if entry["type"] != "STANDARD":
        raise InvalidParameterException(clusterName=cluster.name, message=NOT_STANDARD)
    policy_arn = self._get_param("policyArn")
    known = [ACCESS_POLICY_ARN.format(partition=self.partition, name=n) for n in ACCESS_POLICIES]
    if policy_arn not in known:
        raise InvalidParameterException(clusterName=cluster.name, message=f"The specified policyArn is invalid: {policy_arn}")
    scope = self._get_param("accessScope") or {}
    if scope.get("type") not in ("cluster", "namespace") or (scope.get("type") == "namespace") != bool(scope.get("namespaces")):
        raise InvalidParameterException(clusterName=cluster.name, message="The accessScope is invalid: a namespace "
                                        "scope needs namespaces, a cluster scope takes none.")
    now = utcnow()
    previous = entry["policies"].get(policy_arn)
    entry["policies"][policy_arn] = {
        "policyArn": policy_arn,
        "accessScope": {"type": scope["type"], "namespaces": list(scope.get("namespaces") or [])},
        "associatedAt": previous["associatedAt"] if previous else now,
        "modifiedAt": now,
    }
    return ActionResult({"clusterName": cluster.name, "principalArn": principal,
                         "associatedAccessPolicy": entry["policies"][policy_arn]}), cluster


@changes_access
def disassociate_access_policy(self: EKSResponse) -> tuple[ActionResult, Cluster]:
    cluster, principal, policy_arn = _entry_target(self)
    entry = _entry(cluster, principal)
    if entry["policies"].pop(policy_arn, None) is None:
        raise ResourceNotFoundException(clusterName=cluster.name,
                                        message=f"The specified policyArn {policy_arn} is not associated with the access entry.")
    return EmptyResult(), cluster


def list_associated_access_policies(self: EKSResponse) -> ActionResult:
    cluster, principal, _ = _entry_target(self)
    entry = _entry(cluster, principal)
    return ActionResult({"clusterName": cluster.name, "principalArn": principal,
                         "associatedAccessPolicies": list(entry["policies"].values())})


def list_access_policies(self: EKSResponse) -> ActionResult:
    return ActionResult({"accessPolicies": [
        {"name": n, "arn": ACCESS_POLICY_ARN.format(partition=self.partition, name=n)} for n in ACCESS_POLICIES]})


for _handler in (create_cluster, update_cluster_config, create_access_entry, describe_access_entry,
                 update_access_entry, delete_access_entry, list_access_entries, associate_access_policy,
                 disassociate_access_policy, list_associated_access_policies, list_access_policies,
                 describe_update, list_updates):
    setattr(EKSResponse, _handler.__name__, _handler)

# moto builds its Flask routes from these lazily, on the first EKS request.
eks_urls.url_paths.update({
    "{0}/clusters/(?P<name>[^/]+)/access-entries$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$": EKSResponse.dispatch,
    "{0}/access-policies$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/updates$": EKSResponse.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$": EKSResponse.dispatch,
})


def find_cluster(region: str, name: str, account: str | None = None) -> Cluster:
    cluster = eks_backends[account or default_account()][region].clusters.get(name)
    if cluster is None:
        raise KeyError(f"no cluster {name} in {region}")
    return cluster


def set_cluster(spec: dict) -> dict:
    """Creates or adjusts a cluster so that it points at a real API server.
    A new authentication mode here is set as is, in either direction (it is
    the world's control, not EKS's API), and handed to the cluster's world."""
    region, name = spec["region"], spec["name"]
    account = spec.get("account") or default_account()
    partition = get_partition(region)
    backend = eks_backends[account][region]
    mode = spec.get("authenticationMode")
    if mode and mode not in AUTH_MODES:
        raise ValueError(f"authenticationMode must be one of {AUTH_MODES}")
    with ACCESS.cond:
        cluster = backend.clusters.get(name)
        if cluster is None:
            cluster = backend.create_cluster(
                name=name, role_arn=f"arn:{partition}:iam::{account}:role/eks-login-world-cluster",
                resources_vpc_config={"subnetIds": [], "securityGroupIds": [],
                                      "endpointPublicAccess": True, "endpointPrivateAccess": False})
        if spec.get("endpoint"):
            cluster.endpoint = spec["endpoint"]
        ca = spec.get("caData")
        if ca:
            # DescribeCluster carries the PEM base64-encoded; accept either form.
            if ca.lstrip().startswith("-----BEGIN"):
                ca = base64.b64encode(ca.encode()).decode()
            cluster.certificate_authority = {"data": ca}
        version = 0
        if mode and mode != cluster.access_config["authenticationMode"]:
            cluster.access_config["authenticationMode"] = mode
            version = ACCESS.changed(cluster)
    if version:
        ACCESS.await_applied(cluster, version)
    return {"arn": cluster.arn, "endpoint": cluster.endpoint, "authenticationMode": cluster.access_config["authenticationMode"]}


# ------------------------------------------------ Account Management: regions

# ListRegions (account-2021-02-01): every region of the partition with the
# account's opt-in status. The regions enabled by default cannot be disabled;
# the others start DISABLED until POST /eks-login-world/region-opt-status
# says otherwise, and EKS there refuses the account's credentials until then.
# moto has the service (alternate contacts) but not this.
DEFAULT_REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1",
                   "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
                   "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1")
OPT_IN_REGIONS = ("af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
                  "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1",
                  "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1")
REGION_OPT_STATUSES = ("ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT")
REGION_OPT: dict[tuple[str, str], str] = {}  # (account, opt-in region) -> status
REGION_OPT_LOCK = threading.Lock()


class ValidationException(Exception):
    """The Account Management API's 400 for a malformed request."""


def region_opt_status(account: str, region: str) -> str:
    if region in DEFAULT_REGIONS:
        return "ENABLED_BY_DEFAULT"
    with REGION_OPT_LOCK:
        return REGION_OPT.get((account, region), "DISABLED")


def refuse_in_disabled_region(service: str, account: str, region: str) -> None:
    """An opt-in region the account has not enabled knows none of its
    credentials: EKS there answers UnrecognizedClientException, "The security
    token included in the request is invalid"."""
    if service == "eks" and region in OPT_IN_REGIONS and region_opt_status(account, region) != "ENABLED":
        raise INVALID_TOKEN


def set_region_opt_status(spec: dict) -> dict:
    account, region, status = spec.get("account") or default_account(), spec["region"], spec["status"]
    if region not in OPT_IN_REGIONS or status not in REGION_OPT_STATUSES[:4]:
        raise ValueError(f"{region} is not an opt-in region, or {status} is not one of {REGION_OPT_STATUSES[:4]}")
    with REGION_OPT_LOCK:
        REGION_OPT[(account, region)] = status
    return {"account": account, "region": region, "status": status}


def list_regions(self: Any) -> ActionResult | tuple[str, dict]:
    account = self._get_param("AccountId") or self.current_account
    wanted = self._get_param("RegionOptStatusContains") or list(REGION_OPT_STATUSES)
    size, token = self._get_param("MaxResults") or 20, self._get_param("NextToken")
    if not isinstance(size, int) or not 1 <= size <= 50 or any(w not in REGION_OPT_STATUSES for w in wanted):
        return _account_error(400, "ValidationException", "MaxResults must be 1 to 50 and RegionOptStatusContains "
                              f"one or more of {', '.join(REGION_OPT_STATUSES)}")
    if account != self.current_account:
        return _account_error(403, "AccessDeniedException", "The caller is not the management account of an "
                              "organization with trusted access for the Account Management service.")
    regions = [{"RegionName": r, "RegionOptStatus": region_opt_status(account, r)}
               for r in sorted(DEFAULT_REGIONS + OPT_IN_REGIONS)]
    regions = [r for r in regions if r["RegionOptStatus"] in wanted]
    try:
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
    except ValueError:
        return _account_error(400, "ValidationException", "The NextToken is not valid.")
    end = start + size
    out = {"Regions": regions[start:end]}
    if end < len(regions):
        out["NextToken"] = base64.urlsafe_b64encode(str(end).encode()).decode()
    return ActionResult(out)


def _account_error(status: int, code: str, message: str) -> tuple[str, dict]:
    """A REST-JSON error as moto sends a handler's (body, headers) answer."""
    return json.dumps({"message": message}), {"status": status, "x-amzn-ErrorType": code,
                                              "Content-Type": "application/json"}


def account_resource(self: Any) -> str:
    """account:ListRegions is authorized against the account itself."""
    return f"arn:{self.partition}:account::{self.current_account}:account"


AccountResponse.list_regions = list_regions
AccountResponse._determine_resource = account_resource
account_urls.url_paths["{0}/listRegions$"] = AccountResponse.dispatch


# ---------------------------------------------------------------------- EC2

# The seed's node group: EC2 instances in a VPC of their own, launched with
# the node role's instance profile. EC2 names an instance's private DNS name
# after its private IP (ip-192-168-10-11.REGION.compute.internal), which
# aws-iam-authenticator reads with ec2:DescribeInstances to fill in
# {{EC2PrivateDNSName}}. An instance gets its role's credentials from the
# instance metadata service: a session of the role named after the instance
# ID, which is what lets the authenticator find the instance.

NODE_VPC_CIDR = "192.168.0.0/16"
NODE_AMI = "ami-0eks0login0node0"  # moto checks AMIs only when asked to
IMDS_TTL = 6 * 3600  # seconds, as EC2 hands out instance profile credentials


def run_node(spec: dict) -> dict:
    """Launches one node: POST /eks-login-world/node {"region",
    "instanceProfile", "privateIp"} -> {"instanceId", "privateDnsName"}."""
    region, profile, ip = spec["region"], spec["instanceProfile"], spec["privateIp"]
    ec2 = ec2_backends[spec.get("account") or default_account()][region]
    vpc = next(iter(ec2.describe_vpcs(filters={"cidr": [NODE_VPC_CIDR]})), None) or ec2.create_vpc(NODE_VPC_CIDR)
    cidr = str(ipaddress.ip_network(ip + "/24", strict=False))
    subnet = next(iter(ec2.describe_subnets(filters={"vpc-id": [vpc.id], "cidr-block": [cidr]})), None) \
        or ec2.create_subnet(vpc.id, cidr)
    reservation = ec2.run_instances(NODE_AMI, 1, None, [], region_name=region, subnet_id=subnet.id,
                                    private_ip=ip, instance_type="m5.large", is_instance_type_default=False)
    instance = reservation.instances[0]
    ec2.associate_iam_instance_profile(instance_id=instance.id, iam_instance_profile_name=profile)
    return {"instanceId": instance.id, "privateDnsName": instance.private_dns_name}


def instance_credentials(region: str, instance_id: str, account: str | None = None) -> dict:
    """What the instance metadata service answers at
    /latest/meta-data/iam/security-credentials/ROLE for a running instance."""
    account = account or default_account()
    association = ec2_backends[account][region].iam_instance_profile_associations.get(instance_id)
    if association is None:
        raise KeyError(f"instance {instance_id} in {region} has no instance profile")
    roles = association.iam_instance_profile.roles
    if not roles:
        raise KeyError(f"the instance profile of {instance_id} holds no role")
    partition = get_partition(region)
    role = sts_backends[account][partition].assume_role(
        region_name=region, role_session_name=instance_id, role_arn=roles[0].arn,
        policy=None, duration=IMDS_TTL, external_id=None)
    expiration = role.expiration.replace(tzinfo=datetime.timezone.utc)
    return {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": role.access_key_id,
            "SecretAccessKey": role.secret_access_key, "Token": role.session_token,
            "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ")}


# --------------------------------------------------------------- the server

VERBOSE = False


# ------------------------------------------------ IAM eventual consistency

# IAM is eventually consistent: AWS documents that a change "might not be
# immediately visible" to other services, and EKS refuses an access entry for
# a role it cannot see yet with InvalidParameterException ("The specified
# principalArn is invalid"). With a delay set (POST
# /eks-login-world/iam-propagation-delay {"seconds": S}), EKS does not see an
# IAM role or user until S seconds after its creation, so a client that
# creates a role and at once maps it meets what it meets on AWS. Off (0) by
# default; tests of the retry turn it on.
IAM_PROPAGATION = {"seconds": 0.0}
IAM_PROPAGATION_LOCK = threading.Lock()

_principal_id_consistent = _principal_id


def _principal_id_eventually(cluster: Cluster, m: re.Match, principal: str) -> str:
    with IAM_PROPAGATION_LOCK:
        delay = IAM_PROPAGATION["seconds"]
    if delay > 0:
        iam = iam_backends[m.group("account")][m.group("partition")]
        for p in (iam.roles.values() if m.group("kind") == "role" else iam.users.values()):
            created = p.create_date.replace(tzinfo=None)
            if p.arn == principal and (utcnow().replace(tzinfo=None) - created).total_seconds() < delay:
                raise InvalidParameterException(clusterName=cluster.name,
                                                message=f"The specified principalArn is invalid: {principal} does not exist")
    return _principal_id_consistent(cluster, m, principal)


# create_access_entry finds _principal_id by name when it runs.
_principal_id = _principal_id_eventually


def set_iam_propagation_delay(spec: dict) -> dict:
    seconds = float(spec["seconds"])
    if not 0 <= seconds <= 60:
        raise ValueError("seconds must be between 0 and 60")
    with IAM_PROPAGATION_LOCK:
        IAM_PROPAGATION["seconds"] = seconds
    return {"seconds": seconds}


def log(msg: str) -> None:
    if VERBOSE:
        print(f"localaws: {msg}", file=sys.stderr, flush=True)


class LocalAWS:
    """WSGI app: our control endpoints and presigned STS, then moto."""

    def __init__(self) -> None:
        self.moto = DomainDispatcherApplication(create_backend_app)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        # Read the body once: signatures need the exact bytes moto re-parses.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["localaws.body"] = body
        environ["wsgi.input"] = io.BytesIO(body)
        status_seen = []

        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            status_seen.append(status)
            return start_response(status, headers, exc_info)

        try:
            return self.route(environ, body, start)
        finally:
            # Path only: queries of presigned URLs hold signatures and tokens.
            log(f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO')} -> {status_seen[0] if status_seen else '?'}")

    def route(self, environ: dict, body: bytes, start: Any) -> Any:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if path.startswith(CONTROL + "/"):
            query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
            return self.control(path[len(CONTROL):], method, body, start, query)
        service = sso_service(environ)
        if service:  # unsigned by design: ahead of the check below
            return serve_sso(service, environ, body, start)
        if signin_request(environ):  # unsigned too: a DPoP proof instead
            return serve_signin(environ, body, start)
        if path == "/moto-api/reset-auth" and method == "POST":
            try:  # moto crashes on anything but a number
                float(body.decode())
            except ValueError:
                return respond(start, 400, "text/plain", "body must be a number: 0 enforces IAM, inf does not\n")
        if not environ.get("HTTP_AUTHORIZATION") and not is_presigned_sts(environ) and iam_enforced() \
                and not any(f"Action={a.split(':')[1]}".encode() in body for a in UNSIGNED_ACTIONS):
            # moto would send an unsigned request to S3 and fail there.
            host_service = environ.get("HTTP_HOST", "").split(".")[0]
            service = host_service if host_service in REST_JSON_SERVICES else "sts"
            missing = AWSFailure(403, "MissingAuthenticationToken", "Missing Authentication Token")
            status, headers, text = render_error(service, missing, False)
            return respond(start, status, headers["Content-Type"], text)
        if is_presigned_sts(environ):
            want_json = "application/json" in environ.get("HTTP_ACCEPT", "")
            try:
                ctype, text = presigned_get_caller_identity(environ)
                return respond(start, 200, ctype, text)
            except AWSFailure as f:
                status, headers, text = render_error("sts", f, want_json)
                return respond(start, status, headers["Content-Type"], text)
        return self.moto(environ, start)

    def control(self, path: str, method: str, body: bytes, start: Any, query: dict[str, str]) -> Any:
        text = body.decode(errors="replace").strip()
        if path.startswith("/access/"):
            return self.control_access(path[len("/access/"):], method, text, start, query)
        if path == "/enforce-iam" and method == "POST" and text in ("on", "off"):
            settings.INITIAL_NO_AUTH_ACTION_COUNT = 0 if text == "on" else float("inf")
            ActionAuthenticatorMixin.request_count = 0
            return respond_json(start, 200, {"enforceIAM": text == "on"})
        if path == "/enforce-iam" and method == "GET":
            return respond_json(start, 200, {"enforceIAM": iam_enforced()})
        if path == "/cluster" and method == "POST":
            try:
                return respond_json(start, 200, set_cluster(json.loads(text)))
            except (ValueError, KeyError, TypeError) as e:
                return respond_json(start, 400, {"error": f"{type(e).__name__}: {e}"})
        if path == "/sso-session" and method == "POST":
            try:
                return respond_json(start, 200, SSO.put(json.loads(text)))
            except (ValueError, KeyError, TypeError) as e:
                return respond_json(start, 400, {"error": f"{type(e).__name__}: {e}"})
        if path in ("/permission-set", "/region-opt-status", "/iam-propagation-delay") and method == "POST":
            setter = {"/permission-set": PERMISSION_SETS.provision, "/region-opt-status": set_region_opt_status,
                      "/iam-propagation-delay": set_iam_propagation_delay}[path]
            try:
                return respond_json(start, 200, setter(json.loads(text)))
            except (ValueError, KeyError, TypeError) as e:
                return respond_json(start, 400, {"error": f"{type(e).__name__}: {e}"})
        if path == "/login-session" and method == "POST":
            try:
                return respond_json(start, 200, LOGINS.put(json.loads(text)))
            except (ValueError, KeyError, TypeError, SignInFailure) as e:
                return respond_json(start, 400, {"error": f"{type(e).__name__}: {e}"})
        if path.startswith("/login-session/") and method == "GET":
            session = LOGINS.get(path[len("/login-session/"):])  # PATH_INFO is already unescaped
            if session is None:
                return respond_json(start, 404, {"error": "no such login session"})
            return respond_json(start, 200, session)
        if path.startswith("/sso-session/") and method == "GET":
            name = path[len("/sso-session/"):]  # PATH_INFO is already unescaped
            session = SSO.get(name)
            if session is None:
                return respond_json(start, 404, {"error": f"no SSO session {name!r}"})
            return respond_json(start, 200, session)
        if path == "/node" and method == "POST":
            try:
                return respond_json(start, 200, run_node(json.loads(text)))
            except (ValueError, KeyError, TypeError) as e:
                return respond_json(start, 400, {"error": f"{type(e).__name__}: {e}"})
        if path.startswith("/imds/") and method == "GET":
            parts = path[len("/imds/"):].split("/")
            try:
                return respond_json(start, 200, instance_credentials(*parts))
            except (KeyError, TypeError) as e:
                return respond_json(start, 404, {"error": f"{type(e).__name__}: {e}"})
        if path == "/calls" and method == "GET":
            return respond_json(start, 200, CALLS.snapshot())
        if path == "/calls/reset" and method == "POST":
            CALLS.reset()
            return respond_json(start, 200, {})
        if path == "/health" and method == "GET":
            return respond_json(start, 200, {"ok": True})
        return respond_json(start, 404, {"error": f"no control endpoint {method} {CONTROL}{path}"})


    @staticmethod
    def control_access(path: str, method: str, text: str, start: Any, query: dict[str, str]) -> Any:
        """GET access/REGION/NAME?after=V&wait=S: the cluster's access once its
        version passes V (a long poll of at most S seconds). POST
        access/REGION/NAME/applied {"version": V}: the world enforces V."""
        parts = path.split("/")
        try:
            if method == "GET" and len(parts) == 2:
                wait = min(float(query.get("wait", "0")), 25.0)
                return respond_json(start, 200, ACCESS.watch(find_cluster(*parts), int(query.get("after", "0")), wait))
            if method == "POST" and len(parts) == 3 and parts[2] == "applied":
                ACCESS.report_applied(find_cluster(parts[0], parts[1]), int(json.loads(text)["version"]))
                return respond_json(start, 200, {})
        except KeyError as e:
            return respond_json(start, 404, {"error": str(e)})
        except (ValueError, TypeError) as e:
            return respond_json(start, 400, {"error": f"{type(e).__name__}: {e}"})
        return respond_json(start, 404, {"error": f"no control endpoint {method} {CONTROL}/access/{path}"})


def respond(start: Any, status: int, content_type: str, text: str) -> list[bytes]:
    data = text.encode()
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "Error")
    start(f"{status} {reason}", [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


def respond_json(start: Any, status: int, obj: Any) -> list[bytes]:
    return respond(start, status, "application/json", json.dumps(obj) + "\n")


class RequestHandler(WSGIRequestHandler):
    def make_environ(self) -> dict:
        environ = super().make_environ()
        # werkzeug drops headers whose names hold '_' (they would collide
        # with '-' in environ); the SSO portal's x-amz-sso_bearer_token does.
        environ["localaws.raw_headers"] = list(self.headers.items())
        return environ


def main() -> int:
    global VERBOSE
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--ready-file", help="written (JSON with url and port) once listening")
    p.add_argument("--verbose", action="store_true", help="one line per request on stderr")
    args = p.parse_args()
    VERBOSE = args.verbose
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    server = make_server(args.host, args.port, LocalAWS(), threaded=True, ssl_context=tls,
                         request_handler=RequestHandler)
    url = f"{'https' if tls else 'http'}://{args.host}:{server.server_port}"

    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever() to return: not from its thread.
        ACCESS.close()  # long polls and callers waiting for a world end now
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"url": url, "port": server.server_port, "pid": os.getpid()}, f)
        os.replace(tmp, args.ready_file)  # readers never see half a file
    print(f"READY {url}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if args.ready_file:
            os.remove(args.ready_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
