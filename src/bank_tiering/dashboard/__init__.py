"""The tiering dashboard (INTERFACES.md §4): Streamlit + Altair, read-only on the serving file.

``bank-tiering dashboard [--port 8501]`` serves :mod:`bank_tiering.dashboard.app` in the
sign-in mode of ``BANK_TIERING_DASHBOARD_AUTH`` (:mod:`bank_tiering.dashboard.server`).
Every run signs the user in first (:mod:`bank_tiering.dashboard.auth`: the users file,
single sign-on, or local analysis mode; METHODOLOGY.md §15) and every query runs within the
user's scope (:mod:`bank_tiering.dashboard.queries`: the scope is in the SQL). Every page
run opens the serving file read-only, queries the marts and closes it again, so a newly
published file is seen on the next run. Pages read only the marts (and the parameter
seeds: the lines a chart draws, the worklists' ratios, labels and order from code_labels),
never an intermediate model. Tier governance and the RM owner (METHODOLOGY.md §10–11, §14)
are part of the mart contract (INTERFACES.md §3): a serving file without them gets one
message (``queries.CONTRACT``). Tables a user acts on download as CSV and Excel
(:mod:`bank_tiering.dashboard.downloads`), each download in the access log.
"""
