"""The tiering dashboard (INTERFACES.md §4): Streamlit + Altair, read-only on the serving file.

``bank-tiering dashboard [--port 8501]`` serves :mod:`bank_tiering.dashboard.app` on
127.0.0.1. Every page run opens the serving file read-only, queries the marts
(:mod:`bank_tiering.dashboard.queries`) and closes it again, so a newly published file is
seen on the next run. Pages read only the marts (and the parameter seeds: the lines a
chart draws, the worklists' ratios, labels and order from code_labels), never an
intermediate model. Tier governance (METHODOLOGY.md §10–11) is part of the mart contract
(INTERFACES.md §3): a serving file without it gets one message (``queries.CONTRACT``).
"""
