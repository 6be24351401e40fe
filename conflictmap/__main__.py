"""Run the command line: ``python -m conflictmap``."""

from conflictmap.geo.cli import main

raise SystemExit(main())
