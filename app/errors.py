"""Domain errors: raised by services and the policy, turned into pages or JSON by the web layer.

Each error has a stable `code` (used as the JSON error code) and an HTTP status.
"""


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str = "", *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Invalid(DomainError):
    status_code = 422
    code = "invalid"


class TooLarge(DomainError):
    status_code = 413
    code = "too_large"


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"


class NotAuthenticated(DomainError):
    status_code = 401
    code = "not_authenticated"
