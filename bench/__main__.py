"""`python -m bench` (or `make bench`): time the pipeline on synthetic records. See bench/run.py."""

from __future__ import annotations

import sys

from bench.run import main

sys.exit(main())
