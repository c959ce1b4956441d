"""Django settings for Spotcheck.

Every setting comes from the environment (see README, "Configuration"); the defaults are safe
for the local demo: an SQLite file in the project folder, debug off, localhost only.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host
from django.utils.translation import gettext_lazy

from spotcheck.env import env_bool, env_int, env_ip_networks, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEMO_SECRET_KEY = "django-insecure-spotcheck-demo-key-change-me-in-production"  # noqa: S105 (demo only)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The demo key is public (it is in this file): a server that others can reach must not sign
# sessions and CSRF tokens with it. Debug mode and a local-only host list are the demo.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
if SECRET_KEY == DEMO_SECRET_KEY and not DEBUG and not set(ALLOWED_HOSTS) <= LOCAL_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is not set, and DJANGO_ALLOWED_HOSTS names "
        f"hosts beyond this machine ({', '.join(sorted(set(ALLOWED_HOSTS) - LOCAL_HOSTS))}): "
        "refusing to serve them with the public demo key. Set a secret key of at least 50 "
        "random characters (see README, Deploying)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_filters",
    # Only for Tom Select's script and stylesheet, served from here (spotcheck/core/widgets.py).
    "django_tomselect",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "spotcheck.core",
    "spotcheck.accounts",
    "spotcheck.audit",
    "spotcheck.workdays",
    "spotcheck.directory",
    "spotcheck.inspectors",
    "spotcheck.catalog",
    "spotcheck.planning",
    "spotcheck.draws",
    "spotcheck.inspections",
    # 证据材料 (i13-evidence)
    "spotcheck.evidence",
    "spotcheck.results",
    "spotcheck.publication",  # issue 14, item 1 (pub14)
    # issue 13, item 9 (后续处置; i13-followups)
    "spotcheck.followups",
    "spotcheck.portal",
    "spotcheck.imports",
    "spotcheck.demo",
    "spotcheck.web",
    # i13-deadlines: notices (站内提醒) and the deadline dashboard, reminders, task completion
    "spotcheck.notices",
    "spotcheck.deadlines",
    "spotcheck.replies",  # issue 14, item 4: 企业说明/异议, 投诉答复 (voice14)
    "spotcheck.bulkdata",  # open data: bulk files, data dictionary, Atom feeds (bulk14)
    "spotcheck.opendata",  # issue 14, item 6: the open data API (open14)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # (portal14) A host in SPOTCHECK_PORTAL_HOSTS gets only the portal: before anything that
    # resolves a URL (after WhiteNoise, which serves static files on every host).
    "spotcheck.portal.hosts.PortalHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # (load14) A public page kept for anonymous visitors: after the language is chosen.
    "spotcheck.portal.page_cache.PortalPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "spotcheck.audit.middleware.AuditContextMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spotcheck.urls"
WSGI_APPLICATION = "spotcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "spotcheck" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "spotcheck.accounts.context_processors.memberships",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the job worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 30

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Test databases in UTF-8 whatever template1 is; the ctype follows the cluster's locale.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's validators (their messages come translated), and the platform's: no password with the
# user's own name or the region's name in it (spotcheck/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "spotcheck.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("SPOTCHECK_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "spotcheck.accounts.passwords.PersonalNameValidator"},
    {"NAME": "spotcheck.accounts.passwords.RegionNameValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "spotcheck" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders when nothing has been collected (tests, development).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = Path(env_str("SPOTCHECK_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
# The append-only file of the audit chain's anchors (manage.py anchor_audit_chain appends a line
# a day; verify_audit_chain checks the chain against each): keep it where the database's
# administrators cannot rewrite it, and copy it off the host.
SPOTCHECK_AUDIT_ANCHORS_FILE = Path(
    env_str("SPOTCHECK_AUDIT_ANCHORS_FILE", str(BASE_DIR / "var" / "audit-anchors.jsonl"))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 8 * 3600)
# HTTPS in production (README, Deploying): HSTS tells browsers never to come back over plain
# http; the redirect sends plain-http requests to https (behind nginx terminating TLS, with
# DJANGO_BEHIND_TLS_PROXY=1 so the forwarded scheme is believed).
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this
# server; no inline script or style, except an element carrying the response's nonce
# ({{ request.csp_nonce }}); no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Only the empty style attribute (sha256 of ""): htmx re-parses swapped markup in which
        # the browser has left `style=""` on inputs it touched; any other inline style stays out.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client: the
# audit trail records the address that spotcheck.core.net.client_ip reads through them.
SPOTCHECK_TRUSTED_PROXIES = env_ip_networks("SPOTCHECK_TRUSTED_PROXIES", [])

# Background jobs: django-tasks (the backport of Django 6's task framework) with its database
# backend: it needs nothing beyond the database the platform already has, so the embedded SQLite
# demo and a PostgreSQL deployment run the same worker (`manage.py db_worker`).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env_str("SPOTCHECK_TASKS_BACKEND", "database")]
    }
}

# django-axes first: it refuses a locked-out login before any password is hashed. Roles answer
# Django's permission checks too (the audit trail's pages ask has_perm).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "spotcheck.accounts.backends.RoleBackend",
]

# Failed logins (django-axes, see README "Login lockouts"): after AXES_FAILURE_LIMIT failures for
# one account, or from one address, with less than AXES_COOLOFF_TIME between them, that account
# (address) is refused — even with the right password — until AXES_COOLOFF_TIME has passed since
# the last failure, or a system administrator lifts it (/accounts/lockouts/, manage.py
# unlock_login). Each lockout is one audit entry (spotcheck/accounts/lockouts.py).
AXES_FAILURE_LIMIT = env_int("SPOTCHECK_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("SPOTCHECK_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "spotcheck.core.net.client_ip"
AXES_USERNAME_CALLABLE = "spotcheck.accounts.lockouts.axes_username"
AXES_LOCKOUT_CALLABLE = "spotcheck.accounts.lockouts.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# A success does not clear the count: it would clear the address's too, so an attacker with an
# account of their own could interleave their logins with guesses at someone else's.
AXES_RESET_ON_SUCCESS = False
# Lockouts are lifted through the audited service, not by deleting rows in axes' admin.
AXES_ENABLE_ADMIN = False
# Successful logins are in the audit trail already; the failures count in AccessAttempt.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# The cache (the API's throttle counts live there): each process's memory unless
# SPOTCHECK_REDIS_URL names a Redis all workers share (README, Deploying).
_REDIS_URL = env_str("SPOTCHECK_REDIS_URL", "")
if _REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}}

# Requests per client to the API (DRF's "N/second|minute|hour|day"): anonymous clients by
# address, users and systems' tokens by account, counted in the cache above.
SPOTCHECK_API_THROTTLE_RATES = {
    "anon": env_str("SPOTCHECK_API_RATE_ANON", "60/minute"),
    "user": env_str("SPOTCHECK_API_RATE_USER", "600/minute"),
}

# The empty choice of a filter's select means "no filter": 全部, not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")

REST_FRAMEWORK = {
    # Departments' systems send their API token (Authorization: Bearer …); people use the API
    # from their session (with its CSRF token). No HTTP Basic: it skips CSRF and costs a password
    # hash per request. The token class is first: DRF answers an unauthenticated request with the
    # first class's challenge, 401 with WWW-Authenticate (SessionAuthentication has none: 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "spotcheck.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "spotcheck.core.api.AnonRateThrottle",
        "spotcheck.core.api.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": SPOTCHECK_API_THROTTLE_RATES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A service's ValidationError is a 400 with its messages: viewsets call services directly.
    "EXCEPTION_HANDLER": "spotcheck.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "spotcheck.core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Spotcheck 双随机、一公开 联合监管平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The staff API's schema and docs are for staff (the public open data will have its own).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Operation ids and tags from the path after the version.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" or "status"; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "InspectionObjectKindEnum": "spotcheck.directory.models.InspectionObject.Kind",
        "InspectionObjectStatusEnum": "spotcheck.directory.models.InspectionObject.Status",
        "ItemVersionStatusEnum": "spotcheck.catalog.models.ItemVersion.STATUS_CHOICES",
        "AnnualPlanKindEnum": "spotcheck.planning.models.AnnualPlan.Kind",
        "AnnualPlanStatusEnum": "spotcheck.planning.models.AnnualPlan.STATUS_CHOICES",
        "TaskKindEnum": "spotcheck.draws.models.Task.Kind",  # the same choices as PlanEntry.Kind
        "TaskStatusEnum": "spotcheck.draws.models.Task.Status",
        "CreditLevelEnum": "spotcheck.directory.models.InspectionObject.CreditLevel",
        "RiskLevelEnum": "spotcheck.directory.models.InspectionObject.RiskLevel",
        "AnnualReportEnum": "spotcheck.directory.models.InspectionObject.AnnualReport",
    },
    # open14: the open data API (/public/api/v1/) has its own schema; this one leaves it out.
    "PREPROCESSING_HOOKS": ["spotcheck.opendata.schema.staff_endpoints"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# The region this installation serves (GB/T 2260 code of the county or city).
SPOTCHECK_REGION_CODE = env_str("SPOTCHECK_REGION_CODE", "320481")
# An object file of at least this many rows (and at least as many as the directory holds) is
# written as a bulk load on PostgreSQL: much faster, but searches of the directory wait until
# the import is done.
SPOTCHECK_IMPORT_BULK_LOAD_ROWS = env_int("SPOTCHECK_IMPORT_BULK_LOAD_ROWS", 100_000)
# Limits of an import file, checked before it is read (spotcheck/imports/limits.py): an upload is
# cut off while it arrives once it passes the size; an xlsx is refused when its parts unpack to
# more than the total or one part unpacks more than the ratio (a "zip bomb"), or when its sheet
# declares or holds more rows or columns. The defaults fit a province's file of 10^6 objects
# (Excel's own sheet holds at most 1,048,576 rows).
SPOTCHECK_IMPORT_MAX_UPLOAD_BYTES = env_int("SPOTCHECK_IMPORT_MAX_UPLOAD_BYTES", 500 * 1024 * 1024)
SPOTCHECK_IMPORT_MAX_UNPACKED_BYTES = env_int("SPOTCHECK_IMPORT_MAX_UNPACKED_BYTES", 4 * 1024 * 1024 * 1024)
SPOTCHECK_IMPORT_MAX_COMPRESSION_RATIO = env_int("SPOTCHECK_IMPORT_MAX_COMPRESSION_RATIO", 100)
SPOTCHECK_IMPORT_MAX_ROWS = env_int("SPOTCHECK_IMPORT_MAX_ROWS", 1_048_575)
SPOTCHECK_IMPORT_MAX_COLUMNS = env_int("SPOTCHECK_IMPORT_MAX_COLUMNS", 200)
# An xlsx whose sheet XML is larger than this, or whose cells span a range (rows × columns from
# A1) larger than that, is read row by row in constant memory (imports/xlsx_stream.py) instead
# of by calamine, which holds the whole range (faster, but a worker needs about 32 bytes a cell
# plus the text; the benchmark's 10^5-row file stays with calamine).
SPOTCHECK_IMPORT_XLSX_STREAM_BYTES = env_int("SPOTCHECK_IMPORT_XLSX_STREAM_BYTES", 256 * 1024 * 1024)
SPOTCHECK_IMPORT_XLSX_STREAM_CELLS = env_int("SPOTCHECK_IMPORT_XLSX_STREAM_CELLS", 10_000_000)
# The stored file of a refused or failed import is deleted this many days after the import ended
# (manage.py purge_import_files); the job and the audit trail keep its name and SHA-256.
SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS = env_int("SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS", 30)
# An export of at most this many rows is written in the request and downloaded at once; a larger
# one runs as a background job with its progress shown (spotcheck/imports/export_jobs.py).
SPOTCHECK_EXPORT_INLINE_ROWS = env_int("SPOTCHECK_EXPORT_INLINE_ROWS", 2_000)
# The file of an export is deleted this many days after it was written (manage.py
# purge_import_files); the job and the audit trail keep its name and SHA-256.
SPOTCHECK_EXPORT_RETENTION_DAYS = env_int("SPOTCHECK_EXPORT_RETENTION_DAYS", 7)
# Freezing a task's pool on PostgreSQL from a directory of at least this many objects splits
# the work by ranges of public codes over SPOTCHECK_FREEZE_WORKERS extra database connections
# that share the freezing transaction's snapshot (see spotcheck/draws/pool_parallel.py).
SPOTCHECK_FREEZE_PARALLEL_ROWS = env_int("SPOTCHECK_FREEZE_PARALLEL_ROWS", 1_000_000)
SPOTCHECK_FREEZE_WORKERS = env_int("SPOTCHECK_FREEZE_WORKERS", 2)
# Freezing a pool of at least this many objects in scope, or drawing from one, runs as a
# background job (the page shows its progress) instead of in the operator's request.
SPOTCHECK_CEREMONY_JOB_OBJECTS = env_int("SPOTCHECK_CEREMONY_JOB_OBJECTS", 200_000)
# Disclosure deadlines in working days, counted from the day after (RULES.md, Disclosure;
# spotcheck/workdays): a result is public within this many days of being confirmed, and a
# revoked or corrected one is taken down or corrected within the second.
SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS = env_int("SPOTCHECK_RESULT_PUBLICATION_WORKING_DAYS", 20)
SPOTCHECK_CORRECTION_WORKING_DAYS = env_int("SPOTCHECK_CORRECTION_WORKING_DAYS", 5)
# (pub14) The daily job (manage.py publish_due_results) publishes a final result this many
# working days before its publication deadline, if the department has not published it by then;
# a negative number turns the job's publishing off (the departments publish by hand).
SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE = env_int("SPOTCHECK_AUTO_PUBLISH_WORKING_DAYS_BEFORE_DEADLINE", 2)

# 证据材料 (i13-evidence; issue 13, item 6). Evidence files are kept by content hash under
# SPOTCHECK_MEDIA_ROOT/evidence (the variable above, read once: MEDIA_ROOT is the same folder and
# no URL serves it), never deleted: back the folder up with the database (README, Deploying).
SPOTCHECK_MEDIA_ROOT = MEDIA_ROOT
SPOTCHECK_EVIDENCE_MAX_BYTES = env_int("SPOTCHECK_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# A photo over this many pixels is refused (a decompression bomb); Pillow is told the same.
SPOTCHECK_EVIDENCE_MAX_PIXELS = env_int("SPOTCHECK_EVIDENCE_MAX_PIXELS", 50_000_000)
# The browser scales a photo down to this longest side before sending it.
SPOTCHECK_EVIDENCE_PHOTO_MAX_SIDE = env_int("SPOTCHECK_EVIDENCE_PHOTO_MAX_SIDE", 2048)
# i13-deadlines (issue 13, items 10 and 12): the deadline dashboard and its reminders.
# A visit not yet done is "near its window's end" this many calendar days before the task's
# 检查截止日期 (the window is set in calendar dates); a result is "due soon" this many working
# days before its publication deadline.
SPOTCHECK_VISIT_WINDOW_WARNING_DAYS = env_int("SPOTCHECK_VISIT_WINDOW_WARNING_DAYS", 7)
SPOTCHECK_PUBLICATION_WARNING_WORKING_DAYS = env_int("SPOTCHECK_PUBLICATION_WARNING_WORKING_DAYS", 5)
# Reminders go to the inbox (/notices/); also by e-mail when this is on and the user has an
# address, through Django's EMAIL_* settings. SPOTCHECK_SITE_URL makes the mail's link absolute.
SPOTCHECK_NOTICE_EMAIL = env_bool("SPOTCHECK_NOTICE_EMAIL", False)
SPOTCHECK_SITE_URL = env_str("SPOTCHECK_SITE_URL", "")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "spotcheck@localhost")
# 检查码, 到场登记, 企业评价/投诉 (issue 13, item 3; i13-code).
# The public address the QR of a 检查码 points to ("https://host", no trailing slash); empty: the
# address the staff page was requested on.
SPOTCHECK_PUBLIC_BASE_URL = env_str("SPOTCHECK_PUBLIC_BASE_URL", "").rstrip("/")
# Enterprises' feedback on the public page, without login: at most this many submissions per
# client address per hour (counted in the cache), and this many per visit in all.
SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR = env_int("SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR", 5)
SPOTCHECK_FEEDBACK_PER_VISIT = env_int("SPOTCHECK_FEEDBACK_PER_VISIT", 20)
# The longest complaint (characters).
SPOTCHECK_FEEDBACK_MAX_CHARS = env_int("SPOTCHECK_FEEDBACK_MAX_CHARS", 1000)
# --- results (issue 13, items 5, 7, 8; i13-results) ---
# A result is complete when this many certified officers of the team (执法证 valid on the day),
# the one who saved it among them, confirmed its current revision (RULES.md: at least 2).
SPOTCHECK_RESULT_CONFIRMATIONS = env_int("SPOTCHECK_RESULT_CONFIRMATIONS", 2)
# The largest server draft of a result form kept (bytes of its JSON); a bigger one is refused.
SPOTCHECK_RESULT_DRAFT_MAX_BYTES = env_int("SPOTCHECK_RESULT_DRAFT_MAX_BYTES", 256 * 1024)
# --- i13-onsite: 无事不扰, the yearly cap on on-site inspections of one object by one body
# (RULES.md, "Yearly cap"; Zhejiang's 2 as the default; the coordinator may set a department's
# own, spotcheck/draws/onsite.py). 0: no cap unless a department has its own.
SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR = env_int("SPOTCHECK_ONSITE_INSPECTIONS_PER_YEAR", 2)
# ---- 后续处置 (issue 13, item 9; i13-followups)
# An open follow-up older than this many days is listed as overdue (a 责令改正 also once its due
# date has passed without a re-check); the follow-up list shows the number.
SPOTCHECK_FOLLOWUP_OVERDUE_DAYS = env_int("SPOTCHECK_FOLLOWUP_OVERDUE_DAYS", 30)
# A re-check (复查) of a 责令改正 is an inspection like any other: at least this many certified
# enforcement officers of the department's roster (RULES.md, "Before the visit").
SPOTCHECK_RECHECK_MIN_OFFICERS = env_int("SPOTCHECK_RECHECK_MIN_OFFICERS", 2)
# ---- (verify14) verifying a draw record in the visitor's browser (issue 14, item 5): the
# largest record the portal's in-browser verifier reads (bytes); a larger one is left to the
# downloadable verify_draw.py, and the page says so.
SPOTCHECK_VERIFY_IN_BROWSER_MAX_BYTES = env_int("SPOTCHECK_VERIFY_IN_BROWSER_MAX_BYTES", 64 * 1024 * 1024)
# ---- 企业说明/异议 and 投诉答复 (issue 14, item 4; voice14)
# An enterprise's statement or objection to a published result, without login (proved by the
# visit's 检查码): at most this many submissions (and wrong codes) per client address per hour
# (counted in the cache), this many per result in all, and this many characters; the longest
# answer to a complaint is the same.
SPOTCHECK_REPLY_PER_IP_PER_HOUR = env_int("SPOTCHECK_REPLY_PER_IP_PER_HOUR", 5)
SPOTCHECK_REPLY_PER_RESULT = env_int("SPOTCHECK_REPLY_PER_RESULT", 5)
SPOTCHECK_REPLY_MAX_CHARS = env_int("SPOTCHECK_REPLY_MAX_CHARS", 1000)
# ---- (bulk14) open data (issue 14, item 6): the bulk files' folder (empty: opendata/ in
# SPOTCHECK_MEDIA_ROOT), the licence shown on /public/data/ and in every file and the manifest,
# and the authority of the Atom entries' tag: URIs (set it once to the portal's domain name and
# never change it: feed readers know entries by these ids).
SPOTCHECK_BULK_ROOT = env_str("SPOTCHECK_BULK_ROOT", "")
SPOTCHECK_OPEN_DATA_LICENCE = env_str(
    "SPOTCHECK_OPEN_DATA_LICENCE",
    # The same text as spotcheck/bulkdata/licence.py (which puts it in the message catalogue).
    "本数据按知识共享署名 4.0 国际许可协议（CC BY 4.0）开放：可以自由复制、分发、改编和用于商业目的，须注明来源。",
)
SPOTCHECK_OPEN_DATA_LICENCE_URL = env_str(
    "SPOTCHECK_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/legalcode.zh-hans"
)
SPOTCHECK_FEED_TAG_AUTHORITY = env_str("SPOTCHECK_FEED_TAG_AUTHORITY", "spotcheck.invalid")
# ---- (portal14) The portal at `/` and on host names of its own (issue 14, item 2): a request
# whose Host is one of these gets only the portal (spotcheck/urls_portal.py; the login page, the
# admin site and the staff API are 404 there). Each must also be in DJANGO_ALLOWED_HOSTS.
SPOTCHECK_PORTAL_HOSTS = [h.lower() for h in env_list("SPOTCHECK_PORTAL_HOSTS", [])]
_portal_hosts_not_allowed = [h for h in SPOTCHECK_PORTAL_HOSTS if not validate_host(h, ALLOWED_HOSTS)]
if _portal_hosts_not_allowed:
    raise ImproperlyConfigured(
        f"SPOTCHECK_PORTAL_HOSTS names {', '.join(_portal_hosts_not_allowed)}, which DJANGO_ALLOWED_HOSTS "
        "does not: add the portal's host names there too (README, Deploying)."
    )

# open14: requests per client address to the open data API (/public/api/v1/), DRF's
# "N/second|minute|hour|day"; more get a 429 with Retry-After.
SPOTCHECK_OPENDATA_RATE = env_str("SPOTCHECK_OPENDATA_RATE", "120/minute")

# load14: how long a portal page computed for an anonymous visitor is served to the next ones
# (spotcheck/portal/page_cache.py); any audited change drops every kept page at once. 0: off.
SPOTCHECK_PORTAL_CACHE_SECONDS = env_int("SPOTCHECK_PORTAL_CACHE_SECONDS", 60)
