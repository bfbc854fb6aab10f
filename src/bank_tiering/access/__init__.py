"""Who may see what (METHODOLOGY.md §15): users, sign-in, scopes and the access log.

* :mod:`~bank_tiering.access.settings` — the environment variables (INTERFACES.md §4):
  the users file, the access log, the dashboard's sign-in mode and the OIDC settings.
* :mod:`~bank_tiering.access.scope` — a user's scope (``bank``, ``branch``, ``rm``).
* :mod:`~bank_tiering.access.users` — the users file (YAML, argon2id hashes, written
  atomically with 0600 permissions) and the password policy.
* :mod:`~bank_tiering.access.log` — the append-only access log (one JSON line per event).
* :mod:`~bank_tiering.access.signin` — password sign-in, the lock after five failures in a
  row (derived from the access log) and the idle limit.
* :mod:`~bank_tiering.access.commands` — ``bank-tiering users add|passwd|disable|list``.
* :mod:`~bank_tiering.access.demo` — the demo users ``make run`` creates on the sample.

Nothing here imports Streamlit: the dashboard (:mod:`bank_tiering.dashboard.auth`) draws the
forms and keeps the session; the rules live here and are tested without a browser.
"""
