"""``python -m lstmkit``: the ``lstmkit`` command."""

import sys

from lstmkit.cli import main

sys.exit(main())
