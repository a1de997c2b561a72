"""``python -m dae.bench``: runs :func:`dae.bench.cli.main` (see ``--help``)."""

from .cli import main

main()
