"""What the authorization matrix walks: every URL pattern and every API operation.

Both lists are read from the running configuration (the URL resolver and the
OpenAPI schema drf-spectacular generates), never written by hand, so an
endpoint added anywhere shows up here and fails the matrix until it is
registered in tests/security/test_matrix.py.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

# Not in the matrix, each for a stated reason (tests/security/test_matrix.py
# proves the reason where it is a claim about access).
EXEMPT_PREFIXES = {
    # Django's admin: every page is for staff only; test_admin_is_for_staff_only.
    "admin/": "Django admin, staff only",
    # Sets the language cookie and redirects; reads and writes no data.
    "i18n/": "language switch, no data",
}

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Endpoint:
    route: str  # e.g. "recruitment/cases/<int:pk>/"
    name: str  # "namespace:name", or the route when the pattern has no name
    view: str  # dotted path of the view, for the failure message
    params: tuple  # the route's parameters, e.g. ("pk",)

    @property
    def key(self):
        return self.name


def _view_path(callback):
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{view.__module__}.{view.__qualname__}"


def _walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, route, space)
        elif isinstance(pattern, URLPattern):
            params = tuple(pattern.pattern.regex.groupindex)
            name = f"{namespace}{pattern.name}" if pattern.name else route
            yield Endpoint(route, name, _view_path(pattern.callback), params)


def url_endpoints():
    """Every URL pattern of the site, less the exempt prefixes."""
    found = {}
    for endpoint in _walk(get_resolver()):
        if endpoint.route.startswith(tuple(EXEMPT_PREFIXES)):
            continue
        found.setdefault(endpoint.key, endpoint)
    return sorted(found.values(), key=lambda e: e.route)


def api_operations():
    """(URL name, HTTP method, schema path) of every operation of the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        # Any value resolves the same pattern; the name is what the matrix keys on.
        concrete = path
        while "{" in concrete:
            start = concrete.index("{")
            concrete = concrete[:start] + "1" + concrete[concrete.index("}", start) + 1 :]
        match = resolve(concrete)
        for method in item:
            if method.upper() in HTTP_METHODS:
                operations.append((match.view_name, method.upper(), path))
    return operations
