"""``python -m dae``: print the recorded results, or write them into the README (see ``dae.report``)."""

from .report import main

main()
