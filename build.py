#!/usr/bin/env python3
"""peacetalks command line: `python build.py --help`. The logic lives in peacetalks/."""

import sys

from peacetalks.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
