"""Webhooks: templates, target policy, the durable outbox and the background worker that delivers it.

``broker.services.webhooks`` holds the queries and decisions (definitions, event subscription,
triggered-webhook bookkeeping); this package holds the machinery it uses:

``templates``  ``${pactbroker.*}`` placeholder substitution (URL values form-escaped).
``targets``    the allow-list policy: schemes, methods, hosts/CIDRs, private/loopback refusal.
``redaction``  hides passwords and Authorization/token headers in bodies and logs.
``delivery``   sends one rendered request with httpx and writes the attempt's log text.
``outbox``     claims due rows safely across processes (``FOR UPDATE SKIP LOCKED`` / atomic UPDATE).
``worker``     the per-process background thread that runs the outbox and other due jobs.
``config``     ``WebhookSettings``: retry schedule, lease, timeouts, poll interval.
"""
