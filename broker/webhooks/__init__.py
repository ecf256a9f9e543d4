"""Webhooks: templates, target policy, the durable outbox and the background worker that delivers it.

``broker.services.webhooks`` (definitions, test execution, triggered webhooks),
``broker.services.webhook_events`` (events -> outbox rows, ``${pactbroker.*}`` values) and
``broker.services.webhook_delivery`` (the delivery job) hold the queries and decisions; this package
holds the machinery they use:

``templates``  ``${pactbroker.*}`` placeholder substitution (URL values form-escaped).
``targets``    the allow-list policy: schemes, methods, hosts/CIDRs, private/loopback refusal.
``redaction``  hides passwords and Authorization/token headers in bodies and logs.
``secrets``    encrypts those credentials at rest when ``TETHER_WEBHOOK_SECRET_KEY`` is set.
``delivery``   sends one rendered request with httpx and writes the attempt's log text.
``outbox``     claims due rows safely across processes (``FOR UPDATE SKIP LOCKED`` / atomic UPDATE).
``worker``     the per-process background thread that runs the outbox and other due jobs.
``config``     ``WebhookSettings``: retry schedule, lease, timeouts, poll interval.
"""
