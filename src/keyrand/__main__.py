"""``python -m keyrand``: the ``keyrand`` command."""

import sys

from .cli import main

sys.exit(main())
