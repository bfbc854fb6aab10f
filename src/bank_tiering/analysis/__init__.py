"""Figures over one scope's customers (METHODOLOGY.md §15), computed in SQL on the serving
file's marts — one piece of SQL per figure, shared by the dashboard
(:mod:`bank_tiering.dashboard.queries`) and the monthly report (:mod:`bank_tiering.report`).

* :mod:`~bank_tiering.analysis.scoped` — the scoped relations every query runs on
  (``segment``, ``worklist``, ``contribution``, ``managers``, ``loaded_periods``), the
  filters (period, branch, market) and :func:`~bank_tiering.analysis.scoped.run`;
* :mod:`~bank_tiering.analysis.flows` — tier flows (§8) with the split of lost and gained
  customers by cause (the rules of ``mart_tier_flows``);
* :mod:`~bank_tiering.analysis.pareto` — contribution concentration (二八分析, the rule of
  ``mart_contribution_pareto``) with the loss-making customers;
* :mod:`~bank_tiering.analysis.profiles` — segment profiles (客群画像, the rule of
  ``mart_segment_profile``);
* :mod:`~bank_tiering.analysis.trends` — each tier month by month (customers, AUM,
  contribution, cost-to-income ratio: the semantic layer's metrics).

The flow, Pareto and profile marts are bank-wide (no branch, no RM); these modules apply
the marts' own rules to the scope's customer-months, so for the bank scope they equal the
marts (tested) and for a branch or an RM they are the same definitions over its customers.
No module here names a mart: only :func:`~bank_tiering.analysis.scoped.scoped_sql` does.
"""
