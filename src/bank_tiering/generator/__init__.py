"""Vectorised sample-data generator for the raw landing contract (INTERFACES.md §2).

The generator writes a believable Chinese bank: retail customers in every AUM tier,
corporate customers in every tier (strategic groups, large, medium, small, with and
without loans, real-estate and emerging-market firms), institutions, foreign-currency
accounts with weekday-only FX fixings, rating changes, an FTP curve change inside the
window, dormant and churned customers and prospects, manual tier overrides, the
relationship managers with their books (assignments, re-assignments, leavers) and their
contact logs, and early-warning stories: money leaving before a drop, false alarms,
lapses, low satisfaction.

Design rules:

* Everything is NumPy / PyArrow vectorised; the only Python loops run over months,
  products or currencies, never over rows.
* Randomness comes from independent streams (:func:`helpers.stream`, one stream id per
  part). The customer and account universe depends only on ``(seed, customers,
  start_month)``, and month ``m`` of balances, transactions and fees only on the
  universe and months ``0..m``, so :func:`append_month` equals a full run.
* Dependencies run one way: :mod:`.orchestration` imports the parts, no part imports
  it (``tests/python/test_generator.py`` checks the import graph).

Modules:

* :mod:`.schema` — tables, columns and types of the landing contract;
  :mod:`.codes` — code lists; :mod:`.helpers` — streams, dates, ids, Arrow arrays;
  :mod:`.names` — Chinese names, ID numbers, credit codes, phones.
* :mod:`.customers`, :mod:`.accounts` — the universe; :mod:`.balances`,
  :mod:`.transactions` (and fees) — month by month; :mod:`.reference` — FTP, FX,
  ratings, surveys, prospects; :mod:`.overrides` — the optional ``tier_overrides``;
  :mod:`.rms` (with :mod:`.rm_bad_rows`) — the optional pair ``relationship_managers`` /
  ``customer_assignments``.
* :mod:`.bad_rows` (with :mod:`.bad_row_injector`, :mod:`.bad_row_recipes`) — bad rows
  of every quarantine reason; :mod:`.manifest` — their ground truth.
* :mod:`.orchestration` — :func:`generate` and :func:`append_month`.
"""

from bank_tiering.generator.accounts import Accounts, generate_accounts
from bank_tiering.generator.bad_row_injector import REASONS, RECORD_KEYS
from bank_tiering.generator.bad_rows import inject_bad_rows
from bank_tiering.generator.contacts import write_contacts
from bank_tiering.generator.customers import Customers, generate_customers
from bank_tiering.generator.episodes import Episodes, plan_episodes
from bank_tiering.generator.helpers import balance_partition_name
from bank_tiering.generator.manifest import MANIFEST_NAME, expected_quarantine, load_manifest
from bank_tiering.generator.orchestration import append_month, generate
from bank_tiering.generator.overrides import OVERRIDE_REASONS, write_tier_overrides
from bank_tiering.generator.rms import write_relationship_managers
from bank_tiering.generator.schema import BALANCE_LAYOUTS, CONTRACT, TABLES

__all__ = [
    "BALANCE_LAYOUTS", "CONTRACT", "MANIFEST_NAME", "OVERRIDE_REASONS", "REASONS",
    "RECORD_KEYS", "TABLES", "Accounts", "Customers", "Episodes", "append_month",
    "balance_partition_name", "expected_quarantine", "generate", "generate_accounts",
    "generate_customers", "inject_bad_rows", "load_manifest", "plan_episodes",
    "write_contacts", "write_relationship_managers", "write_tier_overrides",
]
