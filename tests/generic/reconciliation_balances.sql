{# Fails for every raw table where raw_rows != clean_rows + quarantined_rows. #}
{% test reconciliation_balances(model) %}
    select *
    from {{ model }}
    where raw_rows != clean_rows + quarantined_rows
{% endtest %}
