"""Settings for the benchmark scripts: the embedded settings on the PostgreSQL
database named in PARTYFLOW_BENCH_DATABASE_URL, without DEBUG (which would keep
every query in memory) and with a fixed field key (generated data must decrypt
the same in every process)."""

from core.settings.embedded import *  # noqa: F403
from core.settings.embedded import DATABASES, env, on_postgresql

DEBUG = False
DATABASES["default"] = on_postgresql(env.db("PARTYFLOW_BENCH_DATABASE_URL"))
PARTYFLOW_FIELD_KEYS = ["Q2Vu9N0q7bX4pYV8m3d1c6k2r5t8w0z3a6e9h2j5l8o="]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# bench.browse serves the pages to chromium: the stylesheet and scripts come
# straight from the apps' static directories, nothing is collected into var/.
WHITENOISE_USE_FINDERS = True
