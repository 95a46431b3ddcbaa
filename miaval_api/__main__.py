"""``python -m miaval_api``: see miaval_api/cli.py."""

import sys

from miaval_api.cli import main

sys.exit(main())
