"""``python -m custodiet`` runs the command line."""

from custodiet.cli import main

raise SystemExit(main())
