"""SNS queries, one module per kind of record; the only SQL of SNS.

- topics.py: topics, tags, subscriptions (and the unsubscribed kept for their token), data
  keys, FIFO deduplication, the message archive of FIFO topics;
- delivery.py: the delivery log (and outbox), the signing key, the HTTP/HTTPS requests
  waiting for an attempt;
- records.py: platform applications and endpoints, SMS settings, the SMS sandbox, opt-outs;
- rows.py: the row helpers they share (JSON columns decoded on the way out).

Rows come back as plain dicts keyed by column name, with JSON columns decoded. Tables are
created by migrations/0004_sns.sql, 0005_sns_records.sql and 0006_sns_delivery.sql; every
query is scoped by (account, region) or by an ARN (which names both).
"""
