"""``python -m dae``: print the recorded results, or write them into the README (see ``dae.results``)."""

from .results import main

main()
