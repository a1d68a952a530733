"""The build's forkserver imports this once, so every worker forks with the renderer loaded.

Importing it is its purpose: it loads papermill and nbconvert and compiles the HTML template.
Nothing else imports it.
"""

import sys

from warclaims.interrupts import ignore_sigint, quiet

# First, because the workers forked from here inherit it: Ctrl-C is the build's (the forkserver
# started with it blocked), and nothing is written on the build's terminal.
ignore_sigint()
quiet()

# jsonschema imports rfc3987_syntax, when installed, for its "iri" formats; building that
# package's grammar takes about 0.9 s per process, and no notebook schema uses those formats.
# Build workers go without it (jsonschema treats the checker as unavailable).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import psutil  # noqa: E402, F401  (a worker stopped by SIGTERM finds its kernels with it: loaded once, here)

from warclaims.reports.render import warm  # noqa: E402

warm()
